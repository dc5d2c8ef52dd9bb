import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { type Encoding, fetchJson, FormReceiver, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// imbot v1 bots, messages and chats: chat-bots/outdated/{bots,messages,chats}/*.md,
// platform-behaviour.md §2 (registration, CLIENT_ID, handlers) and §5 (message model).

let s: TestServer;
let seq = 0;
const uniq = (prefix: string) => `${prefix}_${++seq}_${Math.random().toString(36).slice(2, 7)}`;

/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A PNG header declaring `w`×`h` pixels (only the header is read to size an image). */
function pngOfSize(w: number, h: number): string {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  b[24] = 8;
  b[25] = 6;
  return b.toString('base64');
}

/** Loopback handler URLs that nobody listens on (deliveries to them simply fail). */
const HANDLER = 'http://127.0.0.1:9/bot.php';
const WRONG_URL = 'Wrong handler URL';
const APP_ID_TEXT = 'Bot was installed by another rest application';

interface Person {
  id: number;
  base: string;
}
let alice: Person;
let bob: Person;
let carol: Person;

beforeAll(async () => {
  s = await testServer();
  const p = s.server.platform;
  const person = async (name: string, email: string): Promise<Person> => {
    const user = await createUser(p.store, { name, lastName: 'Tester', email });
    const hook = await createWebhook(p.store, p.box, { userId: user.id, scopes: 'all' });
    return { id: user.id, base: `${s.url}/rest/${user.id}/${hook.secret}/` };
  };
  alice = await person('Alice', 'alice@example.com');
  bob = await person('Bob', 'bob@example.com');
  carol = await person('Carol', 'carol@example.com');
});
afterAll(() => s?.close());

const call = (method: string, params: Record<string, unknown> = {}, enc: Encoding = 'json', base?: string) => s.call(method, params, enc, base);

/** The same parameters with every top-level name lower-cased (v1 reads them case-insensitively). */
const lower = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k.toLowerCase(), v]));

function ok(r: { status: number; body: any }) {
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(isTimeObject(r.body.time)).toBe(true);
  return r.body.result;
}

function err(r: { status: number; body: any }, status: number, code: string, description?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error).toBe(code);
  if (description !== undefined) expect(r.body.error_description).toBe(description);
  expect(r.body.result).toBeUndefined();
  expect(r.body.time).toBeUndefined();
}

const clientIdMissing = (r: { status: number; body: any }) => err(r, 403, 'ACCESS_DENIED', 'Access denied! Client ID not specified');

/** Registers a v1 bot for CLIENT_ID `client` through the admin webhook; returns its id. */
async function register(client: string, extra: Record<string, unknown> = {}, props: Record<string, unknown> = {}): Promise<number> {
  const r = await call('imbot.register', {
    CODE: uniq('v1bot'),
    EVENT_HANDLER: HANDLER,
    CLIENT_ID: client,
    PROPERTIES: { NAME: 'Helper', LAST_NAME: 'Bot', ...props },
    ...extra,
  });
  const id = ok(r);
  expect(Number.isInteger(id)).toBe(true);
  return id;
}

const botRow = (id: number) => s.server.platform.store.bots.byId(id);
const handlersOf = async (id: number) => JSON.parse((await botRow(id))!.handlers);
const userGet = async (id: number) => ok(await call('im.user.get', { ID: id }));

/** The messages of a dialog as `who` (default the admin) reads them, newest first. */
async function messagesOf(dialogId: string | number, who?: Person): Promise<any[]> {
  return ok(await call('im.dialog.messages.get', { DIALOG_ID: dialogId }, 'json', who?.base)).messages;
}
const messageById = async (dialogId: string | number, id: number, who?: Person) => (await messagesOf(dialogId, who)).find((m) => m.id === id);

interface AppAuth {
  endpoint: string;
  token: string;
  clientId: string;
}
async function installedApp(name: string): Promise<AppAuth> {
  const p = s.server.platform;
  const { app } = await createApp(p.store, p, { name, scopes: ['imbot', 'im'] });
  const outcome = await installApp(p, app.client_id);
  const auth = outcome.payload.auth as Record<string, string>;
  return { endpoint: auth.client_endpoint, token: auth.access_token, clientId: app.client_id };
}
const oauthCall = (a: AppAuth, method: string, params: Record<string, unknown>) =>
  fetchJson(a.endpoint + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: a.token }) });

/** A group chat created by the bot with the given members; returns its id. */
async function botChat(client: string, botId: number, users: number[], extra: Record<string, unknown> = {}): Promise<number> {
  return ok(await call('imbot.chat.add', { CLIENT_ID: client, BOT_ID: botId, TITLE: uniq('Chat'), USERS: users, ...extra }));
}

// ---------------------------------------------------------------------------------------------------------
describe('imbot.register', () => {
  it('JSON: every PROPERTIES field; the result is the bot id; EVENT_HANDLER fills the handlers with ?CLIENT_ID=', async () => {
    const client = uniq('cid');
    const code = uniq('echo');
    const r = await call('imbot.register', {
      CODE: code,
      TYPE: 'B',
      EVENT_HANDLER: 'http://localhost:8080/bot.php',
      OPENLINE: 'N',
      CLIENT_ID: client,
      PROPERTIES: {
        NAME: 'Echo',
        LAST_NAME: 'Bot',
        COLOR: 'LIGHT_BLUE',
        EMAIL: 'echo.bot@example.com',
        PERSONAL_BIRTHDAY: '2016-03-11',
        WORK_POSITION: 'Echo service',
        PERSONAL_WWW: 'https://example.com/echo',
        PERSONAL_GENDER: 'M',
        PERSONAL_PHOTO: PNG,
      },
    });
    const id = ok(r);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    expect(Number.isInteger(id) && id > 1).toBe(true);

    const row = (await botRow(id))!;
    expect(row).toMatchObject({ code, api: 'v1', event_mode: 'webhook', type: 'bot', is_support_openline: 0, module_id: 'rest' });
    const url = `http://localhost:8080/bot.php?CLIENT_ID=${client}`;
    // EVENT_MESSAGE_UPDATE / _DELETE are ignored for a TYPE=B bot without OPENLINE (imbot-register.md).
    expect(await handlersOf(id)).toEqual({
      EVENT_MESSAGE_ADD: url,
      EVENT_CONTEXT_GET: url,
      EVENT_WELCOME_MESSAGE: url,
      EVENT_BOT_DELETE: url,
    });
    const supervisor = await register(client, { TYPE: 'S', EVENT_HANDLER: 'http://localhost:8080/bot.php' });
    expect(Object.values(await handlersOf(supervisor))).toEqual(Array(6).fill(url));

    const u = await userGet(id);
    expect(u).toMatchObject({
      id,
      name: 'Echo Bot',
      first_name: 'Echo',
      last_name: 'Bot',
      work_position: 'Echo service',
      gender: 'M',
      birthday: '11-03',
      website: 'https://example.com/echo',
      email: 'echo.bot@example.com',
      color: '#4ba5c3',
      bot: true,
      type: 'bot',
    });
    expect(u.avatar).toMatch(new RegExp(`/avatars/${id}\\.png$`));
    expect(u.bot_data).toMatchObject({ id, code, type: 'bot', openline: false });
  });

  it('PHP form with lower-case names: separate handlers, `&CLIENT_ID=` after an existing query, TYPE=S, OPENLINE=Y, default position', async () => {
    const client = uniq('cid');
    const code = uniq('form');
    const r = await call(
      'imbot.register',
      {
        code,
        type: 'S',
        openline: 'Y',
        event_message_add: 'http://127.0.0.1:7000/add?x=1',
        event_message_update: 'http://127.0.0.1:7000/update',
        event_message_delete: 'http://127.0.0.1:7000/delete',
        event_welcome_message: 'http://127.0.0.1:7000/welcome',
        event_bot_delete: 'http://127.0.0.1:7000/delete-bot',
        client_id: client,
        properties: { NAME: 'Form' },
      },
      'form',
    );
    const id = ok(r);
    expect(await handlersOf(id)).toEqual({
      EVENT_MESSAGE_ADD: `http://127.0.0.1:7000/add?x=1&CLIENT_ID=${client}`,
      EVENT_MESSAGE_UPDATE: `http://127.0.0.1:7000/update?CLIENT_ID=${client}`,
      EVENT_MESSAGE_DELETE: `http://127.0.0.1:7000/delete?CLIENT_ID=${client}`,
      EVENT_WELCOME_MESSAGE: `http://127.0.0.1:7000/welcome?CLIENT_ID=${client}`,
      EVENT_BOT_DELETE: `http://127.0.0.1:7000/delete-bot?CLIENT_ID=${client}`,
    });
    expect(await botRow(id)).toMatchObject({ type: 'supervisor', is_support_openline: 1, api: 'v1' });
    const u = await userGet(id);
    expect(u).toMatchObject({ name: 'Form', last_name: '', work_position: 'Chat bot' });
    expect(u.avatar).toBe('');
  });

  it('TYPE is one of B, O, H, S exactly (anything else is B); TYPE=O forces OPENLINE=Y; H shows as `bot` in v2', async () => {
    const client = uniq('cid');
    const o = await register(client, { TYPE: 'O' });
    const h = await register(client, { TYPE: 'H' });
    const lowerO = await register(client, { TYPE: 'o' });
    const bogus = await register(client, { TYPE: 'P' });
    expect(await botRow(o)).toMatchObject({ type: 'openline', is_support_openline: 1 });
    expect(await botRow(h)).toMatchObject({ type: 'human', is_support_openline: 0 });
    expect(await botRow(lowerO)).toMatchObject({ type: 'bot', is_support_openline: 0 });
    expect(await botRow(bogus)).toMatchObject({ type: 'bot' });
    const list = ok(await call('imbot.bot.list'));
    expect(list[o].OPENLINE).toBe('Y');
    expect(list[h].OPENLINE).toBe('N');
    const v2 = ok(await call('imbot.v2.Bot.get', { botId: h, botToken: client }));
    expect(v2.bot.type).toBe('bot');
    expect((await userGet(h)).bot_data.type).toBe('human');
  });

  it('OPENLINE is a `== Y` test: a JSON true counts, anything else is N', async () => {
    const client = uniq('cid');
    expect(await botRow(await register(client, { OPENLINE: true }))).toMatchObject({ is_support_openline: 1 });
    expect(await botRow(await register(client, { OPENLINE: 'yes' }))).toMatchObject({ is_support_openline: 0 });
  });

  it('an existing CODE gives that bot back, whoever registered it (v1 dedup ignores the owner)', async () => {
    const a = uniq('cid');
    const b = uniq('cid');
    const code = uniq('shared');
    const first = ok(await call('imbot.register', { CODE: code, EVENT_HANDLER: HANDLER, CLIENT_ID: a, PROPERTIES: { NAME: 'A' } }));
    const again = ok(await call('imbot.register', { CODE: code, EVENT_HANDLER: HANDLER, CLIENT_ID: b, PROPERTIES: { NAME: 'B' } }));
    expect(again).toBe(first);
    // Still A's bot: B cannot act as it.
    err(await call('imbot.unregister', { BOT_ID: first, CLIENT_ID: b }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    expect((await userGet(first)).name).toBe('A');
  });

  it('one set of handlers per application: a later registration re-binds the owner’s other v1 bots, optional ones kept', async () => {
    const client = uniq('cid');
    const first = await register(client, { TYPE: 'S', EVENT_HANDLER: undefined, EVENT_MESSAGE_ADD: 'http://127.0.0.1:9/a', EVENT_WELCOME_MESSAGE: 'http://127.0.0.1:9/w', EVENT_BOT_DELETE: 'http://127.0.0.1:9/d', EVENT_MESSAGE_UPDATE: 'http://127.0.0.1:9/u' });
    const second = await register(client, { EVENT_HANDLER: undefined, EVENT_MESSAGE_ADD: 'http://127.0.0.1:9/a2', EVENT_WELCOME_MESSAGE: 'http://127.0.0.1:9/w2', EVENT_BOT_DELETE: 'http://127.0.0.1:9/d2' });
    const expected = {
      EVENT_MESSAGE_ADD: `http://127.0.0.1:9/a2?CLIENT_ID=${client}`,
      EVENT_WELCOME_MESSAGE: `http://127.0.0.1:9/w2?CLIENT_ID=${client}`,
      EVENT_BOT_DELETE: `http://127.0.0.1:9/d2?CLIENT_ID=${client}`,
      EVENT_MESSAGE_UPDATE: `http://127.0.0.1:9/u?CLIENT_ID=${client}`,
    };
    expect(await handlersOf(first)).toEqual(expected);
    expect(await handlersOf(second)).toEqual(expected);
  });

  it('under OAuth the application owns the bot (no CLIENT_ID needed) and its handler URLs are kept as given', async () => {
    const app = await installedApp(uniq('App'));
    const r = await oauthCall(app, 'imbot.register', { CODE: uniq('oauth'), EVENT_HANDLER: 'http://localhost:5000/events', PROPERTIES: { NAME: 'OAuth bot' } });
    const id = ok(r);
    expect(await handlersOf(id)).toMatchObject({ EVENT_MESSAGE_ADD: 'http://localhost:5000/events', EVENT_BOT_DELETE: 'http://localhost:5000/events' });
    const list = ok(await oauthCall(app, 'imbot.v2.Bot.list', {}));
    expect(list.bots.map((b: any) => b.id)).toEqual([id]);
    // A CLIENT_ID sent under OAuth changes nothing: the application stays the owner.
    const id2 = ok(await oauthCall(app, 'imbot.register', { CODE: uniq('oauth'), EVENT_HANDLER: HANDLER, CLIENT_ID: 'ignored', PROPERTIES: { NAME: 'x' } }));
    expect(ok(await oauthCall(app, 'imbot.v2.Bot.list', {})).bots.map((b: any) => b.id)).toEqual([id, id2]);
  });

  it('403 ACCESS_DENIED "Client ID not specified" for a webhook call without a CLIENT_ID (empty and "0" count as none)', async () => {
    const base = { CODE: uniq('x'), EVENT_HANDLER: HANDLER, PROPERTIES: { NAME: 'x' } };
    clientIdMissing(await call('imbot.register', base));
    clientIdMissing(await call('imbot.register', { ...base, CLIENT_ID: '' }, 'form'));
    clientIdMissing(await call('imbot.register', { ...base, CLIENT_ID: '0' }));
  });

  it('EVENT_*_ERROR: the three required handlers, and every handler URL that is not a URL', async () => {
    const client = uniq('cid');
    const base = { CODE: uniq('x'), CLIENT_ID: client, PROPERTIES: { NAME: 'x' } };
    const all = { EVENT_MESSAGE_ADD: HANDLER, EVENT_WELCOME_MESSAGE: HANDLER, EVENT_BOT_DELETE: HANDLER };
    err(await call('imbot.register', base), 400, 'EVENT_MESSAGE_ADD_ERROR', 'Handler for "Message add" event isn\'t specified');
    err(await call('imbot.register', { ...base, EVENT_MESSAGE_ADD: HANDLER }), 400, 'EVENT_WELCOME_MESSAGE_ERROR', 'Handler for "Welcome message" event isn\'t specified');
    err(
      await call('imbot.register', { ...base, EVENT_MESSAGE_ADD: HANDLER, EVENT_WELCOME_MESSAGE: HANDLER }, 'form'),
      400,
      'EVENT_BOT_DELETE_ERROR',
      'Handler for "Bot delete" event isn\'t specified',
    );
    for (const event of ['EVENT_MESSAGE_ADD', 'EVENT_MESSAGE_UPDATE', 'EVENT_MESSAGE_DELETE', 'EVENT_WELCOME_MESSAGE', 'EVENT_BOT_DELETE', 'EVENT_CONTEXT_GET']) {
      err(await call('imbot.register', { ...base, ...all, [event]: 'not a url' }), 400, `${event}_ERROR`, WRONG_URL);
    }
    err(await call('imbot.register', { ...base, EVENT_HANDLER: '/relative/path' }), 400, 'EVENT_MESSAGE_ADD_ERROR', WRONG_URL);
    expect((await s.server.platform.store.bots.byOwner((await import('../src/domain/bots/owner.js')).ownerHash(`custom${client}`))).length).toBe(0);
  });

  it('CODE_ERROR and NAME_ERROR', async () => {
    const client = uniq('cid');
    err(await call('imbot.register', { EVENT_HANDLER: HANDLER, CLIENT_ID: client, PROPERTIES: { NAME: 'x' } }), 400, 'CODE_ERROR', "Bot code isn't specified");
    err(await call('imbot.register', { CODE: '0', EVENT_HANDLER: HANDLER, CLIENT_ID: client, PROPERTIES: { NAME: 'x' } }), 400, 'CODE_ERROR');
    err(await call('imbot.register', { CODE: uniq('x'), EVENT_HANDLER: HANDLER, CLIENT_ID: client }), 400, 'NAME_ERROR', "Bot name isn't specified");
    err(await call('imbot.register', { CODE: uniq('x'), EVENT_HANDLER: HANDLER, CLIENT_ID: client, PROPERTIES: { WORK_POSITION: 'x' } }, 'form'), 400, 'NAME_ERROR');
    // LAST_NAME alone is enough.
    const id = await register(client, {}, { NAME: undefined, LAST_NAME: 'Only' });
    expect((await userGet(id)).name).toBe('Only');
  });

  it('MAX_COUNT_ERROR past five bots of one application; a known CODE is still answered', async () => {
    const client = uniq('cid');
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const code = uniq('many');
      codes.push(code);
      ok(await call('imbot.register', { CODE: code, EVENT_HANDLER: HANDLER, CLIENT_ID: client, PROPERTIES: { NAME: `n${i}` } }));
    }
    err(
      await call('imbot.register', { CODE: uniq('many'), EVENT_HANDLER: HANDLER, CLIENT_ID: client, PROPERTIES: { NAME: 'sixth' } }),
      400,
      'MAX_COUNT_ERROR',
      'Has reached the maximum number of bots for application (max: 5)',
    );
    expect(Number.isInteger(ok(await call('imbot.register', { CODE: codes[0], EVENT_HANDLER: HANDLER, CLIENT_ID: client, PROPERTIES: { NAME: 'x' } })))).toBe(true);
  });

  it('WRONG_REQUEST "Bot can\'t be created": a CODE longer than 50 characters, a malformed or taken EMAIL', async () => {
    const client = uniq('cid');
    const base = { EVENT_HANDLER: HANDLER, CLIENT_ID: client };
    const failed = "Bot can't be created";
    err(await call('imbot.register', { ...base, CODE: 'c'.repeat(51), PROPERTIES: { NAME: 'x' } }), 400, 'WRONG_REQUEST', failed);
    err(await call('imbot.register', { ...base, CODE: uniq('x'), PROPERTIES: { NAME: 'x', EMAIL: 'not-an-email' } }), 400, 'WRONG_REQUEST', failed);
    err(await call('imbot.register', { ...base, CODE: uniq('x'), PROPERTIES: { NAME: 'x', EMAIL: 'Alice@Example.com' } }), 400, 'WRONG_REQUEST', failed);
    ok(await call('imbot.register', { ...base, CODE: 'c'.repeat(50), PROPERTIES: { NAME: 'x' } }));
  });

  it('an avatar that is not an image is dropped silently; a bad birthday is left out', async () => {
    const id = await register(uniq('cid'), {}, { PERSONAL_PHOTO: 'bm90IGFuIGltYWdl', PERSONAL_BIRTHDAY: '11.03.2016' });
    const u = await userGet(id);
    expect(u.avatar).toBe('');
    expect(u.birthday).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('imbot.bot.list', () => {
  it('every bot of the portal keyed by id, with ID, NAME, CODE, OPENLINE — v2 bots and other owners’ bots included', async () => {
    const mine = await register(uniq('cid'), { TYPE: 'O' }, { NAME: 'Listed', LAST_NAME: 'One' });
    const token = uniq('tok');
    const v2 = ok(await call('imbot.v2.Bot.register', { fields: { code: uniq('v2'), botToken: token, properties: { name: 'Version Two' } } })).bot.id;
    for (const enc of ['json', 'form', 'query'] as const) {
      const list = ok(await call('imbot.bot.list', {}, enc));
      expect(list[mine]).toEqual({ ID: mine, NAME: 'Listed One', CODE: (await botRow(mine))!.code, OPENLINE: 'Y' });
      expect(list[v2]).toEqual({ ID: v2, NAME: 'Version Two', CODE: (await botRow(v2))!.code, OPENLINE: 'N' });
      for (const [k, v] of Object.entries(list)) expect(Object.keys(v as object).sort(), k).toEqual(['CODE', 'ID', 'NAME', 'OPENLINE']);
    }
  });

  it('an empty portal answers []', async () => {
    const fresh = await testServer();
    try {
      const r = await fresh.call('imbot.bot.list');
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('imbot.update', () => {
  it('JSON: CODE, PROPERTIES and EVENT_HANDLER; handlers re-bound for all the owner’s v1 bots; result true', async () => {
    const client = uniq('cid');
    const id = await register(client, {}, { NAME: 'Before', WORK_POSITION: 'Old' });
    const sibling = await register(client);
    const code = uniq('renamed');
    const r = await call('imbot.update', {
      BOT_ID: id,
      CLIENT_ID: client,
      FIELDS: {
        CODE: code,
        EVENT_HANDLER: 'http://localhost:4000/new',
        TYPE: 'S',
        OPENLINE: 'Y',
        PROPERTIES: { NAME: 'After', LAST_NAME: 'Update', WORK_POSITION: '', COLOR: 'MINT', PERSONAL_GENDER: 'F', PERSONAL_WWW: 'https://b.example', PERSONAL_BIRTHDAY: '2020-01-02', PERSONAL_PHOTO: PNG, EMAIL: 'after@example.com' },
      },
    });
    expect(ok(r)).toBe(true);
    // TYPE and OPENLINE cannot be changed.
    expect(await botRow(id)).toMatchObject({ code, type: 'bot', is_support_openline: 0 });
    const url = `http://localhost:4000/new?CLIENT_ID=${client}`;
    for (const b of [id, sibling]) expect(Object.values(await handlersOf(b))).toEqual(Array(6).fill(url));
    const u = await userGet(id);
    expect(u).toMatchObject({ name: 'After Update', work_position: 'Chat bot', color: '#4ba984', gender: 'F', website: 'https://b.example', birthday: '02-01', email: 'after@example.com' });
    expect(u.avatar).toMatch(new RegExp(`/avatars/${id}\\.png$`));
  });

  it('PHP form with lower-case names; a blank NAME keeps the old one; one handler alone is an update', async () => {
    const client = uniq('cid');
    const id = await register(client, {}, { NAME: 'Keep' });
    expect(ok(await call('imbot.update', { bot_id: id, client_id: client, fields: { PROPERTIES: { NAME: ' ', LAST_NAME: 'Last' } } }, 'form'))).toBe(true);
    expect((await userGet(id)).name).toBe('Keep Last');
    expect(ok(await call('imbot.update', { bot_id: id, client_id: client, fields: { EVENT_MESSAGE_ADD: 'http://127.0.0.1:9/only?a=b' } }, 'form'))).toBe(true);
    expect((await handlersOf(id)).EVENT_MESSAGE_ADD).toBe(`http://127.0.0.1:9/only?a=b&CLIENT_ID=${client}`);
    expect((await handlersOf(id)).EVENT_BOT_DELETE).toBe(`${HANDLER}?CLIENT_ID=${client}`);
  });

  it('every documented error code', async () => {
    const client = uniq('cid');
    const id = await register(client);
    const other = await register(uniq('cid'));
    clientIdMissing(await call('imbot.update', { BOT_ID: id, FIELDS: { CODE: 'x' } }));
    err(await call('imbot.update', { BOT_ID: 999999, CLIENT_ID: client, FIELDS: { CODE: 'x' } }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.update', { CLIENT_ID: client, FIELDS: { CODE: 'x' } }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.update', { BOT_ID: other, CLIENT_ID: client, FIELDS: { CODE: 'x' } }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    for (const event of ['EVENT_MESSAGE_ADD', 'EVENT_MESSAGE_UPDATE', 'EVENT_MESSAGE_DELETE', 'EVENT_WELCOME_MESSAGE', 'EVENT_BOT_DELETE']) {
      err(await call('imbot.update', { BOT_ID: id, CLIENT_ID: client, FIELDS: { [event]: 'nope' } }), 400, `${event}_ERROR`, WRONG_URL);
    }
    err(await call('imbot.update', { BOT_ID: id, CLIENT_ID: client, FIELDS: { PROPERTIES: { NAME: '', LAST_NAME: '' } } }), 400, 'NAME_ERROR', "Bot name isn't specified");
    err(await call('imbot.update', { BOT_ID: id, CLIENT_ID: client }), 400, 'WRONG_REQUEST', "Update fields can't be empty");
    err(await call('imbot.update', { BOT_ID: id, CLIENT_ID: client, FIELDS: { TYPE: 'S', OPENLINE: 'Y' } }, 'form'), 400, 'WRONG_REQUEST', "Update fields can't be empty");
    err(await call('imbot.update', { BOT_ID: id, CLIENT_ID: client, FIELDS: { CODE: (await botRow(other))!.code } }), 400, 'WRONG_REQUEST', "Bot can't be updated");
    err(await call('imbot.update', { BOT_ID: id, CLIENT_ID: client, FIELDS: { CODE: 'z'.repeat(51) } }), 400, 'WRONG_REQUEST', "Bot can't be updated");
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('imbot.unregister', () => {
  it('removes the bot (result true) after ONIMBOTDELETE went to its handler; the bot is gone from both APIs', async () => {
    const receiver = await new FormReceiver().start();
    try {
      const client = uniq('cid');
      const id = await register(client, { EVENT_HANDLER: receiver.url('/events') });
      expect(ok(await call('imbot.unregister', { bot_id: id, client_id: client }, 'form'))).toBe(true);
      const post = await receiver.waitFor((p) => p.body?.event === 'ONIMBOTDELETE');
      expect(post.path).toBe('/events');
      expect(post.query.get('CLIENT_ID')).toBe(client);
      expect(ok(await call('imbot.bot.list'))[id]).toBeUndefined();
      err(await call('imbot.v2.Bot.get', { botId: id, botToken: client }), 400, 'BOT_NOT_FOUND');
      err(await call('imbot.unregister', { BOT_ID: id, CLIENT_ID: client }), 400, 'BOT_ID_ERROR', 'Bot not found');
    } finally {
      await receiver.close();
    }
  });

  it('403 without CLIENT_ID, BOT_ID_ERROR, APP_ID_ERROR', async () => {
    const client = uniq('cid');
    const id = await register(client);
    clientIdMissing(await call('imbot.unregister', { BOT_ID: id }));
    err(await call('imbot.unregister', { CLIENT_ID: client }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.unregister', { BOT_ID: 'abc', CLIENT_ID: client }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.unregister', { BOT_ID: id, CLIENT_ID: uniq('cid') }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    expect(ok(await call('imbot.bot.list'))[id]).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('v1 and v2 share the bots', () => {
  it('a v1 bot is in imbot.v2.Bot.list of the same owner (botToken = CLIENT_ID) and works with v2 methods', async () => {
    const client = uniq('cid');
    const id = await register(client);
    const list = ok(await call('imbot.v2.Bot.list', { botToken: client }));
    expect(list.bots.map((b: any) => b.id)).toEqual([id]);
    expect(list.bots[0]).toMatchObject({ id, type: 'bot', eventMode: 'webhook' });
    expect(ok(await call('imbot.v2.Bot.list', { CLIENT_ID: client })).bots.map((b: any) => b.id)).toEqual([id]);
    expect(ok(await call('imbot.v2.Bot.list', { botToken: uniq('other') })).bots).toEqual([]);
    const sent = ok(await call('imbot.v2.Chat.Message.send', { botId: id, botToken: client, dialogId: '1', fields: { message: 'from v2' } }));
    expect((await messageById(id, sent.id))?.text).toBe('from v2');
  });

  it('a v2 bot is one of its owner’s bots for the v1 methods', async () => {
    const token = uniq('tok');
    const v2 = ok(await call('imbot.v2.Bot.register', { fields: { code: uniq('v2'), botToken: token, properties: { name: 'V2' } } })).bot.id;
    // BOT_ID omitted: the owner's first bot.
    const id = ok(await call('imbot.message.add', { CLIENT_ID: token, DIALOG_ID: 1, MESSAGE: 'from v1' }));
    expect((await messageById(v2, id))?.author_id).toBe(v2);
    expect(ok(await call('imbot.update', { BOT_ID: v2, CLIENT_ID: token, FIELDS: { PROPERTIES: { NAME: 'Renamed' } } }))).toBe(true);
    expect(ok(await call('imbot.v2.Bot.get', { botId: v2, botToken: token })).users[0].name).toBe('Renamed');
    expect(ok(await call('imbot.unregister', { BOT_ID: v2, CLIENT_ID: token }))).toBe(true);
    expect(ok(await call('imbot.v2.Bot.list', { botToken: token })).bots).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
const KEYBOARD = [
  { TEXT: 'Help', COMMAND: 'help', COMMAND_PARAMS: 'all', BG_COLOR: '#29619b', TEXT_COLOR: '#fff', DISPLAY: 'LINE' },
  { TEXT: 'Site', LINK: 'https://example.com' },
];
const ATTACH = [{ MESSAGE: 'API will be available' }, { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } }];
const MENU = [{ TEXT: 'Open', LINK: 'https://example.com/menu' }];

describe('imbot.message.add', () => {
  let client: string;
  let botId: number;
  beforeAll(async () => {
    client = uniq('cid');
    botId = await register(client, {}, { NAME: 'Poster', LAST_NAME: 'Bot' });
  });

  it.each(['json', 'form'] as const)('%s: a message to a user with ATTACH, KEYBOARD and MENU; the result is its id', async (enc) => {
    const params = { BOT_ID: botId, CLIENT_ID: client, DIALOG_ID: '1', MESSAGE: `Hello [b]there[/b][BR]line ${enc}`, ATTACH, KEYBOARD, MENU };
    const r = await call('imbot.message.add', enc === 'form' ? lower(params) : params, enc);
    const id = ok(r);
    expect(Number.isInteger(id)).toBe(true);
    const m = await messageById(botId, id);
    expect(m).toMatchObject({ id, author_id: botId, text: `Hello [b]there[/b]\nline ${enc}` });
    expect(m.params.ATTACH[0].BLOCKS).toEqual([{ MESSAGE: 'API will be available' }, { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } }]);
    expect(m.params.KEYBOARD[0]).toMatchObject({ TEXT: 'Help', COMMAND: 'help', COMMAND_PARAMS: 'all', BOT_ID: botId, DISPLAY: 'LINE' });
    expect(m.params.KEYBOARD[1]).toMatchObject({ TEXT: 'Site', LINK: 'https://example.com' });
    expect(m.params.MENU[0]).toMatchObject({ TEXT: 'Open', LINK: 'https://example.com/menu' });
  });

  it('BOT_ID may be left out: the application’s first bot writes', async () => {
    const c = uniq('cid');
    const first = await register(c);
    await register(c);
    const id = ok(await call('imbot.message.add', { CLIENT_ID: c, DIALOG_ID: 1, MESSAGE: 'who am I' }));
    expect((await messageById(first, id))?.author_id).toBe(first);
  });

  it('into a chat the bot is in; SYSTEM=Y there is signed "<Bot name>:[br]"; URL_PREVIEW=N is kept', async () => {
    const chatId = await botChat(client, botId, [1]);
    const plain = ok(await call('imbot.message.add', { BOT_ID: botId, CLIENT_ID: client, DIALOG_ID: `chat${chatId}`, MESSAGE: 'to the chat', URL_PREVIEW: 'N' }));
    const system = ok(await call('imbot.message.add', { bot_id: botId, client_id: client, dialog_id: `chat${chatId}`, message: 'Notice', system: 'Y' }, 'form'));
    const ms = await messagesOf(`chat${chatId}`);
    expect(ms.find((m) => m.id === plain)).toMatchObject({ text: 'to the chat', params: { URL_PREVIEW: 'N' } });
    expect(ms.find((m) => m.id === system)?.text).toBe('Poster Bot:\nNotice');
    // In a private chat a system message carries no signature.
    const priv = ok(await call('imbot.message.add', { BOT_ID: botId, CLIENT_ID: client, DIALOG_ID: 1, MESSAGE: 'quiet', SYSTEM: 'Y' }));
    expect((await messageById(botId, priv))?.text).toBe('quiet');
  });

  it('FROM_USER_ID + TO_USER_ID: a system message between two users from the bot, DIALOG_ID ignored', async () => {
    const id = ok(await call('imbot.message.add', { BOT_ID: botId, CLIENT_ID: client, FROM_USER_ID: alice.id, TO_USER_ID: bob.id, DIALOG_ID: 'nonsense', MESSAGE: 'Meeting at 5' }));
    const m = await messageById(bob.id, id, alice);
    expect(m).toBeDefined();
    // A private system message is read back without a sender (NOTIFY_EVENT private_system).
    expect(m.author_id).toBe(0);
    expect(m.text).toBe(`[USER=${botId}][/USER]\n Chat BotMeeting at 5`);
    expect((await messagesOf(alice.id, bob)).some((x) => x.id === id)).toBe(true);
  });

  it('403 without CLIENT_ID; BOT_ID_ERROR; APP_ID_ERROR', async () => {
    clientIdMissing(await call('imbot.message.add', { BOT_ID: botId, DIALOG_ID: 1, MESSAGE: 'x' }));
    err(await call('imbot.message.add', { BOT_ID: 999999, CLIENT_ID: client, DIALOG_ID: 1, MESSAGE: 'x' }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.message.add', { CLIENT_ID: uniq('nobots'), DIALOG_ID: 1, MESSAGE: 'x' }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.message.add', { BOT_ID: botId, CLIENT_ID: uniq('cid'), DIALOG_ID: 1, MESSAGE: 'x' }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
  });

  it('DIALOG_ID_EMPTY and MESSAGE_EMPTY (also with an ATTACH but no text)', async () => {
    const base = { BOT_ID: botId, CLIENT_ID: client };
    for (const dialog of [undefined, '', '0', 'abc', 'chat', 'user5']) {
      err(await call('imbot.message.add', { ...base, DIALOG_ID: dialog, MESSAGE: 'x' }), 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    }
    err(await call('imbot.message.add', { ...base, FROM_USER_ID: alice.id, MESSAGE: 'x' }), 400, 'DIALOG_ID_EMPTY');
    err(await call('imbot.message.add', { ...base, DIALOG_ID: 1 }), 400, 'MESSAGE_EMPTY', "Message can't be empty");
    err(await call('imbot.message.add', { ...base, DIALOG_ID: 1, MESSAGE: '   ' }, 'form'), 400, 'MESSAGE_EMPTY');
    err(await call('imbot.message.add', { ...base, DIALOG_ID: 1, ATTACH }), 400, 'MESSAGE_EMPTY');
    err(await call('imbot.message.add', { ...base, DIALOG_ID: 1, MESSAGE: 42 }), 400, 'MESSAGE_EMPTY');
  });

  it('ATTACH_ERROR, ATTACH_OVERSIZE, KEYBOARD_ERROR, KEYBOARD_OVERSIZE, MENU_ERROR, MENU_OVERSIZE', async () => {
    const base = { BOT_ID: botId, CLIENT_ID: client, DIALOG_ID: 1, MESSAGE: 'x' };
    const big = 'x'.repeat(61_000);
    err(await call('imbot.message.add', { ...base, ATTACH: [{ UNKNOWN: 1 }] }), 400, 'ATTACH_ERROR', 'Incorrect attach params');
    err(await call('imbot.message.add', { ...base, ATTACH: [{ MESSAGE: big }] }), 400, 'ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach');
    err(await call('imbot.message.add', { ...base, KEYBOARD: [{ TEXT: 'no action' }] }), 400, 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    err(
      await call('imbot.message.add', { ...base, KEYBOARD: [{ TEXT: 'big', LINK: `https://example.com/${big}` }] }),
      400,
      'KEYBOARD_OVERSIZE',
      'You have exceeded the maximum allowable size of keyboard',
    );
    err(await call('imbot.message.add', { ...base, MENU: [{ TEXT: 'no action' }] }, 'form'), 400, 'MENU_ERROR', 'Incorrect menu params');
    err(await call('imbot.message.add', { ...base, MENU: [{ TEXT: 'big', LINK: `https://example.com/${big}` }] }), 400, 'MENU_OVERSIZE', 'You have exceeded the maximum allowable size of menu');
  });

  it('WRONG_REQUEST "Message isn\'t added": a chat the bot is not in, no such chat, no such user', async () => {
    const base = { BOT_ID: botId, CLIENT_ID: client, MESSAGE: 'x' };
    const foreign = ok(await call('im.chat.add', { TITLE: 'People only', USERS: [alice.id] }));
    for (const dialog of [`chat${foreign}`, 'chat999999', 'chat0', '999999', { FROM_USER_ID: alice.id, TO_USER_ID: 999999 }]) {
      const target = typeof dialog === 'string' ? { DIALOG_ID: dialog } : dialog;
      err(await call('imbot.message.add', { ...base, ...target }), 400, 'WRONG_REQUEST', "Message isn't added");
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('imbot.message.update / delete / like', () => {
  let client: string;
  let botId: number;
  const post = async (extra: Record<string, unknown> = {}) =>
    ok(await call('imbot.message.add', { BOT_ID: botId, CLIENT_ID: client, DIALOG_ID: 1, MESSAGE: 'original', ...extra })) as number;
  beforeAll(async () => {
    client = uniq('cid');
    botId = await register(client);
  });

  it.each(['json', 'form'] as const)('%s: MESSAGE, ATTACH, KEYBOARD and MENU; a bot’s edit is not flagged IS_EDITED', async (enc) => {
    const id = await post({ KEYBOARD, MENU });
    const params = { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: id, MESSAGE: 'edited[br]twice', ATTACH, URL_PREVIEW: 'N' };
    expect(ok(await call('imbot.message.update', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    let m = await messageById(botId, id);
    expect(m.text).toBe('edited\ntwice');
    expect(m.params.ATTACH[0].BLOCKS[0]).toEqual({ MESSAGE: 'API will be available' });
    expect(m.params.KEYBOARD).toBeDefined();
    expect(m.params.URL_PREVIEW).toBe('N');
    expect(m.params.IS_EDITED).toBeUndefined();
    // 'N' or an empty value clears them.
    expect(ok(await call('imbot.message.update', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: id, KEYBOARD: 'N', MENU: '', ATTACH: 'N' }, enc))).toBe(true);
    m = await messageById(botId, id);
    expect(m.params.KEYBOARD).toBeUndefined();
    expect(m.params.MENU).toBeUndefined();
    expect(m.params.ATTACH).toBeUndefined();
    expect(m.text).toBe('edited\ntwice');
  });

  it('nothing to change answers true; an empty MESSAGE deletes the message', async () => {
    expect(ok(await call('imbot.message.update', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: 999999 }))).toBe(true);
    const id = await post();
    expect(ok(await call('imbot.message.update', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: id, MESSAGE: '[br] ' }))).toBe(true);
    expect(await messageById(botId, id)).toMatchObject({ text: 'This message was deleted.', params: { IS_DELETED: 'Y' } });
  });

  it('update errors: 403 without CLIENT_ID, BOT_ID_ERROR, APP_ID_ERROR, MESSAGE_ID_ERROR, content errors, 403 CANT_EDIT_MESSAGE', async () => {
    const id = await post();
    const base = { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: id };
    const big = 'x'.repeat(61_000);
    clientIdMissing(await call('imbot.message.update', { BOT_ID: botId, MESSAGE_ID: id, MESSAGE: 'x' }));
    err(await call('imbot.message.update', { ...base, BOT_ID: 999999, MESSAGE: 'x' }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.message.update', { ...base, CLIENT_ID: uniq('cid'), MESSAGE: 'x' }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    err(await call('imbot.message.update', { ...base, MESSAGE_ID: 0, MESSAGE: 'x' }), 400, 'MESSAGE_ID_ERROR', "Message ID can't be empty");
    err(await call('imbot.message.update', { BOT_ID: botId, CLIENT_ID: client, MESSAGE: 'x' }, 'form'), 400, 'MESSAGE_ID_ERROR');
    err(await call('imbot.message.update', { ...base, ATTACH: [{ UNKNOWN: 1 }] }), 400, 'ATTACH_ERROR', 'Incorrect attach params');
    err(await call('imbot.message.update', { ...base, ATTACH: [{ MESSAGE: big }] }), 400, 'ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach');
    err(await call('imbot.message.update', { ...base, KEYBOARD: [{ TEXT: 'x' }] }), 400, 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    err(await call('imbot.message.update', { ...base, KEYBOARD: [{ TEXT: 'x', LINK: `https://e.com/${big}` }] }), 400, 'KEYBOARD_OVERSIZE', 'You have exceeded the maximum allowable size of keyboard');
    err(await call('imbot.message.update', { ...base, MENU: [{ TEXT: 'x' }] }), 400, 'MENU_ERROR', 'Incorrect menu params');
    err(await call('imbot.message.update', { ...base, MENU: [{ TEXT: 'x', LINK: `https://e.com/${big}` }] }), 400, 'MENU_OVERSIZE', 'You have exceeded the maximum allowable size of menu');
    expect((await messageById(botId, id)).text).toBe('original');

    const cantEdit = "Time has expired for modification or you don't have access";
    const humans = ok(await call('im.message.add', { DIALOG_ID: botId, MESSAGE: 'a human wrote this' }));
    err(await call('imbot.message.update', { ...base, MESSAGE_ID: humans, MESSAGE: 'x' }), 403, 'CANT_EDIT_MESSAGE', cantEdit);
    err(await call('imbot.message.update', { ...base, MESSAGE_ID: 999999, ATTACH }), 403, 'CANT_EDIT_MESSAGE', cantEdit);
    // Three days after it was sent a message can no longer be edited.
    const old = await post();
    await s.server.platform.store.messages.update(old, { created_at: new Date(Date.now() - 4 * 86400_000).toISOString() });
    err(await call('imbot.message.update', { ...base, MESSAGE_ID: old, MESSAGE: 'late' }), 403, 'CANT_EDIT_MESSAGE', cantEdit);
  });

  it.each(['json', 'form'] as const)('%s delete: a deletion mark by default, COMPLETE=Y removes it', async (enc) => {
    const a = await post();
    const b = await post();
    const params = { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: a };
    expect(ok(await call('imbot.message.delete', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(await messageById(botId, a)).toMatchObject({ text: 'This message was deleted.', params: { IS_DELETED: 'Y' } });
    expect(ok(await call('imbot.message.delete', { ...params, MESSAGE_ID: b, COMPLETE: 'Y' }, enc))).toBe(true);
    expect(await messageById(botId, b)).toBeUndefined();
  });

  it('delete errors: 403 without CLIENT_ID, BOT_ID_ERROR, APP_ID_ERROR, MESSAGE_ID_ERROR, 403 CANT_EDIT_MESSAGE', async () => {
    const id = await post();
    clientIdMissing(await call('imbot.message.delete', { BOT_ID: botId, MESSAGE_ID: id }));
    err(await call('imbot.message.delete', { BOT_ID: 999999, CLIENT_ID: client, MESSAGE_ID: id }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.message.delete', { BOT_ID: botId, CLIENT_ID: uniq('cid'), MESSAGE_ID: id }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    err(await call('imbot.message.delete', { BOT_ID: botId, CLIENT_ID: client }), 400, 'MESSAGE_ID_ERROR', "Message ID can't be empty");
    const humans = ok(await call('im.message.add', { DIALOG_ID: botId, MESSAGE: 'mine' }));
    err(await call('imbot.message.delete', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: humans }), 403, 'CANT_EDIT_MESSAGE', "Time has expired for modification or you don't have access");
    err(await call('imbot.message.delete', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: 999999 }), 403, 'CANT_EDIT_MESSAGE');
    expect((await messageById(botId, id)).text).toBe('original');
  });

  it.each(['json', 'form'] as const)('%s like: auto toggles, plus sets, minus removes; no change is WITHOUT_CHANGES', async (enc) => {
    const humans = ok(await call('im.message.add', { DIALOG_ID: botId, MESSAGE: 'like me' }));
    const like = (action?: string) => {
      const params: Record<string, unknown> = { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: humans, ...(action ? { ACTION: action } : {}) };
      return call('imbot.message.like', enc === 'form' ? lower(params) : params, enc);
    };
    const likes = async () => (await messageById(botId, humans)).params.LIKE;
    expect(ok(await like())).toBe(true);
    expect(await likes()).toEqual([botId]);
    expect(ok(await like('AUTO'))).toBe(true);
    // The last like gone, the LIKE param is gone too (CIMMessageParam::Set deletes an empty value).
    expect(await likes()).toBeUndefined();
    expect(ok(await like('plus'))).toBe(true);
    err(await like('plus'), 400, 'WITHOUT_CHANGES', 'Action completed without changes');
    expect(ok(await like('minus'))).toBe(true);
    err(await like('minus'), 400, 'WITHOUT_CHANGES', 'Action completed without changes');
    expect(ok(await like('sideways'))).toBe(true);
    expect(await likes()).toEqual([botId]);
  });

  it('like errors: 403 without CLIENT_ID, BOT_ID_ERROR, APP_ID_ERROR, MESSAGE_ID_ERROR, WITHOUT_CHANGES outside the bot’s chats', async () => {
    const id = await post();
    clientIdMissing(await call('imbot.message.like', { BOT_ID: botId, MESSAGE_ID: id }));
    err(await call('imbot.message.like', { BOT_ID: 999999, CLIENT_ID: client, MESSAGE_ID: id }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.message.like', { BOT_ID: botId, CLIENT_ID: uniq('cid'), MESSAGE_ID: id }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    err(await call('imbot.message.like', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: 'x' }), 400, 'MESSAGE_ID_ERROR', "Message ID can't be empty");
    const elsewhere = ok(await call('im.message.add', { DIALOG_ID: alice.id, MESSAGE: 'not for bots' }));
    err(await call('imbot.message.like', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: elsewhere }), 400, 'WITHOUT_CHANGES', 'Action completed without changes');
    err(await call('imbot.message.like', { BOT_ID: botId, CLIENT_ID: client, MESSAGE_ID: 999999 }), 400, 'WITHOUT_CHANGES');
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('imbot.chat.add / chat.get / dialog.get', () => {
  let client: string;
  let botId: number;
  beforeAll(async () => {
    client = uniq('cid');
    botId = await register(client, {}, { NAME: 'Chatty' });
  });

  it('JSON: an open chat with every field, owned by the bot; found again by ENTITY_TYPE + ENTITY_ID', async () => {
    const entityId = uniq('ent');
    const r = await call('imbot.chat.add', {
      BOT_ID: botId,
      CLIENT_ID: client,
      TYPE: 'OPEN',
      TITLE: 'Support',
      DESCRIPTION: 'Questions here',
      COLOR: 'PINK',
      MESSAGE: 'Welcome!',
      USERS: [1, alice.id],
      AVATAR: PNG,
      ENTITY_TYPE: 'TICKET',
      ENTITY_ID: entityId,
    });
    const chatId = ok(r);
    expect(Number.isInteger(chatId)).toBe(true);
    const dialog = ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }));
    expect(dialog).toMatchObject({
      id: chatId,
      name: 'Support',
      description: 'Questions here',
      owner: botId,
      color: '#f76187',
      message_type: 'O',
      entity_type: 'TICKET',
      entity_id: entityId,
      dialog_id: `chat${chatId}`,
    });
    expect(dialog.avatar).toMatch(new RegExp(`/avatars/chat${chatId}\\.png$`));
    expect(ok(await call('imbot.chat.user.list', { CHAT_ID: chatId, CLIENT_ID: client })).sort((a: number, b: number) => a - b)).toEqual([1, alice.id, botId].sort((a, b) => a - b));
    expect((await messagesOf(`chat${chatId}`))[0]).toMatchObject({ author_id: botId, text: 'Welcome!' });
    expect(ok(await call('imbot.chat.get', { ENTITY_TYPE: 'TICKET', ENTITY_ID: entityId }))).toEqual({ ID: chatId });
    expect(ok(await call('imbot.chat.get', { entity_type: 'TICKET', entity_id: entityId }, 'form'))).toEqual({ ID: chatId });
  });

  it('PHP form with lower-case names: a closed chat by default, titled after its members, the first bot writing when BOT_ID is left out', async () => {
    const chatId = ok(await call('imbot.chat.add', { client_id: client, users: [alice.id] }, 'form'));
    const dialog = ok(await call('imbot.dialog.get', { dialog_id: `chat${chatId}` }, 'form', alice.base));
    expect(dialog).toMatchObject({ type: 'chat', owner: botId });
    expect(dialog.name).toContain('Chatty');
    expect(dialog.name).toContain('Alice');
  });

  it('imbot.chat.get answers null without ENTITY_TYPE + ENTITY_ID or for an unknown pair', async () => {
    expect(ok(await call('imbot.chat.get', { ENTITY_TYPE: 'TICKET' }))).toBeNull();
    expect(ok(await call('imbot.chat.get', { ENTITY_TYPE: 'TICKET', ENTITY_ID: 'nope' }))).toBeNull();
    expect(ok(await call('imbot.chat.get'))).toBeNull();
  });

  it('imbot.dialog.get (and imbot.chat.get with DIALOG_ID): DIALOG_ID_EMPTY and 403 ACCESS_ERROR for a chat the caller cannot read', async () => {
    const closed = await botChat(client, botId, [alice.id]);
    err(await call('imbot.dialog.get', {}), 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    err(await call('imbot.dialog.get', { DIALOG_ID: 'abc' }), 400, 'DIALOG_ID_EMPTY');
    err(await call('imbot.dialog.get', { DIALOG_ID: `chat${closed}` }), 403, 'ACCESS_ERROR', 'You do not have access to the specified dialog');
    err(await call('imbot.chat.get', { DIALOG_ID: `chat${closed}` }), 403, 'ACCESS_ERROR', 'You do not have access to the specified dialog');
    expect(ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${closed}` }, 'json', alice.base)).id).toBe(closed);
    expect(ok(await call('imbot.chat.get', { DIALOG_ID: `chat${closed}` }, 'json', alice.base)).dialog_id).toBe(`chat${closed}`);
  });

  it('imbot.chat.add errors: INVALID_FORMAT, 403 without CLIENT_ID, BOT_ID_ERROR, APP_ID_ERROR', async () => {
    err(await call('imbot.chat.add', { CLIENT_ID: client, BOT_ID: botId, USERS: [[1]] }), 400, 'INVALID_FORMAT', 'Parameter USERS has wrong type');
    clientIdMissing(await call('imbot.chat.add', { BOT_ID: botId, USERS: [1] }));
    err(await call('imbot.chat.add', { CLIENT_ID: client, BOT_ID: 999999 }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.chat.add', { CLIENT_ID: uniq('nobots') }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.chat.add', { CLIENT_ID: uniq('cid'), BOT_ID: botId }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('imbot.chat owner, managers, colour, title, avatar', () => {
  let client: string;
  let botId: number;
  beforeAll(async () => {
    client = uniq('cid');
    botId = await register(client, {}, { NAME: 'Admin' });
  });

  /** The CHAT_ID_EMPTY / DIALOG_ID_EMPTY / 403 / BOT_ID_ERROR / APP_ID_ERROR checks every chat method has. */
  async function commonErrors(method: string, valid: Record<string, unknown>) {
    err(await call(method, { ...valid, CHAT_ID: undefined }), 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    err(await call(method, { ...valid, CHAT_ID: 'x' }, 'form'), 400, 'CHAT_ID_EMPTY');
    err(await call(method, { ...valid, CHAT_ID: undefined, DIALOG_ID: '5' }), 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    clientIdMissing(await call(method, { ...valid, CLIENT_ID: undefined }));
    err(await call(method, { ...valid, BOT_ID: 999999 }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call(method, { ...valid, CLIENT_ID: uniq('cid') }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
  }

  it.each(['json', 'form'] as const)('%s setOwner: the owner bot hands the chat to a member (DIALOG_ID form too)', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id]);
    const params = { BOT_ID: botId, CLIENT_ID: client, DIALOG_ID: `chat${chatId}`, USER_ID: alice.id };
    expect(ok(await call('imbot.chat.setOwner', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', alice.base)).owner).toBe(alice.id);
    // No longer the owner: the bot cannot hand it over again.
    err(await call('imbot.chat.setOwner', params, enc), 400, 'WRONG_REQUEST', 'Change owner can only owner and user must be member in chat');
  });

  it('setOwner errors', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USER_ID: alice.id };
    await commonErrors('imbot.chat.setOwner', valid);
    err(await call('imbot.chat.setOwner', { ...valid, USER_ID: 0 }), 400, 'USER_ID_EMPTY', "User ID can't be empty");
    const failed = 'Change owner can only owner and user must be member in chat';
    err(await call('imbot.chat.setOwner', { ...valid, USER_ID: bob.id }), 400, 'WRONG_REQUEST', failed);
    err(await call('imbot.chat.setOwner', { ...valid, CHAT_ID: 999999 }), 400, 'WRONG_REQUEST', failed);
    const peoples = ok(await call('im.chat.add', { USERS: [alice.id] }));
    err(await call('imbot.chat.setOwner', { ...valid, CHAT_ID: peoples }), 400, 'WRONG_REQUEST', failed);
  });

  it.each(['json', 'form'] as const)('%s setManager: IS_MANAGER Y by default, N revokes', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id, bob.id]);
    const params = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USER_ID: alice.id };
    expect(ok(await call('imbot.chat.setManager', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    const managers = async () => ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', bob.base)).manager_list;
    expect(await managers()).toContain(alice.id);
    expect(ok(await call('imbot.chat.setManager', { ...params, IS_MANAGER: 'N' }, enc))).toBe(true);
    expect(await managers()).not.toContain(alice.id);
  });

  it('setManager errors', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USER_ID: alice.id };
    await commonErrors('imbot.chat.setManager', valid);
    err(await call('imbot.chat.setManager', { ...valid, USER_ID: 'abc' }), 400, 'USER_ID_EMPTY', "User ID can't be empty");
    const failed = 'Change manager can only owner and user must be member in chat';
    err(await call('imbot.chat.setManager', { ...valid, USER_ID: bob.id }), 400, 'WRONG_REQUEST', failed);
    const aliceOwns = ok(await call('im.chat.add', { USERS: [botId, bob.id] }, 'json', alice.base));
    err(await call('imbot.chat.setManager', { ...valid, CHAT_ID: aliceOwns, USER_ID: bob.id }), 400, 'WRONG_REQUEST', failed);
  });

  it.each(['json', 'form'] as const)('%s updateColor: a palette name; the same colour again is WRONG_REQUEST', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id], { COLOR: 'RED' });
    const params = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, COLOR: 'MINT' };
    expect(ok(await call('imbot.chat.updateColor', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', alice.base)).color).toBe('#4ba984');
    err(await call('imbot.chat.updateColor', params, enc), 400, 'WRONG_REQUEST', "This color currently set or chat doesn't exist");
  });

  it('updateColor errors', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, COLOR: 'LIGHT_BLUE' };
    await commonErrors('imbot.chat.updateColor', valid);
    for (const color of [undefined, 'mint', 'lightBlue', 'ORANGE', 'NOPE']) {
      err(await call('imbot.chat.updateColor', { ...valid, COLOR: color }), 400, 'WRONG_COLOR', 'This color currently unavailable');
    }
    const failed = "This color currently set or chat doesn't exist";
    err(await call('imbot.chat.updateColor', { ...valid, CHAT_ID: 999999 }), 400, 'WRONG_REQUEST', failed);
    const peoples = ok(await call('im.chat.add', { USERS: [alice.id] }));
    err(await call('imbot.chat.updateColor', { ...valid, CHAT_ID: peoples }), 400, 'WRONG_REQUEST', failed);
  });

  it.each(['json', 'form'] as const)('%s updateTitle: trimmed', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id]);
    const params = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, TITLE: '  New title \n' };
    expect(ok(await call('imbot.chat.updateTitle', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', alice.base)).name).toBe('New title');
  });

  it('updateTitle errors: TITLE_EMPTY, 403 ACCESS_ERROR for a chat that cannot be renamed', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, TITLE: 'x' };
    await commonErrors('imbot.chat.updateTitle', valid);
    for (const title of [undefined, '   ', '0']) err(await call('imbot.chat.updateTitle', { ...valid, TITLE: title }), 400, 'TITLE_EMPTY', "Title can't be empty");
    const group = await botChat(client, botId, [alice.id], { ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: uniq('g') });
    err(await call('imbot.chat.updateTitle', { ...valid, CHAT_ID: group }), 403, 'ACCESS_ERROR', 'This chat cannot be renamed');
  });

  it.each(['json', 'form'] as const)('%s updateAvatar: a base64 image', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id]);
    const params = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, AVATAR: PNG };
    expect(ok(await call('imbot.chat.updateAvatar', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', alice.base)).avatar).toMatch(new RegExp(`/avatars/chat${chatId}\\.png$`));
  });

  it('updateAvatar errors: AVATAR_ERROR (type, size), 403 ACCESS_DENIED, 403 ACCESS_ERROR, WRONG_REQUEST', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, AVATAR: PNG };
    await commonErrors('imbot.chat.updateAvatar', valid);
    err(await call('imbot.chat.updateAvatar', { ...valid, AVATAR: 'bm90IGFuIGltYWdl' }), 400, 'AVATAR_ERROR', 'Avatar incorrect type');
    err(await call('imbot.chat.updateAvatar', { ...valid, AVATAR: undefined }), 400, 'AVATAR_ERROR', 'Avatar incorrect type');
    err(await call('imbot.chat.updateAvatar', { ...valid, AVATAR: pngOfSize(6000, 10) }), 400, 'AVATAR_ERROR', 'Avatar incorrect size (max 5000x5000)');
    const peoples = ok(await call('im.chat.add', { USERS: [alice.id] }));
    err(await call('imbot.chat.updateAvatar', { ...valid, CHAT_ID: peoples }), 403, 'ACCESS_DENIED', 'Access denied');
    const group = await botChat(client, botId, [alice.id], { ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: uniq('g') });
    err(await call('imbot.chat.updateAvatar', { ...valid, CHAT_ID: group }), 403, 'ACCESS_ERROR', 'The avatar of this chat cannot be changed');
    err(await call('imbot.chat.updateAvatar', { ...valid, CHAT_ID: 999999 }), 400, 'WRONG_REQUEST', "Chat doesn't exist");
    expect(ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', alice.base)).avatar).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('imbot.chat members: user.add, user.delete, leave, user.list, sendTyping', () => {
  let client: string;
  let botId: number;
  beforeAll(async () => {
    client = uniq('cid');
    botId = await register(client, {}, { NAME: 'Keeper' });
  });
  const members = async (chatId: number) => (ok(await call('imbot.chat.user.list', { CHAT_ID: chatId, CLIENT_ID: client, BOT_ID: botId })) as number[]).sort((a, b) => a - b);

  it.each(['json', 'form'] as const)('%s user.add: members added (unknown ids skipped); user.list gives ids', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id], { MESSAGE: 'before Bob' });
    const params = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USERS: [bob.id, 999999], HIDE_HISTORY: 'N' };
    expect(ok(await call('imbot.chat.user.add', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(await members(chatId)).toEqual([alice.id, bob.id, botId].sort((a, b) => a - b));
    const list = ok(await call('imbot.chat.user.list', lower({ CHAT_ID: chatId, CLIENT_ID: client }), enc));
    for (const id of list) expect(Number.isInteger(id)).toBe(true);
    // Adding a member again changes nothing and is not an error.
    expect(ok(await call('imbot.chat.user.add', { ...params, USERS: [bob.id] }))).toBe(true);
    // HIDE_HISTORY=N: Bob sees the chat's history from before he joined.
    expect((await messagesOf(`chat${chatId}`, bob)).map((m) => m.text)).toContain('before Bob');
    // Without HIDE_HISTORY (Y by default) a new member sees only what is written after joining.
    const hidden = await botChat(client, botId, [alice.id], { MESSAGE: 'before Carol' });
    expect(ok(await call('imbot.chat.user.add', lower({ BOT_ID: botId, CLIENT_ID: client, CHAT_ID: hidden, USERS: [carol.id] }), enc))).toBe(true);
    expect(await members(hidden)).toContain(carol.id);
    expect((await messagesOf(`chat${hidden}`, carol)).map((m) => m.text)).not.toContain('before Carol');
  });

  it('user.add makes another v1 bot a member, which is told with ONIMBOTJOINCHAT', async () => {
    const receiver = await new FormReceiver().start();
    try {
      const other = uniq('cid');
      const guest = await register(other, { EVENT_HANDLER: receiver.url('/guest') });
      const chatId = await botChat(client, botId, [alice.id]);
      expect(ok(await call('imbot.chat.user.add', { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USERS: [guest] }))).toBe(true);
      const post = await receiver.waitFor((p) => p.body?.event === 'ONIMBOTJOINCHAT');
      expect(post.query.get('CLIENT_ID')).toBe(other);
      expect(await members(chatId)).toContain(guest);
    } finally {
      await receiver.close();
    }
  });

  it('user.add errors', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USERS: [bob.id] };
    err(await call('imbot.chat.user.add', { ...valid, CHAT_ID: undefined }), 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    clientIdMissing(await call('imbot.chat.user.add', { ...valid, CLIENT_ID: undefined }));
    err(await call('imbot.chat.user.add', { ...valid, BOT_ID: 999999 }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.chat.user.add', { ...valid, CLIENT_ID: uniq('cid') }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    const group = await botChat(client, botId, [alice.id], { ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: uniq('g') });
    err(await call('imbot.chat.user.add', { ...valid, CHAT_ID: group }), 403, 'ACCESS_ERROR', 'It is forbidden to add users to this chat');
    const peoples = ok(await call('im.chat.add', { USERS: [alice.id] }));
    const failed = "You don't have access or user already member in chat";
    err(await call('imbot.chat.user.add', { ...valid, CHAT_ID: peoples }), 400, 'WRONG_REQUEST', failed);
    err(await call('imbot.chat.user.add', { ...valid, CHAT_ID: 999999 }), 400, 'WRONG_REQUEST', failed);
    expect(await members(chatId)).not.toContain(bob.id);
  });

  it.each(['json', 'form'] as const)('%s user.delete: the owner bot excludes a member', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id, bob.id]);
    const params = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USER_ID: bob.id };
    expect(ok(await call('imbot.chat.user.delete', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(await members(chatId)).toEqual([alice.id, botId].sort((a, b) => a - b));
  });

  it('user.delete errors: USER_ID_EMPTY, 403 ACCESS_ERROR (forbidden chat, LEAVE_OWNER_FORBIDDEN), WRONG_REQUEST', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId, USER_ID: alice.id };
    err(await call('imbot.chat.user.delete', { ...valid, CHAT_ID: undefined }), 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    clientIdMissing(await call('imbot.chat.user.delete', { ...valid, CLIENT_ID: undefined }));
    err(await call('imbot.chat.user.delete', { ...valid, BOT_ID: 999999 }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.chat.user.delete', { ...valid, CLIENT_ID: uniq('cid') }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    err(await call('imbot.chat.user.delete', { ...valid, USER_ID: undefined }), 400, 'USER_ID_EMPTY', "User ID can't be empty");
    const group = await botChat(client, botId, [alice.id], { ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: uniq('g') });
    err(await call('imbot.chat.user.delete', { ...valid, CHAT_ID: group }), 403, 'ACCESS_ERROR', 'It is forbidden to delete users of this chat');
    const crm = await botChat(client, botId, [alice.id], { ENTITY_TYPE: 'CRM', ENTITY_ID: uniq('DEAL|') });
    err(await call('imbot.chat.user.delete', { ...valid, CHAT_ID: crm, USER_ID: botId }), 403, 'ACCESS_ERROR', 'LEAVE_OWNER_FORBIDDEN');
    const failed = "You don't have access or user isn't a member of the chat";
    err(await call('imbot.chat.user.delete', { ...valid, USER_ID: bob.id }), 400, 'WRONG_REQUEST', failed);
    const aliceOwns = ok(await call('im.chat.add', { USERS: [botId, bob.id] }, 'json', alice.base));
    err(await call('imbot.chat.user.delete', { ...valid, CHAT_ID: aliceOwns, USER_ID: bob.id }), 400, 'WRONG_REQUEST', failed);
    err(await call('imbot.chat.user.delete', { ...valid, CHAT_ID: 999999 }), 400, 'WRONG_REQUEST', failed);
    expect(await members(chatId)).toContain(alice.id);
  });

  it.each(['json', 'form'] as const)('%s leave: the bot leaves (an owner hands the chat on)', async (enc) => {
    const chatId = await botChat(client, botId, [alice.id]);
    const params = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId };
    expect(ok(await call('imbot.chat.leave', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    const dialog = ok(await call('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` }, 'json', alice.base));
    expect(dialog.owner).toBe(alice.id);
    expect(ok(await call('imbot.chat.user.list', { CHAT_ID: chatId, CLIENT_ID: client }))).toEqual([]);
    err(await call('imbot.chat.leave', params), 400, 'WRONG_REQUEST', "You don't have access or user isn't a member in chat");
  });

  it('leave errors', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    const valid = { BOT_ID: botId, CLIENT_ID: client, CHAT_ID: chatId };
    err(await call('imbot.chat.leave', { ...valid, CHAT_ID: undefined }), 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    clientIdMissing(await call('imbot.chat.leave', { ...valid, CLIENT_ID: undefined }));
    err(await call('imbot.chat.leave', { ...valid, BOT_ID: 999999 }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.chat.leave', { ...valid, CLIENT_ID: uniq('cid') }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    const group = await botChat(client, botId, [alice.id], { ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: uniq('g') });
    err(await call('imbot.chat.leave', { ...valid, CHAT_ID: group }), 403, 'ACCESS_ERROR', 'It is forbidden to delete users of this chat');
    const crm = await botChat(client, botId, [alice.id], { ENTITY_TYPE: 'CRM', ENTITY_ID: uniq('DEAL|') });
    err(await call('imbot.chat.leave', { ...valid, CHAT_ID: crm }), 403, 'ACCESS_ERROR', 'LEAVE_OWNER_FORBIDDEN');
    const peoples = ok(await call('im.chat.add', { USERS: [alice.id] }));
    err(await call('imbot.chat.leave', { ...valid, CHAT_ID: peoples }), 400, 'WRONG_REQUEST', "You don't have access or user isn't a member in chat");
    expect(await members(chatId)).toContain(botId);
  });

  it('user.list: [] for a chat the bot cannot see, DIALOG_ID form, errors', async () => {
    const chatId = await botChat(client, botId, [alice.id]);
    expect(ok(await call('imbot.chat.user.list', { DIALOG_ID: `chat${chatId}`, CLIENT_ID: client }, 'query'))).toHaveLength(2);
    const peoples = ok(await call('im.chat.add', { USERS: [alice.id] }));
    expect(ok(await call('imbot.chat.user.list', { CHAT_ID: peoples, CLIENT_ID: client }))).toEqual([]);
    expect(ok(await call('imbot.chat.user.list', { CHAT_ID: 999999, CLIENT_ID: client }))).toEqual([]);
    err(await call('imbot.chat.user.list', { CLIENT_ID: client }), 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    err(await call('imbot.chat.user.list', { DIALOG_ID: String(alice.id), CLIENT_ID: client }), 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    clientIdMissing(await call('imbot.chat.user.list', { CHAT_ID: chatId }));
    err(await call('imbot.chat.user.list', { CHAT_ID: chatId, CLIENT_ID: client, BOT_ID: 999999 }), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.chat.user.list', { CHAT_ID: chatId, CLIENT_ID: uniq('cid'), BOT_ID: botId }), 400, 'APP_ID_ERROR', APP_ID_TEXT);
  });

  it.each(['json', 'form'] as const)('%s sendTyping: true for a user or chat dialog; DIALOG_ID_EMPTY, BOT_ID_ERROR, APP_ID_ERROR', async (enc) => {
    const params = { BOT_ID: botId, CLIENT_ID: client, DIALOG_ID: alice.id };
    expect(ok(await call('imbot.chat.sendTyping', enc === 'form' ? lower(params) : params, enc))).toBe(true);
    expect(ok(await call('imbot.chat.sendTyping', { ...params, DIALOG_ID: 'chat1' }, enc))).toBe(true);
    err(await call('imbot.chat.sendTyping', { ...params, DIALOG_ID: undefined }, enc), 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    err(await call('imbot.chat.sendTyping', { ...params, DIALOG_ID: 'me' }, enc), 400, 'DIALOG_ID_EMPTY');
    err(await call('imbot.chat.sendTyping', { ...params, BOT_ID: 999999 }, enc), 400, 'BOT_ID_ERROR', 'Bot not found');
    err(await call('imbot.chat.sendTyping', { ...params, CLIENT_ID: uniq('cid') }, enc), 400, 'APP_ID_ERROR', APP_ID_TEXT);
    clientIdMissing(await call('imbot.chat.sendTyping', { ...params, CLIENT_ID: undefined }, enc));
  });
});
