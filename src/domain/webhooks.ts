import type { Store } from '../store/store.js';
import type { WebhookRow } from '../store/repos/webhooks.js';
import { credentialsVersion } from '../store/credentials-version.js';
import { ApiError, Errors } from './errors.js';
import { hashToken, randomToken, safeEqual, type SecretBox } from './secrets.js';
import { expandScopes, storeScopes, unknownScopes } from './scopes.js';
import { requireUser } from './users.js';
import { isoDate } from '../util/time.js';

export interface CreatedWebhook {
  row: WebhookRow;
  secret: string;
}

export async function createWebhook(
  store: Store,
  box: SecretBox,
  input: { userId: number; scopes: string[] | 'all'; secret?: string; title?: string },
): Promise<CreatedWebhook> {
  await requireUser(store, input.userId);
  const scopes = storeScopes(input.scopes);
  const bad = unknownScopes(expandScopes(scopes));
  if (bad.length) throw new ApiError('WRONG_SCOPE', `Unknown scope: ${bad.join(', ')}`);
  const secret = input.secret ?? randomToken(16);
  if (!/^[A-Za-z0-9_-]{4,128}$/.test(secret)) {
    throw new ApiError('WRONG_WEBHOOK_TOKEN', 'A webhook secret is 4-128 characters of letters, digits, _ and -');
  }
  if (await store.webhooks.byHash(hashToken(secret))) {
    throw new ApiError('WEBHOOK_EXISTS', 'A webhook with this secret already exists');
  }
  const row = await store.webhooks.insert({
    user_id: input.userId,
    secret_hash: hashToken(secret),
    secret_sealed: box.seal(secret),
    scopes,
    title: input.title ?? '',
    created_at: isoDate(),
  });
  return { row, secret };
}

interface ResolvedWebhook {
  webhook: WebhookRow;
  userId: number;
  isAdmin: boolean;
}

/**
 * Webhook calls resolved before, per database and `{user}/{secret}` pair. An entry holds only while no
 * user or webhook has been written since it was filled (credentialsVersion); failures are never kept.
 */
const resolvedCache = new WeakMap<object, Map<string, { version: number; resolved: ResolvedWebhook }>>();
const RESOLVED_CACHE_SIZE = 10_000;

/** `/rest/{user}/{secret}/`: the user part is a numeric id or a login, as in Bitrix (APAuth\Auth::check). */
export async function resolveWebhook(store: Store, userPart: string, secret: string): Promise<ResolvedWebhook> {
  let cache = resolvedCache.get(store.db);
  if (!cache) resolvedCache.set(store.db, (cache = new Map()));
  const key = `${userPart}/${secret}`;
  const version = credentialsVersion();
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.resolved;
  const webhook = await store.webhooks.byHash(hashToken(secret));
  if (!webhook || !webhook.active) throw Errors.invalidCredentials();
  const user = /^\d+$/.test(userPart)
    ? await store.users.byId(Number(userPart))
    : await store.users.byLogin(userPart);
  if (!user || !user.active || user.id !== webhook.user_id) throw Errors.invalidCredentials();
  const resolved = { webhook, userId: user.id, isAdmin: !!user.is_admin };
  if (cache.size >= RESOLVED_CACHE_SIZE) cache.clear();
  cache.set(key, { version, resolved });
  return resolved;
}

export function webhookSecret(box: SecretBox, row: WebhookRow): string {
  return box.open(row.secret_sealed);
}

export function webhookMatches(box: SecretBox, row: WebhookRow, secret: string): boolean {
  return safeEqual(webhookSecret(box, row), secret);
}
