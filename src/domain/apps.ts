import crypto from 'node:crypto';
import type { AppRow, TokenRow } from '../store/repos/apps.js';
import type { Store } from '../store/store.js';
import { isoDate, unixNow } from '../util/time.js';
import type { AuthContext } from './auth.js';
import { ApiError, Errors } from './errors.js';
import { type Platform, portalDomain, restEndpoint } from './platform.js';
import { expandScopes, storeScopes, unknownScopes } from './scopes.js';
import { hashToken, randomHex, randomToken, safeEqual } from './secrets.js';
import { requireUser } from './users.js';

/** Errors of the authorization server (settings/oauth/error-codes.md); the protocol layer gives them their statuses. */
export const OAuthErrors = {
  invalidRequest: (why: string) => new ApiError('invalid_request', why),
  invalidClient: () => new ApiError('invalid_client', 'Invalid client credentials'),
  invalidGrant: (why = 'Invalid authorization data') => new ApiError('invalid_grant', why),
  unsupportedGrant: () => new ApiError('unsupported_grant_type', 'Unsupported grant type'),
};

const CODE_TTL = 30; // settings/oauth/index.md: "The lifetime of the authorization code `code` is 30 seconds"

export interface NewApp {
  name: string;
  handlerUrl?: string;
  scopes: string[] | 'all';
  code?: string;
}

export async function createApp(store: Store, p: Platform, input: NewApp): Promise<{ app: AppRow; clientSecret: string }> {
  const scopes = storeScopes(input.scopes);
  const bad = unknownScopes(expandScopes(scopes));
  if (bad.length) throw new ApiError('WRONG_SCOPE', `Unknown scope: ${bad.join(', ')}`);
  if (input.handlerUrl) assertHttpUrl(input.handlerUrl);
  // Local applications look like `local.5c8bb1b0891cf2.87252039` on Bitrix24.
  const clientId = `local.${randomHex(7)}.${String(crypto.randomInt(10_000_000, 99_999_999))}`;
  const clientSecret = mixedCaseToken(50);
  const app = await store.apps.insert({
    client_id: clientId,
    client_secret_hash: hashToken(clientSecret),
    code: input.code ?? clientId,
    name: input.name,
    handler_url: input.handlerUrl ?? '',
    scopes,
    application_token_sealed: p.box.seal(randomHex(16)),
    created_at: isoDate(),
  });
  return { app, clientSecret };
}

function mixedCaseToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function assertHttpUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ApiError('ERROR_WRONG_HANDLER_URL', 'Wrong handler URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ApiError('ERROR_UNSUPPORTED_PROTOCOL', 'Unsupported handler protocol');
  }
  if (!u.hostname) throw new ApiError('ERROR_WRONG_HANDLER_URL', 'Wrong handler URL');
}

export async function findApp(store: Store, ref: string): Promise<AppRow> {
  const app = /^\d+$/.test(ref) ? await store.apps.byId(Number(ref)) : await store.apps.byClientId(ref);
  if (!app) throw new ApiError('APPLICATION_NOT_FOUND', 'Application not found');
  return app;
}

export const applicationToken = (p: Platform, app: AppRow) => p.box.open(app.application_token_sealed);

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  row: TokenRow;
}

export async function issueTokens(p: Platform, app: AppRow, userId: number): Promise<IssuedTokens> {
  const now = unixNow();
  const accessToken = randomToken(32);
  const refreshToken = randomToken(32);
  const row = await p.store.tokens.insert({
    app_id: app.id,
    user_id: userId,
    access_hash: hashToken(accessToken),
    refresh_hash: hashToken(refreshToken),
    scopes: app.scopes,
    access_expires: now + p.config.accessTokenTtl,
    refresh_expires: now + p.config.refreshTokenTtl,
    created_at: isoDate(),
  });
  return { accessToken, refreshToken, row };
}

/** The token set as /oauth/token/ returns it and as events carry it in `auth[…]`. */
export function tokenPayload(p: Platform, app: AppRow, t: IssuedTokens) {
  return {
    access_token: t.accessToken,
    expires: t.row.access_expires,
    expires_in: p.config.accessTokenTtl,
    scope: expandScopes(app.scopes).join(','),
    domain: portalDomain(p),
    server_endpoint: restEndpoint(p),
    status: app.status,
    client_endpoint: restEndpoint(p),
    member_id: p.memberId,
    user_id: t.row.user_id,
    refresh_token: t.refreshToken,
  };
}

export async function markInstalled(p: Platform, app: AppRow): Promise<AppRow> {
  await p.store.apps.update(app.id, { installed: 1 });
  return { ...app, installed: 1 };
}

/** `/oauth/authorize/`: the portal user grants the application a one-time code. */
export async function authorizeCode(p: Platform, clientId: string, userId: number): Promise<{ app: AppRow; code: string }> {
  const app = await p.store.apps.byClientId(clientId);
  if (!app || !app.active) throw OAuthErrors.invalidClient();
  if (!app.installed) throw new ApiError('APPLICATION_NOT_INSTALLED', 'Application is not installed');
  await requireUser(p.store, userId);
  const code = randomToken(32);
  await p.store.tokens.insertCode({ code_hash: hashToken(code), app_id: app.id, user_id: userId, expires: unixNow() + CODE_TTL });
  return { app, code };
}

async function authenticateClient(p: Platform, clientId?: string, clientSecret?: string): Promise<AppRow> {
  if (!clientId) throw OAuthErrors.invalidRequest('client_id is required');
  const app = await p.store.apps.byClientId(clientId);
  if (!app || !app.active || !clientSecret || !safeEqual(hashToken(clientSecret), app.client_secret_hash)) {
    throw OAuthErrors.invalidClient();
  }
  if (!app.installed) throw OAuthErrors.invalidClient();
  return app;
}

export interface TokenRequest {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  code?: string;
  refresh_token?: string;
}

export async function grantTokens(p: Platform, req: TokenRequest) {
  if (!req.grant_type) throw OAuthErrors.invalidRequest('grant_type is required');
  if (req.grant_type !== 'authorization_code' && req.grant_type !== 'refresh_token') throw OAuthErrors.unsupportedGrant();
  const app = await authenticateClient(p, req.client_id, req.client_secret);
  const now = unixNow();
  if (req.grant_type === 'authorization_code') {
    if (!req.code) throw OAuthErrors.invalidRequest('code is required');
    const code = await p.store.tokens.takeCode(hashToken(req.code));
    if (!code || code.app_id !== app.id || code.expires < now) throw OAuthErrors.invalidGrant('Invalid authorization code');
    return tokenPayload(p, app, await issueTokens(p, app, code.user_id));
  }
  if (!req.refresh_token) throw OAuthErrors.invalidRequest('refresh_token is required');
  const old = await p.store.tokens.byRefreshHash(hashToken(req.refresh_token));
  if (!old || old.app_id !== app.id || old.refresh_expires < now) throw OAuthErrors.invalidGrant('Invalid refresh token');
  await p.store.tokens.retireRefresh(old.id);
  return tokenPayload(p, app, await issueTokens(p, app, old.user_id));
}

/** Resolves `auth=<access_token>` to the caller, with the checks and codes of Rest\OAuth\Auth::onRestCheckAuth. */
export async function resolveAccessToken(p: Platform, token: string): Promise<AuthContext> {
  const row = await p.store.tokens.byAccessHash(hashToken(token));
  if (!row) throw Errors.noAuth();
  const app = await p.store.apps.byId(row.app_id);
  if (!app || !app.active || !app.installed) throw new ApiError('APPLICATION_NOT_FOUND', 'Application not found');
  if (row.access_expires <= unixNow()) throw Errors.expiredToken();
  const user = await p.store.users.byId(row.user_id);
  if (!user || !user.active) throw new ApiError('authorization_error', 'Unable to authorize user');
  return {
    type: 'oauth',
    userId: user.id,
    isAdmin: !!user.is_admin,
    scopes: expandScopes(row.scopes),
    app: { id: app.id, clientId: app.client_id, code: app.code },
    credential: token,
    limiterKey: `app:${app.client_id}`,
  };
}
