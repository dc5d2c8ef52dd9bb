import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_CONTEXT_MAX_CHARS, requestBotContext } from '../src/domain/messenger/bot-context.js';
import type { DomainEvent } from '../src/domain/messenger/events.js';
import type { Platform } from '../src/domain/platform.js';
import { expectError, fixtures, uniq } from './helpers/fixtures.js';
import { FormReceiver, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// imbot.v2/ui/chat-{input-action-notify,text-field-enabled}.md, imbot.v2/revision-get.md, chats/im-revision-get.md,
// imbot.v2/bot-context.md + events.md#onimbotv2contextget, chats/messages/im-dialog-writing.md, entities.md#chat (textFieldEnabled).

let s: TestServer;
let p: Platform;
let receiver: FormReceiver;

beforeAll(async () => {
  s = await testServer();
  p = s.server.platform;
  receiver = await new FormReceiver().start();
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});

const { newBot, asBot, newPerson, asUser, say, groupChat, drain, expectBotErrors } = fixtures(() => s, { botName: 'UI Bot' });

/** Runs `fn` and returns what the live bus carried meanwhile (the messenger's live updates). */
async function live(fn: () => Promise<unknown>): Promise<DomainEvent[]> {
  const seen: DomainEvent[] = [];
  const off = p.live.on((events) => seen.push(...events));
  try {
    await fn();
  } finally {
    off();
  }
  return seen;
}

const inputActions = (events: DomainEvent[]) => events.filter((e) => e.kind === 'chat.inputAction');

// ======================================================================================================
describe('imbot.v2.Chat.InputAction.notify', () => {
  it('the documented example: an agent status with a duration → {result:true}, pushed live, never stored', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const chat = await groupChat(ann.id, [bot.id]);
    const queued = await p.store.events.pendingDeliveries(100);
    let r: any;
    const seen = await live(async () => {
      r = await asBot(bot, 'imbot.v2.Chat.InputAction.notify', { dialogId: `chat${chat.id}`, statusMessageCode: 'IMBOT_AGENT_ACTION_SEARCHING', duration: 30 });
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(r.body.result).toEqual({ result: true });
    expect(inputActions(seen)).toEqual([
      { kind: 'chat.inputAction', chatId: chat.id, userId: bot.id, action: 'writing', duration: 30, statusMessageCode: 'IMBOT_AGENT_ACTION_SEARCHING' },
    ]);
    // Ephemeral: no bot event, no webhook delivery.
    expect(await p.store.events.pendingDeliveries(100)).toEqual(queued);
  });

  it('plain typing by default; unknown codes fall back to it; duration defaults to 30 s and is clamped to 1–600', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    await say(ann, bot.id, 'hi');
    const notify = async (params: Record<string, unknown>, enc: 'json' | 'form' = 'json') => {
      let r: any;
      const seen = await live(async () => {
        r = await asBot(bot, 'imbot.v2.Chat.InputAction.notify', { dialogId: String(ann.id), ...params }, enc);
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const [one] = inputActions(seen) as Extract<DomainEvent, { kind: 'chat.inputAction' }>[];
      return one;
    };
    expect(await notify({})).toMatchObject({ userId: bot.id, action: 'writing', duration: 30, statusMessageCode: null });
    expect(await notify({ statusMessageCode: 'IMBOT_AGENT_ACTION_DANCING' })).toMatchObject({ statusMessageCode: null });
    expect(await notify({ statusMessageCode: 'IMBOT_AGENT_ACTION_COMPOSING', duration: '5' }, 'form')).toMatchObject({ statusMessageCode: 'IMBOT_AGENT_ACTION_COMPOSING', duration: 5 });
    expect(await notify({ duration: 0 })).toMatchObject({ duration: 1 });
    expect(await notify({ duration: 10_000 })).toMatchObject({ duration: 600 });
    // A duration that is not a number is the binder's error.
    expectError(await asBot(bot, 'imbot.v2.Chat.InputAction.notify', { dialogId: String(ann.id), duration: 'soon' }), 100);
  });

  it('errors: the BotController set and ACCESS_DENIED when the bot is not in the chat', async () => {
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const bot = await newBot();
    const chat = await groupChat(ann.id, [bob.id]);
    await expectBotErrors('imbot.v2.Chat.InputAction.notify', { dialogId: `chat${chat.id}` });
    expectError(await asBot(bot, 'imbot.v2.Chat.InputAction.notify', { dialogId: `chat${chat.id}` }), 'ACCESS_DENIED');
  });
});

// ======================================================================================================
describe('imbot.v2.Chat.TextField.enabled', () => {
  it('the documented example (enabled:false) turns the input off for everyone; true turns it back on', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const chat = await groupChat(ann.id, [bot.id]);
    let r: any;
    const seen = await live(async () => {
      r = await asBot(bot, 'imbot.v2.Chat.TextField.enabled', { dialogId: `chat${chat.id}`, enabled: false });
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toEqual({ result: true });
    expect(seen).toContainEqual({ kind: 'chat.updated', chatId: chat.id, byUserId: bot.id, fields: ['textFieldEnabled'] });
    // The person's side: im.dialog.get.
    expect((await asUser(ann, 'im.dialog.get', { DIALOG_ID: `chat${chat.id}` })).body.result.text_field_enabled).toBe(false);
    expect((await p.store.chats.byId(chat.id))!.text_field_enabled).toBe(0);
    // Setting the same value again changes nothing and tells no one.
    const same = await live(async () => {
      expect((await asBot(bot, 'imbot.v2.Chat.TextField.enabled', { dialogId: `chat${chat.id}`, enabled: 'N' }, 'form')).status).toBe(200);
    });
    expect(same.filter((e) => e.kind === 'chat.updated')).toEqual([]);
    // Without `enabled` the field is enabled.
    expect((await asBot(bot, 'imbot.v2.Chat.TextField.enabled', { dialogId: `chat${chat.id}` })).body.result).toEqual({ result: true });
    expect((await asUser(ann, 'im.dialog.get', { DIALOG_ID: `chat${chat.id}` })).body.result.text_field_enabled).toBe(true);
  });

  it('works in the private chat with the bot too', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    await say(ann, bot.id, 'hi');
    expect((await asBot(bot, 'imbot.v2.Chat.TextField.enabled', { dialogId: String(ann.id), enabled: 'N' })).status).toBe(200);
    expect((await asUser(ann, 'im.dialog.get', { DIALOG_ID: String(bot.id) })).body.result.text_field_enabled).toBe(false);
  });

  it('errors: the BotController set and ACCESS_DENIED outside the chat', async () => {
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const bot = await newBot();
    const chat = await groupChat(ann.id, [bob.id]);
    await expectBotErrors('imbot.v2.Chat.TextField.enabled', { dialogId: `chat${chat.id}`, enabled: false });
    expectError(await asBot(bot, 'imbot.v2.Chat.TextField.enabled', { dialogId: `chat${chat.id}`, enabled: false }), 'ACCESS_DENIED');
    expect((await p.store.chats.byId(chat.id))!.text_field_enabled).toBe(1);
  });
});

// ======================================================================================================
describe('imbot.v2.Revision.get / im.revision.get', () => {
  it('returns the revision numbers without botId or botToken', async () => {
    const r = await s.call('imbot.v2.Revision.get');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(r.body.result).toEqual({ rest: 36, web: 130, mobile: 23, desktop: 6 });
  });

  it('im.revision.get adds im_revision_mobile', async () => {
    const ann = await newPerson('Ann');
    const r = await asUser(ann, 'im.revision.get', {}, 'form');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toEqual({ rest: 36, web: 130, mobile: 23, desktop: 6, im_revision_mobile: 23 });
  });

  it('needs the scope of its module (imbot / im)', async () => {
    const noImbot = await newPerson('Ann', ['im']);
    expectError(await asUser(noImbot, 'imbot.v2.Revision.get'), 'insufficient_scope', { status: 403 });
    const noIm = await newPerson('Bob', ['imbot']);
    expectError(await asUser(noIm, 'im.revision.get'), 'insufficient_scope', { status: 403 });
  });
});

// ======================================================================================================
describe('bot context: ONIMBOTV2CONTEXTGET', () => {
  it('a person opening the dialog with BOT_CONTEXT (requestBotContext) → the bot gets the documented event', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const { chatId, botIds } = await requestBotContext(p, { userId: ann.id, botId: bot.id, context: '{"action":"openTask","taskId":456}' });
    expect(botIds).toEqual([bot.id]);
    const events = await drain(bot);
    // Opening a new dialog is a join first (the private chat is created), then the context.
    expect(events.map((e) => e.type)).toEqual(['ONIMBOTV2JOINCHAT', 'ONIMBOTV2CONTEXTGET']);
    const data = events[1].data;
    expect(Object.keys(data).sort()).toEqual(['bot', 'chat', 'context', 'dialogId', 'language', 'user']);
    expect(data).toMatchObject({ dialogId: String(ann.id), context: { action: 'openTask', taskId: 456 }, language: 'en' });
    expect(data.chat).toMatchObject({ id: chatId, dialogId: String(ann.id), type: 'private' });
    // user.id is a number (bot-context.md's warning).
    expect(data.user.id).toBe(ann.id);
    expect(data.bot).toMatchObject({ id: bot.id, eventMode: 'fetch' });
    // Opening again: only the context.
    await requestBotContext(p, { userId: ann.id, botId: bot.id, context: { ref: 'u12345' } });
    expect((await drain(bot)).map((e) => [e.type, e.data.context])).toEqual([['ONIMBOTV2CONTEXTGET', { ref: 'u12345' }]]);
  });

  it('limits: a JSON object of at most 8 KB; broken JSON, arrays and scalars are refused; the bot must exist', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    await expect(requestBotContext(p, { userId: ann.id, botId: bot.id, context: '{"pairCode":' })).rejects.toMatchObject({ code: 'BOT_CONTEXT_INVALID' });
    await expect(requestBotContext(p, { userId: ann.id, botId: bot.id, context: '[1,2]' })).rejects.toMatchObject({ code: 'BOT_CONTEXT_INVALID' });
    await expect(requestBotContext(p, { userId: ann.id, botId: bot.id, context: '42' })).rejects.toMatchObject({ code: 'BOT_CONTEXT_INVALID' });
    const big = JSON.stringify({ blob: 'x'.repeat(BOT_CONTEXT_MAX_CHARS) });
    await expect(requestBotContext(p, { userId: ann.id, botId: bot.id, context: big })).rejects.toMatchObject({ code: 'BOT_CONTEXT_TOO_LARGE' });
    await expect(requestBotContext(p, { userId: ann.id, botId: bot.id, context: JSON.parse(big) })).rejects.toMatchObject({ code: 'BOT_CONTEXT_TOO_LARGE' });
    await expect(requestBotContext(p, { userId: ann.id, botId: ann.id + 100_000, context: {} })).rejects.toMatchObject({ code: 'BOT_CONTEXT_ERROR' });
    // Nothing reached the bot, and no dialog was opened for the refused requests.
    expect(await drain(bot)).toEqual([]);
    const fits = JSON.stringify({ blob: 'x'.repeat(BOT_CONTEXT_MAX_CHARS - 20) });
    await requestBotContext(p, { userId: ann.id, botId: bot.id, context: fits });
    expect((await drain(bot)).filter((e) => e.type === 'ONIMBOTV2CONTEXTGET')).toHaveLength(1);
  });

  it('im.v2.Chat.Bot.sendContext replays it over REST: every bot in the dialog hears; no bot is BOT_CONTEXT_ERROR', async () => {
    const a = await newBot();
    const b = await newBot();
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const chat = await groupChat(ann.id, [a.id, b.id]);
    await drain(a);
    await drain(b);
    const r = await asUser(ann, 'im.v2.Chat.Bot.sendContext', { dialogId: `chat${chat.id}`, context: { table: 42 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toEqual({ result: true });
    for (const bot of [a, b]) {
      const got = await drain(bot);
      expect(got.map((e) => [e.type, e.data.dialogId, e.data.context, e.data.user.id])).toEqual([['ONIMBOTV2CONTEXTGET', `chat${chat.id}`, { table: 42 }, ann.id]]);
    }
    // Form bodies carry the context as context[key]=value.
    const form = await asUser(ann, 'im.v2.Chat.Bot.sendContext', { dialogId: String(a.id), context: { pairCode: 'e5142e4a' } }, 'form');
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect((await drain(a)).filter((e) => e.type === 'ONIMBOTV2CONTEXTGET').map((e) => e.data.context)).toEqual([{ pairCode: 'e5142e4a' }]);
    // No bot in the dialog.
    const people = await groupChat(ann.id, [bob.id]);
    expectError(await asUser(ann, 'im.v2.Chat.Bot.sendContext', { dialogId: `chat${people.id}`, context: { x: 1 } }), 'BOT_CONTEXT_ERROR');
    // A chat the caller cannot read; a missing or scalar context (the controller's binder).
    const carl = await newPerson('Carl');
    expectError(await asUser(carl, 'im.v2.Chat.Bot.sendContext', { dialogId: `chat${chat.id}`, context: { x: 1 } }), 'ACCESS_DENIED');
    expectError(await asUser(ann, 'im.v2.Chat.Bot.sendContext', { dialogId: `chat${chat.id}` }), 100);
    expectError(await asUser(ann, 'im.v2.Chat.Bot.sendContext', { dialogId: `chat${chat.id}`, context: 'plain' }), 100);
    expectError(await asUser(ann, 'im.v2.Chat.Bot.sendContext', { context: { x: 1 } }), 'DIALOG_ID_EMPTY');
  });

  it('v1 bots with EVENT_CONTEXT_GET get ONIMBOTCONTEXTGET (data[BOT], data[PARAMS][CONTEXT], data[USER])', async () => {
    const clientId = uniq('cid');
    const reg = await s.call(
      'imbot.register',
      { CODE: uniq('v1'), TYPE: 'B', CLIENT_ID: clientId, EVENT_HANDLER: receiver.url('/v1ctx'), PROPERTIES: { NAME: 'Old Bot' } },
      'form',
    );
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const botId = Number(reg.body.result);
    const ann = await newPerson('Ann');
    await requestBotContext(p, { userId: ann.id, botId, context: { coupon: 'GIFT-7H2K' } });
    const post = await receiver.waitFor((x) => x.path === '/v1ctx' && x.body.event === 'ONIMBOTCONTEXTGET');
    expect(Object.keys(post.body.data.BOT)).toEqual([String(botId)]);
    expect(post.body.data.PARAMS).toMatchObject({ CONTEXT: { coupon: 'GIFT-7H2K' }, DIALOG_ID: String(ann.id), USER_ID: String(ann.id), CHAT_TYPE: 'P' });
    expect(post.body.data.USER).toMatchObject({ ID: String(ann.id), FIRST_NAME: 'Ann' });
  });
});

// ======================================================================================================
describe('im.dialog.writing (a person typing)', () => {
  it('pushes the typing signal live; DIALOG_ID_EMPTY, CHAT_ID_EMPTY, ACCESS_ERROR (403)', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    await say(ann, bot.id, 'hi');
    let r: any;
    const seen = await live(async () => {
      r = await asUser(ann, 'im.dialog.writing', { DIALOG_ID: String(bot.id) });
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toBe(true);
    expect(inputActions(seen)).toMatchObject([{ userId: ann.id, action: 'writing', duration: 30 }]);
    const chat = await groupChat(ann.id, [bob.id]);
    expect((await asUser(bob, 'im.dialog.writing', { CHAT_ID: chat.id }, 'form')).body.result).toBe(true);
    expectError(await asUser(ann, 'im.dialog.writing', { DIALOG_ID: 'chatX' }), 'DIALOG_ID_EMPTY');
    expectError(await asUser(ann, 'im.dialog.writing', { CHAT_ID: 0 }), 'CHAT_ID_EMPTY');
    const carl = await newPerson('Carl');
    expectError(await asUser(carl, 'im.dialog.writing', { DIALOG_ID: `chat${chat.id}` }), 'ACCESS_ERROR', { status: 403 });
    expectError(await asUser(ann, 'im.dialog.writing', { DIALOG_ID: String(ann.id) }), 'ACCESS_ERROR', { status: 403 });
  });
});

// ======================================================================================================
describe('through the official JS SDK (B24Hook over HTTPS)', () => {
  let tls: TestServer;
  afterAll(() => tls?.close());

  it('Revision.get, TextField.enabled and Reaction.add answer the SDK as documented', async () => {
    const { sdkCall, sdkHook } = await import('./helpers/sdk.js');
    tls = await testServer({ httpsPort: -1 });
    const b24 = sdkHook(tls.server.adminWebhook.https!, tls.server.certPath!);
    expect(await sdkCall(b24, 'imbot.v2.Revision.get')).toEqual({ rest: 36, web: 130, mobile: 23, desktop: 6 });
    const token = uniq('tok');
    const reg = await sdkCall(b24, 'imbot.v2.Bot.register', { botToken: token, fields: { code: uniq('sdk'), properties: { name: 'SDK Bot' } } });
    const botId = reg.bot.id;
    const dm = await sdkCall(b24, 'im.message.add', { DIALOG_ID: String(botId), MESSAGE: 'hello bot' });
    expect(await sdkCall(b24, 'imbot.v2.Chat.TextField.enabled', { botId, botToken: token, dialogId: '1', enabled: false })).toEqual({ result: true });
    expect(await sdkCall(b24, 'imbot.v2.Chat.Message.Reaction.add', { botId, botToken: token, messageId: dm, reaction: 'like' })).toEqual({ result: true });
    const history = await sdkCall(b24, 'im.dialog.messages.get', { DIALOG_ID: String(botId) });
    expect(history.messages.find((m: any) => m.id === dm).params.LIKE).toEqual([botId]);
  });
});
