import { ControlClient } from '../console/client.js';
import type { SeedDocument, SeedResult } from '../console/seed-schema.js';
import { type RunningServer, type ServerOptions, startServer } from '../server/server.js';

export { ControlClient, ControlError } from '../console/client.js';
export type { InspectorItem, InspectorQuery, QueuePeek } from '../console/client.js';
export type { ActiveFault, FaultKind, FaultSpec } from '../console/faults.js';
export type { SeedDocument, SeedResult } from '../console/seed-schema.js';

export interface TestServerOptions extends Partial<ServerOptions> {
  /** Applied once the server is up; its result is `seeded`. */
  seedDocument?: SeedDocument | string;
}

export interface StartedTestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The admin webhook (user 1, every scope), ending in '/': `${hook}im.message.add`. */
  hook: string;
  /** The admin token of the control plane (the admin webhook's secret). */
  adminToken: string;
  /** The typed control plane: reset, seed, as, peek, faults, inspector, replay. */
  control: ControlClient;
  seeded?: SeedResult;
  /** The running server, for anything the above does not cover. */
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * An in-memory imbot-server on a free loopback port for a bot's own test suite: no files written,
 * no HTTPS, no rate limit (turn it on with `rateLimit: true`), logs off. See docs/testing.md.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<StartedTestServer> {
  const { seedDocument, ...serverOpts } = opts;
  const server = await startServer({ host: '127.0.0.1', port: 0, httpsPort: 0, data: ':memory:', logLevel: 'silent', rateLimit: false, ...serverOpts });
  const control = new ControlClient(server.httpUrl, server.adminWebhook.secret);
  let seeded = server.seeded;
  try {
    if (seedDocument !== undefined) seeded = await control.seed(seedDocument);
  } catch (e) {
    await server.close();
    throw e;
  }
  return { url: server.httpUrl, hook: server.adminWebhook.http, adminToken: server.adminWebhook.secret, control, seeded, server, close: () => server.close() };
}
