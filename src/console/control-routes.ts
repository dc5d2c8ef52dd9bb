import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.js';
import { errorBody, statusOf, toApiError } from '../http/error-status.js';
import type { Gateway } from '../http/gateway.js';
import { serveCall } from '../http/rest-route.js';
import { actAs } from './act-as.js';
import { controlCaller } from './admin-auth.js';
import { ConsoleObserver } from './console-observer.js';
import { parseFaultSpec } from './faults.js';
import { Inspector, type InspectorFilter } from './inspector.js';
import { replayDelivery } from './replay.js';
import { resetPortal } from './reset.js';
import * as res from './resources.js';
import { applySeed } from './seed.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** Control-plane statuses: the REST table, except that a missing thing is a 404 and a bad document a 400. */
function controlStatus(err: ApiError): number {
  if (/_NOT_FOUND$/.test(err.code) && err.code !== 'ERROR_METHOD_NOT_FOUND') return 404;
  return statusOf(err);
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** `{result}` on success, the Bitrix error body otherwise. */
const answer = (fn: Handler): Handler => async (req, reply) => {
  try {
    const result = await fn(req, reply);
    if (reply.sent) return reply;
    return reply.send({ result });
  } catch (e) {
    const err = toApiError(e);
    if (err.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: e }, 'control plane failed');
    return reply.code(controlStatus(err)).send(errorBody(err));
  }
};

const body = (req: FastifyRequest): Record<string, unknown> => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});
const idParam = (req: FastifyRequest, name = 'id') => Number((req.params as Record<string, string>)[name]);

export function inspectorFilter(q: Record<string, unknown>): InspectorFilter {
  const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const kind = str(q.kind);
  return {
    kind: kind === 'call' || kind === 'event' ? kind : undefined,
    bot: num(q.bot),
    method: str(q.method),
    type: str(q.type),
    error: q.error === '1' || q.error === 'true' || q.error === 'Y',
    after: num(q.after),
    limit: num(q.limit),
  };
}

/**
 * The test control plane and the console's API, under `/_imbot/` (docs/console.md). Every route needs
 * the admin token or an administrator's session (admin-auth.ts). Registered only when the server runs
 * with the console's observer (ServerOptions.inspectorSize ≥ 0, the default).
 */
export async function registerControlRoutes(app: FastifyInstance, gw: Gateway): Promise<void> {
  const obs = gw.platform.observer;
  if (!(obs instanceof ConsoleObserver)) return;
  const p = gw.platform;

  await app.register(async (scope) => {
    scope.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, text, done) => done(null, String(text)));
    // Control documents may be lists (several faults at once), which a REST call's parameters never are.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
      const t = String(text).trim();
      if (!t) return done(null, {});
      try {
        done(null, JSON.parse(t));
      } catch (e) {
        done(Object.assign(new ApiError('INVALID_REQUEST', `Request body is not valid JSON: ${(e as Error).message}`), { statusCode: 400 }), undefined);
      }
    });
    scope.addHook('preHandler', async (req, reply) => {
      try {
        await controlCaller(p, req);
      } catch (e) {
        const err = toApiError(e);
        return reply.code(controlStatus(err)).send(errorBody(err));
      }
    });

    scope.post('/_imbot/reset', answer(() => resetPortal(gw, obs)));
    scope.post('/_imbot/seed', answer(async (req) => applySeed(gw, typeof req.body === 'string' ? req.body : body(req))));

    scope.route({
      method: ['GET', 'POST'],
      url: '/_imbot/as/:userId/*',
      handler: async (req, reply) => {
        const userId = idParam(req, 'userId');
        const method = ((req.params as Record<string, string>)['*'] ?? '').replace(/\/+$/, '').replace(/\.(json|xml)$/i, '');
        const def = gw.registry.find(method);
        if (!def) return reply.code(404).send(errorBody(new ApiError('ERROR_METHOD_NOT_FOUND', 'Method not found!')));
        return serveCall(gw, req, reply, def, () => actAs(p, userId), undefined, 'as');
      },
    });

    scope.get('/_imbot/bots/:id/queue', answer(async (req) => res.peekQueue(p, idParam(req), Number((req.query as Record<string, string>).limit ?? 100))));

    scope.get('/_imbot/faults', answer(async () => obs.faults.list()));
    scope.post('/_imbot/faults', answer(async (req) => {
      const b = req.body;
      const specs = Array.isArray(b) ? b : Array.isArray(body(req).faults) ? (body(req).faults as unknown[]) : [b];
      const parsed = specs.map(parseFaultSpec);
      return parsed.map((s) => obs.faults.add(s));
    }));
    scope.delete('/_imbot/faults', answer(async () => {
      obs.faults.clear();
      return true;
    }));

    scope.get('/_imbot/inspector', answer(async (req) => {
      const f = inspectorFilter(req.query as Record<string, unknown>);
      return { size: obs.inspector.size, lastId: obs.inspector.lastId, items: obs.inspector.list(f).map(Inspector.view) };
    }));
    scope.get('/_imbot/inspector/:id', answer(async (req) => {
      const e = obs.inspector.get(idParam(req));
      if (!e) throw new ApiError('ENTRY_NOT_FOUND', 'No such inspector entry (never recorded, or rotated out of the ring)');
      return Inspector.view(e);
    }));
    scope.get('/_imbot/inspector/stream', async (req, reply) => {
      const f = inspectorFilter(req.query as Record<string, unknown>);
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      out.write(`retry: 2000\n\n`);
      // New and updated entries (a delivery attempt updates its event), each checked against the filter.
      const off = obs.inspector.on((entry) => {
        if (!Inspector.matches(entry, { ...f, after: undefined, limit: undefined })) return;
        out.write(`id: ${entry.id}\ndata: ${JSON.stringify(Inspector.view(entry))}\n\n`);
      });
      const ping = setInterval(() => out.write(': ping\n\n'), 15_000);
      req.raw.on('close', () => {
        off();
        clearInterval(ping);
      });
    });

    scope.post('/_imbot/deliveries/:id/replay', answer(async (req) => replayDelivery(p, obs, idParam(req))));

    scope.get('/_imbot/users', answer(() => res.listUsers(p)));
    scope.post('/_imbot/users', answer(async (req) => res.addUser(p, body(req))));
    scope.get('/_imbot/webhooks', answer(() => res.listWebhooks(p)));
    scope.post('/_imbot/webhooks', answer(async (req) => res.addWebhook(p, body(req))));
    scope.post('/_imbot/webhooks/:id/revoke', answer(async (req) => res.revokeWebhook(p, idParam(req))));
    scope.get('/_imbot/apps', answer(() => res.listApps(p)));
    scope.post('/_imbot/apps', answer(async (req) => res.addApp(p, body(req))));
    scope.post('/_imbot/apps/:clientId/install', answer(async (req) =>
      res.installAppAs(p, (req.params as Record<string, string>).clientId, Number(body(req).userId ?? 1)),
    ));
    scope.get('/_imbot/bots', answer(() => res.listBots(p)));
    scope.get('/_imbot/chats', answer(() => res.listChats(p)));
    scope.get('/_imbot/chat-apps', answer(() => res.listChatApps(p)));
  });
}
