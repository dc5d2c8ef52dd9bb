import type { FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.js';
import type { Platform } from '../domain/platform.js';
import { hashToken, safeEqual } from '../domain/secrets.js';
import { cookieValue, findSession, SESSION_COOKIE } from '../domain/sessions.js';

export const ControlErrors = {
  noAuth: () => new ApiError('NO_AUTH_FOUND', 'The control plane needs the admin token (Authorization: Bearer <admin webhook secret>) or an administrator\'s console session'),
  notAdmin: () => new ApiError('ACCESS_DENIED', 'The control plane is for administrators only'),
  csrf: () => new ApiError('session_failed', 'Sessid check failed: send the session\'s CSRF token in X-Bitrix-Csrf-Token'),
};

export interface ControlCaller {
  userId: number;
  via: 'token' | 'session';
}

/**
 * Who may use `/_imbot/*`: the secret of an active incoming webhook of an administrator (the admin
 * webhook printed at start) as a Bearer token — or `?token=` for EventSource, which cannot set headers —
 * or an administrator's web session cookie; a session's writes also carry its CSRF token, as REST calls do.
 */
export async function controlCaller(p: Platform, req: FastifyRequest): Promise<ControlCaller> {
  const bearer = req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  const queryToken = req.method === 'GET' ? (req.query as Record<string, unknown> | undefined)?.token : undefined;
  const token = bearer ?? (typeof queryToken === 'string' ? queryToken : undefined);
  if (token) {
    const hook = await p.store.webhooks.byHash(hashToken(token));
    const user = hook?.active ? await p.store.users.byId(hook.user_id) : undefined;
    if (!user || !user.active) throw ControlErrors.noAuth();
    if (!user.is_admin) throw ControlErrors.notAdmin();
    return { userId: user.id, via: 'token' };
  }
  const session = await findSession(p.store, cookieValue(req.headers.cookie, SESSION_COOKIE));
  if (!session) throw ControlErrors.noAuth();
  if (!session.user.is_admin) throw ControlErrors.notAdmin();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const sent = req.headers['x-bitrix-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, session.csrf)) throw ControlErrors.csrf();
  }
  return { userId: session.user.id, via: 'session' };
}
