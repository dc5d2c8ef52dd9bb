import type { Store } from '../store/store.js';
import type { LiveBus } from '../events/live.js';
import type { FeedWaiters } from '../events/waiters.js';
import type { PlatformObserver } from '../console/observer.js';
import type { SecretBox } from './secrets.js';

export interface PlatformConfig {
  /** Base URL of this server as bots see it, e.g. http://127.0.0.1:8080 (no trailing slash). */
  publicUrl: string;
  /** Lifetime of OAuth access tokens, seconds. */
  accessTokenTtl: number;
  /** Lifetime of OAuth refresh tokens, seconds (Bitrix: 180 days). */
  refreshTokenTtl: number;
  /** Timeout for outgoing event POSTs, ms. */
  deliveryTimeoutMs: number;
  /** Default delays (seconds) before webhook retries, for bots whose delivery options name none; default [10, 60]. */
  deliveryBackoffSeconds?: number[];
  /** Lifetime of file download links (File.download, urlDownload), seconds; default 3600. */
  fileLinkTtl?: number;
}

/** Everything the domain needs, handed to method handlers and admin commands alike. */
export interface Platform {
  store: Store;
  box: SecretBox;
  config: PlatformConfig;
  memberId: string;
  /** The portal's data folder (absent for an in-memory portal): stored files such as bot avatars live here. */
  dataDir?: string;
  /** Set by the server: webhook deliveries recorded in a committed transaction are handed to it. */
  dispatcher?: { post(rows: import('../store/repos/events.js').DeliveryRow[]): void };
  /** Committed domain events, for in-process listeners (WebSocket pushes, long polls, console). */
  live: LiveBus;
  /** Long polls (Event.get `wait`) waiting for their queue; woken by the pipeline after each commit. */
  waiters?: FeedWaiters;
  /** Set by the server: the developer console's inspector and fault injection (src/console). */
  observer?: PlatformObserver;
}

export const restEndpoint = (p: Platform) => `${p.config.publicUrl}/rest/`;
export const portalDomain = (p: Platform) => new URL(p.config.publicUrl).host;
