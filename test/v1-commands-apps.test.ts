import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import type { Platform } from '../src/domain/platform.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { fetchJson, FormReceiver, isTimeObject, testServer, type Encoding, type TestServer } from './helpers/server.js';

// imbot v1 commands and chat applications:
// seed 001 (imbot.command.update), seed 003 (imbot.app.update),
// api-reference/chat-bots/outdated/commands/*.md, api-reference/chats/outdated/create-app/*.md,
// platform-behaviour.md §2 (CLIENT_ID owner, handler URLs) and §3 (commands, chat apps).

let s: TestServer;
let p: Platform;
let handler: FormReceiver;

beforeAll(async () => {
  s = await testServer();
  p = s.server.platform;
  handler = await new FormReceiver().start();
});
afterAll(async () => {
  await s?.close();
  await handler?.close();
});

let seq = 0;
const uniq = (prefix: string) => `${prefix}_${++seq}_${Math.random().toString(36).slice(2, 7)}`;

/** A 1×1 PNG, base64. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const HANDLER = 'https://example.com/bot/command.php';

// ---- owners, bots, people ------------------------------------------------------------------------------

interface Owner {
  clientId: string;
  /** Calls a v1 method on the admin webhook with this owner's CLIENT_ID. */
  call(method: string, params?: Record<string, unknown>, enc?: Encoding): ReturnType<TestServer['call']>;
}

function newOwner(): Owner {
  const clientId = uniq('client');
  return { clientId, call: (method, params = {}, enc = 'json') => s.call(method, { CLIENT_ID: clientId, ...params }, enc) };
}

/**
 * A bot owned by `owner`: through imbot.register when it is available, else through imbot.v2.Bot.register
 * with botToken = CLIENT_ID (the same owner key space, 'custom' + value).
 */
async function newBot(owner: Owner, name = 'Command Bot'): Promise<number> {
  const code = uniq('bot');
  const v1 = await owner.call('imbot.register', { CODE: code, EVENT_HANDLER: handler.url('/bot'), PROPERTIES: { NAME: name } });
  if (v1.status !== 404) {
    expect(v1.status, JSON.stringify(v1.body)).toBe(200);
    return Number(v1.body.result);
  }
  const r = await s.call('imbot.v2.Bot.register', { botToken: owner.clientId, fields: { code, properties: { name } } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.result.bot.id;
}

interface Person {
  id: number;
  hook: string;
}

async function newUser(name: string): Promise<Person> {
  const u = await createUser(p.store, { name, lastName: 'Tester' });
  const { secret } = await createWebhook(p.store, p.box, { userId: u.id, scopes: ['im'] });
  return { id: u.id, hook: `${s.url}/rest/${u.id}/${secret}/` };
}

async function say(who: Person, dialogId: number | string, text: string): Promise<number> {
  const r = await s.call('im.message.add', { DIALOG_ID: String(dialogId), MESSAGE: text }, 'json', who.hook);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return Number(r.body.result);
}

async function installedApp() {
  const { app } = await createApp(p.store, p, { name: uniq('App'), scopes: ['imbot'] });
  const outcome = await installApp(p, app.client_id);
  const auth = outcome.payload.auth as Record<string, string>;
  return { endpoint: auth.client_endpoint, token: auth.access_token, clientId: app.client_id };
}
const oauthCall = (a: { endpoint: string; token: string }, method: string, params: Record<string, unknown>) =>
  fetchJson(a.endpoint + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: a.token }) });

function expectOk(r: { status: number; body: any }) {
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
  expect(isTimeObject(r.body.time)).toBe(true);
  return r.body.result;
}

function expectError(r: { status: number; body: any }, code: string, description?: string, status = 400) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error).toBe(code);
  if (description !== undefined) expect(r.body.error_description).toBe(description);
  expect(r.body.result).toBeUndefined();
  expect(r.body.time).toBeUndefined();
}

const expectNoClientId = (r: { status: number; body: any }) => expectError(r, 'ACCESS_DENIED', 'Access denied! Client ID not specified', 403);

const command = (id: number) => p.store.commands.byId(id);
const commandLangs = async (id: number) =>
  (await p.store.commands.langs([id])).map((l) => ({ lang: l.language_id, title: l.title, params: l.params })).sort((a, b) => a.lang.localeCompare(b.lang));
const chatApp = (id: number) => p.store.chatApps.byId(id);
const appLangs = async (id: number) => (await p.store.chatApps.langs(id)).map(({ language_id, title, description, copyright }) => ({ language_id, title, description, copyright }));

const ECHO_LANG = [
  { LANGUAGE_ID: 'de', TITLE: 'Echo', PARAMS: 'text' },
  { LANGUAGE_ID: 'en', TITLE: 'Echo', PARAMS: 'text' },
];

/** Registers `name` for `bot` (documented example fields); returns the command id. */
async function registerCommand(owner: Owner, bot: number, name = 'echo', extra: Record<string, unknown> = {}): Promise<number> {
  const r = await owner.call('imbot.command.register', { BOT_ID: bot, COMMAND: name, EVENT_COMMAND_ADD: HANDLER, LANG: ECHO_LANG, ...extra });
  return expectOk(r);
}

// ======================================================================================================
describe('imbot.command.register', () => {
  it('reproduces the documented webhook example: result is the command id; the row is a command like any other', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const r = await owner.call('imbot.command.register', {
      BOT_ID: bot,
      COMMAND: 'echo',
      EVENT_COMMAND_ADD: HANDLER,
      LANG: ECHO_LANG,
      COMMON: 'Y',
      HIDDEN: 'N',
      EXTRANET_SUPPORT: 'N',
    });
    const id = expectOk(r);
    expect(Number.isInteger(id)).toBe(true);
    expect(await command(id)).toMatchObject({ bot_id: bot, command: 'echo', common: 1, hidden: 0, extranet_support: 0 });
    // The handler is kept with ?CLIENT_ID=<value> appended (webhook caller).
    expect((await command(id))!.event_url).toBe(`${HANDLER}?CLIENT_ID=${owner.clientId}`);
    expect(await commandLangs(id)).toEqual([
      { lang: 'de', title: 'Echo', params: 'text' },
      { lang: 'en', title: 'Echo', params: 'text' },
    ]);
    // imbot.v2.Command.list of the same owner (botToken = CLIENT_ID) sees it.
    const list = await s.call('imbot.v2.Command.list', { botId: bot, botToken: owner.clientId });
    expect(list.body.result.commands).toEqual([
      expect.objectContaining({ id, botId: bot, command: '/echo', title: 'Echo', params: 'text', common: true, hidden: false, extranetSupport: false }),
    ]);
  });

  it('reads PHP form bodies, top-level names in any case, and the defaults COMMON/HIDDEN/EXTRANET_SUPPORT = N', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const r = await s.call(
      'imbot.command.register',
      { client_id: owner.clientId, bot_id: bot, command: '/Weather', event_command_add: `${HANDLER}?x=1`, lang: [{ LANGUAGE_ID: 'EN', TITLE: 'Weather', PARAMS: 'city' }] },
      'form',
    );
    const id = expectOk(r);
    // One leading "/" is stripped; the name is kept lower-cased (routing matches it case-insensitively).
    expect(await command(id)).toMatchObject({ command: 'weather', common: 0, hidden: 0, extranet_support: 0 });
    expect((await command(id))!.event_url).toBe(`${HANDLER}?x=1&CLIENT_ID=${owner.clientId}`);
    expect(await commandLangs(id)).toEqual([{ lang: 'en', title: 'Weather', params: 'city' }]);
  });

  it('Y/N flags are compared with == "Y": "Y" (or JSON true) is yes, anything else no', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const yes = await registerCommand(owner, bot, 'yes', { COMMON: 'Y', HIDDEN: true, EXTRANET_SUPPORT: 'Y' });
    expect(await command(yes)).toMatchObject({ common: 1, hidden: 1, extranet_support: 1 });
    const no = await registerCommand(owner, bot, 'no', { COMMON: 'y', HIDDEN: '1', EXTRANET_SUPPORT: 'TRUE' });
    expect(await command(no)).toMatchObject({ common: 0, hidden: 0, extranet_support: 0 });
    const form = expectOk(await owner.call('imbot.command.register', { BOT_ID: bot, COMMAND: 'formy', EVENT_COMMAND_ADD: HANDLER, LANG: ECHO_LANG, HIDDEN: 'Y', COMMON: 'N' }, 'form'));
    expect(await command(form)).toMatchObject({ common: 0, hidden: 1 });
  });

  it('skips LANG entries without LANGUAGE_ID or TITLE; PARAMS is optional', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await registerCommand(owner, bot, 'langs', {
      LANG: [{ LANGUAGE_ID: 'en', TITLE: 'English' }, { TITLE: 'no language' }, { LANGUAGE_ID: 'fr' }, { LANGUAGE_ID: 'DE', TITLE: 'Deutsch', PARAMS: 'p' }],
    });
    expect(await commandLangs(id)).toEqual([
      { lang: 'de', title: 'Deutsch', params: 'p' },
      { lang: 'en', title: 'English', params: '' },
    ]);
  });

  it('the same bot + command returns the existing id unchanged; the ONIMCOMMANDADD handler is one per owner, the last one wins', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const first = await registerCommand(owner, bot, 'dup');
    const other = await registerCommand(owner, bot, 'other');
    const again = await owner.call('imbot.command.register', {
      BOT_ID: bot,
      COMMAND: 'dup',
      EVENT_COMMAND_ADD: 'https://example.com/v2.php',
      LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Changed' }],
      HIDDEN: 'Y',
    });
    expect(expectOk(again)).toBe(first);
    expect(await command(first)).toMatchObject({ hidden: 0 });
    expect(await commandLangs(first)).toEqual([
      { lang: 'de', title: 'Echo', params: 'text' },
      { lang: 'en', title: 'Echo', params: 'text' },
    ]);
    // The handler was rebound for every command of the owner.
    for (const id of [first, other]) expect((await command(id))!.event_url).toBe(`https://example.com/v2.php?CLIENT_ID=${owner.clientId}`);
    // Another owner's commands are not touched.
    const stranger = newOwner();
    const theirs = await registerCommand(stranger, await newBot(stranger), 'dup');
    await registerCommand(owner, bot, 'third', { EVENT_COMMAND_ADD: 'https://example.com/v3.php' });
    expect((await command(theirs))!.event_url).toBe(`${HANDLER}?CLIENT_ID=${stranger.clientId}`);
    // A handler on loopback is fine for a local bot.
    expect(expectOk(await owner.call('imbot.command.register', { BOT_ID: bot, COMMAND: 'local', EVENT_COMMAND_ADD: handler.url('/cmd'), LANG: ECHO_LANG }))).toBeGreaterThan(0);
  });

  it('under OAuth the application owns the command; its handler URL is kept as given', async () => {
    const app = await installedApp();
    const reg = await oauthCall(app, 'imbot.v2.Bot.register', { fields: { code: uniq('oauth'), properties: { name: 'OAuth Bot' } } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const bot = reg.body.result.bot.id;
    // CLIENT_ID is not needed (and not used) with an access token.
    const r = await oauthCall(app, 'imbot.command.register', { BOT_ID: bot, COMMAND: 'help', EVENT_COMMAND_ADD: HANDLER, LANG: ECHO_LANG, CLIENT_ID: 'ignored' });
    const id = expectOk(r);
    expect((await command(id))!.event_url).toBe(HANDLER);
    // A webhook caller naming any CLIENT_ID is another owner.
    const owner = newOwner();
    expectError(await owner.call('imbot.command.register', { BOT_ID: bot, COMMAND: 'x', EVENT_COMMAND_ADD: HANDLER, LANG: ECHO_LANG }), 'APP_ID_ERROR');
    expectError(await owner.call('imbot.command.update', { COMMAND_ID: id, FIELDS: { HIDDEN: 'Y' } }), 'APP_ID_ERROR');
    expectOk(await oauthCall(app, 'imbot.command.update', { COMMAND_ID: id, FIELDS: { HIDDEN: 'Y' } }));
    expect((await command(id))!.hidden).toBe(1);
  });

  it('reports the documented errors in the platform order', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const reg = (params: Record<string, unknown>, enc: Encoding = 'json') => s.call('imbot.command.register', params, enc);
    const full = { CLIENT_ID: owner.clientId, BOT_ID: bot, COMMAND: 'errs', EVENT_COMMAND_ADD: HANDLER, LANG: ECHO_LANG };
    const without = (...keys: string[]) => Object.fromEntries(Object.entries(full).filter(([k]) => !keys.includes(k)));

    // Webhook without CLIENT_ID: 403 ACCESS_DENIED (before anything else).
    expectNoClientId(await reg({}));
    expectNoClientId(await reg({ ...full, CLIENT_ID: '' }));
    expectNoClientId(await reg({ ...full, CLIENT_ID: '0' }, 'form'));
    // BOT_ID_ERROR: missing, zero, unknown.
    expectError(await reg({ CLIENT_ID: owner.clientId }), 'BOT_ID_ERROR', 'Bot not found');
    expectError(await reg({ ...full, BOT_ID: 0 }), 'BOT_ID_ERROR', 'Bot not found');
    expectError(await reg({ ...full, BOT_ID: 999_999 }), 'BOT_ID_ERROR', 'Bot not found');
    // APP_ID_ERROR: the bot belongs to another owner.
    expectError(await reg({ ...full, CLIENT_ID: uniq('stranger') }), 'APP_ID_ERROR', 'Bot was installed by another rest application');
    // EVENT_COMMAND_ADD_ERROR: missing, or not a handler URL.
    expectError(await reg(without('EVENT_COMMAND_ADD', 'COMMAND', 'LANG')), 'EVENT_COMMAND_ADD_ERROR', 'Handler for "Command add" event isn\'t specified');
    expectError(await reg({ ...full, EVENT_COMMAND_ADD: '' }), 'EVENT_COMMAND_ADD_ERROR', 'Handler for "Command add" event isn\'t specified');
    expectError(await reg({ ...full, EVENT_COMMAND_ADD: 'not a url' }), 'EVENT_COMMAND_ADD_ERROR', 'Wrong handler URL');
    expectError(await reg({ ...full, EVENT_COMMAND_ADD: 'http:///no-host' }, 'form'), 'EVENT_COMMAND_ADD_ERROR', 'Wrong handler URL');
    expectError(await reg({ ...full, EVENT_COMMAND_ADD: 'ftp://example.com/handler' }), 'EVENT_COMMAND_ADD_ERROR', 'Unsupported handler protocol');
    // COMMAND_ERROR: missing or empty.
    expectError(await reg(without('COMMAND', 'LANG')), 'COMMAND_ERROR', "Command isn't specified");
    expectError(await reg({ ...full, COMMAND: '' }, 'form'), 'COMMAND_ERROR', "Command isn't specified");
    // LANG_ERROR: missing or empty, hidden commands included.
    expectError(await reg(without('LANG')), 'LANG_ERROR', "Lang set can't be empty");
    expectError(await reg({ ...full, LANG: [] }), 'LANG_ERROR', "Lang set can't be empty");
    expectError(await reg({ ...without('LANG'), HIDDEN: 'Y' }, 'form'), 'LANG_ERROR', "Lang set can't be empty");
    // WRONG_REQUEST: a command that cannot be stored (the column holds 255 characters).
    expectError(await reg({ ...full, COMMAND: 'c'.repeat(256) }), 'WRONG_REQUEST', "Command can't be created");
    expectError(await reg({ ...full, COMMAND: '/' }), 'WRONG_REQUEST', "Command can't be created");
    // Nothing was registered by the failures.
    expect(await p.store.commands.byBot(bot)).toEqual([]);
    // The same call with every parameter in place works.
    expectOk(await reg(full));
  });
});

// ======================================================================================================
describe('imbot.command.update (seed 001)', () => {
  it('reproduces the documented example: every FIELDS key changes the command; result true', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await registerCommand(owner, bot, 'echo', { HIDDEN: 'Y', LANG: [{ LANGUAGE_ID: 'fr', TITLE: 'Écho' }] });
    const r = await owner.call('imbot.command.update', {
      COMMAND_ID: id,
      FIELDS: {
        COMMAND: 'echo2',
        EVENT_COMMAND_ADD: 'https://example.com/bot/command2.php',
        HIDDEN: 'N',
        EXTRANET_SUPPORT: 'Y',
        LANG: [
          { LANGUAGE_ID: 'de', TITLE: 'Echo 2', PARAMS: 'text' },
          { LANGUAGE_ID: 'en', TITLE: 'Echo 2', PARAMS: 'text' },
        ],
      },
    });
    expect(expectOk(r)).toBe(true);
    expect(await command(id)).toMatchObject({ command: 'echo2', hidden: 0, extranet_support: 1, common: 0 });
    expect((await command(id))!.event_url).toBe(`https://example.com/bot/command2.php?CLIENT_ID=${owner.clientId}`);
    // LANG replaces the whole language set.
    expect(await commandLangs(id)).toEqual([
      { lang: 'de', title: 'Echo 2', params: 'text' },
      { lang: 'en', title: 'Echo 2', params: 'text' },
    ]);
    const list = await s.call('imbot.v2.Command.list', { botId: bot, botToken: owner.clientId });
    expect(list.body.result.commands[0]).toMatchObject({ id, command: '/echo2', title: 'Echo 2', hidden: false, extranetSupport: true });
  });

  it('the same in a PHP form body, names in any case at the top level', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await registerCommand(owner, bot, 'formed');
    const r = await s.call(
      'imbot.command.update',
      { client_id: owner.clientId, command_id: id, fields: { COMMAND: '/Formed2', HIDDEN: 'Y', EXTRANET_SUPPORT: 'N', LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Formed', PARAMS: 'p' }] } },
      'form',
    );
    expect(expectOk(r)).toBe(true);
    expect(await command(id)).toMatchObject({ command: 'formed2', hidden: 1, extranet_support: 0 });
    expect(await commandLangs(id)).toEqual([{ lang: 'en', title: 'Formed', params: 'p' }]);
  });

  it('each field on its own is enough, and only the given fields change', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await registerCommand(owner, bot, 'single', { COMMON: 'Y' });
    const upd = (FIELDS: Record<string, unknown>) => owner.call('imbot.command.update', { COMMAND_ID: id, FIELDS });
    const before = (await command(id))!;

    expect(expectOk(await upd({ COMMAND: 'renamed' }))).toBe(true);
    expect(await command(id)).toMatchObject({ ...before, command: 'renamed' });

    expect(expectOk(await upd({ EVENT_COMMAND_ADD: 'http://127.0.0.1:9/hook' }))).toBe(true);
    expect(await command(id)).toMatchObject({ ...before, command: 'renamed', event_url: `http://127.0.0.1:9/hook?CLIENT_ID=${owner.clientId}` });

    expect(expectOk(await upd({ HIDDEN: 'Y' }))).toBe(true);
    expect((await command(id))!.hidden).toBe(1);
    expect(expectOk(await upd({ HIDDEN: 'no' }))).toBe(true);
    expect((await command(id))!.hidden).toBe(0);

    expect(expectOk(await upd({ EXTRANET_SUPPORT: 'Y' }))).toBe(true);
    expect((await command(id))!.extranet_support).toBe(1);

    expect(expectOk(await upd({ LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Only English' }] }))).toBe(true);
    expect(await commandLangs(id)).toEqual([{ lang: 'en', title: 'Only English', params: '' }]);
    // Untouched throughout: COMMON and the bot.
    expect(await command(id)).toMatchObject({ common: 1, bot_id: bot });
  });

  it('reports every documented error code', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await registerCommand(owner, bot, 'guarded');
    await registerCommand(owner, bot, 'taken');
    const stranger = newOwner();
    const theirs = await registerCommand(stranger, await newBot(stranger), 'theirs');
    const before = { row: await command(id), langs: await commandLangs(id) };
    const upd = (params: Record<string, unknown>, enc: Encoding = 'json') => owner.call('imbot.command.update', { COMMAND_ID: id, ...params }, enc);

    expectNoClientId(await s.call('imbot.command.update', { COMMAND_ID: id, FIELDS: { HIDDEN: 'Y' } }));
    // COMMAND_ID_ERROR: missing or unknown.
    expectError(await owner.call('imbot.command.update', { FIELDS: { HIDDEN: 'Y' } }), 'COMMAND_ID_ERROR', 'Command not found');
    expectError(await upd({ COMMAND_ID: 999_999, FIELDS: { HIDDEN: 'Y' } }), 'COMMAND_ID_ERROR', 'Command not found');
    expectError(await upd({ COMMAND_ID: 'abc', FIELDS: { HIDDEN: 'Y' } }, 'form'), 'COMMAND_ID_ERROR', 'Command not found');
    // APP_ID_ERROR: another owner's command.
    expectError(await upd({ COMMAND_ID: theirs, FIELDS: { HIDDEN: 'Y' } }), 'APP_ID_ERROR', 'Command was installed by another rest application');
    // EVENT_COMMAND_ADD_ERROR: a wrong handler URL.
    expectError(await upd({ FIELDS: { EVENT_COMMAND_ADD: 'not a url', HIDDEN: 'Y' } }), 'EVENT_COMMAND_ADD_ERROR', 'Wrong handler URL');
    expectError(await upd({ FIELDS: { EVENT_COMMAND_ADD: 'ftp://example.com/x' } }), 'EVENT_COMMAND_ADD_ERROR', 'Unsupported handler protocol');
    // WRONG_REQUEST "Update fields can't be empty": no FIELDS, an empty object, only empty or unknown keys, lower-case nested keys.
    for (const params of [{}, { FIELDS: {} }, { FIELDS: [] }, { FIELDS: { COMMAND: '', HIDDEN: '', LANG: [] } }, { FIELDS: { COMMON: 'Y' } }, { FIELDS: { hidden: 'Y' } }]) {
      expectError(await upd(params), 'WRONG_REQUEST', "Update fields can't be empty");
    }
    expectError(await upd({ FIELDS: { EXTRANET_SUPPORT: '' } }, 'form'), 'WRONG_REQUEST', "Update fields can't be empty");
    // WRONG_REQUEST "Command can't be updated": a text the bot already has, or one too long to store.
    expectError(await upd({ FIELDS: { COMMAND: 'taken' } }), 'WRONG_REQUEST', "Command can't be updated");
    expectError(await upd({ FIELDS: { COMMAND: 'x'.repeat(256) } }), 'WRONG_REQUEST', "Command can't be updated");
    // Nothing changed.
    expect(await command(id)).toEqual(before.row);
    expect(await commandLangs(id)).toEqual(before.langs);
  });
});

// ======================================================================================================
describe('imbot.command.unregister', () => {
  it('removes the command (result true); v2 sees it gone and the counter follows', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const keep = await registerCommand(owner, bot, 'keep');
    const id = await registerCommand(owner, bot, 'drop');
    const count = async () => (await s.call('imbot.v2.Bot.get', { botId: bot, botToken: owner.clientId })).body.result.bot.countCommand;
    expect(await count()).toBe(2);
    const r = await owner.call('imbot.command.unregister', { COMMAND_ID: id });
    expect(expectOk(r)).toBe(true);
    expect(await command(id)).toBeUndefined();
    expect(await commandLangs(id)).toEqual([]);
    expect(await count()).toBe(1);
    const list = await s.call('imbot.v2.Command.list', { botId: bot, botToken: owner.clientId });
    expect(list.body.result.commands.map((c: any) => c.id)).toEqual([keep]);
    // Form body, lower-case names.
    expect(expectOk(await s.call('imbot.command.unregister', { client_id: owner.clientId, command_id: keep }, 'form'))).toBe(true);
    expect(await count()).toBe(0);
  });

  it('reports every documented error code', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await registerCommand(owner, bot, 'mine');
    const stranger = newOwner();
    const theirs = await registerCommand(stranger, await newBot(stranger), 'theirs');
    expectNoClientId(await s.call('imbot.command.unregister', { COMMAND_ID: id }));
    expectError(await owner.call('imbot.command.unregister', {}), 'COMMAND_ID_ERROR', 'Command not found');
    expectError(await owner.call('imbot.command.unregister', { COMMAND_ID: 999_999 }), 'COMMAND_ID_ERROR', 'Command not found');
    expectError(await owner.call('imbot.command.unregister', { COMMAND_ID: theirs }), 'APP_ID_ERROR', 'Command was installed by another rest application');
    expect(await command(theirs)).toBeDefined();
    expectOk(await owner.call('imbot.command.unregister', { COMMAND_ID: id }));
    // Gone: a second call does not find it.
    expectError(await owner.call('imbot.command.unregister', { COMMAND_ID: id }), 'COMMAND_ID_ERROR', 'Command not found');
  });

  it('a bot deleted through imbot.v2.Bot.unregister takes its commands and chat apps with it', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await registerCommand(owner, bot, 'gone');
    const app = expectOk(await owner.call('imbot.app.register', { BOT_ID: bot, CODE: 'gone', JS_METHOD: 'SEND', JS_PARAM: '/gone', LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Gone' }] }));
    expectOk(await s.call('imbot.v2.Bot.unregister', { botId: bot, botToken: owner.clientId }));
    expect(await command(id)).toBeUndefined();
    expect(await chatApp(app)).toBeUndefined();
    expectError(await owner.call('imbot.command.update', { COMMAND_ID: id, FIELDS: { HIDDEN: 'Y' } }), 'COMMAND_ID_ERROR');
    expectError(await owner.call('imbot.app.update', { APP_ID: app, FIELDS: { HIDDEN: 'Y' } }), 'CHAT_APP_ID_ERROR');
  });
});

// ======================================================================================================
describe('imbot.command.answer', () => {
  /** A bot with a command, and a user calling it in the private dialog with the bot (which grants the answer). */
  async function commandCalled(text = '/echo hello') {
    const owner = newOwner();
    const bot = await newBot(owner, 'Answerer');
    const commandId = await registerCommand(owner, bot, 'echo', { COMMON: 'Y' });
    const user = await newUser('Dora');
    const messageId = await say(user, bot, text);
    const chatId = (await p.store.messages.byId(messageId))!.chat_id;
    return { owner, bot, commandId, user, messageId, chatId };
  }
  const lastMessage = async (chatId: number) => (await p.store.messages.history(chatId, { limit: 1 }))[0];

  it('reproduces the documented example: the answer is posted in the command\'s dialog and its id returned', async () => {
    const { owner, bot, commandId, messageId, chatId } = await commandCalled();
    const r = await owner.call('imbot.command.answer', {
      COMMAND_ID: commandId,
      MESSAGE_ID: messageId,
      MESSAGE: 'Accepted. Executing command.',
      SYSTEM: 'N',
      URL_PREVIEW: 'Y',
      ATTACH: { BLOCKS: [{ MESSAGE: 'Task details' }, { DELIMITER: true }, { LINK: { NAME: 'Open', LINK: 'https://example.com' } }] },
      KEYBOARD: { BUTTONS: [{ TEXT: 'Repeat', COMMAND: 'echo repeat' }] },
      MENU: [{ TEXT: 'bitrix24', LINK: 'https://bitrix24.com' }],
    });
    const id = expectOk(r);
    expect(Number.isInteger(id)).toBe(true);
    const answer = await lastMessage(chatId);
    expect(answer).toMatchObject({ id, author_id: bot, text: 'Accepted. Executing command.', is_system: 0 });
    const params = JSON.parse(answer.params);
    expect(params.ATTACH[0].BLOCKS[0]).toEqual({ MESSAGE: 'Task details' });
    expect(params.ATTACH[0].BLOCKS).toHaveLength(3);
    expect(params.KEYBOARD[0]).toMatchObject({ TEXT: 'Repeat', COMMAND: 'echo repeat', BOT_ID: bot });
    expect(params.MENU[0]).toMatchObject({ TEXT: 'bitrix24', LINK: 'https://bitrix24.com' });
    expect(params.URL_PREVIEW).toBeUndefined();
  });

  it('finds the command by COMMAND text; SYSTEM=Y gives a system message naming the bot; URL_PREVIEW=N is kept; form bodies work', async () => {
    const { owner, bot, chatId, messageId } = await commandCalled();
    const byText = expectOk(await owner.call('imbot.command.answer', { COMMAND: 'echo', MESSAGE_ID: messageId, MESSAGE: 'By name' }));
    expect(await lastMessage(chatId)).toMatchObject({ id: byText, text: 'By name', author_id: bot });

    const sys = expectOk(await owner.call('imbot.command.answer', { COMMAND: 'echo', MESSAGE_ID: messageId, MESSAGE: 'Quietly', SYSTEM: 'Y', URL_PREVIEW: 'N' }, 'form'));
    const m = await lastMessage(chatId);
    expect(m).toMatchObject({ id: sys, is_system: 1, text: `Answer from the bot [USER=${bot}][/USER]:\n Quietly` });
    expect(JSON.parse(m.params).URL_PREVIEW).toBe('N');

    const form = await s.call(
      'imbot.command.answer',
      { client_id: owner.clientId, command: 'echo', message_id: messageId, message: ' Trimmed ', keyboard: [{ TEXT: 'Again', COMMAND: 'echo' }] },
      'form',
    );
    const formId = expectOk(form);
    const fm = await lastMessage(chatId);
    expect(fm).toMatchObject({ id: formId, text: 'Trimmed', is_system: 0 });
    expect(JSON.parse(fm.params).KEYBOARD[0]).toMatchObject({ TEXT: 'Again', COMMAND: 'echo', BOT_ID: bot });
  });

  it('the command grants the answer for 10 minutes; afterwards nothing is posted and the result is true', async () => {
    const { owner, bot, commandId, messageId, chatId } = await commandCalled();
    const grant = await p.store.db.selectFrom('bot_tokens').selectAll().where('bot_id', '=', bot).where('chat_id', '=', chatId).executeTakeFirstOrThrow();
    const now = Math.floor(Date.now() / 1000);
    expect(grant.expires_ts - now).toBeGreaterThanOrEqual(590);
    expect(grant.expires_ts - now).toBeLessThanOrEqual(600);
    await p.store.db.updateTable('bot_tokens').set({ expires_ts: now - 1 }).where('bot_id', '=', bot).execute();
    const count = (await p.store.chats.stats(chatId)).message_count;
    const r = await owner.call('imbot.command.answer', { COMMAND_ID: commandId, MESSAGE_ID: messageId, MESSAGE: 'Too late' });
    expect(expectOk(r)).toBe(true);
    expect((await p.store.chats.stats(chatId)).message_count).toBe(count);

    // A dialog where the command was never called: no grant either.
    const a = await newUser('Eve');
    const elsewhere = await say(a, (await newUser('Frank')).id, 'hello there');
    expect(expectOk(await owner.call('imbot.command.answer', { COMMAND_ID: commandId, MESSAGE_ID: elsewhere, MESSAGE: 'Hi' }))).toBe(true);
    expect((await lastMessage((await p.store.messages.byId(elsewhere))!.chat_id)).id).toBe(elsewhere);
  });

  it('reports every documented error code', async () => {
    const { owner, commandId, messageId, chatId } = await commandCalled();
    const stranger = newOwner();
    const theirs = await registerCommand(stranger, await newBot(stranger), 'theirs');
    const answer = (params: Record<string, unknown>, enc: Encoding = 'json') =>
      owner.call('imbot.command.answer', { COMMAND_ID: commandId, MESSAGE_ID: messageId, MESSAGE: 'x', ...params }, enc);

    expectNoClientId(await s.call('imbot.command.answer', { COMMAND_ID: commandId, MESSAGE_ID: messageId, MESSAGE: 'x' }));
    // COMMAND_ID_ERROR: unknown id, unknown (or another owner's) command text, neither given.
    expectError(await answer({ COMMAND_ID: 999_999 }), 'COMMAND_ID_ERROR', 'Command not found');
    expectError(await owner.call('imbot.command.answer', { COMMAND: 'nope', MESSAGE_ID: messageId, MESSAGE: 'x' }), 'COMMAND_ID_ERROR', 'Command not found');
    expectError(await owner.call('imbot.command.answer', { COMMAND: 'theirs', MESSAGE_ID: messageId, MESSAGE: 'x' }), 'COMMAND_ID_ERROR', 'Command not found');
    expectError(await owner.call('imbot.command.answer', { MESSAGE_ID: messageId, MESSAGE: 'x' }), 'COMMAND_ID_ERROR', 'Command not found');
    // APP_ID_ERROR: another owner's command.
    expectError(await answer({ COMMAND_ID: theirs }), 'APP_ID_ERROR', 'Command was installed by another rest application');
    // MESSAGE_ID_EMPTY / MESSAGE_EMPTY.
    expectError(await answer({ MESSAGE_ID: undefined }), 'MESSAGE_ID_EMPTY', "Message ID can't be empty");
    expectError(await answer({ MESSAGE_ID: 0 }, 'form'), 'MESSAGE_ID_EMPTY', "Message ID can't be empty");
    expectError(await answer({ MESSAGE: undefined }), 'MESSAGE_EMPTY', "Message can't be empty");
    expectError(await answer({ MESSAGE: '   ' }, 'form'), 'MESSAGE_EMPTY', "Message can't be empty");
    // ATTACH_ERROR / ATTACH_OVERSIZE.
    expectError(await answer({ ATTACH: [{ NOTHING: 1 }] }), 'ATTACH_ERROR', 'Incorrect attach params');
    expectError(await answer({ ATTACH: 'not json' }, 'form'), 'ATTACH_ERROR', 'Incorrect attach params');
    const bigAttach = Array.from({ length: 40 }, () => ({ MESSAGE: 'x'.repeat(2000) }));
    expectError(await answer({ ATTACH: bigAttach }), 'ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach');
    // KEYBOARD_ERROR / KEYBOARD_OVERSIZE.
    expectError(await answer({ KEYBOARD: [{ TEXT: 'no action' }] }), 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    const buttons = Array.from({ length: 300 }, (_, i) => ({ TEXT: `button ${i} ${'z'.repeat(150)}`, ACTION: 'PUT', ACTION_VALUE: 'v' }));
    expectError(await answer({ KEYBOARD: buttons }), 'KEYBOARD_OVERSIZE', 'You have exceeded the maximum allowable size of keyboard');
    // MENU_ERROR.
    expectError(await answer({ MENU: [{ TEXT: 'no action' }] }), 'MENU_ERROR', 'Incorrect menu params');
    // WRONG_REQUEST: the message to answer does not exist.
    expectError(await answer({ MESSAGE_ID: 999_999 }), 'WRONG_REQUEST', "Message isn't added");
    // Nothing was posted by the failures.
    expect((await lastMessage(chatId)).id).toBe(messageId);
  });
});

// ======================================================================================================
const APP_LANG = [{ LANGUAGE_ID: 'en', TITLE: 'Echobot IFRAME', DESCRIPTION: 'Open Echobot IFRAME app', COPYRIGHT: 'Bitrix24' }];

/** Registers an IFRAME application for `bot`; returns its id. */
async function iframeApp(owner: Owner, bot: number, extra: Record<string, unknown> = {}): Promise<number> {
  return expectOk(
    await owner.call('imbot.app.register', {
      BOT_ID: bot,
      CODE: uniq('frame'),
      IFRAME: 'https://marta.bitrix.com/iframe/echo.php',
      HASH: 'd1ab17949a572b0979d8db0d5b349cd2',
      LANG: APP_LANG,
      ...extra,
    }),
  );
}

describe('imbot.app.register', () => {
  it('reproduces the documented JS command example', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const r = await owner.call('imbot.app.register', {
      BOT_ID: bot,
      CODE: 'echo',
      JS_METHOD: 'SEND',
      JS_PARAM: '/help',
      ICON_FILE: PNG,
      CONTEXT: 'BOT',
      EXTRANET_SUPPORT: 'N',
      LIVECHAT_SUPPORT: 'N',
      IFRAME_POPUP: 'N',
      LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Echobot BUTTON', DESCRIPTION: 'Send help command' }],
    });
    const id = expectOk(r);
    expect(Number.isInteger(id)).toBe(true);
    const app = (await chatApp(id))!;
    expect(app).toMatchObject({ bot_id: bot, code: 'echo', js: "BXIM.sendMessage('/help');", iframe: '', context: 'bot', extranet_support: 0, livechat_support: 0, iframe_popup: 0, hidden: 0 });
    expect(app.icon).toBe(`data:image/png;base64,${PNG}`);
    // A JS command gets a generated 32-character hash.
    expect(app.hash).toMatch(/^[a-f0-9]{32}$/);
    expect(await appLangs(id)).toEqual([{ language_id: 'en', title: 'Echobot BUTTON', description: 'Send help command', copyright: '' }]);
  });

  it('reproduces the documented IFRAME example (PHP form body)', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const r = await owner.call(
      'imbot.app.register',
      {
        BOT_ID: bot,
        CODE: 'echo',
        IFRAME: 'https://marta.bitrix.com/iframe/echo.php',
        IFRAME_WIDTH: '350',
        IFRAME_HEIGHT: '150',
        HASH: 'd1ab17949a572b0979d8db0d5b349cd2',
        ICON_FILE: PNG,
        CONTEXT: 'BOT',
        HIDDEN: 'N',
        EXTRANET_SUPPORT: 'N',
        LIVECHAT_SUPPORT: 'N',
        IFRAME_POPUP: 'N',
        LANG: APP_LANG,
      },
      'form',
    );
    const id = expectOk(r);
    expect(await chatApp(id)).toMatchObject({
      code: 'echo',
      js: '',
      // Stored ready for the signature parameters.
      iframe: 'https://marta.bitrix.com/iframe/echo.php?',
      iframe_width: 350,
      iframe_height: 150,
      hash: 'd1ab17949a572b0979d8db0d5b349cd2',
      context: 'bot',
      iframe_popup: 0,
      icon: `data:image/png;base64,${PNG}`,
    });
    expect(await appLangs(id)).toEqual([{ language_id: 'en', title: 'Echobot IFRAME', description: 'Open Echobot IFRAME app', copyright: 'Bitrix24' }]);
  });

  it('IFRAME: default 320×250, width at least 250, height at least 50, HASH cut to 32, flags Y/N, query kept', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const dflt = await iframeApp(owner, bot);
    expect(await chatApp(dflt)).toMatchObject({ iframe_width: 320, iframe_height: 250, context: 'all', iframe_popup: 0 });
    const small = await iframeApp(owner, bot, { IFRAME_WIDTH: 100, IFRAME_HEIGHT: '10' });
    expect(await chatApp(small)).toMatchObject({ iframe_width: 250, iframe_height: 50 });
    const edge = await iframeApp(owner, bot, { IFRAME_WIDTH: '251', IFRAME_HEIGHT: 51 });
    expect(await chatApp(edge)).toMatchObject({ iframe_width: 251, iframe_height: 51 });
    const hash = 'h'.repeat(40);
    const long = await iframeApp(owner, bot, { HASH: hash, IFRAME: 'https://example.com/app?lang=en', IFRAME_POPUP: 'Y', EXTRANET_SUPPORT: 'Y', LIVECHAT_SUPPORT: 'Y', HIDDEN: 'Y', CONTEXT: 'LINES-admin' });
    expect(await chatApp(long)).toMatchObject({
      hash: 'h'.repeat(32),
      iframe: 'https://example.com/app?lang=en&',
      iframe_popup: 1,
      extranet_support: 1,
      livechat_support: 1,
      hidden: 1,
      context: 'lines-admin',
    });
    // "y" is not "Y".
    const lower = await iframeApp(owner, bot, { IFRAME_POPUP: 'y', EXTRANET_SUPPORT: 'true' });
    expect(await chatApp(lower)).toMatchObject({ iframe_popup: 0, extranet_support: 0 });
  });

  it('JS_METHOD + JS_PARAM win over IFRAME; each method has its pattern', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const js = async (method: string, param: string, extra: Record<string, unknown> = {}) =>
      owner.call('imbot.app.register', { BOT_ID: bot, CODE: uniq('js'), JS_METHOD: method, JS_PARAM: param, LANG: APP_LANG, ...extra });
    // Both given: JS is used and IFRAME is not even checked (http would fail IFRAME_HTTPS).
    const both = expectOk(await js('SEND', '/help', { IFRAME: 'http://insecure.example.com', IFRAME_WIDTH: 999 }));
    expect(await chatApp(both)).toMatchObject({ js: "BXIM.sendMessage('/help');", iframe: '' });
    expect(await chatApp(expectOk(await js('PUT', '/echo me now')))).toMatchObject({ js: "BXIM.putMessage('/echo me now');" });
    expect(await chatApp(expectOk(await js('SEND', 'say /echo-it+x_y please')))).toMatchObject({ js: "BXIM.sendMessage('/echo-it+x_y please');" });
    expect(await chatApp(expectOk(await js('CALL', '+1 (555) 123-4567')))).toMatchObject({ js: "BXIM.phoneTo('+1 (555) 123-4567');" });
    const lines = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    expect(await chatApp(expectOk(await js('SUPPORT', lines)))).toMatchObject({ js: `BXIM.openMessenger('networkLines${lines}');` });
    // A JS_PARAM that fails the pattern leaves nothing usable, and IFRAME is not looked at: PARAMS_ERROR.
    const paramsError = (r: { status: number; body: any }) => expectError(r, 'PARAMS_ERROR', "Iframe or JS method isn't specified");
    paramsError(await js('SEND', 'help'));
    paramsError(await js('PUT', '/h'));
    paramsError(await js('CALL', 'call me'));
    paramsError(await js('SUPPORT', 'not-a-line-code'));
    paramsError(await js('SEND', 'help', { IFRAME: 'https://example.com/frame', HASH: 'x' }));
    // An unknown (or lower-case) JS_METHOD, or an empty JS_PARAM, is not the JS form: IFRAME is used when given.
    paramsError(await js('send', '/help'));
    const viaFrame = expectOk(await js('OPEN', '/help', { IFRAME: 'https://example.com/frame', HASH: 'x' }));
    expect(await chatApp(viaFrame)).toMatchObject({ js: '', iframe: 'https://example.com/frame?' });
    const emptyParam = expectOk(await js('SEND', '', { IFRAME: 'https://example.com/frame2', HASH: 'x' }));
    expect(await chatApp(emptyParam)).toMatchObject({ js: '', iframe: 'https://example.com/frame2?' });
  });

  it('ICON_FILE that is not an image is silently ignored; the same bot + CODE returns the existing id', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await iframeApp(owner, bot, { CODE: 'same', ICON_FILE: Buffer.from('not an image').toString('base64') });
    expect((await chatApp(id))!.icon).toBe('');
    const again = await owner.call('imbot.app.register', { BOT_ID: bot, CODE: 'same', JS_METHOD: 'SEND', JS_PARAM: '/other', LANG: APP_LANG });
    expect(expectOk(again)).toBe(id);
    expect((await chatApp(id))!.js).toBe('');
    // Another bot may use the same code.
    const other = await newBot(owner);
    expect(await iframeApp(owner, other, { CODE: 'same' })).not.toBe(id);
  });

  it('reports every documented error code, in the platform order', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const stranger = newOwner();
    const theirBot = await newBot(stranger);
    const full = { CLIENT_ID: owner.clientId, BOT_ID: bot, CODE: uniq('errs'), IFRAME: 'https://example.com/frame', HASH: 'abc', LANG: APP_LANG };
    const reg = (params: Record<string, unknown>, enc: Encoding = 'json') => s.call('imbot.app.register', { ...full, ...params }, enc);

    expectNoClientId(await s.call('imbot.app.register', {}));
    expectNoClientId(await reg({ CLIENT_ID: '' }));
    // CODE_ERROR comes first (before the bot is looked at).
    expectError(await reg({ CODE: '', BOT_ID: 0 }), 'CODE_ERROR', "App code isn't specified");
    // IFRAME_HTTPS: not https, no host, not a URL.
    for (const url of ['http://example.com/frame', 'not a url', 'https:///path', 'ftp://example.com/frame', 'HTTPS://example.com']) {
      expectError(await reg({ IFRAME: url }), 'IFRAME_HTTPS', 'Iframe params must be HTTPS site');
    }
    // HASH_ERROR: an IFRAME application needs a hash.
    expectError(await reg({ HASH: '' }), 'HASH_ERROR', "Hash can't be empty");
    expectError(await reg({ HASH: undefined }, 'form'), 'HASH_ERROR', "Hash can't be empty");
    // PARAMS_ERROR: neither IFRAME nor a JS command.
    expectError(await reg({ IFRAME: undefined }), 'PARAMS_ERROR', "Iframe or JS method isn't specified");
    // BOT_ID_ERROR / APP_ID_ERROR.
    expectError(await reg({ BOT_ID: undefined }), 'BOT_ID_ERROR', 'Bot not found');
    expectError(await reg({ BOT_ID: 999_999 }), 'BOT_ID_ERROR', 'Bot not found');
    expectError(await reg({ BOT_ID: theirBot }), 'APP_ID_ERROR', 'Bot was installed by another rest application');
    // LANG_ERROR.
    expectError(await reg({ LANG: undefined }), 'LANG_ERROR', "Lang set can't be empty");
    expectError(await reg({ LANG: [] }), 'LANG_ERROR', "Lang set can't be empty");
    // WRONG_REQUEST: values that cannot be stored.
    expectError(await reg({ CODE: 'c'.repeat(256) }), 'WRONG_REQUEST', "App can't be registered");
    expectError(await reg({ CONTEXT: 'x'.repeat(129) }), 'WRONG_REQUEST', "App can't be registered");
    expectError(await reg({ IFRAME: `https://example.com/${'p'.repeat(250)}` }), 'WRONG_REQUEST', "App can't be registered");
    // Nothing was registered by the failures; the full call works.
    expect(await p.store.chatApps.byBot(bot)).toEqual([]);
    expectOk(await reg({}));
    expect(await p.store.chatApps.byBot(bot)).toHaveLength(1);
  });
});

// ======================================================================================================
describe('imbot.app.update (seed 003)', () => {
  it('reproduces the documented example: FIELDS with both forms — JS wins and the frame is cleared; result true', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await iframeApp(owner, bot, { LANG: [{ LANGUAGE_ID: 'de', TITLE: 'Alt' }], CONTEXT: 'ALL', EXTRANET_SUPPORT: 'Y' });
    const r = await owner.call('imbot.app.update', {
      APP_ID: id,
      FIELDS: {
        IFRAME: 'https://marta.bitrix.com/iframe/echo.php',
        IFRAME_WIDTH: '350',
        IFRAME_HEIGHT: '150',
        JS_METHOD: 'SEND',
        JS_PARAM: '/help',
        HASH: 'register',
        ICON_FILE: PNG,
        CONTEXT: 'BOT',
        EXTRANET_SUPPORT: 'N',
        LIVECHAT_SUPPORT: 'N',
        IFRAME_POPUP: 'N',
        LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Echobot IFRAME', DESCRIPTION: 'Open Echobot IFRAME app', COPYRIGHT: 'Bitrix24' }],
      },
    });
    expect(expectOk(r)).toBe(true);
    expect(await chatApp(id)).toMatchObject({
      js: "BXIM.sendMessage('/help');",
      iframe: '',
      iframe_width: 350,
      iframe_height: 150,
      hash: 'register',
      icon: `data:image/png;base64,${PNG}`,
      context: 'bot',
      extranet_support: 0,
      livechat_support: 0,
      iframe_popup: 0,
    });
    // LANG replaces every translation.
    expect(await appLangs(id)).toEqual([{ language_id: 'en', title: 'Echobot IFRAME', description: 'Open Echobot IFRAME app', copyright: 'Bitrix24' }]);
  });

  it('the same as a PHP form body', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await iframeApp(owner, bot);
    const r = await s.call(
      'imbot.app.update',
      { client_id: owner.clientId, app_id: id, FIELDS: { JS_METHOD: 'PUT', JS_PARAM: '/put this', CONTEXT: 'USER', LIVECHAT_SUPPORT: 'Y', LANG: [{ LANGUAGE_ID: 'EN', TITLE: 'T', DESCRIPTION: 'D', COPYRIGHT: 'C' }] } },
      'form',
    );
    expect(expectOk(r)).toBe(true);
    expect(await chatApp(id)).toMatchObject({ js: "BXIM.putMessage('/put this');", iframe: '', context: 'user', livechat_support: 1 });
    expect(await appLangs(id)).toEqual([{ language_id: 'en', title: 'T', description: 'D', copyright: 'C' }]);
  });

  it('IFRAME replaces a JS command (https only); width/height at least 250/50; HASH cut to 32; flags and CONTEXT', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = expectOk(await owner.call('imbot.app.register', { BOT_ID: bot, CODE: 'switch', JS_METHOD: 'CALL', JS_PARAM: '+49 30 1234', LANG: APP_LANG }));
    const upd = (FIELDS: Record<string, unknown>) => owner.call('imbot.app.update', { APP_ID: id, FIELDS });
    expect(expectOk(await upd({ IFRAME: 'https://example.com/frame?x=1' }))).toBe(true);
    expect(await chatApp(id)).toMatchObject({ iframe: 'https://example.com/frame?x=1&', js: '' });

    expectOk(await upd({ IFRAME_WIDTH: 100, IFRAME_HEIGHT: '10' }));
    expect(await chatApp(id)).toMatchObject({ iframe_width: 250, iframe_height: 50 });
    expectOk(await upd({ IFRAME_WIDTH: '640', IFRAME_HEIGHT: 480 }));
    expect(await chatApp(id)).toMatchObject({ iframe_width: 640, iframe_height: 480 });

    expectOk(await upd({ HASH: 'z'.repeat(50) }));
    expect((await chatApp(id))!.hash).toBe('z'.repeat(32));

    expectOk(await upd({ IFRAME_POPUP: 'Y', EXTRANET_SUPPORT: 'Y', LIVECHAT_SUPPORT: 'Y', CONTEXT: 'CHAT-admin' }));
    expect(await chatApp(id)).toMatchObject({ iframe_popup: 1, extranet_support: 1, livechat_support: 1, context: 'chat-admin' });
    expectOk(await upd({ IFRAME_POPUP: 'N', EXTRANET_SUPPORT: 'N', LIVECHAT_SUPPORT: 'N' }));
    expect(await chatApp(id)).toMatchObject({ iframe_popup: 0, extranet_support: 0, livechat_support: 0, context: 'chat-admin' });

    // A JS command again clears the frame.
    expectOk(await upd({ JS_METHOD: 'SUPPORT', JS_PARAM: 'ffffffffffffffffffffffffffffffff' }));
    expect(await chatApp(id)).toMatchObject({ js: "BXIM.openMessenger('networkLinesffffffffffffffffffffffffffffffff');", iframe: '' });
    // A JS_PARAM that fails the pattern changes nothing (and IFRAME is not looked at).
    expectOk(await upd({ JS_METHOD: 'SEND', JS_PARAM: 'no slash', IFRAME: 'https://example.com/ignored' }));
    expect(await chatApp(id)).toMatchObject({ js: "BXIM.openMessenger('networkLinesffffffffffffffffffffffffffffffff');", iframe: '' });
  });

  it('ICON_FILE: a valid image replaces the icon, anything else is ignored; parameters at the top level (as the page\'s table lists them) work too', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await iframeApp(owner, bot);
    expectOk(await owner.call('imbot.app.update', { APP_ID: id, FIELDS: { ICON_FILE: PNG } }));
    expect((await chatApp(id))!.icon).toBe(`data:image/png;base64,${PNG}`);
    expectOk(await owner.call('imbot.app.update', { APP_ID: id, FIELDS: { ICON_FILE: 'garbage' } }));
    expect((await chatApp(id))!.icon).toBe(`data:image/png;base64,${PNG}`);
    // Top-level fields (no FIELDS), form-encoded.
    expectOk(await owner.call('imbot.app.update', { APP_ID: id, IFRAME_WIDTH: 300, CONTEXT: 'CALL', LANG: [{ LANGUAGE_ID: 'de', TITLE: 'Oben' }] }, 'form'));
    expect(await chatApp(id)).toMatchObject({ iframe_width: 300, context: 'call' });
    expect(await appLangs(id)).toEqual([{ language_id: 'de', title: 'Oben', description: '', copyright: '' }]);
    // FIELDS wins over the same key at the top level.
    expectOk(await owner.call('imbot.app.update', { APP_ID: id, CONTEXT: 'USER', FIELDS: { CONTEXT: 'BOT' } }));
    expect((await chatApp(id))!.context).toBe('bot');
  });

  it('reports every documented error code', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await iframeApp(owner, bot);
    const stranger = newOwner();
    const theirs = await iframeApp(stranger, await newBot(stranger));
    const before = await chatApp(id);
    const upd = (params: Record<string, unknown>, enc: Encoding = 'json') => owner.call('imbot.app.update', { APP_ID: id, ...params }, enc);

    expectNoClientId(await s.call('imbot.app.update', { APP_ID: id, FIELDS: { CONTEXT: 'BOT' } }));
    // CHAT_APP_ID_ERROR: missing or unknown application.
    expectError(await owner.call('imbot.app.update', { FIELDS: { CONTEXT: 'BOT' } }), 'CHAT_APP_ID_ERROR', 'App not found');
    expectError(await upd({ APP_ID: 999_999, FIELDS: { CONTEXT: 'BOT' } }), 'CHAT_APP_ID_ERROR', 'App not found');
    // APP_ID_ERROR: another client's application.
    expectError(await upd({ APP_ID: theirs, FIELDS: { CONTEXT: 'BOT' } }), 'APP_ID_ERROR', 'App was installed by another rest application');
    // IFRAME_HTTPS.
    expectError(await upd({ FIELDS: { IFRAME: 'http://example.com/frame' } }), 'IFRAME_HTTPS', 'Iframe params must be HTTPS site');
    expectError(await upd({ FIELDS: { IFRAME: 'nowhere' } }, 'form'), 'IFRAME_HTTPS', 'Iframe params must be HTTPS site');
    // WRONG_REQUEST: no field to edit (the page requires one), or a value that cannot be stored.
    expectError(await upd({}), 'WRONG_REQUEST', "Update fields can't be empty");
    expectError(await upd({ FIELDS: {} }), 'WRONG_REQUEST', "Update fields can't be empty");
    expectError(await upd({ FIELDS: { context: 'BOT' } }), 'WRONG_REQUEST', "Update fields can't be empty");
    expectError(await upd({ FIELDS: { CONTEXT: 'x'.repeat(129) } }), 'WRONG_REQUEST');
    expectError(await upd({ FIELDS: { IFRAME: `https://example.com/${'p'.repeat(250)}` } }), 'WRONG_REQUEST');
    // Nothing changed.
    expect(await chatApp(id)).toEqual(before);
  });
});

// ======================================================================================================
describe('imbot.app.unregister', () => {
  it('removes the application (result true), JSON and form', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const a = await iframeApp(owner, bot);
    const b = await iframeApp(owner, bot);
    expect(expectOk(await owner.call('imbot.app.unregister', { APP_ID: a }))).toBe(true);
    expect(await chatApp(a)).toBeUndefined();
    expect(await appLangs(a)).toEqual([]);
    expect(expectOk(await s.call('imbot.app.unregister', { client_id: owner.clientId, app_id: b }, 'form'))).toBe(true);
    expect(await chatApp(b)).toBeUndefined();
  });

  it('reports every documented error code', async () => {
    const owner = newOwner();
    const bot = await newBot(owner);
    const id = await iframeApp(owner, bot);
    const stranger = newOwner();
    const theirs = await iframeApp(stranger, await newBot(stranger));
    expectNoClientId(await s.call('imbot.app.unregister', { APP_ID: id }));
    expectError(await owner.call('imbot.app.unregister', {}), 'CHAT_APP_ID_ERROR', 'App not found');
    expectError(await owner.call('imbot.app.unregister', { APP_ID: 999_999 }), 'CHAT_APP_ID_ERROR', 'App not found');
    expectError(await owner.call('imbot.app.unregister', { APP_ID: theirs }), 'APP_ID_ERROR', 'App was installed by another rest application');
    expect(await chatApp(theirs)).toBeDefined();
    expectOk(await owner.call('imbot.app.unregister', { APP_ID: id }));
    expectError(await owner.call('imbot.app.unregister', { APP_ID: id }), 'CHAT_APP_ID_ERROR', 'App not found');
  });

  it('under OAuth the application owns its chat apps', async () => {
    const app = await installedApp();
    const reg = await oauthCall(app, 'imbot.v2.Bot.register', { fields: { code: uniq('oauth'), properties: { name: 'OAuth Bot' } } });
    const bot = reg.body.result.bot.id;
    const id = expectOk(await oauthCall(app, 'imbot.app.register', { BOT_ID: bot, CODE: 'oauth', JS_METHOD: 'SEND', JS_PARAM: '/help', LANG: APP_LANG }));
    const owner = newOwner();
    expectError(await owner.call('imbot.app.update', { APP_ID: id, FIELDS: { CONTEXT: 'BOT' } }), 'APP_ID_ERROR');
    expect(expectOk(await oauthCall(app, 'imbot.app.update', { APP_ID: id, FIELDS: { CONTEXT: 'BOT' } }))).toBe(true);
    expect(expectOk(await oauthCall(app, 'imbot.app.unregister', { APP_ID: id }))).toBe(true);
  });
});
