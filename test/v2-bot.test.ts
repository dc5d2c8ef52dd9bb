import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { privateKey } from '../src/domain/messenger/chats.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { pngBase64 } from './helpers/images.js';
import { fetchJson, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// Seeds 002 (Bot.register) and 000 (Bot.update); chat-bots-v2/imbot.v2/bots/{bot-get,bot-list,bot-unregister}.md,
// entities.md (Bot, User), index.md (types, limits), change-log.md (Revisions 34–36), platform-behaviour.md §4.

const R = 'imbot.v2.Bot.register';
const U = 'imbot.v2.Bot.update';
const G = 'imbot.v2.Bot.get';
const L = 'imbot.v2.Bot.list';
const D = 'imbot.v2.Bot.unregister';

/** entities.md#bot: the brief (public) fields, then the owner-only ones. No appId (Revision 35). */
const PUBLIC_BOT_KEYS = ['id', 'code', 'type', 'isHidden', 'isSupportOpenline', 'isReactionsEnabled', 'backgroundId', 'language'];
const OWNER_BOT_KEYS = [...PUBLIC_BOT_KEYS, 'moduleId', 'eventMode', 'countMessage', 'countCommand', 'countChat', 'countUser'];
/** The User fields of the seed's example response (every one must be there, with its type). */
const SEED_USER_KEYS = [
  'id', 'active', 'name', 'firstName', 'lastName', 'workPosition', 'color', 'avatar', 'gender', 'birthday', 'extranet', 'bot',
  'connector', 'externalAuthId', 'status', 'idle', 'lastActivityDate', 'absent', 'departments', 'phones', 'type',
];
/** entities.md#user: everything a User may carry. */
const ENTITY_USER_KEYS = [...SEED_USER_KEYS, 'mobileLastDate', 'desktopLastDate', 'website', 'email'];

let s: TestServer;
let seq = 0;
/** A fresh bot code / token per test, so tests do not depend on each other. */
const uniq = (prefix: string) => `${prefix}_${++seq}_${Math.random().toString(36).slice(2, 7)}`;

beforeAll(async () => {
  s = await testServer();
});
afterAll(() => s?.close());

const fields = (code: string, extra: Record<string, unknown> = {}, props: Record<string, unknown> = {}) => ({
  code,
  properties: { name: 'Support Bot', workPosition: 'AI Assistant', ...props },
  ...extra,
});

/** Registers a fetch bot owned by `token`; returns the result. */
async function reg(token: string, code = uniq('bot'), extra: Record<string, unknown> = {}, props: Record<string, unknown> = {}) {
  const r = await s.call(R, { fields: { ...fields(code, extra, props), botToken: token } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.result as { bot: any; users: any[] };
}

function expectError(r: { status: number; body: any }, code: string, description?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.error).toBe(code);
  if (description !== undefined) expect(r.body.error_description).toBe(description);
  expect(r.body.result).toBeUndefined();
}

function expectOwnerBot(bot: any) {
  expect(Object.keys(bot).sort()).toEqual([...OWNER_BOT_KEYS].sort());
  expect(bot).not.toHaveProperty('appId');
  expect(Number.isInteger(bot.id)).toBe(true);
  for (const k of ['isHidden', 'isSupportOpenline', 'isReactionsEnabled']) expect(typeof bot[k]).toBe('boolean');
  for (const k of ['countMessage', 'countCommand', 'countChat', 'countUser']) expect(Number.isInteger(bot[k])).toBe(true);
  expect(bot.backgroundId === null || typeof bot.backgroundId === 'string').toBe(true);
}

function expectBotUser(u: any, id: number) {
  for (const k of SEED_USER_KEYS) expect(u).toHaveProperty(k);
  for (const k of Object.keys(u)) expect(ENTITY_USER_KEYS).toContain(k);
  expect(u.id).toBe(id);
  expect(u.active).toBe(true);
  expect(u.bot).toBe(true);
  expect(u.type).toBe('bot');
  expect(u.externalAuthId).toBe('bot');
  expect(u.extranet).toBe(false);
  expect(u.connector).toBe(false);
  expect(u.color).toMatch(/^#[0-9a-f]{6}$/);
  expect(typeof u.avatar).toBe('string');
  expect(typeof u.birthday).toBe('string');
  expect(Array.isArray(u.departments)).toBe(true);
  expect(u.lastActivityDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
}

// ---- tiny images (test/helpers/images.ts) --------------------------------------------------------

const PNG_1x1 = pngBase64(1, 1);
const PNG_6000x10 = pngBase64(6000, 10);
const NOT_AN_IMAGE = Buffer.from('just some text, not an image at all').toString('base64');

// ---- OAuth: an installed application ---------------------------------------------------------------

interface AppAuth {
  endpoint: string;
  token: string;
  clientId: string;
  appId: number;
}
async function installedApp(name: string): Promise<AppAuth> {
  const p = s.server.platform;
  const { app } = await createApp(p.store, p, { name, scopes: ['imbot', 'im'] });
  const outcome = await installApp(p, app.client_id);
  const auth = outcome.payload.auth as Record<string, string>;
  return { endpoint: auth.client_endpoint, token: auth.access_token, clientId: app.client_id, appId: app.id };
}
/** A call with `auth` in a JSON body, as the OAuth curl examples do. */
const oauthCall = (a: AppAuth, method: string, params: Record<string, unknown>) =>
  fetchJson(a.endpoint + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: a.token }) });

// ---- a loopback receiver for webhook bots ----------------------------------------------------------

interface Received {
  url: string;
  contentType: string;
  body: string;
}
async function startReceiver() {
  const requests: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/bot/handler.php`,
    requests,
    /** Resolves once `n` requests have arrived (the test's own timeout bounds it). */
    async waitFor(n: number) {
      while (requests.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// =====================================================================================================

describe('imbot.v2.Bot.register', () => {
  it('the webhook example (JSON body with fields.botToken) returns {bot, users} as documented', async () => {
    const token = uniq('tok');
    const code = uniq('support_bot');
    const r = await s.call(R, {
      fields: { code, botToken: token, properties: { name: 'Support Bot', workPosition: 'AI Assistant' }, type: 'bot', eventMode: 'fetch' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(Object.keys(r.body.result).sort()).toEqual(['bot', 'users']);
    const { bot, users } = r.body.result;
    expectOwnerBot(bot);
    expect(bot).toEqual({
      id: bot.id,
      code,
      type: 'bot',
      isHidden: false,
      isSupportOpenline: false,
      isReactionsEnabled: true,
      backgroundId: null,
      language: 'en',
      moduleId: 'rest',
      eventMode: 'fetch',
      countMessage: 0,
      countCommand: 0,
      countChat: 0,
      countUser: 0,
    });
    expect(users).toHaveLength(1);
    expectBotUser(users[0], bot.id);
    expect(users[0]).toMatchObject({ name: 'Support Bot', firstName: 'Support Bot', lastName: '', workPosition: 'AI Assistant', avatar: '' });

    // The bot is a user: external_auth_id bot, login bot_rest_<code>_<rand5>; plus a v2 bots row without an app.
    const p = s.server.platform;
    const user = await p.store.users.byId(bot.id);
    expect(user?.external_auth_id).toBe('bot');
    expect(user?.login).toMatch(new RegExp(`^bot_rest_${code}_[a-z0-9]{5}$`));
    const row = await p.store.bots.byId(bot.id);
    expect(row).toMatchObject({ api: 'v2', module_id: 'rest', language: 'en', app_id: null, event_mode: 'fetch', webhook_url: '' });
    // The owner key is kept hashed and sealed, never in clear.
    expect(row?.owner_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.owner_sealed).not.toContain(token);
    expect(p.box.open(row!.owner_sealed)).toBe(`custom${token}`);
  });

  it('the OAuth example (access token of an installed application, no botToken) registers a bot owned by the app', async () => {
    const app = await installedApp('Bot app');
    const code = uniq('support_bot');
    const r = await oauthCall(app, R, {
      fields: { code, properties: { name: 'Support Bot', workPosition: 'AI Assistant' }, type: 'bot', eventMode: 'fetch' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expectOwnerBot(r.body.result.bot);
    expect(r.body.result.bot).toMatchObject({ code, type: 'bot', eventMode: 'fetch', moduleId: 'rest' });
    expectBotUser(r.body.result.users[0], r.body.result.bot.id);
    const row = await s.server.platform.store.bots.byId(r.body.result.bot.id);
    expect(row?.app_id).toBe(app.appId);
    expect(s.server.platform.box.open(row!.owner_sealed)).toBe(app.clientId);

    // Idempotent for the same application; the application's bots are not reachable with some botToken.
    const again = await oauthCall(app, R, { fields: { code, properties: { name: 'Other' } } });
    expect(again.body.result.bot.id).toBe(r.body.result.bot.id);
    expect(again.body.result.users[0].name).toBe('Support Bot');
    expectError(await s.call(R, { fields: { code, botToken: uniq('t'), properties: { name: 'X' } } }), 'BOT_CODE_ALREADY_TAKEN', 'Bot code is already taken');
    expectError(await s.call(U, { botId: r.body.result.bot.id, botToken: app.clientId, fields: { isHidden: true } }), 'BOT_OWNERSHIP_ERROR');
    // A second application can neither take the code nor touch the bot.
    const other = await installedApp('Other app');
    expectError(await oauthCall(other, R, { fields: { code, properties: { name: 'X' } } }), 'BOT_CODE_ALREADY_TAKEN');
    expectError(await oauthCall(other, U, { botId: r.body.result.bot.id, fields: { isHidden: true } }), 'BOT_OWNERSHIP_ERROR');
    // The owning app manages it with its OAuth token only.
    const upd = await oauthCall(app, U, { botId: r.body.result.bot.id, fields: { properties: { name: 'Updated Bot' }, isHidden: true } });
    expect(upd.status).toBe(200);
    expect(upd.body.result.bot.isHidden).toBe(true);
    const list = await oauthCall(app, L, {});
    expect(list.body.result.bots.map((b: any) => b.id)).toEqual([r.body.result.bot.id]);
  });

  it('PHP CRest form-encoded body (http_build_query) is read like JSON, top-level botToken too', async () => {
    const token = uniq('tok');
    const code = uniq('form_bot');
    const r = await s.call(
      R,
      {
        fields: { code, properties: { name: 'Form Bot', lastName: 'Smith', workPosition: 'Helper', gender: 'F', color: 'LIGHT_BLUE' }, type: 'supervisor', eventMode: 'fetch', isHidden: true, isReactionsEnabled: false, isSupportOpenline: true, backgroundId: 'mint' },
        botToken: token,
      },
      'form',
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.bot).toMatchObject({ code, type: 'supervisor', isHidden: true, isReactionsEnabled: false, isSupportOpenline: true, backgroundId: 'mint' });
    expect(r.body.result.users[0]).toMatchObject({ name: 'Form Bot Smith', firstName: 'Form Bot', lastName: 'Smith', workPosition: 'Helper', gender: 'F', color: '#4ba5c3' });
    // The token given at the top level owns it.
    const got = await s.call(G, { botToken: token, botId: r.body.result.bot.id });
    expect(got.body.result.bot).toHaveProperty('eventMode');

    // The same in a query string.
    const q = await s.call(R, { fields: { code: uniq('q_bot'), botToken: token, properties: { name: 'Query Bot' } } }, 'query');
    expect(q.status, JSON.stringify(q.body)).toBe(200);
    expect(q.body.result.bot.type).toBe('bot');
  });

  it('UPPER_SNAKE field names are read too', async () => {
    const token = uniq('tok');
    const code = uniq('upper');
    const r = await s.call(R, { FIELDS: { CODE: code, BOT_TOKEN: token, PROPERTIES: { NAME: 'Upper', WORK_POSITION: 'Caps' }, EVENT_MODE: 'fetch', IS_HIDDEN: 'Y' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.bot).toMatchObject({ code, isHidden: true });
    expect(r.body.result.users[0].workPosition).toBe('Caps');
  });

  it('defaults: type bot, eventMode fetch, isHidden false, isReactionsEnabled true, isSupportOpenline false, backgroundId null, automatic colour', async () => {
    const { bot, users } = await reg(uniq('tok'), uniq('defaults'), {}, {});
    expect(bot).toMatchObject({ type: 'bot', eventMode: 'fetch', isHidden: false, isReactionsEnabled: true, isSupportOpenline: false, backgroundId: null });
    expect(users[0].color).toMatch(/^#[0-9a-f]{6}$/);
    expect(users[0].gender).toBe('');
  });

  it('booleans: true, "Y", "1", "TRUE" are true; false, "N", "0", "yes" are false', async () => {
    const token = uniq('tok');
    for (const v of [true, 'Y', '1', 'TRUE', 'true', 1]) {
      const { bot } = await reg(token, uniq('b'), { isHidden: v, isReactionsEnabled: v, isSupportOpenline: v });
      expect(bot, String(v)).toMatchObject({ isHidden: true, isReactionsEnabled: true, isSupportOpenline: true });
    }
    for (const v of [false, 'N', '0', 'yes', 'no', 0]) {
      const { bot } = await reg(token, uniq('b'), { isHidden: v, isReactionsEnabled: v, isSupportOpenline: v });
      expect(bot, String(v)).toMatchObject({ isHidden: false, isReactionsEnabled: false, isSupportOpenline: false });
    }
  });

  it('backgroundId: each documented background is kept, anything else becomes null', async () => {
    const token = uniq('tok');
    for (const bg of ['azure', 'mint', 'steel', 'slate', 'teal', 'cornflower', 'sky', 'peach', 'frost']) {
      expect((await reg(token, uniq('bg'), { backgroundId: bg })).bot.backgroundId).toBe(bg);
    }
    for (const bg of ['MINT', 'purple', '', 42]) {
      expect((await reg(token, uniq('bg'), { backgroundId: bg })).bot.backgroundId).toBeNull();
    }
  });

  it('color: a palette colour (camelCase or UPPER_SNAKE) is used, an unknown one is replaced automatically', async () => {
    const token = uniq('tok');
    expect((await reg(token, uniq('c'), {}, { color: 'red' })).users[0].color).toBe('#df532d');
    expect((await reg(token, uniq('c'), {}, { color: 'lightBlue' })).users[0].color).toBe('#4ba5c3');
    expect((await reg(token, uniq('c'), {}, { color: 'DARK_BLUE' })).users[0].color).toBe('#3e99ce');
    const auto = (await reg(token, uniq('c'), {}, { color: 'ultraviolet' })).users[0].color;
    expect(auto).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('gender M/F is stored, anything else left empty', async () => {
    const token = uniq('tok');
    expect((await reg(token, uniq('g'), {}, { gender: 'M' })).users[0].gender).toBe('M');
    expect((await reg(token, uniq('g'), {}, { gender: 'f' })).users[0].gender).toBe('F');
    expect((await reg(token, uniq('g'), {}, { gender: 'X' })).users[0].gender).toBe('');
  });

  it('types bot, supervisor, personal, openline and network are accepted; others give BOT_INVALID_TYPE', async () => {
    const token = uniq('tok');
    for (const type of ['bot', 'supervisor', 'personal', 'openline', 'network']) {
      expect((await reg(token, uniq('t'), { type })).bot.type).toBe(type);
    }
    expectError(await s.call(R, { fields: { ...fields(uniq('t'), { type: 'robot' }), botToken: token } }), 'BOT_INVALID_TYPE', 'Invalid bot type');
    expectError(await s.call(R, { fields: { ...fields(uniq('t'), { type: 'H' }), botToken: token } }), 'BOT_INVALID_TYPE');
  });

  it('eventMode: webhook needs a webhookUrl that is an http(s) URL; loopback and private hosts are allowed', async () => {
    const token = uniq('tok');
    expectError(await s.call(R, { fields: { ...fields(uniq('e'), { eventMode: 'poll' }), botToken: token } }), 'BOT_INVALID_EVENT_MODE', 'Invalid event mode');
    expectError(await s.call(R, { fields: { ...fields(uniq('e'), { eventMode: 'webhook' }), botToken: token } }), 'BOT_WEBHOOK_URL_REQUIRED', 'Webhook URL is required');
    expectError(await s.call(R, { fields: { ...fields(uniq('e'), { eventMode: 'webhook', webhookUrl: '' }), botToken: token } }), 'BOT_WEBHOOK_URL_REQUIRED');
    for (const bad of ['not a url', 'ftp://example.com/h', 'javascript:alert(1)', 'http://']) {
      expectError(
        await s.call(R, { fields: { ...fields(uniq('e'), { eventMode: 'webhook', webhookUrl: bad }), botToken: token } }),
        'BOT_INVALID_CALLBACK',
        'Invalid callback URL',
      );
    }
    for (const ok of ['http://localhost:8080/bot', 'http://127.0.0.1/h.php', 'http://10.0.0.5/h', 'http://192.168.1.20:3000/x', 'https://bot.example.com/hook?x=1']) {
      const { bot } = await reg(token, uniq('e'), { eventMode: 'webhook', webhookUrl: ok });
      expect(bot.eventMode).toBe('webhook');
      expect((await s.server.platform.store.bots.byId(bot.id))?.webhook_url).toBe(ok);
    }
  });

  it('required fields: BOT_TOKEN_NOT_SPECIFIED, BOT_CODE_REQUIRED, BOT_PROPERTIES_REQUIRED', async () => {
    expectError(await s.call(R, { fields: fields(uniq('x')) }), 'BOT_TOKEN_NOT_SPECIFIED', 'Bot token is not specified');
    expectError(await s.call(R, { fields: { ...fields(uniq('x')), botToken: '' } }), 'BOT_TOKEN_NOT_SPECIFIED');
    expectError(await s.call(R, { fields: { botToken: 't', properties: { name: 'N' } } }), 'BOT_CODE_REQUIRED', 'Bot code is required');
    expectError(await s.call(R, { fields: { botToken: 't', code: '  ', properties: { name: 'N' } } }), 'BOT_CODE_REQUIRED');
    expectError(await s.call(R, { botToken: 't' }), 'BOT_CODE_REQUIRED');
    expectError(await s.call(R, { fields: { botToken: 't', code: uniq('x') } }), 'BOT_PROPERTIES_REQUIRED', 'Bot properties are required');
    expectError(await s.call(R, { fields: { botToken: 't', code: uniq('x'), properties: { workPosition: 'P' } } }), 'BOT_PROPERTIES_REQUIRED');
    expectError(await s.call(R, { fields: { botToken: 't', code: uniq('x'), properties: { name: '  ' } } }), 'BOT_PROPERTIES_REQUIRED');
    // Form-encoded too.
    expectError(await s.call(R, { fields: { botToken: 't', properties: { name: 'N' } } }, 'form'), 'BOT_CODE_REQUIRED');
  });

  it('botToken: at most 40 characters (BOT_TOKEN_INVALID_LENGTH)', async () => {
    const t40 = 'a'.repeat(30) + uniq('').slice(0, 10).padEnd(10, 'z');
    expect(t40).toHaveLength(40);
    await reg(t40);
    expectError(await s.call(R, { fields: { ...fields(uniq('l')), botToken: t40 + 'x' } }), 'BOT_TOKEN_INVALID_LENGTH');
    expectError(await s.call(R, { fields: fields(uniq('l')), botToken: 'b'.repeat(64) }), 'BOT_TOKEN_INVALID_LENGTH');
  });

  it('is idempotent by code: the same owner gets the existing bot unchanged, another owner BOT_CODE_ALREADY_TAKEN', async () => {
    const token = uniq('tok');
    const code = uniq('idem');
    const first = await reg(token, code, { isHidden: true }, { name: 'First' });
    const again = await s.call(R, { fields: { code, botToken: token, type: 'supervisor', isHidden: false, properties: { name: 'Second', avatar: PNG_1x1 } } });
    expect(again.status).toBe(200);
    expect(again.body.result).toEqual(first);
    // Portal-wide: a different token may not take the code.
    expectError(await s.call(R, { fields: { code, botToken: uniq('tok'), properties: { name: 'Thief' } } }), 'BOT_CODE_ALREADY_TAKEN', 'Bot code is already taken');
    expect((await s.call(G, { botToken: token, botId: first.bot.id })).body.result.users[0].name).toBe('First');
  });

  it('the login stays within 50 characters for long codes', async () => {
    const code = 'c'.repeat(120);
    const { bot } = await reg(uniq('tok'), code);
    expect(bot.code).toBe(code);
    const login = (await s.server.platform.store.users.byId(bot.id))!.login;
    expect(login.length).toBeLessThanOrEqual(50);
    expect(login).toMatch(/^bot_rest_c+_[a-z0-9]{5}$/);
  });

  it('avatar: a base64 image is stored, non-images give BOT_AVATAR_INCORRECT_TYPE, over 5000×5000 BOT_AVATAR_INCORRECT_SIZE', async () => {
    const token = uniq('tok');
    const { bot, users } = await reg(token, uniq('av'), {}, { avatar: PNG_1x1 });
    expect(users[0].avatar).toBe(`${s.server.publicUrl}/avatars/${bot.id}.png`);
    expectError(
      await s.call(R, { fields: { ...fields(uniq('av'), {}, { avatar: NOT_AN_IMAGE }), botToken: token } }),
      'BOT_AVATAR_INCORRECT_TYPE',
      'Avatar must be an image',
    );
    expectError(
      await s.call(R, { fields: { ...fields(uniq('av'), {}, { avatar: PNG_6000x10 }), botToken: token } }),
      'BOT_AVATAR_INCORRECT_SIZE',
      'Avatar exceeds maximum size',
    );
    // Form-encoded, the base64 survives '+' and '/' characters.
    const f = await s.call(R, { fields: { ...fields(uniq('av'), {}, { avatar: PNG_1x1 }), botToken: token } }, 'form');
    expect(f.status, JSON.stringify(f.body)).toBe(200);
    expect(f.body.result.users[0].avatar).toMatch(/\/avatars\/\d+\.png$/);
    // Failed registrations left nothing behind.
    const list = await s.call(L, { botToken: token });
    expect(list.body.result.bots).toHaveLength(2);
  });

  it('with a data folder, the avatar bytes are kept in <dataDir>/avatars/<userId>.<ext>', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-avatars-'));
    const ds = await testServer({ data: path.join(dir, 'portal.db') });
    try {
      const token = uniq('tok');
      const r = await ds.call(R, { fields: { ...fields(uniq('av'), {}, { avatar: PNG_1x1 }), botToken: token } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const id = r.body.result.bot.id;
      expect(r.body.result.users[0].avatar).toBe(`${ds.server.publicUrl}/avatars/${id}.png`);
      expect(fs.readFileSync(path.join(dir, 'avatars', `${id}.png`))).toEqual(Buffer.from(PNG_1x1, 'base64'));
      // Bot.update replaces it.
      const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
      const u = await ds.call(U, { botId: id, botToken: token, fields: { properties: { avatar: gif.toString('base64') } } });
      expect(u.body.result.users[0].avatar).toBe(`${ds.server.publicUrl}/avatars/${id}.gif`);
      expect(fs.readdirSync(path.join(dir, 'avatars'))).toEqual([`${id}.gif`]);
    } finally {
      await ds.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('100 bots per owner, then BOT_LIMIT_EXCEEDED; other owners are not affected; existing codes still answer', async () => {
    const token = uniq('limit');
    const codes: string[] = [];
    for (let i = 0; i < 100; i++) {
      const code = `${token}_${i}`;
      codes.push(code);
      const r = await s.call(R, { fields: { code, botToken: token, properties: { name: `Bot ${i}` } } });
      expect(r.status, `bot ${i}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    expectError(await s.call(R, { fields: { code: `${token}_100`, botToken: token, properties: { name: 'One too many' } } }), 'BOT_LIMIT_EXCEEDED', 'Bot limit exceeded');
    const existing = await s.call(R, { fields: { code: codes[7], botToken: token, properties: { name: 'again' } } });
    expect(existing.status).toBe(200);
    expect(existing.body.result.bot.code).toBe(codes[7]);
    await reg(uniq('tok'));
    // Unregistering one frees a slot.
    const del = await s.call(D, { botToken: token, botId: existing.body.result.bot.id });
    expect(del.body.result).toEqual({ result: true });
    expect((await s.call(R, { fields: { code: `${token}_100`, botToken: token, properties: { name: 'Now fits' } } })).status).toBe(200);
  }, 20_000);

  it('needs the imbot scope', async () => {
    const p = s.server.platform;
    const { row, secret } = await createWebhook(p.store, p.box, { userId: 1, scopes: ['im'] });
    const r = await s.call(R, { fields: { ...fields(uniq('s')), botToken: 'x' } }, 'json', `${s.url}/rest/${row.user_id}/${secret}/`);
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('insufficient_scope');
  });
});

describe('imbot.v2.Bot.update', () => {
  it('the seed example (JSON, webhook + botToken) returns {bot, users} with the change', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token, uniq('support_bot'));
    const r = await s.call(U, { botId: bot.id, botToken: token, fields: { properties: { name: 'Updated Bot' }, isHidden: true } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(Object.keys(r.body.result).sort()).toEqual(['bot', 'users']);
    expectOwnerBot(r.body.result.bot);
    expect(r.body.result.bot).toEqual({ ...bot, isHidden: true });
    expect(r.body.result.users).toHaveLength(1);
    expectBotUser(r.body.result.users[0], bot.id);
    expect(r.body.result.users[0]).toMatchObject({ id: bot.id, active: true, name: 'Updated Bot', bot: true, type: 'bot', workPosition: 'AI Assistant' });
  });

  it('the PHP CRest example, form-encoded', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token);
    const r = await s.call(U, { botId: bot.id, botToken: token, fields: { properties: { name: 'Updated Bot' }, isHidden: true } }, 'form');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.bot.isHidden).toBe(true);
    expect(r.body.result.users[0].name).toBe('Updated Bot');
    const back = await s.call(U, { botId: String(bot.id), botToken: token, fields: { isHidden: false } }, 'form');
    expect(back.body.result.bot.isHidden).toBe(false);
  });

  it('every field of the seed: properties, flags, backgroundId (null resets), bad colour ignored', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token, uniq('u'), { backgroundId: 'sky' }, { color: 'red', gender: 'M' });
    const r = await s.call(U, {
      botId: bot.id,
      botToken: token,
      fields: {
        properties: { name: 'New', lastName: 'Name', workPosition: 'Boss', color: 'mint', gender: 'F', avatar: PNG_1x1 },
        isHidden: 'Y',
        isReactionsEnabled: 'N',
        isSupportOpenline: 'TRUE',
        backgroundId: 'peach',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.bot).toMatchObject({ isHidden: true, isReactionsEnabled: false, isSupportOpenline: true, backgroundId: 'peach' });
    expect(r.body.result.users[0]).toMatchObject({ name: 'New Name', firstName: 'New', lastName: 'Name', workPosition: 'Boss', color: '#4ba984', gender: 'F' });
    expect(r.body.result.users[0].avatar).toBe(`${s.server.publicUrl}/avatars/${bot.id}.png`);

    const bad = await s.call(U, { botId: bot.id, botToken: token, fields: { properties: { color: 'no-such-colour', gender: 'Q' } } });
    expect(bad.body.result.users[0]).toMatchObject({ color: '#4ba984', gender: 'F', name: 'New Name' });

    // Fields not sent stay; an invalid background becomes null; null resets.
    const inv = await s.call(U, { botId: bot.id, botToken: token, fields: { backgroundId: 'nope' } });
    expect(inv.body.result.bot).toMatchObject({ backgroundId: null, isHidden: true, isSupportOpenline: true });
    await s.call(U, { botId: bot.id, botToken: token, fields: { backgroundId: 'teal' } });
    const reset = await s.call(U, { botId: bot.id, botToken: token, fields: { backgroundId: null } });
    expect(reset.body.result.bot.backgroundId).toBeNull();
    const kept = await s.call(U, { botId: bot.id, botToken: token, fields: { isHidden: false } });
    expect(kept.body.result.bot).toMatchObject({ isHidden: false, isReactionsEnabled: false, backgroundId: null });
  });

  it('avatar errors', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token);
    expectError(await s.call(U, { botId: bot.id, botToken: token, fields: { properties: { avatar: NOT_AN_IMAGE } } }), 'BOT_AVATAR_INCORRECT_TYPE', 'Avatar must be an image');
    expectError(await s.call(U, { botId: bot.id, botToken: token, fields: { properties: { avatar: PNG_6000x10 } } }), 'BOT_AVATAR_INCORRECT_SIZE', 'Avatar exceeds maximum size');
    expect((await s.call(G, { botId: bot.id, botToken: token })).body.result.users[0].avatar).toBe('');
  });

  it('eventMode and webhookUrl: checked; fetch → webhook drops the pending queue; webhook → fetch drops the URL', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token);
    const { bot: sender } = await reg(token);
    // A real pending event: the other bot opens a private dialog with this one (JOINCHAT to a fetch bot).
    const sent = await s.call('imbot.v2.Chat.Message.send', { botId: sender.id, botToken: token, dialogId: String(bot.id), fields: { message: 'hi' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const store = s.server.platform.store;
    expect((await store.events.read([bot.id], 0, 100)).length).toBeGreaterThan(0);

    expectError(await s.call(U, { botId: bot.id, botToken: token, fields: { eventMode: 'push' } }), 'BOT_INVALID_EVENT_MODE', 'Invalid event mode');
    expectError(await s.call(U, { botId: bot.id, botToken: token, fields: { eventMode: 'webhook', webhookUrl: 'gopher://x' } }), 'BOT_INVALID_CALLBACK', 'Invalid callback URL');
    expectError(await s.call(U, { botId: bot.id, botToken: token, fields: { eventMode: 'webhook' } }), 'BOT_WEBHOOK_URL_REQUIRED');
    // Failed updates changed nothing.
    expect((await store.events.read([bot.id], 0, 100)).length).toBeGreaterThan(0);

    const wh = await s.call(U, { botId: bot.id, botToken: token, fields: { eventMode: 'webhook', webhookUrl: 'http://127.0.0.1:9/a' } });
    expect(wh.status, JSON.stringify(wh.body)).toBe(200);
    expect(wh.body.result.bot.eventMode).toBe('webhook');
    expect(await store.events.read([bot.id], 0, 100)).toEqual([]);
    expect((await store.bots.byId(bot.id))?.webhook_url).toBe('http://127.0.0.1:9/a');

    const moved = await s.call(U, { botId: bot.id, botToken: token, fields: { webhookUrl: 'http://10.1.2.3/b' } });
    expect(moved.body.result.bot.eventMode).toBe('webhook');
    expect((await store.bots.byId(bot.id))?.webhook_url).toBe('http://10.1.2.3/b');

    const back = await s.call(U, { botId: bot.id, botToken: token, fields: { eventMode: 'fetch' } });
    expect(back.body.result.bot.eventMode).toBe('fetch');
    expect((await store.bots.byId(bot.id))?.webhook_url).toBe('');
    // Back to webhook needs a URL again.
    expectError(await s.call(U, { botId: bot.id, botToken: token, fields: { eventMode: 'webhook' } }), 'BOT_WEBHOOK_URL_REQUIRED');
  });

  it('botToken rotation: authorised with the old token, which loses access at once', async () => {
    const oldToken = uniq('old');
    const newToken = uniq('new');
    const { bot } = await reg(oldToken);
    const r = await s.call(U, { botId: bot.id, botToken: oldToken, fields: { botToken: newToken } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expectOwnerBot(r.body.result.bot);
    expectError(await s.call(U, { botId: bot.id, botToken: oldToken, fields: {} }), 'BOT_OWNERSHIP_ERROR', 'Bot is registered by another application');
    expect((await s.call(G, { botId: bot.id, botToken: oldToken })).body.result.bot).not.toHaveProperty('eventMode');
    expect((await s.call(L, { botToken: oldToken })).body.result.bots).toEqual([]);
    const ok = await s.call(U, { botId: bot.id, botToken: newToken, fields: { isHidden: true } });
    expect(ok.status).toBe(200);
    expect((await s.call(L, { botToken: newToken })).body.result.bots.map((b: any) => b.id)).toEqual([bot.id]);
    // Events now carry the new key as application_token.
    expect(s.server.platform.box.open((await s.server.platform.store.bots.byId(bot.id))!.owner_sealed)).toBe(`custom${newToken}`);
    // Blank values are ignored.
    expect((await s.call(U, { botId: bot.id, botToken: newToken, fields: { botToken: '   ' } })).status).toBe(200);
    expect((await s.call(U, { botId: bot.id, botToken: newToken, fields: {} })).status).toBe(200);
  });

  it('botToken rotation onto another owner\'s token: BOT_TOKEN_ROTATION_FAILED; over 40 characters: BOT_TOKEN_INVALID_LENGTH', async () => {
    const mine = uniq('mine');
    const theirs = uniq('theirs');
    const { bot } = await reg(mine);
    await reg(theirs);
    expectError(await s.call(U, { botId: bot.id, botToken: mine, fields: { botToken: theirs, isHidden: true } }), 'BOT_TOKEN_ROTATION_FAILED', 'Bot token rotation failed');
    expectError(await s.call(U, { botId: bot.id, botToken: mine, fields: { botToken: 'x'.repeat(41) } }), 'BOT_TOKEN_INVALID_LENGTH');
    // Nothing changed: the old token still works, isHidden untouched.
    const g = await s.call(G, { botId: bot.id, botToken: mine });
    expect(g.body.result.bot).toMatchObject({ isHidden: false, eventMode: 'fetch' });
  });

  it('ownership errors: BOT_TOKEN_NOT_SPECIFIED, BOT_ID_REQUIRED, BOT_NOT_FOUND, BOT_OWNERSHIP_ERROR', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token);
    expectError(await s.call(U, { botId: bot.id, fields: { isHidden: true } }), 'BOT_TOKEN_NOT_SPECIFIED', 'Bot token is not specified');
    expectError(await s.call(U, { botToken: token, fields: { isHidden: true } }), 'BOT_ID_REQUIRED', 'Bot ID is required');
    expectError(await s.call(U, { botId: 'abc', botToken: token, fields: { isHidden: true } }), 'BOT_ID_REQUIRED');
    expectError(await s.call(U, { botId: 999999, botToken: token, fields: { isHidden: true } }), 'BOT_NOT_FOUND', 'Bot not found');
    expectError(await s.call(U, { botId: bot.id, botToken: uniq('other'), fields: { isHidden: true } }), 'BOT_OWNERSHIP_ERROR', 'Bot is registered by another application');
    // A plain user is not a bot.
    expectError(await s.call(U, { botId: 1, botToken: token, fields: { isHidden: true } }), 'BOT_NOT_FOUND');
    // UPPER_SNAKE BOT_ID / BOT_TOKEN, form-encoded.
    const up = await s.call(U, { BOT_ID: bot.id, BOT_TOKEN: token, fields: { isHidden: 'Y' } }, 'form');
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.result.bot.isHidden).toBe(true);
  });
});

describe('imbot.v2.Bot.get', () => {
  it('the webhook example (botToken + code) gives the owner format; botId works too', async () => {
    const token = uniq('tok');
    const code = uniq('support_bot');
    const { bot } = await reg(token, code);
    const r = await s.call(G, { botToken: token, code });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(Object.keys(r.body.result).sort()).toEqual(['bot', 'users']);
    expectOwnerBot(r.body.result.bot);
    expect(r.body.result.bot).toEqual(bot);
    expectBotUser(r.body.result.users[0], bot.id);
    expect(r.body.result.users[0]).toMatchObject({ id: bot.id, active: true, name: 'Support Bot', bot: true, type: 'bot' });
    const byId = await s.call(G, { botToken: token, botId: String(bot.id) }, 'form');
    expect(byId.body.result).toEqual(r.body.result);
  });

  it('any bot can be read; other callers get the brief format', async () => {
    const { bot } = await reg(uniq('tok'));
    const r = await s.call(G, { botToken: uniq('stranger'), botId: bot.id });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.result.bot).sort()).toEqual([...PUBLIC_BOT_KEYS].sort());
    expect(r.body.result.bot).toMatchObject({ id: bot.id, code: bot.code, type: 'bot', language: 'en' });
    const app = await installedApp('Reader app');
    const viaOauth = await oauthCall(app, G, { code: bot.code });
    expect(viaOauth.status).toBe(200);
    expect(Object.keys(viaOauth.body.result.bot).sort()).toEqual([...PUBLIC_BOT_KEYS].sort());
  });

  it('the OAuth example (code + auth) gives the owner format to the owning app', async () => {
    const app = await installedApp('Getter app');
    const code = uniq('support_bot');
    await oauthCall(app, R, { fields: { code, properties: { name: 'Support Bot' } } });
    const r = await oauthCall(app, G, { code });
    expect(r.status).toBe(200);
    expectOwnerBot(r.body.result.bot);
  });

  it('errors: BOT_TOKEN_NOT_SPECIFIED, PARAMS_REQUIRED, BOT_NOT_FOUND', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token);
    expectError(await s.call(G, { code: bot.code }), 'BOT_TOKEN_NOT_SPECIFIED', 'Bot token is not specified');
    expectError(await s.call(G, { botToken: token }), 'PARAMS_REQUIRED', 'Required parameters are missing');
    expectError(await s.call(G, { botToken: token, code: '' }), 'PARAMS_REQUIRED');
    expectError(await s.call(G, { botToken: token, code: 'no_such_bot_code' }), 'BOT_NOT_FOUND', 'Bot not found');
    expectError(await s.call(G, { botToken: token, botId: 999999 }), 'BOT_NOT_FOUND');
  });
});

describe('imbot.v2.Bot.list', () => {
  it('the webhook example (filter.type, limit) lists the caller\'s own bots in owner format', async () => {
    const token = uniq('tok');
    const a = await reg(token, uniq('l_a'));
    const sup = await reg(token, uniq('l_s'), { type: 'supervisor' });
    const b = await reg(token, uniq('l_b'));
    await reg(uniq('someone_else'));
    const r = await s.call(L, { botToken: token, filter: { type: 'bot' }, limit: 10 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(Object.keys(r.body.result).sort()).toEqual(['bots', 'hasNextPage', 'users']);
    expect(r.body.result.bots.map((x: any) => x.id)).toEqual([a.bot.id, b.bot.id]);
    r.body.result.bots.forEach(expectOwnerBot);
    expect(r.body.result.users.map((u: any) => u.id)).toEqual([a.bot.id, b.bot.id]);
    r.body.result.users.forEach((u: any, i: number) => expectBotUser(u, r.body.result.bots[i].id));
    expect(r.body.result.hasNextPage).toBe(false);

    const all = await s.call(L, { botToken: token });
    expect(all.body.result.bots.map((x: any) => x.id)).toEqual([a.bot.id, sup.bot.id, b.bot.id]);
    // The CRest example, form-encoded.
    const form = await s.call(L, { botToken: token, filter: { type: 'supervisor' }, limit: 10 }, 'form');
    expect(form.body.result.bots.map((x: any) => x.id)).toEqual([sup.bot.id]);
  });

  it('limit / offset / hasNextPage (= a full page), unknown type or no bots → empty', async () => {
    const token = uniq('tok');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await reg(token)).bot.id);
    const p1 = await s.call(L, { botToken: token, limit: 2 });
    expect(p1.body.result.bots.map((x: any) => x.id)).toEqual(ids.slice(0, 2));
    expect(p1.body.result.hasNextPage).toBe(true);
    const p3 = await s.call(L, { botToken: token, limit: 2, offset: 4 });
    expect(p3.body.result.bots.map((x: any) => x.id)).toEqual(ids.slice(4));
    expect(p3.body.result.hasNextPage).toBe(false);
    const q = await s.call(L, { botToken: token, limit: '3', offset: '1' }, 'query');
    expect(q.body.result.bots.map((x: any) => x.id)).toEqual(ids.slice(1, 4));
    expect((await s.call(L, { botToken: token, filter: { type: 'robot' } })).body.result).toEqual({ bots: [], users: [], hasNextPage: false });
    expect((await s.call(L, { botToken: uniq('nobody') })).body.result).toEqual({ bots: [], users: [], hasNextPage: false });
  });

  it('default limit is 50', async () => {
    const token = uniq('many');
    for (let i = 0; i < 51; i++) await s.call(R, { fields: { code: `${token}_${i}`, botToken: token, properties: { name: `B${i}` } } });
    const r = await s.call(L, { botToken: token });
    expect(r.body.result.bots).toHaveLength(50);
    expect(r.body.result.hasNextPage).toBe(true);
    const rest = await s.call(L, { botToken: token, offset: 50 });
    expect(rest.body.result.bots).toHaveLength(1);
    expect(rest.body.result.hasNextPage).toBe(false);
  });

  it('BOT_TOKEN_NOT_SPECIFIED without a token under webhook auth', async () => {
    expectError(await s.call(L, { filter: { type: 'bot' } }), 'BOT_TOKEN_NOT_SPECIFIED', 'Bot token is not specified');
  });
});

describe('imbot.v2.Bot.unregister', () => {
  it('the webhook example returns {result: true}; the bot, its commands, memberships and queue are gone, its user deactivated', async () => {
    const token = uniq('tok');
    const code = uniq('gone');
    const { bot } = await reg(token, code);
    const { bot: sender } = await reg(token);
    // Give it a chat membership, a pending event and a command.
    expect((await s.call('imbot.v2.Chat.Message.send', { botId: sender.id, botToken: token, dialogId: String(bot.id), fields: { message: 'x' } })).status).toBe(200);
    const store = s.server.platform.store;
    const cmd = await store.commands.insert({ bot_id: bot.id, command: uniq('cmd'), created_at: new Date().toISOString() });
    expect((await store.events.read([bot.id], 0, 10)).length).toBeGreaterThan(0);
    expect(await store.chats.chatsOf(bot.id)).not.toEqual([]);

    const r = await s.call(D, { botId: bot.id, botToken: token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(r.body.result).toEqual({ result: true });

    expectError(await s.call(G, { botToken: token, botId: bot.id }), 'BOT_NOT_FOUND');
    expectError(await s.call(D, { botId: bot.id, botToken: token }), 'BOT_NOT_FOUND');
    expect(await store.bots.byId(bot.id)).toBeUndefined();
    expect(await store.commands.byId(cmd.id)).toBeUndefined();
    expect(await store.events.read([bot.id], 0, 10)).toEqual([]);
    expect(await store.chats.chatsOf(bot.id)).toEqual([]);
    expect((await store.users.byId(bot.id))?.active).toBe(0);
    expect((await s.call(L, { botToken: token })).body.result.bots.map((b: any) => b.id)).toEqual([sender.id]);
    // The code is free again.
    const again = await reg(token, code);
    expect(again.bot.id).not.toBe(bot.id);
  });

  it('the OAuth example and the form-encoded CRest example', async () => {
    const app = await installedApp('Unregister app');
    const made = await oauthCall(app, R, { fields: { code: uniq('o'), properties: { name: 'O' } } });
    const r = await oauthCall(app, D, { botId: made.body.result.bot.id });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ result: true });
    const token = uniq('tok');
    const { bot } = await reg(token);
    const f = await s.call(D, { botId: bot.id, botToken: token }, 'form');
    expect(f.body.result).toEqual({ result: true });
  });

  it('errors: BOT_TOKEN_NOT_SPECIFIED, BOT_ID_REQUIRED, BOT_NOT_FOUND, BOT_OWNERSHIP_ERROR', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token);
    expectError(await s.call(D, { botId: bot.id }), 'BOT_TOKEN_NOT_SPECIFIED');
    expectError(await s.call(D, { botToken: token }), 'BOT_ID_REQUIRED', 'Bot ID is required');
    expectError(await s.call(D, { botId: 999999, botToken: token }), 'BOT_NOT_FOUND', 'Bot not found');
    expectError(await s.call(D, { botId: bot.id, botToken: uniq('other') }), 'BOT_OWNERSHIP_ERROR', 'Bot is registered by another application');
    expect((await s.call(G, { botId: bot.id, botToken: token })).status).toBe(200);
  });

  it('a webhook bot gets ONIMBOTV2DELETE, form-encoded PHP style, posted to its handler', async () => {
    const receiver = await startReceiver();
    try {
      const token = uniq('tok');
      const code = uniq('hooked');
      const { bot } = await reg(token, code, { eventMode: 'webhook', webhookUrl: receiver.url });
      const r = await s.call(D, { botId: bot.id, botToken: token });
      expect(r.body.result).toEqual({ result: true });
      await receiver.waitFor(1);
      expect(receiver.requests).toHaveLength(1);
      const req = receiver.requests[0];
      expect(req.url).toBe('/bot/handler.php');
      expect(req.contentType).toMatch(/^application\/x-www-form-urlencoded/);
      // PHP http_build_query: brackets percent-encoded.
      expect(req.body).toMatch(/(^|&)data%5Bbot%5D%5Bid%5D=/);
      const form = new URLSearchParams(req.body);
      expect(form.get('event')).toBe('ONIMBOTV2DELETE');
      expect(form.get('data[bot][id]')).toBe(String(bot.id));
      expect(form.get('data[bot][code]')).toBe(code);
      expect(form.get('auth[application_token]')).toBe(`custom${token}`);
      expect(form.get('ts')).toMatch(/^\d+$/);
      // The attempt is recorded.
      const delivery = (await s.server.platform.store.events.deliveries(bot.id))[0];
      expect(delivery.event).toBe('ONIMBOTV2DELETE');
      expect(delivery.url).toBe(receiver.url);
    } finally {
      await receiver.close();
    }
  });

  it('an application\'s webhook bot gets ONIMBOTV2DELETE with the application token and OAuth tokens of the bot', async () => {
    const receiver = await startReceiver();
    try {
      const app = await installedApp('Webhook app');
      const made = await oauthCall(app, R, { fields: { code: uniq('ow'), eventMode: 'webhook', webhookUrl: receiver.url, properties: { name: 'W' } } });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      const id = made.body.result.bot.id;
      expect((await oauthCall(app, D, { botId: id })).body.result).toEqual({ result: true });
      await receiver.waitFor(1);
      const form = new URLSearchParams(receiver.requests[0].body);
      expect(form.get('event')).toBe('ONIMBOTV2DELETE');
      expect(form.get('data[bot][id]')).toBe(String(id));
      const appRow = await s.server.platform.store.apps.byId(app.appId);
      const appToken = s.server.platform.box.open(appRow!.application_token_sealed);
      expect(form.get('auth[application_token]')).toBe(appToken);
      expect(form.get('data[bot][auth][application_token]')).toBe(appToken);
      expect(form.get('data[bot][auth][access_token]')).toMatch(/^[a-z0-9]{20,}$/);
    } finally {
      await receiver.close();
    }
  });

  it('an application\'s ONIMBOTV2* event bindings go with its last bot (not while other bots remain)', async () => {
    const app = await installedApp('Bindings app');
    const a = await oauthCall(app, R, { fields: { code: uniq('ba'), properties: { name: 'A' } } });
    const b = await oauthCall(app, R, { fields: { code: uniq('bb'), properties: { name: 'B' } } });
    for (const event of ['ONIMBOTV2MESSAGEADD', 'ONIMBOTV2JOINCHAT', 'ONAPPUNINSTALL']) {
      const bound = await oauthCall(app, 'event.bind', { event, handler: 'http://127.0.0.1:9/h' });
      expect(bound.body.result, JSON.stringify(bound.body)).toBe(true);
    }
    const events = async () => ((await oauthCall(app, 'event.get', {})).body.result as any[]).map((e) => e.event).sort();
    await oauthCall(app, D, { botId: a.body.result.bot.id });
    expect(await events()).toEqual(['ONAPPUNINSTALL', 'ONIMBOTV2JOINCHAT', 'ONIMBOTV2MESSAGEADD']);
    await oauthCall(app, D, { botId: b.body.result.bot.id });
    expect(await events()).toEqual(['ONAPPUNINSTALL']);
  });

  it('the bot leaves its chats as a member does: chat.left for each, a chat it owned goes to a person in it', async () => {
    const p = s.server.platform;
    const token = uniq('tok');
    const { bot } = await reg(token);
    const { bot: helper } = await reg(token);
    const person = await createUser(p.store, { name: 'Heir', lastName: 'Person' });
    const { secret } = await createWebhook(p.store, p.box, { userId: person.id, scopes: ['im'] });
    const hook = `${s.url}/rest/${person.id}/${secret}/`;
    // The other bot joined first: the chat still goes to the person (Chat::changeAuthor skips bots).
    const made = await s.call('imbot.v2.Chat.add', { botId: bot.id, botToken: token, fields: { title: uniq('Room'), userIds: [helper.id, person.id] } });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const chatId = made.body.result.chat.id as number;
    const sent = await s.call('imbot.v2.Chat.Message.send', { botId: bot.id, botToken: token, dialogId: String(person.id), fields: { message: 'hi' } });
    expect(sent.status).toBe(200);
    const privateId = (await p.store.chats.byPrivateKey(privateKey(bot.id, person.id)))!.id;
    const dialog = async () => {
      const r = await s.call('im.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', hook);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.result;
    };
    expect((await dialog()).owner).toBe(bot.id);

    const seen: unknown[] = [];
    const off = p.live.on((events) => seen.push(...events.filter((e) => e.kind === 'chat.left' || e.kind === 'chat.updated')));
    try {
      expect((await s.call(D, { botId: bot.id, botToken: token })).body.result).toEqual({ result: true });
    } finally {
      off();
    }
    expect(seen).toEqual(
      expect.arrayContaining([
        { kind: 'chat.left', chatId, userIds: [bot.id], byUserId: bot.id },
        { kind: 'chat.left', chatId: privateId, userIds: [bot.id], byUserId: bot.id },
        { kind: 'chat.updated', chatId, byUserId: bot.id, fields: ['owner'] },
      ]),
    );
    const after = await dialog();
    expect(after.owner).toBe(person.id);
    expect(after.manager_list).toContain(person.id);
    const users = await s.call('im.chat.user.list', { CHAT_ID: chatId }, 'json', hook);
    expect([...users.body.result].sort()).toEqual([helper.id, person.id].sort());
  });

  it('imbot.unregister (v1) takes the same path: the chat it owned goes to a person', async () => {
    const p = s.server.platform;
    const token = uniq('tok');
    const { bot } = await reg(token);
    const person = await createUser(p.store, { name: 'Heir', lastName: 'Two' });
    const made = await s.call('imbot.v2.Chat.add', { botId: bot.id, botToken: token, fields: { title: uniq('Room'), userIds: [person.id] } });
    const chatId = made.body.result.chat.id as number;
    const left: unknown[] = [];
    const off = p.live.on((events) => left.push(...events.filter((e) => e.kind === 'chat.left')));
    try {
      const r = await s.call('imbot.unregister', { BOT_ID: bot.id, CLIENT_ID: token });
      expect(r.body.result, JSON.stringify(r.body)).toBe(true);
    } finally {
      off();
    }
    expect(left).toContainEqual({ kind: 'chat.left', chatId, userIds: [bot.id], byUserId: bot.id });
    const chat = (await p.store.chats.byId(chatId))!;
    expect(chat.owner_id).toBe(person.id);
    expect((await p.store.chats.member(chatId, person.id))?.role).toBe('owner');
    expect(await p.store.chats.member(chatId, bot.id)).toBeFalsy();
  });

  it('a fetch bot gets no ONIMBOTV2DELETE (its queue goes with it)', async () => {
    const token = uniq('tok');
    const { bot } = await reg(token);
    await s.call(D, { botId: bot.id, botToken: token });
    const store = s.server.platform.store;
    expect(await store.events.read([bot.id], 0, 10)).toEqual([]);
    expect(await store.events.deliveries(bot.id)).toEqual([]);
  });
});
