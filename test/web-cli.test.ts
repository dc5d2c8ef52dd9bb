import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliChildren, cliEnv, killCliChildren, ROOT, runCli } from './helpers/cli.js';
import { fetchJson, testServer } from './helpers/server.js';

// The web messenger's sign-in from the command line (issue 7): `imbot-server user login-link N`, the
// administrator's link printed at start, and `user add --password` — real processes over dist/.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-web-cli-'));
afterAll(() => {
  killCliChildren();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args);

describe('imbot-server user login-link', () => {
  it('prints a one-time link that signs the user in once; the password of user add works too', async () => {
    const data = path.join(tmp, 'link.sqlite');
    const add = await cli(['user', 'add', '--name', 'Pat', '--login', 'pat', '--password', 'pat-secret', '--data', data]);
    expect(add.code, add.stderr).toBe(0);
    const link = await cli(['user', 'login-link', '2', '--data', data, '--public-url', 'http://messenger.test']);
    expect(link.code, link.stderr).toBe(0);
    const url = link.stdout.match(/^(http:\/\/messenger\.test\/_web\/login\/([a-z0-9]{40}))$/m);
    expect(url, link.stdout).not.toBeNull();
    expect(link.stdout).toContain('works once');
    // The same data file served: the link signs Pat in, once.
    const s = await testServer({ data });
    try {
      const first = await fetchJson(`${s.url}/_web/login/${url![2]}`);
      expect(first.status).toBe(302);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetchJson(`${s.url}/_web/session`, { headers: { cookie } })).body.user).toMatchObject({ id: 2, login: 'pat' });
      expect((await fetchJson(`${s.url}/_web/login/${url![2]}`)).status).toBe(400);
      const pw = await fetchJson(`${s.url}/_web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'pat', password: 'pat-secret' }) });
      expect(pw.status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('refuses a missing or unknown user', async () => {
    const data = path.join(tmp, 'bad.sqlite');
    const none = await cli(['user', 'login-link', '--data', data]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: imbot-server user login-link N');
    const unknown = await cli(['user', 'login-link', '99', '--data', data]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('USER_NOT_FOUND: User 99 not found');
  });
});

describe('imbot-server start', () => {
  it('prints the messenger address and the administrator’s sign-in link beside the admin webhook', async () => {
    const data = path.join(tmp, 'start.sqlite');
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--https-port', '0', '--data', data, '--log-level', 'silent'], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    cliChildren.add(child);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await expect.poll(() => /^ {2}admin sign-in +\S+$/m.test(out), { timeout: 15_000 }).toBe(true);
    expect(out).toMatch(/^ {2}admin webhook +http:\/\/127\.0\.0\.1:\d+\/rest\/1\/\S+\/$/m);
    const http = out.match(/^ {2}HTTP +(\S+)$/m)![1]!;
    expect(out).toContain(`  messenger       ${http}/\n`);
    const link = out.match(/^ {2}admin sign-in +(\S+)$/m)![1]!;
    expect(link.startsWith(`${http}/_web/login/`)).toBe(true);
    const r = await fetchJson(link);
    expect(r.status).toBe(302);
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetchJson(`${http}/_web/session`, { headers: { cookie } })).body.user).toMatchObject({ id: 1, isAdmin: true });
    // The page itself is served by the same process.
    const page = await fetchJson(`${http}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root"></div>');
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    cliChildren.delete(child);
  });
});
