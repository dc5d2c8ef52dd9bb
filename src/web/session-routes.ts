import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, isApiError } from '../domain/errors.js';
import type { Platform } from '../domain/platform.js';
import {
  cookieValue,
  findSession,
  type ResolvedSession,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  SessionErrors,
  signInWithLink,
  signInWithPassword,
  signOut,
  type WebSession,
} from '../domain/sessions.js';
import { safeEqual } from '../domain/secrets.js';
import { fullName } from '../domain/users.js';
import { errorBody, statusOf } from '../http/error-status.js';
import type { UserRow } from '../store/repos/users.js';

const cookie = (req: FastifyRequest, value: string, maxAge: number) =>
  [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`, ...(req.protocol === 'https' ? ['Secure'] : [])].join('; ');

/** What the page needs to know about who it is. */
export const meView = (u: UserRow, csrf: string) => ({
  user: { id: u.id, name: fullName(u), firstName: u.name, lastName: u.last_name, login: u.login, isAdmin: !!u.is_admin, language: u.language_id || 'en' },
  csrf,
});

function signedIn(req: FastifyRequest, reply: FastifyReply, s: WebSession) {
  reply.header('set-cookie', cookie(req, s.token, SESSION_TTL_SECONDS));
  return meView(s.user, s.csrf);
}

export function sendApiError(reply: FastifyReply, e: unknown) {
  if (!isApiError(e)) throw e;
  return reply.code(statusOf(e)).send(errorBody(e));
}

export const noSession = () => new ApiError('NO_AUTH_FOUND', 'Sign in first');

/** The signed-in session of a /_web request; with `csrf`, the X-Bitrix-Csrf-Token header must match it. */
export async function requireSession(p: Platform, req: FastifyRequest, csrf: boolean): Promise<ResolvedSession> {
  const s = await findSession(p.store, cookieValue(req.headers.cookie, SESSION_COOKIE));
  if (!s) throw noSession();
  if (csrf) {
    const sent = req.headers['x-bitrix-csrf-token'] ?? (req.query as Record<string, unknown>)?.sessid;
    if (typeof sent !== 'string' || !safeEqual(sent, s.csrf)) throw SessionErrors.csrf(s.csrf);
  }
  return s;
}

const LINK_FAILED_PAGE = `<!doctype html><meta charset="utf-8"><title>Sign-in link</title>
<p>This sign-in link is unknown, already used or expired. Ask for a new one with <code>imbot-server user login-link N</code>, or <a href="/">sign in with a password</a>.</p>`;

/** Sign-in, sign-out and the page's bootstrap (who am I + the CSRF token), under /_web. */
export function registerSessionRoutes(app: FastifyInstance, p: Platform) {
  // Not signed in is an answer, not an error: the page asks this first on every load.
  app.get('/_web/session', async (req) => {
    const s = await findSession(p.store, cookieValue(req.headers.cookie, SESSION_COOKIE));
    return s ? meView(s.user, s.csrf) : { user: null, csrf: null };
  });

  app.post('/_web/login', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (typeof body.login !== 'string' || typeof body.password !== 'string') throw SessionErrors.badLogin();
      return signedIn(req, reply, await signInWithPassword(p.store, body.login.trim(), body.password));
    } catch (e) {
      return sendApiError(reply, e);
    }
  });

  app.get('/_web/login/:token', async (req, reply) => {
    try {
      const s = await signInWithLink(p.store, (req.params as { token: string }).token);
      reply.header('set-cookie', cookie(req, s.token, SESSION_TTL_SECONDS));
      return reply.code(302).header('location', '/').send();
    } catch (e) {
      if (!isApiError(e)) throw e;
      return reply.code(400).type('text/html; charset=utf-8').send(LINK_FAILED_PAGE);
    }
  });

  app.post('/_web/logout', async (req, reply) => {
    try {
      await signOut(p.store, await requireSession(p, req, true));
      reply.header('set-cookie', cookie(req, '', 0));
      return { result: true };
    } catch (e) {
      return sendApiError(reply, e);
    }
  });
}
