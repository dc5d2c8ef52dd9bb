// The package's programmatic entry: embed the server, or drive one through its control plane.
export { defaultServerOptions, startServer } from './server/server.js';
export type { RunningServer, ServerOptions } from './server/server.js';
export { ControlClient, ControlError } from './console/client.js';
export type { SeedDocument, SeedResult } from './console/seed-schema.js';
export type { FaultSpec } from './console/faults.js';
