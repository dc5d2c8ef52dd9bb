import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Platform } from '../domain/platform.js';
import { bootstrapPortal, type PortalBootstrap } from '../domain/portal.js';
import { SecretBox } from '../domain/secrets.js';
import { buildHttpApp } from '../http/app.js';
import type { Gateway } from '../http/gateway.js';
import { OperatingLimiter } from '../http/operating-limit.js';
import { LeakyBucketLimiter } from '../http/rate-limit.js';
import { buildRegistry } from '../http/registry.js';
import type { MethodDef } from '../methods/registry.js';
import { openSqlite } from '../store/db.js';
import { Store } from '../store/store.js';
import { WebhookDispatcher } from '../events/dispatcher.js';
import { LiveBus } from '../events/live.js';
import { FeedWaiters } from '../events/waiters.js';
import { unixNow } from '../util/time.js';
import { ConsoleObserver } from '../console/console-observer.js';
import { Inspector } from '../console/inspector.js';
import { applySeed, readSeedFileText } from '../console/seed.js';
import type { SeedResult } from '../console/seed-schema.js';

export interface ServerOptions {
  host: string;
  port: number;
  /** 0 turns HTTPS off; a negative value picks any free port. */
  httpsPort: number;
  /** SQLite file, or `:memory:`. */
  data: string;
  publicUrl?: string;
  webhookToken?: string;
  rateLimit: boolean;
  rateThreshold: number;
  rateDrainPerSecond: number;
  operatingLimitSeconds: number;
  operatingMinSeconds: number;
  accessTokenTtl: number;
  bodyLimit: number;
  logLevel: string;
  deliveryTimeoutMs: number;
  /** Delays (seconds) before webhook retries when a bot's delivery options name none (tests shorten them). */
  deliveryBackoffSeconds: number[];
  /** Lifetime of file download links, seconds (File.download; 3600 when absent). */
  fileLinkTtlSeconds?: number;
  /** Entries the console's inspector keeps (calls and events, a ring); 0 turns recording off. Default 5000. */
  inspectorSize?: number;
  /** A seed document (JSON or YAML file) applied at start, as POST /_imbot/seed would (src/console/seed.ts). */
  seed?: string;
  /** Additional methods served beside the built-in ones (embedding and protocol tests). */
  extraMethods?: MethodDef<any>[];
}

export const defaultServerOptions: ServerOptions = {
  host: '127.0.0.1',
  port: 8080,
  httpsPort: 8443,
  data: './data/imbot.sqlite',
  rateLimit: true,
  rateThreshold: 50,
  rateDrainPerSecond: 2,
  operatingLimitSeconds: 420,
  operatingMinSeconds: 0.1,
  accessTokenTtl: 3600,
  bodyLimit: 200 * 1024 * 1024,
  logLevel: 'info',
  deliveryTimeoutMs: 10_000,
  deliveryBackoffSeconds: [10, 60],
};

export interface RunningServer {
  httpUrl: string;
  httpsUrl?: string;
  publicUrl: string;
  adminWebhook: { http: string; https?: string; secret: string };
  certPath?: string;
  dataDir: string;
  platform: Platform;
  gateway: Gateway;
  /** What `seed` created (ids, tokens, URLs). */
  seeded?: SeedResult;
  close(): Promise<void>;
}

/** Where the data file's companions live: the secret key and the TLS certificate. */
export function dataDirOf(data: string): string {
  return data === ':memory:' ? path.join(os.tmpdir(), 'imbot-server') : path.dirname(path.resolve(data));
}

/** 32-byte key that seals stored secrets; a file beside the database, never inside it. */
export function loadSecretKey(data: string): Buffer {
  if (data === ':memory:') return crypto.randomBytes(32);
  const file = path.join(dataDirOf(data), 'secret.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
}

export interface OpenedPlatform {
  platform: Platform;
  boot: PortalBootstrap;
  /** WAL checkpoints on a worker thread, for a long-running server (OpenedDb.checkpointInBackground). */
  checkpointInBackground(): void;
  close(): Promise<void>;
}

/** The portal without HTTP: what the server runs on, and what the admin subcommands edit. */
export async function openPlatform(o: ServerOptions): Promise<OpenedPlatform> {
  const opened = await openSqlite(o.data);
  try {
    const store = new Store(opened.db);
    const box = new SecretBox(loadSecretKey(o.data));
    const boot = await bootstrapPortal(store, box, o.webhookToken);
    const platform: Platform = {
      store,
      box,
      memberId: boot.memberId,
      live: new LiveBus(),
      waiters: new FeedWaiters(),
      dataDir: o.data === ':memory:' ? undefined : dataDirOf(o.data),
      config: {
        publicUrl: (o.publicUrl ?? `http://${o.host}:${o.port}`).replace(/\/+$/, ''),
        accessTokenTtl: o.accessTokenTtl,
        refreshTokenTtl: 180 * 24 * 3600,
        deliveryTimeoutMs: o.deliveryTimeoutMs,
        deliveryBackoffSeconds: o.deliveryBackoffSeconds,
        fileLinkTtl: o.fileLinkTtlSeconds,
      },
    };
    return { platform, boot, checkpointInBackground: () => opened.checkpointInBackground(), close: () => opened.close() };
  } catch (e) {
    await opened.close();
    throw e;
  }
}

export async function startServer(partial: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const o: ServerOptions = { ...defaultServerOptions, ...partial };
  const logger = pino({ level: o.logLevel });
  const dataDir = dataDirOf(o.data);
  const { platform, boot, checkpointInBackground, close: closeDb } = await openPlatform(o);
  const dispatcher = new WebhookDispatcher(platform, logger);
  platform.dispatcher = dispatcher;
  platform.observer = new ConsoleObserver(new Inspector(o.inspectorSize ?? 5000));
  const registry = buildRegistry(o.extraMethods);
  const gateway: Gateway = {
    platform,
    registry,
    rateLimiter: o.rateLimit ? new LeakyBucketLimiter(o.rateThreshold, o.rateDrainPerSecond) : null,
    operating: new OperatingLimiter(o.operatingLimitSeconds, o.operatingMinSeconds),
  };

  let ready = false;
  const apps: FastifyInstance[] = [];
  const httpApp = await buildHttpApp(gateway, { logger, bodyLimit: o.bodyLimit, isReady: () => ready });
  apps.push(httpApp);
  let certPath: string | undefined;
  let httpsApp: FastifyInstance | undefined;
  if (o.httpsPort !== 0) {
    // Loaded only when HTTPS is on: the certificate generator is a third of the modules the server loads.
    const { ensureCertificate } = await import('./tls.js');
    const tls = await ensureCertificate(path.join(dataDir, 'tls'));
    certPath = tls.certPath;
    httpsApp = await buildHttpApp(gateway, { logger, bodyLimit: o.bodyLimit, isReady: () => ready, https: { key: tls.key, cert: tls.cert } });
    apps.push(httpsApp);
  }

  try {
    await httpApp.listen({ host: o.host, port: o.port });
    if (httpsApp) await httpsApp.listen({ host: o.host, port: o.httpsPort < 0 ? 0 : o.httpsPort });
  } catch (e) {
    await Promise.allSettled(apps.map((a) => a.close()));
    await closeDb();
    throw e;
  }
  const hostForUrl = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const portOf = (a: FastifyInstance) => (a.server.address() as { port: number }).port;
  const httpUrl = `http://${hostForUrl}:${portOf(httpApp)}`;
  const httpsUrl = httpsApp ? `https://${hostForUrl}:${portOf(httpsApp)}` : undefined;
  platform.config.publicUrl = (o.publicUrl ?? httpUrl).replace(/\/+$/, '');
  await dispatcher.resumePending();
  let seeded: SeedResult | undefined;
  try {
    if (o.seed) seeded = await applySeed(gateway, readSeedFileText(o.seed));
  } catch (e) {
    // A broken seed stops the start (a test run should not go on against a half-seeded portal).
    await Promise.allSettled(apps.map((a) => a.close()));
    await dispatcher.close();
    await closeDb();
    throw e;
  }
  // Fetch-queue retention: events older than 24 h are dropped (EventService::cleanAgent); dead tokens go too.
  const retention = setInterval(() => {
    const now = unixNow();
    void Promise.all([platform.store.events.dropOlderThan(now - 24 * 3600), platform.store.tokens.deleteExpired(now), platform.store.webSessions.deleteExpired(now)]).catch((err) =>
      logger.error({ err }, 'cleanup failed'),
    );
  }, 3600_000);
  retention.unref();
  ready = true;
  checkpointInBackground();

  const hookPath = `/rest/1/${boot.adminWebhookSecret}/`;
  let closed = false;
  return {
    httpUrl,
    httpsUrl,
    publicUrl: platform.config.publicUrl,
    adminWebhook: { http: httpUrl + hookPath, https: httpsUrl ? httpsUrl + hookPath : undefined, secret: boot.adminWebhookSecret },
    certPath,
    dataDir,
    platform,
    gateway,
    seeded,
    async close() {
      if (closed) return;
      closed = true;
      ready = false;
      // Fastify's close lets in-flight requests finish before the database goes away.
      clearInterval(retention);
      // Held long polls answer now instead of keeping the listeners open until their wait ends.
      platform.waiters?.releaseAll();
      await Promise.allSettled(apps.map((a) => a.close()));
      await dispatcher.close();
      await closeDb();
    },
  };
}
