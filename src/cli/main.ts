import { createApp } from '../domain/apps.js';
import { type DeliveryOptionsInput, type DeliveryTarget, setDeliveryOptions } from '../domain/delivery-options.js';
import { isApiError } from '../domain/errors.js';
import { createLoginLink, loginLinkPath } from '../domain/sessions.js';
import { createUser } from '../domain/users.js';
import { createWebhook } from '../domain/webhooks.js';
import { installApp } from '../events/app-install.js';
import { openPlatform, startServer } from '../server/server.js';
import { parseCli, UsageError } from './options.js';

const HELP = `imbot-server — a local Bitrix24 chat-bot platform

Usage:
  imbot-server [start] [flags]                 run the server
  imbot-server user add --name NAME [--last-name L] [--email E] [--login L] [--password P] [--admin]
  imbot-server user login-link N               print a one-time sign-in link to the web messenger for user N
  imbot-server webhook add --user N --scope imbot,im [--token SECRET]
  imbot-server app add --name NAME --handler URL --scope imbot,im
  imbot-server app install --client-id ID [--user N]
  imbot-server bot delivery BOT_ID [--retries N] [--backoff 10,60] [--hmac-secret S | --no-hmac] [--off]
  imbot-server app delivery APP_ID|CLIENT_ID [same flags]
                                               webhook retries and HMAC signature (beyond the cloud; docs/events.md)

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
  --file-link-ttl S    lifetime of file download links, seconds (IMBOT_FILE_LINK_TTL, default 3600)
  --operating-limit S  per-method operating-time limit, seconds (IMBOT_OPERATING_LIMIT, default 420)
  --inspector-size N   calls and events the console's inspector keeps (IMBOT_INSPECTOR_SIZE, default 5000; 0 = off)
  --seed FILE          load users, webhooks, apps, bots and chats from a JSON/YAML file at start (IMBOT_SEED; docs/testing.md)
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
  out(`  console         ${server.publicUrl}/console  (control plane: ${server.publicUrl}/_imbot/, Bearer <admin webhook secret>)`);
  if (server.seeded) out(`  seeded          ${JSON.stringify(server.seeded)}`);
  out(`  messenger       ${server.publicUrl}/`);
  // The administrator (user 1) signs in to the web messenger with this link, once.
  out(`  admin sign-in   ${server.publicUrl}${loginLinkPath(await createLoginLink(server.platform.store, 1))}`);
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

  if (cmd === 'user' && sub === 'login-link') {
    const ref = rest.find((a) => !a.startsWith('-'));
    if (!ref || !/^\d+$/.test(ref)) throw new UsageError('usage: imbot-server user login-link N  (N: the user id)');
    return withPlatform(rest.filter((a) => a !== ref), {}, async ({ platform }) => {
      const token = await createLoginLink(platform.store, Number(ref));
      out(`${platform.config.publicUrl}${loginLinkPath(token)}`);
      out('(works once, for 24 hours)');
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

  if ((cmd === 'bot' || cmd === 'app') && sub === 'delivery') {
    const ref = rest.find((a) => !a.startsWith('-'));
    if (!ref) throw new UsageError(`usage: imbot-server ${cmd} delivery ${cmd === 'bot' ? 'BOT_ID' : 'APP_ID|CLIENT_ID'} [--retries N] [--backoff 10,60] [--hmac-secret S | --no-hmac] [--off]`);
    const flags = { retries: { type: 'string' }, backoff: { type: 'string' }, 'hmac-secret': { type: 'string' }, 'no-hmac': { type: 'boolean' }, off: { type: 'boolean' } } as const;
    return withPlatform(rest.filter((a) => a !== ref), flags, async ({ platform, extra }) => {
      let target: DeliveryTarget;
      if (cmd === 'bot') target = { botId: Number(ref) };
      else {
        const app = /^\d+$/.test(ref) ? await platform.store.apps.byId(Number(ref)) : await platform.store.apps.byClientId(ref);
        target = { appId: app?.id ?? 0 };
      }
      const input: DeliveryOptionsInput = extra.off === true ? { retries: 0, backoffSeconds: [], hmacSecret: null } : {};
      if (extra.retries !== undefined) input.retries = Number(extra.retries);
      if (typeof extra.backoff === 'string') input.backoffSeconds = extra.backoff.split(',').filter(Boolean).map(Number);
      if (typeof extra['hmac-secret'] === 'string') input.hmacSecret = extra['hmac-secret'];
      if (extra['no-hmac'] === true) input.hmacSecret = null;
      const view = await setDeliveryOptions(platform, target, input);
      const backoff = view.backoffSeconds.length ? view.backoffSeconds.join(', ') + ' s' : 'server default';
      out(`${cmd} ${ref}: retries ${view.retries} (backoff ${backoff}), signature ${view.signed ? 'on (X-Imbot-Signature)' : 'off'}`);
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
