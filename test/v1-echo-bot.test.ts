import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { deliveriesSettled, fetchJson, FormReceiver, httpBuildQuery, type ReceivedPost, testServer, type TestServer } from './helpers/server.js';

// Issue 4's acceptance scenario: a v1 echo bot in the style of bitrix24com/bots `bot.php`, installed as
// a local OAuth application. Its handler is a real HTTP server on loopback; it acts only on what it
// receives (ONAPPINSTALL, then the v1 bot events) and calls back through `auth[client_endpoint]` with
// `auth[access_token]`, form-encoded, exactly as the example bot's restCommand() does.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface EventAuth {
  access_token?: string;
  client_endpoint: string;
  application_token: string;
}

/** The echo bot: its handler state and logic. Nothing here knows the server except through events. */
class EchoBot {
  applicationToken = '';
  installAuth?: EventAuth;
  botId = 0;
  commands: Record<string, number> = {};
  /** Per dialog, the id of the bot's last answer with a keyboard (the one "done" edits). */
  keyboardMessages = new Map<string, number>();
  readonly calls: { method: string; status: number; body: any }[] = [];
  readonly ignored: ReceivedPost[] = [];
  deleted: string[] = [];
  ready?: Promise<void>;

  constructor(readonly handlerUrl: string) {}

  /** restCommand(): `client_endpoint . method`, http_build_query(params + auth=<access_token>). */
  async rest(method: string, params: Record<string, unknown>, auth: EventAuth): Promise<any> {
    const res = await fetchJson(auth.client_endpoint + method, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: httpBuildQuery({ ...params, auth: auth.access_token }),
    });
    this.calls.push({ method, status: res.status, body: res.body });
    if (res.status !== 200) throw new Error(`${method}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result;
  }

  handle(post: ReceivedPost): Promise<void> | void {
    const { event, data, auth } = post.body;
    if (event === 'ONAPPINSTALL') {
      this.applicationToken = auth.application_token;
      this.installAuth = auth;
      this.ready = this.install(auth);
      return this.ready;
    }
    // The example bot checks the token it got at install time before trusting an event.
    if (!this.applicationToken || auth?.application_token !== this.applicationToken) {
      this.ignored.push(post);
      return;
    }
    switch (event) {
      case 'ONIMBOTJOINCHAT':
        return this.greet(data, auth);
      case 'ONIMBOTMESSAGEADD':
        return this.echo(data, auth);
      case 'ONIMCOMMANDADD':
        return this.command(data, auth);
      case 'ONIMBOTDELETE':
        // Clean-up: forget the bot and its commands.
        this.deleted.push(data.BOT_ID);
        if (String(this.botId) === data.BOT_ID) {
          this.botId = 0;
          this.commands = {};
          this.keyboardMessages.clear();
        }
        return;
    }
  }

  private async install(auth: EventAuth) {
    this.botId = await this.rest(
      'imbot.register',
      {
        CODE: 'echobot',
        TYPE: 'B',
        EVENT_HANDLER: this.handlerUrl,
        OPENLINE: 'Y',
        PROPERTIES: { NAME: 'EchoBot', LAST_NAME: '', COLOR: 'GREEN', EMAIL: 'echo@example.com', PERSONAL_GENDER: 'M', WORK_POSITION: 'Echoes what you say' },
      },
      auth,
    );
    for (const [command, title, params, common] of [
      ['echo', 'Echo the text back', 'text', 'N'],
      ['help', 'Show help', '', 'N'],
      ['done', 'Close the keyboard', '', 'N'],
    ]) {
      this.commands[command] = await this.rest(
        'imbot.command.register',
        { BOT_ID: this.botId, COMMAND: command, COMMON: common, HIDDEN: 'N', EXTRANET_SUPPORT: 'N', EVENT_COMMAND_ADD: this.handlerUrl, LANG: [{ LANGUAGE_ID: 'en', TITLE: title, PARAMS: params }] },
        auth,
      );
    }
  }

  private keyboard() {
    return [
      { TEXT: 'Help', COMMAND: 'help', COMMAND_PARAMS: '', DISPLAY: 'LINE', BG_COLOR: '#29619b', TEXT_COLOR: '#fff' },
      { TEXT: 'Done', COMMAND: 'done', COMMAND_PARAMS: '', DISPLAY: 'LINE' },
    ];
  }

  private botOf(data: any): number {
    return Number(Object.keys(data.BOT)[0]);
  }

  private async greet(data: any, auth: EventAuth) {
    await this.rest(
      'imbot.message.add',
      { BOT_ID: this.botOf(data), DIALOG_ID: data.PARAMS.DIALOG_ID, MESSAGE: `Welcome, ${data.USER.FIRST_NAME}! I am EchoBot.[br]Type /echo <text> or just write to me.` },
      auth,
    );
  }

  private async echo(data: any, auth: EventAuth) {
    const dialog = data.PARAMS.DIALOG_ID;
    const id = await this.rest(
      'imbot.message.add',
      {
        BOT_ID: this.botOf(data),
        DIALOG_ID: dialog,
        MESSAGE: 'Message from bot',
        ATTACH: [{ MESSAGE: `reply: ${data.PARAMS.MESSAGE}` }, { DELIMITER: { SIZE: 200, COLOR: '#c8c8c8' } }, { USER: { NAME: data.USER.NAME, USER_ID: data.USER.ID } }],
        KEYBOARD: this.keyboard(),
      },
      auth,
    );
    this.keyboardMessages.set(dialog, id);
  }

  private async command(data: any, auth: EventAuth) {
    for (const cmd of Object.values<any>(data.COMMAND)) {
      if (cmd.COMMAND === 'echo') {
        await this.rest(
          'imbot.command.answer',
          { COMMAND_ID: cmd.COMMAND_ID, MESSAGE_ID: cmd.MESSAGE_ID, MESSAGE: `Echo: ${cmd.COMMAND_PARAMS}`, ATTACH: [{ MESSAGE: `context ${cmd.COMMAND_CONTEXT}` }] },
          auth,
        );
      } else if (cmd.COMMAND === 'help') {
        await this.rest(
          'imbot.command.answer',
          { COMMAND_ID: cmd.COMMAND_ID, MESSAGE_ID: cmd.MESSAGE_ID, MESSAGE: 'Commands: /echo <text>, /help, /done', KEYBOARD: this.keyboard() },
          auth,
        );
      } else if (cmd.COMMAND === 'done') {
        // Pressing "Done" edits the bot's own message: new text, keyboard removed.
        await this.rest('imbot.message.update', { BOT_ID: cmd.BOT_ID, MESSAGE_ID: cmd.MESSAGE_ID, MESSAGE: 'Closed. Thanks!', KEYBOARD: 'N' }, auth);
      }
    }
  }
}

describe('a v1 echo bot installed as a local OAuth application', () => {
  let s: TestServer;
  let rcv: FormReceiver;
  let bot: EchoBot;
  let alice: { id: number; base: string };
  let clientId: string;

  const aliceCall = (method: string, params: Record<string, unknown>) => s.call(method, params, 'json', alice.base);
  const aliceSays = async (dialogId: string | number, text: string) => {
    const r = await aliceCall('im.message.add', { DIALOG_ID: dialogId, MESSAGE: text });
    expect(r.status).toBe(200);
    return r.body.result as number;
  };
  /** Polls Alice's view of a dialog until `pred` matches one of its messages. */
  async function aliceSees(dialogId: string | number, pred: (m: any) => boolean): Promise<any> {
    for (let i = 0; i < 250; i++) {
      const h = await aliceCall('im.dialog.messages.get', { DIALOG_ID: dialogId, LIMIT: 50 });
      expect(h.status).toBe(200);
      const hit = h.body.result.messages.find(pred);
      if (hit) return hit;
      await sleep(20);
    }
    throw new Error(`Alice never saw the expected message in ${dialogId}; bot calls: ${JSON.stringify(bot.calls.filter((c) => c.status !== 200))}`);
  }

  beforeAll(async () => {
    s = await testServer();
    rcv = await new FormReceiver().start();
    bot = new EchoBot(rcv.url('/echobot'));
    rcv.onPost = (post) => bot.handle(post);
    const p = s.server.platform;
    const user = await createUser(p.store, { name: 'Alice', lastName: 'Doe' });
    const hook = await createWebhook(p.store, p.box, { userId: user.id, scopes: ['im'] });
    alice = { id: user.id, base: `${s.url}/rest/${user.id}/${hook.secret}/` };
    const { app } = await createApp(p.store, p, { name: 'EchoBot', handlerUrl: rcv.url('/echobot'), scopes: ['imbot', 'im'] });
    clientId = app.client_id;
  });
  afterAll(async () => {
    await s?.close();
    await rcv?.close();
  });

  it('installs: ONAPPINSTALL reaches the handler, which registers the bot and three commands', async () => {
    const outcome = await installApp(s.server.platform, clientId, 1);
    expect(outcome.delivery?.status).toBe(200);
    const install = await rcv.waitFor((p) => p.body.event === 'ONAPPINSTALL');
    expect(install.body.data.LANGUAGE_ID).toBeTruthy();
    expect(install.body.auth.client_endpoint).toBe(`${s.url}/rest/`);
    for (let i = 0; i < 200 && !bot.ready; i++) await sleep(10);
    await bot.ready;
    expect(bot.botId).toBeGreaterThan(0);
    expect(Object.keys(bot.commands)).toEqual(['echo', 'help', 'done']);
    expect(new Set(Object.values(bot.commands)).size).toBe(3);

    // The portal sees the bot (imbot.bot.list) with its profile.
    const list = await s.call('imbot.bot.list', {});
    expect(list.status).toBe(200);
    expect(list.body.result[bot.botId]).toMatchObject({ ID: bot.botId, CODE: 'echobot', OPENLINE: 'Y' });
    const u = await aliceCall('im.user.get', { ID: bot.botId });
    expect(u.body.result).toMatchObject({ name: 'EchoBot', bot: true, work_position: 'Echoes what you say', gender: 'M' });
  });

  it('greets on ONIMBOTJOINCHAT and echoes a message with ATTACH and KEYBOARD', async () => {
    const hello = await aliceSays(bot.botId, 'hello bot');
    const greeting = await aliceSees(bot.botId, (m) => m.text.startsWith('Welcome, Alice!'));
    expect(greeting.author_id).toBe(bot.botId);
    expect(greeting.text).toBe('Welcome, Alice! I am EchoBot.\nType /echo <text> or just write to me.');

    const reply = await aliceSees(bot.botId, (m) => m.text === 'Message from bot');
    expect(reply.author_id).toBe(bot.botId);
    expect(reply.id).toBeGreaterThan(hello);
    expect(reply.params.ATTACH[0].BLOCKS).toEqual(
      expect.arrayContaining([{ MESSAGE: 'reply: hello bot' }, { USER: [expect.objectContaining({ NAME: 'Alice Doe', USER_ID: alice.id })] }]),
    );
    expect(reply.params.KEYBOARD.map((b: any) => b.TEXT)).toEqual(['Help', 'Done']);
    expect(reply.params.KEYBOARD[0]).toMatchObject({ COMMAND: 'help', BOT_ID: bot.botId });
    expect(bot.keyboardMessages.get(String(alice.id))).toBe(reply.id);
  });

  it('answers /echo with imbot.command.answer (and the message is not echoed as a plain message)', async () => {
    await aliceSays(bot.botId, '/echo one two');
    const answer = await aliceSees(bot.botId, (m) => m.text === 'Echo: one two');
    expect(answer.author_id).toBe(bot.botId);
    expect(answer.params.ATTACH[0].BLOCKS).toEqual([{ MESSAGE: 'context TEXTAREA' }]);
    await deliveriesSettled(s);
    const echoes = rcv.posts.filter((p) => p.body.event === 'ONIMBOTMESSAGEADD' && p.body.data.PARAMS.MESSAGE === '/echo one two');
    expect(echoes).toHaveLength(0);
  });

  it('answers a keyboard button, then edits its message with imbot.message.update when "Done" is pressed', async () => {
    const keyboardMessage = bot.keyboardMessages.get(String(alice.id))!;
    const help = await aliceCall('im.message.command', { MESSAGE_ID: keyboardMessage, BOT_ID: bot.botId, COMMAND: 'help', COMMAND_PARAMS: '' });
    expect(help.status).toBe(200);
    const helpAnswer = await aliceSees(bot.botId, (m) => m.text === 'Commands: /echo <text>, /help, /done');
    expect(helpAnswer.params.KEYBOARD.map((b: any) => b.COMMAND)).toEqual(['help', 'done']);
    const helpEvent = await rcv.waitFor((p) => p.body.event === 'ONIMCOMMANDADD' && Object.values<any>(p.body.data.COMMAND)[0].COMMAND === 'help');
    expect(Object.values<any>(helpEvent.body.data.COMMAND)[0]).toMatchObject({ COMMAND_CONTEXT: 'KEYBOARD', MESSAGE_ID: String(keyboardMessage) });

    const done = await aliceCall('im.message.command', { MESSAGE_ID: keyboardMessage, BOT_ID: bot.botId, COMMAND: 'done', COMMAND_PARAMS: '' });
    expect(done.status).toBe(200);
    const edited = await aliceSees(bot.botId, (m) => m.id === keyboardMessage && m.text === 'Closed. Thanks!');
    expect(edited.params.KEYBOARD).toBeUndefined();
    // Its attach is still there: only text and keyboard were changed.
    expect(edited.params.ATTACH[0].BLOCKS[0]).toEqual({ MESSAGE: 'reply: hello bot' });
  });

  it('works in a group chat: greets when added, answers when mentioned', async () => {
    const chat = await aliceCall('im.chat.add', { TITLE: 'Echo room', USERS: [bot.botId] });
    expect(chat.status).toBe(200);
    const dialog = `chat${chat.body.result}`;
    await aliceSees(dialog, (m) => m.text.startsWith('Welcome, Alice!') && m.author_id === bot.botId);
    await aliceSays(dialog, `[USER=${bot.botId}]EchoBot[/USER], are you there?`);
    const reply = await aliceSees(dialog, (m) => m.text === 'Message from bot');
    expect(reply.params.ATTACH[0].BLOCKS[0]).toEqual({ MESSAGE: 'reply: are you there?' });
    await aliceSays(dialog, 'talking among ourselves');
    await deliveriesSettled(s);
    expect(rcv.posts.some((p) => p.body.event === 'ONIMBOTMESSAGEADD' && p.body.data.PARAMS.MESSAGE === 'talking among ourselves')).toBe(false);
  });

  it('cleans up on ONIMBOTDELETE', async () => {
    const botId = bot.botId;
    const r = await s.call('imbot.unregister', { BOT_ID: botId, auth: bot.installAuth!.access_token }, 'form', `${s.url}/rest/`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await rcv.waitFor((p) => p.body.event === 'ONIMBOTDELETE');
    for (let i = 0; i < 100 && bot.botId; i++) await sleep(10);
    expect(bot.deleted).toEqual([String(botId)]);
    expect(bot.botId).toBe(0);
    expect(bot.commands).toEqual({});
    const list = await s.call('imbot.bot.list', {});
    expect(Array.isArray(list.body.result) ? [] : Object.keys(list.body.result)).not.toContain(String(botId));

    // Every event was genuine (the application token matched) and every call the bot made succeeded.
    expect(bot.ignored).toEqual([]);
    expect(bot.calls.filter((c) => c.status !== 200)).toEqual([]);
    expect(bot.calls.map((c) => c.method)).toEqual(
      expect.arrayContaining(['imbot.register', 'imbot.command.register', 'imbot.message.add', 'imbot.command.answer', 'imbot.message.update']),
    );
  });
});
