import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { Logger } from 'pino';
import { ApiError, Errors, isApiError } from '../domain/errors.js';
import { parsePhpQuery } from '../util/php-params.js';
import { errorBody, statusOf } from './error-status.js';
import type { Gateway } from './gateway.js';
import { readMultipart } from './multipart.js';
import { registerFileRoutes } from './file-routes.js';
import { registerOAuthRoutes } from './oauth-routes.js';
import { registerControlRoutes } from '../console/control-routes.js';
import { registerRestRoutes, sendError } from './rest-route.js';
import { registerWeb } from '../web/plugin.js';

export interface HttpOptions {
  logger: Logger;
  bodyLimit: number;
  https?: { key: string; cert: string };
  /** Set once the server accepts calls; /healthz answers 503 before. */
  isReady: () => boolean;
}

const FORM_TYPES = /^(text\/plain)?$/i;

export async function buildHttpApp(gw: Gateway, opts: HttpOptions): Promise<FastifyInstance> {
  const base: FastifyServerOptions = {
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    // A per-request child logger (with reqId) costs every request a pino child; with logs off it is never used.
    ...(opts.logger.level === 'silent' ? { childLoggerFactory: (logger: FastifyBaseLogger) => logger } : {}),
    bodyLimit: opts.bodyLimit,
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      querystringParser: (s: string) => parsePhpQuery(s),
    },
    forceCloseConnections: 'idle',
    // A call that reaches a closing server is still answered (in the Bitrix shape) before the database closes.
    return503OnClosing: false,
  };
  const app = (opts.https ? Fastify({ ...base, https: opts.https } as FastifyServerOptions) : Fastify(base)) as unknown as FastifyInstance;

  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parseJson = (body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
    const text = String(body);
    if (!text.trim()) return done(null, {});
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return done(Errors.invalidRequest(`Request body is not valid JSON: ${(e as Error).message}`), undefined);
    }
    if (Array.isArray(value) && value.length === 0) return done(null, {});
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return done(Errors.invalidRequest('A JSON request body must be an object of parameters'), undefined);
    }
    done(null, value);
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => parseJson(body, done));
  app.addContentTypeParser(/^application\/[\w.-]+\+json/, { parseAs: 'string' }, (_req, body, done) => parseJson(body, done));
  await app.register(formbody, { parser: (s: string) => parsePhpQuery(s), bodyLimit: opts.bodyLimit });
  await app.register(multipart, { limits: { fileSize: opts.bodyLimit, fieldSize: opts.bodyLimit, parts: 100_000 } });
  // Bitrix reads an unlabelled body as form fields (parse_str fallback); other types are refused clearly.
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (FORM_TYPES.test(type)) return done(null, parsePhpQuery(String(body)));
    const err = new ApiError(
      'INVALID_REQUEST',
      `Unsupported Content-Type '${type}': send application/json, application/x-www-form-urlencoded or multipart/form-data`,
    );
    done(Object.assign(err, { statusCode: 415 }), undefined);
  });
  // Callback-style hooks: an async hook costs every request a few promise turns.
  app.addHook('preValidation', (req, _reply, done) => {
    if (!req.isMultipart()) return done();
    readMultipart(req).then((body) => {
      req.body = body;
      done();
    }, done);
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.url.startsWith('/rest') || req.url.startsWith('/oauth')) {
      reply.header('access-control-allow-origin', '*');
      reply.header('x-content-type-options', 'nosniff');
    }
    done(null, payload);
  });

  app.setErrorHandler((err, req, reply) => {
    if (isApiError(err)) {
      const status = (err as ApiError & { statusCode?: number }).statusCode ?? statusOf(err);
      return reply.code(status).send(errorBody(err));
    }
    const e = err as Error & { statusCode?: number; code?: string };
    if (e.statusCode === 413) {
      return reply.code(413).send(errorBody(Errors.invalidRequest(`Request body is larger than ${opts.bodyLimit} bytes`)));
    }
    if (e.statusCode === 415) {
      return reply.code(415).send(errorBody(Errors.invalidRequest(`Unsupported Content-Type '${req.headers['content-type'] ?? ''}'`)));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(400).send(errorBody(Errors.invalidRequest(e.message)));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody(Errors.internal()));
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/rest')) return sendError(reply, Errors.methodNotFound());
    return reply.code(404).send({ error: 'NOT_FOUND', error_description: `Nothing at ${req.method} ${req.url.split('?')[0]}` });
  });

  app.options('/rest/*', async (_req, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'Content-Type, Authorization, X-Request-ID')
      .send(),
  );

  app.get('/healthz', async (_req, reply) =>
    opts.isReady() ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' }),
  );

  registerRestRoutes(app, gw);
  registerOAuthRoutes(app, gw);
  await registerControlRoutes(app, gw);
  registerFileRoutes(app, gw.platform);
  await registerWeb(app, gw);
  return app;
}
