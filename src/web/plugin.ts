import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../domain/errors.js';
import type { Gateway } from '../http/gateway.js';
import { webAppDir } from './assets.js';
import { dialogApps, dialogCommands, dialogScope, directory } from './dialog-extras.js';
import { LiveHub, type LiveSocket } from './live-hub.js';
import { registerSessionRoutes, requireSession, sendApiError } from './session-routes.js';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>imbot-server</title>
<p>The web messenger is not built. Run <code>npm run build</code> and reload.</p>`;

/**
 * The web messenger and developer console: built pages from dist/web/app, sign-in under /_web, the
 * session's live feed at /_web/ws, and the text panel's helpers (commands, apps, people) as internal
 * endpoints. People's actions go through the REST API with session auth (src/http/rest-route.ts).
 */
export async function registerWeb(app: FastifyInstance, gw: Gateway) {
  const p = gw.platform;
  const root = webAppDir();
  const built = fs.existsSync(path.join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: false,
      wildcard: true,
      cacheControl: false,
      setHeaders(res, file) {
        // Hashed asset names never change; the pages themselves are always revalidated.
        res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const page = (file: string) => async (_req: unknown, reply: FastifyReply) =>
    built ? reply.header('cache-control', 'no-cache').sendFile(file) : reply.type('text/html; charset=utf-8').send(NOT_BUILT);
  app.get('/', page('index.html'));
  app.get('/console', page('console/index.html'));

  // Bot and chat avatars kept in the data folder (storeImage), at the URL they were given.
  if (p.dataDir) {
    await app.register(fastifyStatic, { root: path.join(p.dataDir, 'avatars'), prefix: '/avatars/', decorateReply: false, index: false });
  }

  registerSessionRoutes(app, p);

  const dialogParam = (q: unknown) => {
    const d = (q as Record<string, unknown>)?.dialogId;
    if (typeof d !== 'string' || !d) throw new ApiError('DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    return d;
  };
  app.get('/_web/commands', async (req, reply) => {
    try {
      const s = await requireSession(p, req, true);
      const dialogId = dialogParam(req.query);
      const scope = await dialogScope(p, s.user.id, dialogId);
      return { result: scope ? await dialogCommands(p, s.user, scope) : [] };
    } catch (e) {
      return sendApiError(reply, e);
    }
  });
  app.get('/_web/apps', async (req, reply) => {
    try {
      const s = await requireSession(p, req, true);
      const dialogId = dialogParam(req.query);
      const scope = await dialogScope(p, s.user.id, dialogId);
      return { result: scope ? await dialogApps(p, s.user, scope, dialogId) : [] };
    } catch (e) {
      return sendApiError(reply, e);
    }
  });
  app.get('/_web/directory', async (req, reply) => {
    try {
      await requireSession(p, req, true);
      return { result: await directory(p) };
    } catch (e) {
      return sendApiError(reply, e);
    }
  });

  const hub = new LiveHub(p);
  app.addHook('onClose', async () => hub.close());
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  // The CSRF token comes as ?sessid=: a page on another site cannot read it, so it cannot open this socket.
  app.get('/_web/ws', { websocket: true }, (socket: LiveSocket & { on(ev: string, fn: () => void): void; close(code?: number, reason?: string): void }, req) => {
    requireSession(p, req, true).then(
      (s) => {
        const remove = hub.add(s.user.id, socket);
        socket.on('close', remove);
        socket.send(JSON.stringify({ kind: 'hello', userId: s.user.id }));
      },
      () => socket.close(4401, 'sign in first'),
    );
  });
}
