import type { Store } from '../store/store.js';
import type { UserRow } from '../store/repos/users.js';
import { isoDate, unixNow } from '../util/time.js';
import type { AuthContext } from './auth.js';
import { ApiError } from './errors.js';
import { KNOWN_SCOPES } from './scopes.js';
import { hashToken, randomToken, safeEqual, verifyPassword } from './secrets.js';

/** A browser session lasts a week (sliding is not needed for a local developer tool). */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;
/** A one-time sign-in link is good for a day. */
export const LOGIN_LINK_TTL_SECONDS = 24 * 3600;
export const SESSION_COOKIE = 'imbot_sid';

export const SessionErrors = {
  badLogin: () => new ApiError('INVALID_CREDENTIALS', 'Wrong login or password'),
  badLink: () => new ApiError('INVALID_CREDENTIALS', 'This sign-in link is unknown, used or expired'),
  /** Bitrix's session auth (rest/lib/sessionauth/auth.php) answers a missing or wrong sessid this way. */
  csrf: (sessid: string) => new ApiError('session_failed', 'Sessid check failed', { additional: { sessid } }),
};

export interface WebSession {
  token: string;
  csrf: string;
  user: UserRow;
}

async function openSession(store: Store, user: UserRow): Promise<WebSession> {
  const token = randomToken(48);
  const csrf = randomToken(32);
  await store.webSessions.insert({ token_hash: hashToken(token), user_id: user.id, csrf, expires: unixNow() + SESSION_TTL_SECONDS, created_at: isoDate() });
  await store.users.update(user.id, { last_login_at: isoDate() });
  return { token, csrf, user };
}

/** Sign-in with the password of `imbot-server user add --password` (login or e-mail). */
export async function signInWithPassword(store: Store, login: string, password: string): Promise<WebSession> {
  const user = (await store.users.byLogin(login)) ?? (await store.users.list()).find((u) => u.email && u.email === login);
  if (!user || !user.active || !verifyPassword(password, user.password_hash)) throw SessionErrors.badLogin();
  return openSession(store, user);
}

/** A one-time sign-in link's token for `userId`; only its hash is stored. */
export async function createLoginLink(store: Store, userId: number): Promise<string> {
  const user = await store.users.byId(userId);
  if (!user) throw new ApiError('USER_NOT_FOUND', `User ${userId} not found`);
  const token = randomToken(40);
  await store.webSessions.addLink({ token_hash: hashToken(token), user_id: userId, expires: unixNow() + LOGIN_LINK_TTL_SECONDS, created_at: isoDate() });
  return token;
}

export const loginLinkPath = (token: string) => `/_web/login/${token}`;

export async function signInWithLink(store: Store, token: string): Promise<WebSession> {
  const link = await store.webSessions.takeLink(hashToken(token));
  if (!link || link.expires < unixNow()) throw SessionErrors.badLink();
  const user = await store.users.byId(link.user_id);
  if (!user || !user.active) throw SessionErrors.badLink();
  return openSession(store, user);
}

export interface ResolvedSession {
  id: number;
  tokenHash: string;
  csrf: string;
  user: UserRow;
}

/** The session a cookie names, or undefined (unknown, expired or its user deactivated). */
export async function findSession(store: Store, token: string | undefined): Promise<ResolvedSession | undefined> {
  if (!token) return undefined;
  const tokenHash = hashToken(token);
  const row = await store.webSessions.byHash(tokenHash);
  if (!row || row.expires < unixNow()) return undefined;
  const user = await store.users.byId(row.user_id);
  if (!user || !user.active) return undefined;
  return { id: row.id, tokenHash, csrf: row.csrf, user };
}

export const signOut = (store: Store, s: ResolvedSession) => store.webSessions.delete(s.tokenHash);

/** The caller of a REST call made by the web messenger: the signed-in person, with every scope a person has. */
export function sessionAuth(s: ResolvedSession, sentCsrf: string | undefined): AuthContext {
  if (!sentCsrf || !safeEqual(sentCsrf, s.csrf)) throw SessionErrors.csrf(s.csrf);
  return {
    type: 'session',
    userId: s.user.id,
    isAdmin: !!s.user.is_admin,
    scopes: [...KNOWN_SCOPES],
    credential: '',
    sessionId: s.id,
    limiterKey: `session:${s.id}`,
  };
}

/** The value of one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
