import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { deliveriesSettled, FormReceiver, type ReceivedPost, testServer, type TestServer } from './helpers/server.js';

// The imbot v1 events (chat-bots/outdated/**/events/*.md; platform-behaviour.md §2 "Dispatch", "Payloads"),
// received by a real HTTP handler on loopback as form-encoded POSTs and parsed the way PHP fills $_POST.

const V1_EVENTS = ['ONIMBOTMESSAGEADD', 'ONIMBOTMESSAGEUPDATE', 'ONIMBOTMESSAGEDELETE', 'ONIMBOTJOINCHAT', 'ONIMBOTDELETE', 'ONIMCOMMANDADD'];
const digits = /^\d+$/;

/** Every leaf of a parsed form body is a string (PHP's $_POST knows no other scalar). */
function allStrings(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (v && typeof v === 'object') return Object.values(v).every(allStrings);
  return false;
}

describe('imbot v1 events', () => {
  let s: TestServer;
  let rcv: FormReceiver;
  let alice: { id: number; base: string };
  let app: { clientId: string; token: string; applicationToken: string };
  let rest: string;

  const aliceCall = (method: string, params: Record<string, unknown>) => s.call(method, params, 'json', alice.base);
  const aliceSays = async (dialogId: string | number, text: string) => {
    const r = await aliceCall('im.message.add', { DIALOG_ID: dialogId, MESSAGE: text });
    expect(r.status).toBe(200);
    return r.body.result as number;
  };
  /** A call with the application's token (OAuth), form-encoded as the example bots send it. */
  const appCall = (method: string, params: Record<string, unknown>, token = app.token) => s.call(method, { ...params, auth: token }, 'form', rest);
  const posts = (path: string, event?: string) => rcv.posts.filter((p) => p.path === path && (!event || p.body.event === event));
  const waitEvent = (path: string, event: string, pred: (p: ReceivedPost) => boolean = () => true) =>
    rcv.waitFor((p) => p.path === path && p.body.event === event && pred(p));

  async function registerHookBot(code: string, clientId: string, path: string, extra: Record<string, unknown> = {}) {
    const r = await s.call('imbot.register', { CODE: code, TYPE: 'B', CLIENT_ID: clientId, EVENT_HANDLER: rcv.url(path), PROPERTIES: { NAME: code }, ...extra }, 'form');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.result as number;
  }
  async function registerAppBot(code: string, path: string, extra: Record<string, unknown> = {}) {
    const r = await appCall('imbot.register', { CODE: code, TYPE: 'B', EVENT_HANDLER: rcv.url(path), PROPERTIES: { NAME: code }, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.result as number;
  }

  beforeAll(async () => {
    s = await testServer();
    rcv = await new FormReceiver().start();
    rest = `${s.url}/rest/`;
    const p = s.server.platform;
    const user = await createUser(p.store, { name: 'Alice', lastName: 'Doe' });
    const hook = await createWebhook(p.store, p.box, { userId: user.id, scopes: ['im'] });
    alice = { id: user.id, base: `${s.url}/rest/${user.id}/${hook.secret}/` };
    const created = await createApp(p.store, p, { name: 'V1 bots', scopes: ['imbot', 'im'] });
    const installed = await installApp(p, created.app.client_id, 1);
    const auth = installed.payload.auth as Record<string, string>;
    app = { clientId: created.app.client_id, token: auth.access_token, applicationToken: auth.application_token };
  });
  afterAll(async () => {
    await s?.close();
    await rcv?.close();
  });

  it('webhook-registered bot: ONIMBOTJOINCHAT once when Alice opens the dialog, then ONIMBOTMESSAGEADD per message', async () => {
    const botId = await registerHookBot('v1_hook', 'client_A', '/hook');
    const first = await aliceSays(botId, 'Hello');

    const join = await waitEvent('/hook', 'ONIMBOTJOINCHAT');
    // The handler URL carries the CLIENT_ID it was registered with.
    expect(join.query.get('CLIENT_ID')).toBe('client_A');
    expect(join.contentType).toContain('application/x-www-form-urlencoded');
    expect(Object.keys(join.body)).toEqual(['event', 'event_handler_id', 'data', 'ts', 'auth']);
    expect(join.body.event_handler_id).toMatch(digits);
    expect(join.body.ts).toMatch(digits);
    expect(Math.abs(Number(join.body.ts) - Date.now() / 1000)).toBeLessThan(60);
    // A webhook bot gets no OAuth tokens: its entry is just the bot, the CLIENT_ID verifies the sender.
    expect(join.body.data.BOT).toEqual({ [botId]: { BOT_ID: String(botId), BOT_CODE: 'v1_hook' } });
    expect(join.body.data.PARAMS).toEqual({
      CHAT_TYPE: 'P',
      MESSAGE_TYPE: 'P',
      BOT_ID: String(botId),
      USER_ID: String(alice.id),
      TO_USER_ID: String(alice.id),
      FROM_USER_ID: String(botId),
      DIALOG_ID: String(alice.id),
      LANGUAGE: 'en',
    });
    expect(join.body.data.USER).toEqual({ ID: String(alice.id), NAME: 'Alice Doe', FIRST_NAME: 'Alice', LAST_NAME: 'Doe', WORK_POSITION: '', GENDER: '' });
    expect(join.body.auth).toEqual({
      domain: new URL(s.url).host,
      client_endpoint: `${s.url}/rest/`,
      server_endpoint: `${s.url}/rest/`,
      member_id: s.server.platform.memberId,
      application_token: 'client_A',
    });

    const add = await waitEvent('/hook', 'ONIMBOTMESSAGEADD');
    expect(allStrings(add.body)).toBe(true);
    expect(add.query.get('CLIENT_ID')).toBe('client_A');
    expect(add.body.data.BOT).toEqual({ [botId]: { BOT_ID: String(botId), BOT_CODE: 'v1_hook' } });
    const params = add.body.data.PARAMS;
    expect(params).toMatchObject({
      MESSAGE: 'Hello',
      MESSAGE_TYPE: 'P',
      FROM_USER_ID: String(alice.id),
      DIALOG_ID: String(alice.id),
      AUTHOR_ID: String(alice.id),
      SYSTEM: 'N',
      TO_USER_ID: String(botId),
      SKIP_COMMAND: 'N',
      COMMAND_CONTEXT: 'TEXTAREA',
      CHAT_USER_COUNT: '2',
      PLATFORM_CONTEXT: 'web',
      MESSAGE_ID: String(first),
      CHAT_TYPE: 'P',
      LANGUAGE: 'en',
    });
    expect(params.TO_CHAT_ID).toMatch(digits);
    expect(params.TEMPLATE_ID).toMatch(/^[0-9a-f-]{36}$/);
    // Private chats have neither the chat fields nor the original text.
    for (const k of ['CHAT_ID', 'CHAT_TITLE', 'MESSAGE_ORIGINAL', 'MENTIONED_LIST']) expect(params).not.toHaveProperty(k);
    expect(add.body.data.USER).toEqual({
      ID: String(alice.id),
      NAME: 'Alice Doe',
      FIRST_NAME: 'Alice',
      LAST_NAME: 'Doe',
      WORK_POSITION: '',
      GENDER: '',
      IS_BOT: 'N',
      IS_CONNECTOR: 'N',
      IS_NETWORK: 'N',
      IS_EXTRANET: 'N',
    });
    expect(add.body.auth.application_token).toBe('client_A');
    expect(add.body.auth).not.toHaveProperty('access_token');

    const second = await aliceSays(botId, 'Again');
    await waitEvent('/hook', 'ONIMBOTMESSAGEADD', (p) => p.body.data.PARAMS.MESSAGE_ID === String(second));
    await deliveriesSettled(s);
    expect(posts('/hook', 'ONIMBOTJOINCHAT')).toHaveLength(1);

    // Each POST is in the delivery log.
    const log = await s.server.platform.store.events.deliveries(botId);
    expect(log.filter((d) => d.event === 'ONIMBOTMESSAGEADD' && d.status === 'done' && d.response_status === 200)).toHaveLength(2);
    expect(log.every((d) => d.url.startsWith(rcv.url('/hook?CLIENT_ID=client_A')))).toBe(true);
  });

  it("application bot: the bot's own token set flat and under AUTH, the author's tokens in auth; both call back", async () => {
    const botId = await registerAppBot('v1_app_solo', '/solo');
    const sent = await aliceSays(botId, 'ping');
    const add = await waitEvent('/solo', 'ONIMBOTMESSAGEADD');
    expect(add.query.has('CLIENT_ID')).toBe(false);
    expect(allStrings(add.body)).toBe(true);

    const entry = add.body.data.BOT[botId];
    const { AUTH, BOT_ID, BOT_CODE, ...flat } = entry;
    expect(BOT_ID).toBe(String(botId));
    expect(BOT_CODE).toBe('v1_app_solo');
    expect(AUTH).toEqual(flat);
    expect(Object.keys(flat).sort()).toEqual(
      ['access_token', 'application_token', 'client_endpoint', 'client_id', 'domain', 'expires', 'expires_in', 'member_id', 'refresh_token', 'scope', 'server_endpoint', 'status', 'user_id'].sort(),
    );
    expect(flat).toMatchObject({
      user_id: String(botId),
      client_id: app.clientId,
      application_token: app.applicationToken,
      client_endpoint: `${s.url}/rest/`,
      member_id: s.server.platform.memberId,
      status: 'L',
    });
    expect(flat.expires).toMatch(digits);
    expect(flat.scope.split(',')).toEqual(expect.arrayContaining(['imbot', 'im']));

    // Top level: the user who wrote, with the app's application_token.
    const auth = add.body.auth;
    expect(auth).toMatchObject({ user_id: String(alice.id), application_token: app.applicationToken, client_endpoint: `${s.url}/rest/` });
    expect(auth.access_token).toBeTruthy();
    expect(auth.access_token).not.toBe(flat.access_token);

    // Calling back as the example bots do: client_endpoint + method, form body with auth=<access_token>.
    const viaCaller = await s.call(
      'imbot.message.add',
      { BOT_ID: botId, DIALOG_ID: add.body.data.PARAMS.DIALOG_ID, MESSAGE: 'answer with auth[access_token]', auth: auth.access_token },
      'form',
      auth.client_endpoint,
    );
    expect(viaCaller.status, JSON.stringify(viaCaller.body)).toBe(200);
    const viaBot = await s.call(
      'imbot.message.add',
      { BOT_ID: botId, DIALOG_ID: add.body.data.PARAMS.DIALOG_ID, MESSAGE: 'answer with the bot token', auth: flat.access_token },
      'form',
      flat.client_endpoint,
    );
    expect(viaBot.status, JSON.stringify(viaBot.body)).toBe(200);
    const history = await aliceCall('im.dialog.messages.get', { DIALOG_ID: botId });
    const texts = history.body.result.messages.map((m: any) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['ping', 'answer with auth[access_token]', 'answer with the bot token']));
    expect(history.body.result.messages.find((m: any) => m.text === 'answer with the bot token').author_id).toBe(botId);
    expect(sent).toBeGreaterThan(0);
  });

  it("group chat: one POST for both of an app's mentioned bots, mentions stripped; the unmentioned bot hears nothing", async () => {
    const a = await registerAppBot('v1_app_a', '/app');
    const b = await registerAppBot('v1_app_b', '/app');
    const quiet = await registerHookBot('v1_quiet', 'client_Q', '/quiet');
    const created = await aliceCall('im.chat.add', { TITLE: 'Team', USERS: [a, b, quiet] });
    expect(created.status).toBe(200);
    const chatId = created.body.result as number;

    // Joining: one ONIMBOTJOINCHAT per bot, each with that bot alone.
    for (const bot of [a, b]) {
      const join = await waitEvent('/app', 'ONIMBOTJOINCHAT', (p) => p.body.data.PARAMS.BOT_ID === String(bot));
      expect(Object.keys(join.body.data.BOT)).toEqual([String(bot)]);
      expect(join.body.data.BOT[bot].user_id).toBe(String(bot));
      expect(join.body.data.PARAMS).toEqual({
        CHAT_TYPE: 'C',
        MESSAGE_TYPE: 'C',
        BOT_ID: String(bot),
        USER_ID: String(alice.id),
        CHAT_ID: String(chatId),
        CHAT_AUTHOR_ID: String(alice.id),
        CHAT_ENTITY_TYPE: '',
        CHAT_ENTITY_ID: '',
        ACCESS_HISTORY: '1',
        DIALOG_ID: `chat${chatId}`,
        LANGUAGE: 'en',
      });
      expect(join.body.data.USER).toMatchObject({ ID: String(alice.id), NAME: 'Alice Doe' });
      expect(join.body.data.USER).not.toHaveProperty('IS_BOT');
      expect(join.body.auth.user_id).toBe(String(alice.id));
    }
    await waitEvent('/quiet', 'ONIMBOTJOINCHAT');

    const text = `[USER=${a}]v1_app_a[/USER], [USER=${b}]v1_app_b[/USER] hello both`;
    const id = await aliceSays(`chat${chatId}`, text);
    const add = await waitEvent('/app', 'ONIMBOTMESSAGEADD');
    expect(Object.keys(add.body.data.BOT).sort()).toEqual([String(a), String(b)].sort());
    expect(add.body.data.BOT[a].user_id).toBe(String(a));
    expect(add.body.data.BOT[b].user_id).toBe(String(b));
    expect(add.body.data.BOT[a].access_token).not.toBe(add.body.data.BOT[b].access_token);
    expect(add.body.data.PARAMS).toMatchObject({
      MESSAGE: 'hello both',
      MESSAGE_ORIGINAL: text,
      MESSAGE_TYPE: 'C',
      CHAT_TYPE: 'C',
      DIALOG_ID: `chat${chatId}`,
      TO_CHAT_ID: String(chatId),
      CHAT_ID: String(chatId),
      CHAT_TITLE: 'Team',
      CHAT_AUTHOR_ID: String(alice.id),
      CHAT_EXTRANET: 'N',
      FROM_USER_ID: String(alice.id),
      TO_USER_ID: String(a),
      MENTIONED_LIST: { [a]: String(a), [b]: String(b) },
      CHAT_USER_COUNT: '4',
      MESSAGE_ID: String(id),
    });
    expect(add.body.data.PARAMS.CHAT_COLOR).toMatch(/^[A-Z_]+$/);

    await deliveriesSettled(s);
    expect(posts('/app', 'ONIMBOTMESSAGEADD')).toHaveLength(1);
    expect(posts('/quiet', 'ONIMBOTMESSAGEADD')).toHaveLength(0);

    // A message mentioning nobody reaches no bot at all.
    await aliceSays(`chat${chatId}`, 'just people talking');
    await deliveriesSettled(s);
    expect(posts('/app', 'ONIMBOTMESSAGEADD')).toHaveLength(1);
  });

  describe('ONIMCOMMANDADD', () => {
    let botId: number;
    let commandId: number;

    beforeAll(async () => {
      botId = await registerAppBot('v1_cmd', '/cmdbot');
      const r = await appCall('imbot.command.register', {
        BOT_ID: botId,
        COMMAND: 'echo',
        EVENT_COMMAND_ADD: rcv.url('/cmd'),
        LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Echo', PARAMS: 'text' }],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      commandId = r.body.result;
    });

    it("from text: data[COMMAND][<id>] with the bot's tokens, to the command's handler, and no ONIMBOTMESSAGEADD", async () => {
      const id = await aliceSays(botId, '/echo test');
      const post = await waitEvent('/cmd', 'ONIMCOMMANDADD');
      expect(allStrings(post.body)).toBe(true);
      expect(Object.keys(post.body.data)).toEqual(['COMMAND', 'PARAMS', 'USER']);
      const entry = post.body.data.COMMAND[commandId];
      const { AUTH, ...rest } = entry;
      expect(rest).toMatchObject({
        user_id: String(botId),
        client_id: app.clientId,
        application_token: app.applicationToken,
        BOT_ID: String(botId),
        BOT_CODE: 'v1_cmd',
        COMMAND: 'echo',
        COMMAND_ID: String(commandId),
        COMMAND_PARAMS: 'test',
        COMMAND_CONTEXT: 'TEXTAREA',
        MESSAGE_ID: String(id),
      });
      expect(AUTH.access_token).toBe(entry.access_token);
      expect(post.body.data.PARAMS).toMatchObject({
        MESSAGE: '/echo test',
        MESSAGE_TYPE: 'P',
        FROM_USER_ID: String(alice.id),
        DIALOG_ID: String(alice.id),
        TO_USER_ID: String(botId),
        MESSAGE_ID: String(id),
        CHAT_TYPE: 'P',
        LANGUAGE: 'en',
      });
      expect(post.body.data.USER).toEqual({ ID: String(alice.id), NAME: 'Alice Doe', FIRST_NAME: 'Alice', LAST_NAME: 'Doe', WORK_POSITION: '', GENDER: '' });

      // The handler answers with the command's token.
      const answer = await s.call(
        'imbot.command.answer',
        { COMMAND_ID: entry.COMMAND_ID, MESSAGE_ID: entry.MESSAGE_ID, MESSAGE: 'echo: test', auth: entry.access_token },
        'form',
        entry.client_endpoint,
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      await deliveriesSettled(s);
      expect(posts('/cmdbot', 'ONIMBOTMESSAGEADD')).toHaveLength(0);
      const history = await aliceCall('im.dialog.messages.get', { DIALOG_ID: botId });
      expect(history.body.result.messages.map((m: any) => m.text)).toContain('echo: test');
    });

    it('from a keyboard button: COMMAND_CONTEXT KEYBOARD and the keyboard message', async () => {
      const sent = await appCall('imbot.message.add', {
        BOT_ID: botId,
        DIALOG_ID: alice.id,
        MESSAGE: 'Pick one',
        KEYBOARD: [{ TEXT: 'Echo', COMMAND: 'echo', COMMAND_PARAMS: 'kb' }],
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      const keyboardMessage = sent.body.result as number;
      const press = await aliceCall('im.message.command', { MESSAGE_ID: keyboardMessage, BOT_ID: botId, COMMAND: 'echo', COMMAND_PARAMS: 'kb' });
      expect(press.status).toBe(200);
      const post = await waitEvent('/cmd', 'ONIMCOMMANDADD', (p) => p.body.data.COMMAND[commandId]?.COMMAND_CONTEXT === 'KEYBOARD');
      expect(post.body.data.COMMAND[commandId]).toMatchObject({
        BOT_ID: String(botId),
        COMMAND: 'echo',
        COMMAND_ID: String(commandId),
        COMMAND_PARAMS: 'kb',
        COMMAND_CONTEXT: 'KEYBOARD',
        MESSAGE_ID: String(keyboardMessage),
      });
      expect(post.body.data.PARAMS).toMatchObject({
        FROM_USER_ID: String(alice.id),
        DIALOG_ID: String(alice.id),
        TO_USER_ID: String(botId),
        COMMAND_CONTEXT: 'KEYBOARD',
        MESSAGE_ID: String(keyboardMessage),
      });
      expect(post.body.data.USER.ID).toBe(String(alice.id));
      expect(post.body.auth.user_id).toBe(String(alice.id));
    });
  });

  it('ONIMBOTMESSAGEUPDATE and ONIMBOTMESSAGEDELETE go to their own handlers', async () => {
    const r = await s.call(
      'imbot.register',
      {
        CODE: 'v1_edits',
        TYPE: 'B',
        OPENLINE: 'Y',
        CLIENT_ID: 'client_E',
        EVENT_MESSAGE_ADD: rcv.url('/e/add'),
        EVENT_WELCOME_MESSAGE: rcv.url('/e/welcome'),
        EVENT_BOT_DELETE: rcv.url('/e/delete-bot'),
        EVENT_MESSAGE_UPDATE: rcv.url('/e/update'),
        EVENT_MESSAGE_DELETE: rcv.url('/e/delete'),
        PROPERTIES: { NAME: 'Editor' },
      },
      'form',
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const botId = r.body.result as number;
    const id = await aliceSays(botId, 'frist');
    await waitEvent('/e/welcome', 'ONIMBOTJOINCHAT');
    await waitEvent('/e/add', 'ONIMBOTMESSAGEADD');

    expect((await aliceCall('im.message.update', { ID: id, MESSAGE: 'first' })).status).toBe(200);
    const upd = await waitEvent('/e/update', 'ONIMBOTMESSAGEUPDATE');
    expect(upd.query.get('CLIENT_ID')).toBe('client_E');
    expect(upd.body.data.BOT).toEqual({ [botId]: { BOT_ID: String(botId), BOT_CODE: 'v1_edits' } });
    expect(upd.body.data.PARAMS).toMatchObject({
      ID: String(id),
      AUTHOR_ID: String(alice.id),
      MESSAGE: 'first',
      MESSAGE_TYPE: 'P',
      FROM_USER_ID: String(alice.id),
      TO_USER_ID: String(botId),
      DIALOG_ID: String(alice.id),
      MESSAGE_ID: String(id),
      CHAT_TYPE: 'P',
      LANGUAGE: 'en',
    });
    expect(upd.body.data.PARAMS.CHAT_ID).toMatch(digits);
    expect(upd.body.data.USER).toMatchObject({ ID: String(alice.id), IS_BOT: 'N' });

    expect((await aliceCall('im.message.delete', { ID: id })).status).toBe(200);
    const del = await waitEvent('/e/delete', 'ONIMBOTMESSAGEDELETE');
    expect(del.body.data.PARAMS).toMatchObject({
      ID: String(id),
      AUTHOR_ID: String(alice.id),
      FROM_USER_ID: String(alice.id),
      TO_USER_ID: String(botId),
      DIALOG_ID: String(alice.id),
      MESSAGE_ID: String(id),
      CHAT_TYPE: 'P',
    });
    expect(del.body.data.PARAMS.MESSAGE).toMatch(/^Message from \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} has been deleted$/);
    expect(del.body.auth.application_token).toBe('client_E');

    // Nothing of this went to the other handlers.
    await deliveriesSettled(s);
    expect(posts('/e/add').map((p) => p.body.event)).toEqual(['ONIMBOTMESSAGEADD']);

    // TYPE=B with OPENLINE=N: EVENT_HANDLER does not bind the update/delete events (imbot.register ignores them).
    const plain = await registerHookBot('v1_plain', 'client_P', '/plain');
    const pid = await aliceSays(plain, 'to plain');
    await waitEvent('/plain', 'ONIMBOTMESSAGEADD');
    expect((await aliceCall('im.message.update', { ID: pid, MESSAGE: 'to plain, edited' })).status).toBe(200);
    expect((await aliceCall('im.message.delete', { ID: pid })).status).toBe(200);
    await deliveriesSettled(s);
    expect(posts('/plain').map((p) => p.body.event)).toEqual(['ONIMBOTJOINCHAT', 'ONIMBOTMESSAGEADD']);
  });

  it('ONIMBOTDELETE on imbot.unregister: BOT_ID and BOT_CODE, for a webhook bot and an application bot', async () => {
    const hookBot = await registerHookBot('v1_gone', 'client_G', '/gone');
    const u1 = await s.call('imbot.unregister', { BOT_ID: hookBot, CLIENT_ID: 'client_G' }, 'form');
    expect(u1.status, JSON.stringify(u1.body)).toBe(200);
    const del = await waitEvent('/gone', 'ONIMBOTDELETE');
    expect(del.query.get('CLIENT_ID')).toBe('client_G');
    expect(del.body.data).toEqual({ BOT_ID: String(hookBot), BOT_CODE: 'v1_gone' });
    expect(del.body.auth.application_token).toBe('client_G');

    const appBot = await registerAppBot('v1_app_gone', '/appgone');
    const u2 = await appCall('imbot.unregister', { BOT_ID: appBot });
    expect(u2.status, JSON.stringify(u2.body)).toBe(200);
    const del2 = await waitEvent('/appgone', 'ONIMBOTDELETE');
    expect(del2.body.data).toEqual({ BOT_ID: String(appBot), BOT_CODE: 'v1_app_gone' });
    expect(del2.body.auth.application_token).toBe(app.applicationToken);
    // The top-level tokens are the unregistering user's (the app was installed by user 1) and work.
    expect(del2.body.auth.user_id).toBe('1');
    const check = await s.call('imbot.bot.list', { auth: del2.body.auth.access_token }, 'form', del2.body.auth.client_endpoint);
    expect(check.status).toBe(200);
    expect(Array.isArray(check.body.result) ? [] : Object.keys(check.body.result)).not.toContain(String(appBot));
  });

  it('a v1 bot never gets v2-format events and a v2 bot never v1', async () => {
    const v1 = await registerHookBot('fmt_v1', 'client_F', '/fmt1');
    const v2r = await s.call('imbot.v2.Bot.register', {
      fields: { code: 'fmt_v2', botToken: 'fmt_token', eventMode: 'webhook', webhookUrl: rcv.url('/fmt2'), properties: { name: 'fmt_v2' } },
    });
    expect(v2r.status, JSON.stringify(v2r.body)).toBe(200);
    const v2 = v2r.body.result.bot.id as number;

    await aliceSays(v1, 'private to v1');
    await aliceSays(v2, 'private to v2');
    const chat = await aliceCall('im.chat.add', { TITLE: 'Mixed', USERS: [v1, v2] });
    const dialog = `chat${chat.body.result}`;
    await aliceSays(dialog, `[USER=${v1}]v1[/USER] [USER=${v2}]v2[/USER] both`);
    await waitEvent('/fmt1', 'ONIMBOTMESSAGEADD', (p) => p.body.data.PARAMS.DIALOG_ID === dialog);
    await waitEvent('/fmt2', 'ONIMBOTV2MESSAGEADD', (p) => p.body.data.chat.dialogId === dialog);
    await deliveriesSettled(s);

    const v1Events = posts('/fmt1').map((p) => p.body.event);
    const v2Events = posts('/fmt2').map((p) => p.body.event);
    expect(v1Events.filter((e) => e === 'ONIMBOTJOINCHAT')).toHaveLength(2);
    expect(v1Events.filter((e) => e === 'ONIMBOTMESSAGEADD')).toHaveLength(2);
    expect(v1Events.every((e) => V1_EVENTS.includes(e))).toBe(true);
    expect(v2Events.filter((e) => e === 'ONIMBOTV2MESSAGEADD')).toHaveLength(2);
    expect(v2Events.every((e) => e.startsWith('ONIMBOTV2'))).toBe(true);
    // The v1 POSTs never carry a v1 bot's data in the v2 shape, nor the reverse.
    for (const p of posts('/fmt1')) expect(p.body.data.bot).toBeUndefined();
    for (const p of posts('/fmt2')) expect(p.body.data.BOT).toBeUndefined();
  });
});
