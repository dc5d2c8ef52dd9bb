import { AjaxError, B24OAuth, EnumAppStatus, Logger } from '@bitrix24/b24jssdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli/options.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { NO_THROTTLE } from './helpers/sdk.js';
import { deliveriesSettled, fetchJson, FormReceiver, httpBuildQuery, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// Issue 8: the test control plane under /_imbot/ (docs/console.md, docs/testing.md).

let s: TestServer;
let admin: string;

beforeAll(async () => {
  s = await testServer();
  admin = s.server.adminWebhook.secret;
});
afterAll(() => s?.close());

/** A control-plane request with the admin token; `body` as JSON, or as YAML when a string. */
function control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, token: string | null = admin) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (typeof body === 'string') headers['content-type'] = 'application/yaml';
  else if (body !== undefined) headers['content-type'] = 'application/json';
  return fetchJson(`${s.url}${path}`, { method, headers, body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body) });
}

let n = 0;
const uniq = (p: string) => `${p}${++n}${Math.random().toString(36).slice(2, 6)}`;

describe('who may use /_imbot/', () => {
  it('no token → 401 NO_AUTH_FOUND; an unknown token → 401', async () => {
    const none = await control('GET', '/_imbot/users', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('NO_AUTH_FOUND');
    const wrong = await control('POST', '/_imbot/reset', undefined, 'not-a-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('NO_AUTH_FOUND');
  });

  it("a non-administrator's webhook secret → 403 ACCESS_DENIED; the admin webhook's secret works", async () => {
    const p = s.server.platform;
    const u = await createUser(p.store, { name: 'Plain', login: uniq('plain') });
    const { secret } = await createWebhook(p.store, p.box, { userId: u.id, scopes: 'all' });
    const denied = await control('GET', '/_imbot/users', undefined, secret);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('ACCESS_DENIED');
    const ok = await control('GET', '/_imbot/users');
    expect(ok.status).toBe(200);
    expect(ok.body.result.map((x: any) => x.id)).toContain(1);
  });
});

const SEED_YAML = (code: string, hookUrl: string) => `
users:
  - key: alice
    name: Alice
    lastName: Smith
    login: ${code}_alice
  - key: bob
    name: Bob
    login: ${code}_bob
webhooks:
  - key: alicehook
    user: alice
    scopes: [im, imbot]
bots:
  - key: helper
    code: ${code}_helper
    name: Helper
    token: ${code}-token
    commands:
      - command: ping
        title: { en: Ping the bot }
  - key: hooked
    code: ${code}_hooked
    name: Hooked
    mode: webhook
    webhookUrl: ${hookUrl}
chats:
  - key: team
    title: Team
    owner: alice
    members: [bob, helper]
    messages:
      - from: bob
        text: first message
`;

describe('POST /_imbot/seed', () => {
  let rx: FormReceiver;
  beforeAll(async () => {
    rx = await new FormReceiver().start();
  });
  afterAll(() => rx.close());

  it('creates users, webhooks, bots with commands and chats from YAML, and returns their ids and secrets', async () => {
    const code = uniq('s');
    const r = await control('POST', '/_imbot/seed', SEED_YAML(code, rx.url('/hooked')));
    expect(r.status, r.text).toBe(200);
    const out = r.body.result;
    expect(out.users.alice).toEqual({ id: expect.any(Number), login: `${code}_alice` });
    expect(out.webhooks.alicehook.url).toBe(`${s.url}/rest/${out.users.alice.id}/${out.webhooks.alicehook.secret}/`);
    expect(out.bots.helper).toMatchObject({ code: `${code}_helper`, botToken: `${code}-token`, mode: 'fetch' });
    expect(out.bots.hooked.mode).toBe('webhook');
    expect(out.chats.team.dialogId).toBe(`chat${out.chats.team.id}`);

    // The seeded webhook is a working credential, and the bot and its command exist as registered.
    const me = await s.call('profile', {}, 'json', out.webhooks.alicehook.url);
    expect(me.body.result.ID).toBe(String(out.users.alice.id));
    const cmds = await s.call('imbot.v2.Command.list', { botId: out.bots.helper.id, botToken: `${code}-token` });
    expect(cmds.status, cmds.text).toBe(200);
    expect(JSON.stringify(cmds.body.result)).toContain('ping');
    const chat = await control('POST', `/_imbot/as/${out.users.alice.id}/im.dialog.get`, { DIALOG_ID: out.chats.team.dialogId });
    expect(chat.status, chat.text).toBe(200);
    expect(chat.body.result.name).toBe('Team');
  });

  it('then im.message.add as a seeded user (POST /_imbot/as/{userId}/…) reaches the seeded bots; peek does not acknowledge', async () => {
    const code = uniq('m');
    const seeded = (await control('POST', '/_imbot/seed', SEED_YAML(code, rx.url(`/${code}`)))).body.result;
    const bob = seeded.users.bob.id;

    const sent = await control('POST', `/_imbot/as/${bob}/im.message.add`, { DIALOG_ID: seeded.bots.helper.id, MESSAGE: 'hello helper' });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.result).toEqual(expect.any(Number));
    expect(isTimeObject(sent.body.time)).toBe(true);

    const peek1 = await control('GET', `/_imbot/bots/${seeded.bots.helper.id}/queue`);
    expect(peek1.status, peek1.text).toBe(200);
    const added = peek1.body.result.events.filter((e: any) => e.type === 'ONIMBOTV2MESSAGEADD');
    expect(added.at(-1).data.message.text).toBe('hello helper');
    expect(added.at(-1).data.user.id).toBe(bob);
    const peek2 = await control('GET', `/_imbot/bots/${seeded.bots.helper.id}/queue`);
    expect(peek2.body.result.depth).toBe(peek1.body.result.depth);
    // The bot still gets it through Event.get.
    const got = await s.call('imbot.v2.Event.get', { botId: seeded.bots.helper.id, botToken: `${code}-token` });
    expect(got.status, got.text).toBe(200);
    expect(JSON.stringify(got.body.result.events)).toContain('hello helper');

    // The webhook bot hears Bob too, as a form POST to its handler.
    await control('POST', `/_imbot/as/${bob}/im.message.add`, { DIALOG_ID: seeded.bots.hooked.id, MESSAGE: 'hi hooked' });
    const post = await rx.waitFor((p) => p.path === `/${code}` && p.body.event === 'ONIMBOTV2MESSAGEADD');
    expect(post.body.data.message.text).toBe('hi hooked');
  });

  it('a call as a user is that user: im.message.add as Bob is authored by Bob, user.current names Bob', async () => {
    const code = uniq('u');
    const seeded = (await control('POST', '/_imbot/seed', { users: [{ key: 'bob', name: 'Bob', login: `${code}_bob` }] })).body.result;
    const me = await control('POST', `/_imbot/as/${seeded.users.bob.id}/user.current`, {});
    expect(me.body.result.ID).toBe(String(seeded.users.bob.id));
    // Query-string form works too, and errors keep the REST shape and status.
    const bad = await fetchJson(`${s.url}/_imbot/as/${seeded.users.bob.id}/im.message.add?${httpBuildQuery({ DIALOG_ID: 'chat999999', MESSAGE: 'x' })}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual(expect.any(String));
    const unknown = await control('POST', `/_imbot/as/${seeded.users.bob.id}/no.such.method`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('ERROR_METHOD_NOT_FOUND');
    const nobody = await control('POST', '/_imbot/as/999999/user.current', {});
    expect(nobody.body.error).toBe('USER_NOT_FOUND');
  });

  it('bad documents are refused with the entry named', async () => {
    const notYaml = await control('POST', '/_imbot/seed', 'users: [unclosed');
    expect(notYaml.status).toBe(400);
    expect(notYaml.body.error).toBe('SEED_INVALID');
    const noName = await control('POST', '/_imbot/seed', { users: [{ login: 'x' }] });
    expect(noName.status).toBe(400);
    expect(noName.body.error_description).toMatch(/^users\.0\.name/);
    const dangling = await control('POST', '/_imbot/seed', { chats: [{ owner: 'nobody-here' }] });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error_description).toContain("no user or bot with key 'nobody-here'");
    const taken = await control('POST', '/_imbot/seed', { users: [{ name: 'A', login: 'admin' }] });
    expect(taken.status).toBe(400);
    expect(taken.body.error).toBe('SEED_FAILED');
    expect(taken.body.error_description).toMatch(/^users\[0\]: USER_LOGIN_TAKEN/);
  });
});

describe('POST /_imbot/reset', () => {
  it('empties the portal but keeps the administrator and the admin webhook; ids start again', async () => {
    const seeded = (await control('POST', '/_imbot/seed', { users: [{ name: 'Temp', login: uniq('t') }], bots: [{ code: uniq('b'), name: 'B' }], chats: [{ title: 'x' }] })).body.result;
    expect(Object.keys(seeded.users)).toHaveLength(1);

    const r = await control('POST', '/_imbot/reset');
    expect(r.status, r.text).toBe(200);
    expect(r.body.result.tables).toBeGreaterThan(5);

    const users = (await control('GET', '/_imbot/users')).body.result;
    expect(users.map((u: any) => u.id)).toEqual([1]);
    expect((await control('GET', '/_imbot/bots')).body.result).toEqual([]);
    expect((await control('GET', '/_imbot/chats')).body.result).toEqual([]);
    const hooks = (await control('GET', '/_imbot/webhooks')).body.result;
    expect(hooks).toHaveLength(1);
    expect(hooks[0].url).toBe(s.hook);

    // The admin webhook still answers; the next user is number 2 again.
    expect((await s.call('user.current')).body.result.ID).toBe('1');
    const again = (await control('POST', '/_imbot/seed', { users: [{ key: 'x', name: 'Next' }] })).body.result;
    expect(again.users.x.id).toBe(2);
    // A webhook of a deleted user is no longer a credential (the resolution cache is dropped).
    const gone = await s.call('user.current', {}, 'json', `${s.url}/rest/${seeded.users[Object.keys(seeded.users)[0]].id}/whatever/`);
    expect(gone.status).toBe(401);
  });
});

describe('POST /_imbot/faults', () => {
  it('refuses unknown faults and mismatched targets', async () => {
    const bad = await control('POST', '/_imbot/faults', { fault: 'NOPE' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_FAULT');
    const mismatch = await control('POST', '/_imbot/faults', { fault: 'handler_timeout', method: 'profile' });
    expect(mismatch.status).toBe(400);
    const count = await control('POST', '/_imbot/faults', { fault: 'QUERY_LIMIT_EXCEEDED', count: 0 });
    expect(count.status).toBe(400);
  });

  it('fails exactly the next N matching calls, with the platform error and status, then lets calls through', async () => {
    const set = await control('POST', '/_imbot/faults', { fault: 'INTERNAL_SERVER_ERROR', method: 'server.time', count: 2 });
    expect(set.status, set.text).toBe(200);
    expect(set.body.result[0]).toMatchObject({ fault: 'INTERNAL_SERVER_ERROR', remaining: 2, method: 'server.time' });
    expect((await s.call('profile')).status).toBe(200); // another method is not affected
    for (let i = 0; i < 2; i++) {
      const r = await s.call('server.time', {}, 'form');
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' });
    }
    expect((await s.call('server.time')).status).toBe(200);
    expect((await control('GET', '/_imbot/faults')).body.result).toEqual([]);
  });

  it('reaches batch sub-calls, and is matched by bot id', async () => {
    await control('POST', '/_imbot/faults', { fault: 'OPERATION_TIME_LIMIT', method: 'imbot.v2.*', botId: 424242 });
    const other = await s.call('imbot.v2.Bot.get', { botId: 1, botToken: 'x' });
    expect(other.body.error).not.toBe('OPERATION_TIME_LIMIT');
    const r = await s.call('batch', { halt: 0, cmd: { a: 'server.time', b: `imbot.v2.Bot.get?${httpBuildQuery({ botId: 424242, botToken: 'x' })}` } });
    expect(r.status).toBe(200);
    expect(r.body.result.result_error.b.error).toBe('OPERATION_TIME_LIMIT');
    expect(r.body.result.result.a).toEqual(expect.any(String));
  });
});

// ---- the faults as the official SDK sees them (OAuth mode) -----------------------------------------------

async function sdkClient(maxRetries: number) {
  const res = await control('POST', '/_imbot/seed', { apps: [{ key: 'app', name: 'SDK app', scopes: ['imbot', 'im'], install: false }] });
  const { clientId, clientSecret } = res.body.result.apps.app;
  // Installing through the control plane with no handler: the tokens come from the authorization-code flow.
  const { authorizeCode, grantTokens } = await import('../src/domain/apps.js');
  const p = s.server.platform;
  const inst = await control('POST', `/_imbot/apps/${clientId}/install`, { userId: 1 });
  expect(inst.status, inst.text).toBe(200);
  const { code } = await authorizeCode(p, clientId, 1);
  const t = (await grantTokens(p, { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code } as any)) as any;
  const o = new B24OAuth(
    {
      applicationToken: '',
      userId: 1,
      memberId: t.member_id,
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expires: Math.floor(Date.now() / 1000) + 3600,
      expiresIn: 3600,
      scope: t.scope,
      domain: t.domain,
      clientEndpoint: t.client_endpoint,
      serverEndpoint: t.server_endpoint,
      status: EnumAppStatus.Local,
    },
    { clientId, clientSecret },
    { restrictionParams: { ...NO_THROTTLE, maxRetries, retryDelay: 1 } },
  );
  o.offClientSideWarning();
  o.setLogger(Logger.create('test'));
  return { o, accessToken: t.access_token as string };
}

async function sdkError(p: Promise<unknown>): Promise<AjaxError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AjaxError);
    return e as AjaxError;
  }
  throw new Error('the SDK call succeeded');
}

describe('injected faults through @bitrix24/b24jssdk', () => {
  it('QUERY_LIMIT_EXCEEDED: the SDK retries and gets the answer', async () => {
    const { o } = await sdkClient(3);
    await control('POST', '/_imbot/faults', { fault: 'QUERY_LIMIT_EXCEEDED', method: 'profile', count: 1 });
    const r = await o.actions.v2.call.make<any>({ method: 'profile', params: {} });
    expect(r.isSuccess).toBe(true);
    expect(r.getData()!.result.ID).toBe('1');
    const rows = (await control('GET', '/_imbot/inspector?method=profile&limit=2')).body.result.items;
    expect(rows.map((x: any) => x.status)).toEqual([200, 503]);
    expect(rows[1].error.error).toBe('QUERY_LIMIT_EXCEEDED');
  });

  it('QUERY_LIMIT_EXCEEDED beyond its retries: the SDK reports it (503)', async () => {
    const { o } = await sdkClient(1);
    await control('POST', '/_imbot/faults', { fault: 'QUERY_LIMIT_EXCEEDED', method: 'profile', count: 5 });
    const e = await sdkError(o.actions.v2.call.make({ method: 'profile', params: {} }));
    expect(e.code).toBe('QUERY_LIMIT_EXCEEDED');
    expect(e.status).toBe(503);
    await control('DELETE', '/_imbot/faults');
  });

  it('expired_token: the SDK renews through /oauth/token/ and retries', async () => {
    const { o, accessToken } = await sdkClient(1);
    const renewed: string[] = [];
    o.setCallbackRefreshAuth(async ({ authData }) => {
      renewed.push(authData ? authData.access_token : 'false');
    });
    await control('POST', '/_imbot/faults', { fault: 'expired_token', method: 'app.info' });
    const r = await o.actions.v2.call.make<any>({ method: 'app.info', params: {} });
    expect(r.isSuccess).toBe(true);
    expect(renewed).toHaveLength(1);
    expect(renewed[0]).not.toBe(accessToken);
  });

  it('OPERATION_TIME_LIMIT (429) and an internal error (500) reach the SDK as errors', async () => {
    const { o } = await sdkClient(1);
    // The SDK may retry these too: the faults outlast its retries, and are cleared afterwards.
    await control('POST', '/_imbot/faults', { fault: 'OPERATION_TIME_LIMIT', method: 'profile', count: 10 });
    const slow = await sdkError(o.actions.v2.call.make({ method: 'profile', params: {} }));
    expect(slow.code).toBe('OPERATION_TIME_LIMIT');
    expect(slow.status).toBe(429);
    await control('DELETE', '/_imbot/faults');
    await control('POST', '/_imbot/faults', { fault: 'INTERNAL_SERVER_ERROR', method: 'profile', count: 10 });
    const broken = await sdkError(o.actions.v2.call.make({ method: 'profile', params: {} }));
    expect(broken.code).toBe('INTERNAL_SERVER_ERROR');
    expect(broken.status).toBe(500);
    await control('DELETE', '/_imbot/faults');
  });
});

describe('delivery faults', () => {
  it('handler_timeout and connection_failure fail the next deliveries to that bot (not posted), then events flow again', async () => {
    const rx = await new FormReceiver().start();
    try {
      const code = uniq('d');
      const seeded = (await control('POST', '/_imbot/seed', { users: [{ key: 'u', name: 'U', login: `${code}u` }], bots: [{ key: 'b', code, name: 'B', mode: 'webhook', webhookUrl: rx.url('/h') }] })).body.result;
      const bot = seeded.bots.b.id;
      await deliveriesSettled(s);
      rx.posts.length = 0;
      const set = await control('POST', '/_imbot/faults', [{ fault: 'handler_timeout', botId: bot, event: 'ONIMBOTV2MESSAGEADD' }, { fault: 'connection_failure', botId: bot, event: 'ONIMBOTV2MESSAGEADD' }]);
      expect(set.status, set.text).toBe(200);
      for (const text of ['one', 'two', 'three']) await control('POST', `/_imbot/as/${seeded.users.u.id}/im.message.add`, { DIALOG_ID: bot, MESSAGE: text });
      const post = await rx.waitFor((p) => p.body.data?.message?.text === 'three');
      expect(post.body.event).toBe('ONIMBOTV2MESSAGEADD');
      await deliveriesSettled(s);
      expect(rx.posts.filter((p) => p.body.event === 'ONIMBOTV2MESSAGEADD').map((p) => p.body.data.message.text)).toEqual(['three']);
      const failed = (await control('GET', `/_imbot/inspector?kind=event&bot=${bot}&error=1`)).body.result.items;
      expect(failed.map((e: any) => e.attempts[0].error)).toEqual([
        'connect ECONNREFUSED (injected fault)',
        `timeout after ${s.server.platform.config.deliveryTimeoutMs} ms (injected fault)`,
      ]);
      expect(failed.every((e: any) => e.attempts[0].fault)).toBe(true);
    } finally {
      await rx.close();
    }
  });
});

describe('start --seed FILE (ServerOptions.seed)', () => {
  it('seeds at start from a YAML file and reports what it created; a broken file stops the start', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-seed-'));
    const good = path.join(dir, 'seed.yaml');
    fs.writeFileSync(good, 'users:\n  - key: dana\n    name: Dana\nbots:\n  - code: startbot\n    name: Start Bot\n    token: start-token\n');
    const seeded = await testServer({ seed: good });
    try {
      expect(seeded.server.seeded?.users.dana.id).toBe(2);
      expect(seeded.server.seeded?.bots.startbot).toMatchObject({ id: 3, botToken: 'start-token', mode: 'fetch' });
      const got = await seeded.call('imbot.v2.Bot.get', { botId: 3, botToken: 'start-token' });
      expect(got.body.result.bot.code).toBe('startbot');
    } finally {
      await seeded.close();
    }
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'bots:\n  - code: nameless\n');
    await expect(testServer({ seed: bad })).rejects.toMatchObject({ code: 'SEED_INVALID' });
    await expect(testServer({ seed: path.join(dir, 'missing.yaml') })).rejects.toMatchObject({ code: 'SEED_INVALID' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('CLI flags', () => {
  it('--inspector-size and --seed, with their IMBOT_* twins; a bad size is a usage error', () => {
    expect(parseCli(['--inspector-size', '10', '--seed', 'portal.yaml'], {}, {}).server).toMatchObject({ inspectorSize: 10, seed: 'portal.yaml' });
    expect(parseCli([], {}, { IMBOT_INSPECTOR_SIZE: '0', IMBOT_SEED: 'x.json' }).server).toMatchObject({ inspectorSize: 0, seed: 'x.json' });
    expect(parseCli([], {}, {}).server).toMatchObject({ inspectorSize: 5000, seed: undefined });
    expect(() => parseCli(['--inspector-size=-1'], {}, {})).toThrow(UsageError);
    expect(() => parseCli(['--inspector-size', '2.5'], {}, {})).toThrow(/whole number/);
  });
});
