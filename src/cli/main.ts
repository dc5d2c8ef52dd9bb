import { createApp } from '../domain/apps.js';
import { isApiError } from '../domain/errors.js';
import { createUser } from '../domain/users.js';
import { createWebhook } from '../domain/webhooks.js';
import { installApp } from '../events/app-install.js';
import { openPlatform, startServer } from '../server/server.js';
import { parseCli, UsageError } from './options.js';

const HELP = `imbot-server — a local Bitrix24 chat-bot platform

Usage:
  imbot-server [start] [flags]                 run the server
  imbot-server user add --name NAME [--last-name L] [--email E] [--login L] [--password P] [--admin]
  imbot-server webhook add --user N --scope imbot,im [--token SECRET]
  imbot-server app add --name NAME --handler URL --scope imbot,im
  imbot-server app install --client-id ID [--user N]

Server flags (environment twin in brackets):
  --host H             listen address (IMBOT_HOST, default 127.0.0.1)
  --port N             HTTP port (IMBOT_PORT, default 8080; 0 = any free port)
  --https-port N       HTTPS port (IMBOT_HTTPS_PORT, default 8443; 0 = off; -1 = any free port)
  --data PATH          SQLite file (IMBOT_DATA, default ./data/imbot.sqlite; :memory: allowed)
  --public-url URL     base URL used in auth payloads and links (IMBOT_PUBLIC_URL)
  --webhook-token T    fixes the admin webhook's secret (IMBOT_WEBHOOK_TOKEN)
  --rate-limit on|off  the leaky-bucket limit of the cloud (IMBOT_RATE_LIMIT, default on)
  --rate-threshold N   bucket size before QUERY_LIMIT_EXCEEDED (IMBOT_RATE_THRESHOLD, default 50)
  --rate-drain N       requests drained per second (IMBOT_RATE_DRAIN, default 2)
  --log-level LEVEL    fatal|error|warn|info|debug|trace|silent (IMBOT_LOG_LEVEL, default info)
  --token-ttl SECONDS  OAuth access token lifetime (IMBOT_TOKEN_TTL, default 3600)
  --operating-limit S  per-method operating-time limit, seconds (IMBOT_OPERATING_LIMIT, default 420)
`;

const out = (s = '') => process.stdout.write(`${s}\n`);

async function runStart(argv: string[]) {
  const { server: opts } = parseCli(argv);
  const server = await startServer(opts);
  // Before the banner: whoever waits for it may signal right away.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`${signal}: finishing in-flight calls and closing the database`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  out(`imbot-server is running`);
  out(`  HTTP            ${server.httpUrl}`);
  if (server.httpsUrl) out(`  HTTPS           ${server.httpsUrl}`);
  out(`  data            ${opts.data}`);
  out(`  admin webhook   ${server.adminWebhook.http}`);
  if (server.adminWebhook.https) out(`  admin webhook   ${server.adminWebhook.https}`);
  if (server.certPath) {
    out(`  TLS certificate ${server.certPath}`);
    out(`  trust it in Node clients with: NODE_EXTRA_CA_CERTS=${server.certPath}`);
  }
}

async function withPlatform<T>(argv: string[], flags: Record<string, { type: 'string' | 'boolean' }>, fn: Parameters<typeof run<T>>[2]) {
  return run(argv, flags, fn);
}

async function run<T>(
  argv: string[],
  flags: Record<string, { type: 'string' | 'boolean' }>,
  fn: (ctx: { platform: Awaited<ReturnType<typeof openPlatform>>['platform']; extra: Record<string, string | boolean | undefined> }) => Promise<T>,
): Promise<T> {
  const { server, extra } = parseCli(argv, flags);
  const opened = await openPlatform({ ...server, logLevel: 'silent' });
  try {
    return await fn({ platform: opened.platform, extra });
  } finally {
    await opened.close();
  }
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
function required(extra: Record<string, string | boolean | undefined>, name: string): string {
  const v = str(extra[name]);
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

async function main(argv: string[]) {
  const [cmd, sub, ...rest] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') return out(HELP);
  if (cmd === undefined || cmd.startsWith('-')) return runStart(argv);
  if (cmd === 'start') return runStart(argv.slice(1));

  if (cmd === 'user' && sub === 'add') {
    return withPlatform(rest, { name: { type: 'string' }, 'last-name': { type: 'string' }, email: { type: 'string' }, login: { type: 'string' }, password: { type: 'string' }, admin: { type: 'boolean' } }, async ({ platform, extra }) => {
      const user = await createUser(platform.store, {
        name: required(extra, 'name'),
        lastName: str(extra['last-name']),
        email: str(extra.email),
        login: str(extra.login),
        password: str(extra.password),
        isAdmin: extra.admin === true,
      });
      out(`user ${user.id} created (login ${user.login})`);
    });
  }

  if (cmd === 'webhook' && sub === 'add') {
    return withPlatform(rest, { user: { type: 'string' }, scope: { type: 'string' }, token: { type: 'string' } }, async ({ platform, extra }) => {
      const scope = required(extra, 'scope');
      const hook = await createWebhook(platform.store, platform.box, {
        userId: Number(required(extra, 'user')),
        scopes: scope === '*' || scope === 'all' ? 'all' : scope.split(','),
        secret: str(extra.token),
      });
      out(`webhook ${hook.row.id}: ${platform.config.publicUrl}/rest/${hook.row.user_id}/${hook.secret}/`);
    });
  }

  if (cmd === 'app' && sub === 'add') {
    return withPlatform(rest, { name: { type: 'string' }, handler: { type: 'string' }, scope: { type: 'string' }, code: { type: 'string' } }, async ({ platform, extra }) => {
      const scope = required(extra, 'scope');
      const { app, clientSecret } = await createApp(platform.store, platform, {
        name: required(extra, 'name'),
        handlerUrl: str(extra.handler),
        scopes: scope === '*' || scope === 'all' ? 'all' : scope.split(','),
        code: str(extra.code),
      });
      out(`application ${app.id} created`);
      out(`client_id     ${app.client_id}`);
      out(`client_secret ${clientSecret}`);
      out(`install it with: imbot-server app install --client-id ${app.client_id}`);
    });
  }

  if (cmd === 'app' && sub === 'install') {
    return withPlatform(rest, { 'client-id': { type: 'string' }, user: { type: 'string' } }, async ({ platform, extra }) => {
      const ref = str(extra['client-id']) ?? rest.find((a) => !a.startsWith('-'));
      if (!ref) throw new UsageError('--client-id is required');
      const result = await installApp(platform, ref, extra.user ? Number(extra.user) : 1);
      out(`application ${result.clientId} installed`);
      if (!result.delivery) out('no handler URL: ONAPPINSTALL not sent');
      else if (result.delivery.ok) out(`ONAPPINSTALL delivered to ${result.handlerUrl} (HTTP ${result.delivery.status})`);
      else {
        out(`ONAPPINSTALL to ${result.handlerUrl} failed: ${result.delivery.error ?? `HTTP ${result.delivery.status}`}`);
        process.exitCode = 1;
      }
    });
  }

  throw new UsageError(`unknown command: ${argv.join(' ')}\n\n${HELP}`);
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof UsageError) process.stderr.write(`${e.message}\n`);
  else if (isApiError(e)) process.stderr.write(`${e.code}: ${e.description}\n`);
  else if (String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) process.stderr.write(`${(e as Error).message}\n`);
  else process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(2);
});
