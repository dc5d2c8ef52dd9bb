import { preciseNowMs } from '../util/clock.js';
import { stringifyWithRaw } from '../util/raw-json.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveAccessToken } from '../domain/apps.js';
import type { AuthContext } from '../domain/auth.js';
import { ApiError, Errors } from '../domain/errors.js';
import { expandScopes } from '../domain/scopes.js';
import { cookieValue, findSession, SESSION_COOKIE, sessionAuth } from '../domain/sessions.js';
import { resolveWebhook } from '../domain/webhooks.js';
import { errorBody, statusOf, toApiError } from './error-status.js';
import { executeCall, type Gateway } from './gateway.js';
import type { MethodDef } from '../methods/registry.js';
import { requestParams } from './request-params.js';
import { timeObject } from './time.js';

const JSON_TYPE = 'application/json; charset=utf-8';

interface RestPath {
  method: string;
  webhook?: { user: string; secret: string };
}

/**
 * `/rest/{method}` and `/rest/{user}/{secret}/{method}`, with an optional `.json`/`.xml` suffix,
 * trailing `/` and doubled `//` anywhere (the JS SDK sends `/rest//method`, the PHP SDK `…//method/`).
 */
export function parseRestPath(rest: string): RestPath {
  const segs = rest.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const strip = (m: string) => m.replace(/\.(json|xml)$/i, '');
  if (segs.length === 1) return { method: strip(segs[0]) };
  if (segs.length === 3) return { method: strip(segs[2]), webhook: { user: segs[0], secret: segs[1] } };
  if (segs.length === 2 && /^\d+$/.test(segs[0])) return { method: '', webhook: { user: segs[0], secret: segs[1] } };
  return { method: segs.join('/') };
}

/** The web messenger's cookie session; its CSRF token comes in X-Bitrix-Csrf-Token or `sessid` (as Bitrix's). */
async function sessionOf(gw: Gateway, req: FastifyRequest, params: Record<string, unknown>): Promise<AuthContext | undefined> {
  const session = await findSession(gw.platform.store, cookieValue(req.headers.cookie, SESSION_COOKIE));
  if (!session) return undefined;
  const header = req.headers['x-bitrix-csrf-token'];
  const sent = typeof header === 'string' ? header : typeof params.sessid === 'string' ? params.sessid : undefined;
  delete params.sessid;
  return sessionAuth(session, sent);
}

async function authenticate(gw: Gateway, path: RestPath, token: string | undefined, session?: () => Promise<AuthContext | undefined>): Promise<AuthContext> {
  const p = gw.platform;
  if (path.webhook) {
    const { webhook, userId, isAdmin } = await resolveWebhook(p.store, path.webhook.user, path.webhook.secret);
    return {
      type: 'webhook',
      userId,
      isAdmin,
      scopes: expandScopes(webhook.scopes),
      webhookId: webhook.id,
      credential: path.webhook.secret,
      limiterKey: `webhook:${webhook.id}`,
    };
  }
  if (!token) {
    const auth = await session?.();
    if (auth) return auth;
    throw Errors.noAuth();
  }
  return resolveAccessToken(p, token);
}

export function sendError(reply: FastifyReply, err: ApiError, method?: Parameters<typeof statusOf>[1]) {
  return reply.code(statusOf(err, method)).send(errorBody(err));
}

async function handleRest(gw: Gateway, req: FastifyRequest, reply: FastifyReply) {
  const startMs = preciseNowMs();
  const path = parseRestPath((req.params as { '*': string })['*'] ?? '');
  // Like the platform, an unknown method is reported before auth is looked at.
  const def = path.method ? gw.registry.find(path.method) : undefined;
  if (!def) return sendError(reply, Errors.methodNotFound());
  return serveCall(gw, req, reply, def, (token, params) => authenticate(gw, path, token, () => sessionOf(gw, req, params)), startMs);
}

/**
 * One REST call answered in the Bitrix envelope. `/rest/…` and the control plane's
 * `/_imbot/as/{userId}/…` differ only in how the caller is found (`resolveAuth`).
 */
export async function serveCall(
  gw: Gateway,
  req: FastifyRequest,
  reply: FastifyReply,
  def: MethodDef,
  resolveAuth: (token: string | undefined, params: Record<string, unknown>) => Promise<AuthContext>,
  startMs = preciseNowMs(),
  via?: 'as',
) {
  // The console's inspector and fault injection (src/console); absent when embedded without it.
  const observer = gw.platform.observer;
  let auth: AuthContext | undefined;
  let params: Record<string, unknown> | undefined;
  try {
    const split = requestParams(req);
    params = split.params;
    auth = await resolveAuth(split.token, params);
    // The messenger's own page is not an integration: the cloud's leaky bucket limits REST clients, not it.
    if (auth.type !== 'session' && gw.rateLimiter && !gw.rateLimiter.take(auth.limiterKey)) throw Errors.queryLimit();
    const fault = observer?.callFault(def.name, auth, params);
    if (fault) throw fault;
    const out = await executeCall(gw, auth, def, params, split.start, false, startMs, def.holds ? clientGone(reply) : undefined);
    const body: Record<string, unknown> = { result: out.result };
    if (out.next !== undefined) body.next = out.next;
    if (out.total !== undefined) body.total = out.total;
    body.time = timeObject(out.startMs, out.finishMs, out.processingMs, out.operating);
    observer?.call({ method: def.name, auth, params, outcome: { result: out.result }, status: 200, startMs, finishMs: out.finishMs, via });
    // Serialised here rather than by Fastify: stored event text goes in as it is (RawJson).
    return reply.code(200).type(JSON_TYPE).send(stringifyWithRaw(body));
  } catch (e) {
    const err = toApiError(e);
    if (err.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: e, method: def.name }, 'method failed');
    const status = statusOf(err, def);
    observer?.call({ method: def.name, auth, params, outcome: { error: err }, status, startMs, finishMs: preciseNowMs(), via });
    return reply.code(status).send(errorBody(err));
  }
}

/** Aborts when the client disconnects before its answer is sent (a held long poll then lets go). */
function clientGone(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
}

export function registerRestRoutes(app: FastifyInstance, gw: Gateway) {
  app.route({
    method: ['GET', 'POST'],
    url: '/rest/*',
    handler: (req, reply) => handleRest(gw, req, reply),
  });
  app.route({
    method: ['GET', 'POST'],
    url: '/rest',
    handler: (_req, reply) => sendError(reply, Errors.methodNotFound()),
  });
}
