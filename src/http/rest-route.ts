import { preciseNowMs } from '../util/clock.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveAccessToken } from '../domain/apps.js';
import type { AuthContext } from '../domain/auth.js';
import { ApiError, Errors } from '../domain/errors.js';
import { expandScopes } from '../domain/scopes.js';
import { resolveWebhook } from '../domain/webhooks.js';
import { errorBody, statusOf, toApiError } from './error-status.js';
import { executeCall, type Gateway } from './gateway.js';
import { requestParams } from './request-params.js';
import { timeObject } from './time.js';

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

async function authenticate(gw: Gateway, path: RestPath, token: string | undefined): Promise<AuthContext> {
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
  if (!token) throw Errors.noAuth();
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
  try {
    const { params, token, start } = requestParams(req);
    const auth = await authenticate(gw, path, token);
    if (gw.rateLimiter && !gw.rateLimiter.take(auth.limiterKey)) throw Errors.queryLimit();
    const out = await executeCall(gw, auth, def, params, start, false, startMs);
    const body: Record<string, unknown> = { result: out.result };
    if (out.next !== undefined) body.next = out.next;
    if (out.total !== undefined) body.total = out.total;
    body.time = timeObject(out.startMs, out.finishMs, out.processingMs, out.operating);
    return reply.code(200).send(body);
  } catch (e) {
    const err = toApiError(e);
    if (err.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: e, method: def.name }, 'method failed');
    return sendError(reply, err, def);
  }
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
