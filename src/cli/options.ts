import { parseArgs } from 'node:util';
import { defaultServerOptions, type ServerOptions } from '../server/server.js';

/** Server flags; each has an IMBOT_* environment twin (`--https-port` ↔ IMBOT_HTTPS_PORT). Flags win. */
const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'https-port': { type: 'string' },
  data: { type: 'string' },
  'public-url': { type: 'string' },
  'webhook-token': { type: 'string' },
  'rate-limit': { type: 'string' },
  'rate-threshold': { type: 'string' },
  'rate-drain': { type: 'string' },
  'log-level': { type: 'string' },
  'token-ttl': { type: 'string' },
  'file-link-ttl': { type: 'string' },
  'operating-limit': { type: 'string' },
  'inspector-size': { type: 'string' },
  seed: { type: 'string' },
} as const;

export const envName = (flag: string) => `IMBOT_${flag.toUpperCase().replace(/-/g, '_')}`;

export class UsageError extends Error {}

function num(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} expects a number, got '${v}'`);
  return n;
}

/** A whole number ≥ 0 (a size where 0 means off). */
function count(flag: string, v: string | undefined, fallback: number): number {
  const n = num(flag, v, fallback);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} expects a whole number ≥ 0, got '${v}'`);
  return n;
}

function positive(flag: string, v: string | undefined, fallback: number): number {
  const n = num(flag, v, fallback);
  if (n <= 0) throw new UsageError(`--${flag} expects a positive number, got '${v}'`);
  return n;
}

/** A TCP port; `allowNegative` for --https-port, where a negative value means any free port. */
function port(flag: string, v: string | undefined, fallback: number, allowNegative = false): number {
  const n = num(flag, v, fallback);
  if (!Number.isInteger(n) || n > 65535 || (n < 0 && !allowNegative)) {
    throw new UsageError(`--${flag} expects a port number (0-65535${allowNegative ? ', or negative for any free port' : ''}), got '${v}'`);
  }
  return n;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(v: string | undefined, fallback: string): string {
  if (v === undefined || v === '') return fallback;
  if (!LOG_LEVELS.includes(v)) throw new UsageError(`--log-level expects one of ${LOG_LEVELS.join('|')}, got '${v}'`);
  return v;
}

function onOff(flag: string, v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  if (/^(on|true|1|yes)$/i.test(v)) return true;
  if (/^(off|false|0|no)$/i.test(v)) return false;
  throw new UsageError(`--${flag} expects on or off, got '${v}'`);
}

export interface ParsedCli {
  positionals: string[];
  server: ServerOptions;
  extra: Record<string, string | boolean | undefined>;
}

/** Parses server flags plus the subcommand's own `extra` flags. */
export function parseCli(
  argv: string[],
  extraFlags: Record<string, { type: 'string' | 'boolean' }> = {},
  env: NodeJS.ProcessEnv = process.env,
): ParsedCli {
  const { values, positionals } = parseArgs({ args: argv, options: { ...FLAGS, ...extraFlags }, allowPositionals: true, strict: true });
  const v = (flag: keyof typeof FLAGS) => (values[flag] as string | undefined) ?? env[envName(flag)];
  const d = defaultServerOptions;
  const server: ServerOptions = {
    ...d,
    host: v('host') ?? d.host,
    port: port('port', v('port'), d.port),
    httpsPort: port('https-port', v('https-port'), d.httpsPort, true),
    data: v('data') ?? d.data,
    publicUrl: v('public-url') || undefined,
    webhookToken: v('webhook-token') || undefined,
    rateLimit: onOff('rate-limit', v('rate-limit'), d.rateLimit),
    rateThreshold: positive('rate-threshold', v('rate-threshold'), d.rateThreshold),
    rateDrainPerSecond: positive('rate-drain', v('rate-drain'), d.rateDrainPerSecond),
    logLevel: logLevel(v('log-level'), d.logLevel),
    accessTokenTtl: num('token-ttl', v('token-ttl'), d.accessTokenTtl),
    fileLinkTtlSeconds: v('file-link-ttl') ? positive('file-link-ttl', v('file-link-ttl'), 3600) : undefined,
    operatingLimitSeconds: num('operating-limit', v('operating-limit'), d.operatingLimitSeconds),
    inspectorSize: count('inspector-size', v('inspector-size'), 5000),
    seed: v('seed') || undefined,
  };
  const extra: Record<string, string | boolean | undefined> = {};
  for (const k of Object.keys(extraFlags)) extra[k] = (values as Record<string, string | boolean | undefined>)[k];
  return { positionals, server, extra };
}
