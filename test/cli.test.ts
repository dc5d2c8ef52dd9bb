/**
 * The `imbot-server` command, run as real processes (`node bin/imbot-server.js …`, which loads dist/):
 * startup output, persistence across restarts, flags and their IMBOT_* twins, the rate-limit switch,
 * SIGTERM, and the admin subcommands against the same SQLite file with and without a running server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli/options.js';
import { BIN, cliChildren, cliEnv, type CliResult, ROOT, runCli } from './helpers/cli.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const CLIENT_ID = /^local\.[0-9a-f]{14}\.\d{8}$/;

const children = cliChildren;
const tmpDirs: string[] = [];
const receivers: http.Server[] = [];

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-cli-'));
  tmpDirs.push(d);
  return d;
}

const env = cliEnv;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion. */
const cli = runCli;

interface Running {
  child: ChildProcess;
  out(): string;
  httpUrl: string;
  httpsUrl?: string;
  dataLine: string;
  hooks: string[];
  certPath?: string;
  caHint?: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const line = (text: string, re: RegExp) => text.match(re)?.[1];

/** Starts `imbot-server` and resolves once its startup banner has been printed completely. */
function start(args: string[], extraEnv: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no startup banner within 15 s:\n${stdout}\n${stderr}`)), 15_000);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`imbot-server exited (${code}) before it was ready:\n${stdout}\n${stderr}`));
    });
    child.stderr!.on('data', (c) => (stderr += c));
    child.stdout!.on('data', (c) => {
      stdout += c;
      const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
      const httpsUrl = line(complete, /^ {2}HTTPS +(\S+)$/m);
      const hooks = [...complete.matchAll(/^ {2}admin webhook +(\S+)$/gm)].map((m) => m[1]);
      const caHint = line(complete, /^ {2}trust it in Node clients with: NODE_EXTRA_CA_CERTS=(\S+)$/m);
      // The banner ends with the admin webhook when HTTPS is off, with the CA hint when it is on.
      if (hooks.length === 0 || (httpsUrl && !caHint)) return;
      clearTimeout(timer);
      resolve({
        child,
        out: () => stdout,
        httpUrl: line(complete, /^ {2}HTTP +(\S+)$/m)!,
        httpsUrl,
        dataLine: line(complete, /^ {2}data +(.+)$/m)!,
        hooks,
        certPath: line(complete, /^ {2}TLS certificate (\S+)$/m),
        caHint,
        exited,
      });
    });
  });
}

async function stop(r: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  r.child.kill('SIGTERM');
  return r.exited;
}

interface Reply {
  status: number;
  body: any;
}

async function call(base: string, method: string, params: Record<string, unknown> = {}): Promise<Reply> {
  const res = await fetch(base + method, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** node:http(s).request: fetch cannot be given a CA, and the SIGTERM test needs control over the socket. */
function raw(url: string, opts: https.RequestOptions & { body?: string }, onSent?: () => void): Promise<Reply & { text: string; reusedSocket: boolean }> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { agent: false, ...opts }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('error', reject);
      res.on('end', () => {
        let body: any = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode!, body, text, reusedSocket: req.reusedSocket });
      });
    });
    req.on('error', reject);
    req.end(opts.body, onSent);
  });
}

const postJson = (url: string, params: unknown, extra: https.RequestOptions = {}, onSent?: () => void) => {
  const body = JSON.stringify(params);
  return raw(url, { ...extra, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body }, onSent);
};

/** 60 quick sequential calls on one webhook. */
async function burst(hook: string): Promise<Reply[]> {
  const out: Reply[] = [];
  for (let i = 0; i < 60; i++) out.push(await call(hook, 'server.time'));
  return out;
}

/** A loopback application handler that records what it is posted. */
async function receiver(): Promise<{ url: string; posts: { headers: http.IncomingHttpHeaders; body: string }[] }> {
  const posts: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  receivers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/handler/`, posts };
}

const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const r of receivers) r.close();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Spawning node and loading the server is the cost here (about a second of CPU per process), so
// everything that does not depend on an earlier step is started at once.

/** S: `start` on a fresh data folder with both listeners; used for the admin commands, then SIGTERM and restart. */
const S = { dir: '', dataFile: '', port: 0, run: undefined as unknown as Running };
/** E: admin commands on a file no server has opened, then a server configured by IMBOT_* variables only. */
const E = { dir: '', dataFile: '', port: 0, httpsPort: 0, userAdd: undefined as unknown as CliResult, hookAdd: undefined as unknown as CliResult, run: undefined as unknown as Running };
/** F: flags and contradicting IMBOT_* variables. */
const F = { envDir: '', port: 0, envPort: 0, run: undefined as unknown as Running };
let help: CliResult;
let errorDir: string;
let errorCases: [string[], RegExp][];
let errorResults: CliResult[];

beforeAll(async () => {
  S.dir = tmpDir();
  S.dataFile = path.join(S.dir, 'imbot.sqlite');
  E.dir = tmpDir();
  E.dataFile = path.join(E.dir, 'sub', 'env.sqlite');
  F.envDir = tmpDir();
  errorDir = tmpDir();
  [S.port, E.port, E.httpsPort, F.port, F.envPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const d = ['--data', path.join(errorDir, 'x.sqlite'), '--https-port', '0'];
  errorCases = [
    [['frobnicate', ...d], /^unknown command: frobnicate/],
    [['start', '--port', 'abc', ...d], /^--port expects a number, got 'abc'\n$/],
    [['start', '--rate-limit', 'maybe', ...d], /^--rate-limit expects on or off, got 'maybe'\n$/],
    [['start', '--port', '99999', ...d], /^--port expects a port number \(0-65535\), got '99999'\n$/],
    [['start', ...d, '--port'], /^Option '--port <value>' argument missing\n$/],
  ];
  const eVars = { IMBOT_DATA: E.dataFile, IMBOT_PORT: String(E.port) };
  await Promise.all([
    start(['start', '--port', String(S.port), '--https-port=-1', '--data', S.dataFile, '--log-level', 'warn']).then((r) => (S.run = r)),
    start(['--port', String(F.port), '--https-port', '0', '--data', ':memory:', '--webhook-token', 'mytoken123', '--rate-limit', 'off', '--log-level', 'info'], {
      IMBOT_PORT: String(F.envPort),
      IMBOT_HTTPS_PORT: '-1',
      IMBOT_DATA: path.join(F.envDir, 'never.sqlite'),
      IMBOT_WEBHOOK_TOKEN: 'envtoken999',
      IMBOT_RATE_LIMIT: 'on',
      IMBOT_LOG_LEVEL: 'silent',
    }).then((r) => (F.run = r)),
    (async () => {
      E.userAdd = await cli(['user', 'add', '--name', 'Alice', '--email', 'a@x.io', '--password', 'pw'], eVars);
      E.hookAdd = await cli(['webhook', 'add', '--user', '2', '--scope', 'imbot,im'], eVars);
      E.run = await start([], {
        IMBOT_PORT: String(E.port),
        IMBOT_HTTPS_PORT: String(E.httpsPort),
        IMBOT_DATA: E.dataFile,
        IMBOT_WEBHOOK_TOKEN: 'envtoken123',
        IMBOT_RATE_LIMIT: 'off',
        IMBOT_LOG_LEVEL: 'silent',
      });
    })(),
    cli(['--help']).then((r) => (help = r)),
    Promise.all(errorCases.map(([args]) => cli(args))).then((r) => (errorResults = r)),
  ]);
}, 60_000);

describe('imbot-server start (a fresh data folder, HTTPS on any free port)', () => {
  let hook: string;
  let httpsHook: string;
  let secret: string;
  let certBefore: string;
  let aliceHook: string;

  beforeAll(() => {
    [hook, httpsHook] = S.run.hooks;
  });

  it('prints the HTTP and HTTPS URLs, both admin webhooks, the certificate and the NODE_EXTRA_CA_CERTS hint', () => {
    const s = S.run;
    expect(s.out()).toMatch(/^imbot-server is running$/m);
    expect(s.httpUrl).toBe(`http://127.0.0.1:${S.port}`);
    // A negative --https-port picks any free port.
    expect(s.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(s.httpsUrl!).port)).toBeGreaterThan(0);
    expect(s.httpsUrl).not.toBe(`https://127.0.0.1:${S.port}`);
    expect(s.dataLine).toBe(S.dataFile);

    expect(s.hooks).toHaveLength(2);
    const m = hook.match(/^http:\/\/127\.0\.0\.1:(\d+)\/rest\/1\/([A-Za-z0-9_-]+)\/$/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(S.port);
    secret = m![2];
    expect(httpsHook).toBe(`${s.httpsUrl}/rest/1/${secret}/`);

    expect(s.certPath).toBe(path.join(S.dir, 'tls', 'cert.pem'));
    expect(s.caHint).toBe(s.certPath);
    certBefore = fs.readFileSync(s.certPath!, 'utf8');
    expect(certBefore).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(fs.existsSync(S.dataFile)).toBe(true);
  });

  it('answers GET /healthz with 200 on both listeners', async () => {
    const res = await fetch(`${S.run.httpUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const tls = await raw(`${S.run.httpsUrl}/healthz`, { method: 'GET', ca: certBefore });
    expect(tls.status).toBe(200);
    expect(tls.body).toEqual({ status: 'ok' });
  });

  it('serves server.time through the printed HTTP webhook', async () => {
    const r = await call(hook, 'server.time');
    expect(r.status).toBe(200);
    expect(r.body.result).toMatch(ISO);
    expect(typeof r.body.time.start).toBe('number');
  });

  it('serves server.time through the printed HTTPS webhook once the printed certificate is trusted', async () => {
    const r = await postJson(`${httpsHook}server.time`, {}, { ca: fs.readFileSync(S.run.caHint!) });
    expect(r.status).toBe(200);
    expect(r.body.result).toMatch(ISO);
    // Without the certificate the self-signed listener is refused: the CA is what makes it work.
    await expect(postJson(`${httpsHook}server.time`, {})).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
  });

  it('the NODE_EXTRA_CA_CERTS hint works for a plain Node fetch client', async () => {
    const script = `fetch(process.argv[1]).then(async (r) => console.log(r.status, await r.text()), (e) => { console.log('ERR', e.cause?.code ?? e.message); process.exit(1); })`;
    const run = (extra: Record<string, string>) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['-e', script, `${httpsHook}server.time`], { env: env(extra) });
        children.add(child);
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.on('close', (code) => {
          children.delete(child);
          resolve({ code, out });
        });
      });
    const [trusted, untrusted] = await Promise.all([run({ NODE_EXTRA_CA_CERTS: S.run.caHint! }), run({})]);
    expect(trusted.out).toMatch(/^200 \{"result":"/);
    expect(trusted.code).toBe(0);
    expect(untrusted.out).toMatch(/^ERR /);
    expect(untrusted.code).toBe(1);
  });

  describe('admin subcommands while the server is running (same SQLite file, WAL)', () => {
    const flags = () => ['--data', S.dataFile, '--port', String(S.port)];
    let userAdd: CliResult;
    let hookAdd: CliResult;
    let appAdd: CliResult;
    let appInstall: CliResult;
    let rcv: Awaited<ReturnType<typeof receiver>>;
    let postsAfterAdd = -1;
    let clientId: string;

    beforeAll(async () => {
      rcv = await receiver();
      await Promise.all([
        (async () => {
          userAdd = await cli(['user', 'add', '--name', 'Alice', '--email', 'a@x.io', '--password', 'pw', ...flags()]);
          hookAdd = await cli(['webhook', 'add', '--user', '2', '--scope', 'imbot,im', ...flags()]);
        })(),
        (async () => {
          appAdd = await cli(['app', 'add', '--name', 'X', '--handler', rcv.url, '--scope', 'imbot', ...flags()]);
          postsAfterAdd = rcv.posts.length;
          clientId = line(appAdd.stdout, /^client_id +(\S+)$/m) ?? 'missing';
          appInstall = await cli(['app', 'install', '--client-id', clientId, ...flags()]);
        })(),
      ]);
    }, 30_000);

    it('user add prints the new user id', () => {
      expect(userAdd.stderr).toBe('');
      expect(userAdd.code).toBe(0);
      expect(userAdd.stdout).toBe('user 2 created (login a@x.io)\n');
    });

    it('webhook add prints a URL that the running server accepts, limited to the given scopes', async () => {
      expect(hookAdd.stderr).toBe('');
      expect(hookAdd.code).toBe(0);
      const m = hookAdd.stdout.match(/^webhook (\d+): (http:\/\/127\.0\.0\.1:\d+\/rest\/2\/[A-Za-z0-9_-]+\/)\n$/);
      expect(m).not.toBeNull();
      aliceHook = m![2];
      expect(aliceHook.startsWith(`${S.run.httpUrl}/rest/2/`)).toBe(true);

      const scope = await call(aliceHook, 'scope');
      expect(scope.status).toBe(200);
      expect(scope.body.result).toEqual(['imbot', 'im']);

      const profile = await call(aliceHook, 'profile');
      expect(profile.status).toBe(200);
      expect(profile.body.result).toMatchObject({ ID: '2', ADMIN: false, NAME: 'Alice' });

      const denied = await call(aliceHook, 'user.current');
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the webhook token',
      });
    });

    it('app add prints client_id (local.<14 hex>.<8 digits>) and client_secret, and does not install', () => {
      expect(appAdd.stderr).toBe('');
      expect(appAdd.code).toBe(0);
      expect(appAdd.stdout).toMatch(/^application \d+ created$/m);
      expect(clientId).toMatch(CLIENT_ID);
      expect(line(appAdd.stdout, /^client_secret +(\S+)$/m)).toMatch(/^[A-Za-z0-9]{20,}$/);
      expect(appAdd.stdout).toContain(`install it with: imbot-server app install --client-id ${clientId}`);
      expect(postsAfterAdd).toBe(0);
    });

    it('app install posts ONAPPINSTALL to the handler; its token works against the running server', async () => {
      expect(appInstall.stderr).toBe('');
      expect(appInstall.code).toBe(0);
      expect(appInstall.stdout).toBe(`application ${clientId} installed\nONAPPINSTALL delivered to ${rcv.url} (HTTP 200)\n`);

      expect(rcv.posts).toHaveLength(1);
      const { headers, body } = rcv.posts[0];
      expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
      const f = form(body);
      expect(f.event).toBe('ONAPPINSTALL');
      expect(f['data[INSTALLED]']).toBe('Y');
      expect(f['auth[client_endpoint]']).toBe(`${S.run.httpUrl}/rest/`);
      expect(f['auth[scope]']).toBe('imbot');
      expect(f['auth[user_id]']).toBe('1');
      expect(f['auth[application_token]']).toMatch(/\S/);

      // The command wrote the token pair; the running server reads it from the shared file.
      const withToken = await postJson(`${S.run.httpUrl}/rest/scope`, { auth: f['auth[access_token]'] });
      expect(withToken.status).toBe(200);
      expect(withToken.body.result).toEqual(['imbot']);
    });

    it('rate limit is on by default: 60 quick calls on one webhook hit 503 QUERY_LIMIT_EXCEEDED', async () => {
      // Alice's webhook has a bucket of its own; the admin webhook's stays empty for the tests below.
      const replies = await burst(aliceHook);
      // The bucket holds 50 (a few were used above): the first 45 always pass.
      expect(replies.slice(0, 45).every((x) => x.status === 200)).toBe(true);
      const refused = replies.filter((x) => x.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0].body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
      expect(replies.every((x) => x.status === 200 || x.status === 503)).toBe(true);
    });
  });

  it('SIGTERM: a batch sent just before the signal completes with 200, then the process exits 0', async () => {
    const s = S.run;
    // One kept-alive connection, opened by a first call. On a fresh connection the server may see the
    // signal before it has read the request; Fastify then answers 503 to a request that arrived after
    // shutdown began. On an open connection the request bytes are readable before the signal is.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await postJson(`${hook}server.time`, {}, { agent })).status).toBe(200);
    const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`c${i}`, i % 2 ? 'server.time' : 'profile']));
    // The signal goes out as soon as the whole request has been handed to the socket.
    const r = await postJson(`${hook}batch`, { halt: 0, cmd }, { agent }, () => s.child.kill('SIGTERM'));
    agent.destroy();
    expect(r.reusedSocket).toBe(true);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.result.result)).toHaveLength(50);
    expect(r.body.result.result.c1).toMatch(ISO);
    expect(r.body.result.result.c0).toMatchObject({ ID: '1', ADMIN: true });
    expect(r.body.result.result_error).toEqual([]);

    const exit = await Promise.race([s.exited, new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 5000))]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(s.out()).toContain('SIGTERM: finishing in-flight calls and closing the database');
  });

  it('a second start on the same --data reuses the webhook secret, the certificate and the data', async () => {
    const s2 = await start(['start', '--port', '0', '--https-port=-1', '--data', S.dataFile, '--log-level', 'warn']);
    try {
      expect(s2.httpUrl).not.toBe(`http://127.0.0.1:0`);
      expect(s2.hooks[0]).toBe(`${s2.httpUrl}/rest/1/${secret}/`);
      expect(s2.hooks[1]).toBe(`${s2.httpsUrl}/rest/1/${secret}/`);
      expect(s2.certPath).toBe(S.run.certPath);
      expect(fs.readFileSync(s2.certPath!, 'utf8')).toBe(certBefore);
      // The certificate trusted before the restart still verifies the new listener.
      const tls = await postJson(`${s2.hooks[1]}server.time`, {}, { ca: certBefore });
      expect(tls.status).toBe(200);
      // What the admin commands wrote survived the SIGTERM shutdown.
      const alice = await call(aliceHook.replace(S.run.httpUrl, s2.httpUrl), 'profile');
      expect(alice.status).toBe(200);
      expect(alice.body.result).toMatchObject({ ID: '2', NAME: 'Alice' });
    } finally {
      expect(await stop(s2)).toEqual({ code: 0, signal: null });
    }
  });
});

describe('admin subcommands with no server running, then a server configured by IMBOT_* variables only', () => {
  it('user add and webhook add work on a data file no server has opened (IMBOT_DATA, IMBOT_PORT)', () => {
    expect(E.userAdd.stderr).toBe('');
    expect(E.userAdd.code).toBe(0);
    expect(E.userAdd.stdout).toBe('user 2 created (login a@x.io)\n');
    expect(E.hookAdd.stderr).toBe('');
    expect(E.hookAdd.code).toBe(0);
    expect(E.hookAdd.stdout).toMatch(new RegExp(`^webhook \\d+: http://127\\.0\\.0\\.1:${E.port}/rest/2/[A-Za-z0-9_-]+/\\n$`));
  });

  it('IMBOT_PORT, IMBOT_HTTPS_PORT, IMBOT_DATA and IMBOT_WEBHOOK_TOKEN configure start', async () => {
    const e = E.run;
    expect(e.httpUrl).toBe(`http://127.0.0.1:${E.port}`);
    expect(e.httpsUrl).toBe(`https://127.0.0.1:${E.httpsPort}`);
    expect(e.dataLine).toBe(E.dataFile);
    expect(e.hooks).toEqual([`http://127.0.0.1:${E.port}/rest/1/envtoken123/`, `https://127.0.0.1:${E.httpsPort}/rest/1/envtoken123/`]);
    expect(e.certPath).toBe(path.join(E.dir, 'sub', 'tls', 'cert.pem'));
    expect((await call(e.hooks[0], 'server.time')).status).toBe(200);

    // The webhook written before any server existed is served.
    const aliceHook = line(E.hookAdd.stdout, /^webhook \d+: (\S+)$/m)!;
    const scope = await call(aliceHook, 'scope');
    expect(scope.status).toBe(200);
    expect(scope.body.result).toEqual(['imbot', 'im']);
    expect((await call(aliceHook, 'user.current')).status).toBe(403);
  });

  it('IMBOT_RATE_LIMIT=off: 60 quick calls on one webhook are all answered; IMBOT_LOG_LEVEL=silent logs nothing', async () => {
    const replies = await burst(E.run.hooks[0]);
    expect(replies.map((r) => r.status)).toEqual(Array(60).fill(200));
    // At the default level (info) Fastify logs "Server listening at …" as a JSON line on start.
    expect(E.run.out()).not.toMatch(/"level":/);
    expect(await stop(E.run)).toEqual({ code: 0, signal: null });
  });
});

describe('flags win over the IMBOT_* twins', () => {
  afterAll(async () => {
    if (F.run?.child.exitCode === null) await stop(F.run);
  });

  it('--port, --https-port 0 (no HTTPS), --data :memory: and --webhook-token are used', async () => {
    const f = F.run;
    expect(f.httpUrl).toBe(`http://127.0.0.1:${F.port}`);
    expect(f.httpsUrl).toBeUndefined();
    expect(f.out()).not.toMatch(/^ {2}HTTPS /m);
    expect(f.certPath).toBeUndefined();
    expect(f.out()).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(f.dataLine).toBe(':memory:');
    expect(fs.readdirSync(F.envDir)).toEqual([]);
    expect(f.hooks).toEqual([`http://127.0.0.1:${F.port}/rest/1/mytoken123/`]);
    expect((await call(f.hooks[0], 'server.time')).status).toBe(200);
    const envToken = await call(`http://127.0.0.1:${F.port}/rest/1/envtoken999/`, 'server.time');
    expect(envToken.status).toBe(401);
    expect(envToken.body.error).toBe('INVALID_CREDENTIALS');
    // Nothing listens on the IMBOT_PORT port.
    await expect(fetch(`http://127.0.0.1:${F.envPort}/healthz`)).rejects.toThrow();
  });

  it('--rate-limit off beats IMBOT_RATE_LIMIT=on; --log-level info beats IMBOT_LOG_LEVEL=silent', async () => {
    const replies = await burst(F.run.hooks[0]);
    expect(replies.map((r) => r.status)).toEqual(Array(60).fill(200));
    await expect.poll(() => F.run.out(), { timeout: 3000 }).toMatch(/^\{"level":30,.*"msg":"Server listening at http:\/\/127\.0\.0\.1:\d+"\}$/m);
  });
});

describe('usage errors and help', () => {
  it('--help prints the usage', () => {
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^imbot-server — a local Bitrix24 chat-bot platform\n/);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('imbot-server webhook add --user N --scope imbot,im');
    expect(help.stdout).toContain('--rate-limit on|off');
  });

  it('an unknown command or a bad flag value exits with code 2 and a clear message, no stack trace', () => {
    errorResults.forEach((r, i) => {
      const [args, message] = errorCases[i];
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
    // The unknown command is followed by the usage.
    expect(errorResults[0].stderr).toContain('Usage:');
    // None of them got as far as opening the data file.
    expect(fs.existsSync(path.join(errorDir, 'x.sqlite'))).toBe(false);
  });

  it('parseCli validates the IMBOT_* twins like the flags and lets flags win', () => {
    const env = (e: Record<string, string>) => e as NodeJS.ProcessEnv;
    expect(() => parseCli([], {}, env({ IMBOT_RATE_LIMIT: 'maybe' }))).toThrow(new UsageError(`--rate-limit expects on or off, got 'maybe'`));
    expect(() => parseCli(['--log-level', 'loud'], {}, env({}))).toThrow(
      new UsageError(`--log-level expects one of fatal|error|warn|info|debug|trace|silent, got 'loud'`),
    );
    expect(() => parseCli([], {}, env({ IMBOT_PORT: '1.5' }))).toThrow(UsageError);
    expect(() => parseCli(['--port=-1'], {}, env({}))).toThrow(UsageError);
    expect(parseCli(['--https-port=-1'], {}, env({})).server.httpsPort).toBe(-1);
    const both = parseCli(['--port', '9001', '--rate-limit', 'off'], {}, env({ IMBOT_PORT: '9002', IMBOT_RATE_LIMIT: 'on', IMBOT_HOST: '0.0.0.0' }));
    expect(both.server).toMatchObject({ port: 9001, rateLimit: false, host: '0.0.0.0' });
  });
});
