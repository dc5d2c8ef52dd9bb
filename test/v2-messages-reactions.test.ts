import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembers } from '../src/domain/messenger/chats.js';
import type { Platform } from '../src/domain/platform.js';
import { withEvents } from '../src/events/pipeline.js';
import { expectError, fixtures } from './helpers/fixtures.js';
import { deliveriesSettled, FormReceiver, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// imbot.v2/messages/chat-message-{read,get,get-context,reaction-add,reaction-delete}.md, imbot.v2/events/events.md
// (ONIMBOTV2REACTIONCHANGE), entities.md#message (viewedByOthers), chats/messages/im-dialog-{read,unread}.md,
// im-message-like.md, im-dialog-messages-get.md (params.LIKE); platform-behaviour.md §4 (observer bot types).

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

const { newBot, asBot, newPerson, asUser, say, botSays, groupChat, drain, expectBotErrors } = fixtures(() => s, { botName: 'Reader Bot' });

const MESSAGE_KEYS = ['authorId', 'chatId', 'date', 'forward', 'id', 'isSystem', 'params', 'text', 'uuid', 'viewedByOthers'];

// ======================================================================================================
describe('imbot.v2.Chat.Message.read', () => {
  it('reads up to a message, then the rest: {chatId, lastId, counter, viewedMessages}', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const m1 = await say(ann, bot.id, 'one');
    const m2 = await say(ann, bot.id, 'two');
    const m3 = await say(ann, bot.id, 'three');
    const chatId = (await p.store.messages.byId(m1))!.chat_id;
    const r = await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: String(ann.id), messageId: m2 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(r.body.result).toEqual({ chatId, lastId: m2, counter: 1, viewedMessages: [m1, m2] });
    // Without messageId: everything; only the newly seen message is reported.
    const all = await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: String(ann.id) }, 'form');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.result).toEqual({ chatId, lastId: m3, counter: 0, viewedMessages: [m3] });
    // Reading again changes nothing and reports nothing new; an older message does not move the position back.
    const again = await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: String(ann.id), messageId: m1 });
    expect(again.body.result).toEqual({ chatId, lastId: m3, counter: 0, viewedMessages: [] });
  });

  it('is seen from the person side: im.dialog.get shows the bot in readed_list at its position', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    await say(ann, bot.id, 'hello');
    const m2 = await say(ann, bot.id, 'still there?');
    const before = await asUser(ann, 'im.dialog.get', { DIALOG_ID: String(bot.id) });
    expect(before.body.result.readed_list.find((x: any) => x.user_id === bot.id).message_id).toBe(0);
    expect(before.body.result.last_message_views.count_of_viewers).toBe(0);
    await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: String(ann.id) });
    const after = await asUser(ann, 'im.dialog.get', { DIALOG_ID: String(bot.id) });
    expect(after.body.result.readed_list.find((x: any) => x.user_id === bot.id).message_id).toBe(m2);
    expect(after.body.result.last_message_views.count_of_viewers).toBe(1);
  });

  it('works in group chats (chat<N>) and raises chat.read on the live bus', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const chat = await groupChat(ann.id, [bot.id]);
    const m = await say(ann, `chat${chat.id}`, 'for the team');
    const seen: any[] = [];
    const off = p.live.on((events) => seen.push(...events));
    try {
      const r = await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: `chat${chat.id}`, messageId: m });
      expect(r.body.result).toMatchObject({ chatId: chat.id, lastId: m, counter: 0, viewedMessages: [m] });
    } finally {
      off();
    }
    expect(seen).toContainEqual({ kind: 'chat.read', chatId: chat.id, userId: bot.id, lastMessageId: m });
  });

  it('errors: the BotController set, ACCESS_DENIED outside the chat, MESSAGE_NOT_FOUND for a message not in it', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    await expectBotErrors('imbot.v2.Chat.Message.read', { dialogId: String(ann.id) });
    const elsewhere = await groupChat(ann.id, [bob.id]);
    const foreign = await say(ann, `chat${elsewhere.id}`, 'not for bots');
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: `chat${elsewhere.id}` }), 'ACCESS_DENIED');
    await say(ann, bot.id, 'hi');
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: String(ann.id), messageId: foreign }), 'MESSAGE_NOT_FOUND');
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: String(ann.id), messageId: 99_999_999 }), 'MESSAGE_NOT_FOUND');
  });
});

// ======================================================================================================
describe('viewedByOthers and the people read methods', () => {
  it('im.dialog.read by the person marks the bot’s message viewedByOthers (Message.get of a supervisor bot)', async () => {
    const bot = await newBot({ type: 'supervisor' });
    const ann = await newPerson('Ann');
    await say(ann, bot.id, 'hi');
    const reply = await botSays(bot, ann.id, 'Hello! How can I help?');
    const before = await asBot(bot, 'imbot.v2.Chat.Message.get', { messageId: reply });
    expect(before.body.result.message.viewedByOthers).toBe(false);
    const r = await asUser(ann, 'im.dialog.read', { DIALOG_ID: String(bot.id), MESSAGE_ID: reply });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const chatId = (await p.store.messages.byId(reply))!.chat_id;
    expect(r.body.result).toEqual({ dialogId: bot.id, chatId, lastId: reply, counter: 0 });
    const after = await asBot(bot, 'imbot.v2.Chat.Message.get', { messageId: reply });
    expect(after.body.result.message.viewedByOthers).toBe(true);
  });

  it('bot events carry viewedByOthers: an edit of a message the bot has read says true', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const id = await say(ann, bot.id, 'typo');
    const added = await drain(bot);
    expect(added.find((e) => e.type === 'ONIMBOTV2MESSAGEADD')!.data.message.viewedByOthers).toBe(false);
    await asBot(bot, 'imbot.v2.Chat.Message.read', { dialogId: String(ann.id) });
    expect((await asUser(ann, 'im.message.update', { MESSAGE_ID: id, MESSAGE: 'fixed' })).status).toBe(200);
    const updated = (await drain(bot)).find((e) => e.type === 'ONIMBOTV2MESSAGEUPDATE')!;
    expect(updated.data.message).toMatchObject({ id, text: 'fixed', viewedByOthers: true });
  });

  it('im.dialog.read of a group chat: {dialogId:"chat<N>", chatId, lastId, counter}; MESSAGE_ID 0 reads everything', async () => {
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const chat = await groupChat(ann.id, [bob.id]);
    const m1 = await say(ann, `chat${chat.id}`, 'one');
    const m2 = await say(ann, `chat${chat.id}`, 'two');
    const part = await asUser(bob, 'im.dialog.read', { DIALOG_ID: `chat${chat.id}`, MESSAGE_ID: m1 }, 'form');
    expect(part.body.result).toEqual({ dialogId: `chat${chat.id}`, chatId: chat.id, lastId: m1, counter: 1 });
    const all = await asUser(bob, 'im.dialog.read', { DIALOG_ID: `chat${chat.id}`, MESSAGE_ID: 0 });
    expect(all.body.result).toEqual({ dialogId: `chat${chat.id}`, chatId: chat.id, lastId: m2, counter: 0 });
    // LAST_ID is the older name of MESSAGE_ID.
    const m3 = await say(ann, `chat${chat.id}`, 'three');
    const byLast = await asUser(bob, 'im.dialog.read', { DIALOG_ID: `chat${chat.id}`, LAST_ID: m3 });
    expect(byLast.body.result.lastId).toBe(m3);
  });

  it('im.dialog.read: DIALOG_ID_EMPTY for a bad id; false for a chat the user cannot read', async () => {
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const carl = await newPerson('Carl');
    expectError(await asUser(ann, 'im.dialog.read', {}), 'DIALOG_ID_EMPTY');
    expectError(await asUser(ann, 'im.dialog.read', { DIALOG_ID: 'chatX' }), 'DIALOG_ID_EMPTY');
    const chat = await groupChat(bob.id, [carl.id]);
    const r = await asUser(ann, 'im.dialog.read', { DIALOG_ID: `chat${chat.id}` });
    expect(r.status).toBe(200);
    expect(r.body.result).toBe(false);
  });

  it('im.dialog.unread moves the read position back; the bot’s message stays viewed', async () => {
    const bot = await newBot({ type: 'personal' });
    const ann = await newPerson('Ann');
    await say(ann, bot.id, 'hi');
    const a = await botSays(bot, ann.id, 'first');
    const b = await botSays(bot, ann.id, 'second');
    await asUser(ann, 'im.dialog.read', { DIALOG_ID: String(bot.id) });
    const r = await asUser(ann, 'im.dialog.unread', { DIALOG_ID: String(bot.id), MESSAGE_ID: a });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toBe(true);
    const dialog = await asUser(ann, 'im.dialog.get', { DIALOG_ID: String(bot.id) });
    expect(dialog.body.result.counter).toBe(2);
    expect(dialog.body.result.unread_id).toBe(a);
    const got = await asBot(bot, 'imbot.v2.Chat.Message.get', { messageId: b });
    expect(got.body.result.message.viewedByOthers).toBe(true);
    // The person's history shows them unread again.
    const history = await asUser(ann, 'im.dialog.messages.get', { DIALOG_ID: String(bot.id) });
    expect(history.body.result.messages.filter((m: any) => m.unread).map((m: any) => m.id).sort()).toEqual([a, b]);
  });

  it('im.dialog.read.all reads every chat of the caller (true)', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    await say(ann, bot.id, 'hi');
    await botSays(bot, ann.id, 'one');
    await botSays(bot, ann.id, 'two');
    const chat = await groupChat(bob.id, [ann.id]);
    await say(bob, `chat${chat.id}`, 'team news');
    expect((await asUser(ann, 'im.dialog.get', { DIALOG_ID: String(bot.id) })).body.result.counter).toBe(2);
    expect((await asUser(ann, 'im.dialog.get', { DIALOG_ID: `chat${chat.id}` })).body.result.counter).toBe(1);
    const r = await asUser(ann, 'im.dialog.read.all');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toBe(true);
    expect((await asUser(ann, 'im.dialog.get', { DIALOG_ID: String(bot.id) })).body.result.counter).toBe(0);
    expect((await asUser(ann, 'im.dialog.get', { DIALOG_ID: `chat${chat.id}` })).body.result.counter).toBe(0);
  });

  it('im.dialog.unread errors: MESSAGE_ID_ERROR first, then DIALOG_ID_EMPTY', async () => {
    const ann = await newPerson('Ann');
    expectError(await asUser(ann, 'im.dialog.unread', { DIALOG_ID: 'chat1' }), 'MESSAGE_ID_ERROR');
    expectError(await asUser(ann, 'im.dialog.unread', { DIALOG_ID: 'chat1', MESSAGE_ID: -5 }), 'MESSAGE_ID_ERROR');
    expectError(await asUser(ann, 'im.dialog.unread', { MESSAGE_ID: 5 }), 'DIALOG_ID_EMPTY');
  });
});

// ======================================================================================================
describe('imbot.v2.Chat.Message.get / getContext', () => {
  it('get: the documented shape {message, user} for supervisor and personal bots', async () => {
    for (const type of ['supervisor', 'personal']) {
      const bot = await newBot({ type });
      const ann = await newPerson('Ann');
      const id = await say(ann, bot.id, 'Hello! How are you?');
      const r = await asBot(bot, 'imbot.v2.Chat.Message.get', { messageId: id });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(Object.keys(r.body.result).sort()).toEqual(['message', 'user']);
      expect(Object.keys(r.body.result.message).sort()).toEqual(MESSAGE_KEYS);
      expect(r.body.result.message).toMatchObject({ id, authorId: ann.id, text: 'Hello! How are you?', isSystem: false, forward: null, viewedByOthers: false });
      expect(r.body.result.user).toMatchObject({ id: ann.id, active: true, name: 'Ann Tester', bot: false, type: 'employee' });
    }
  });

  it('get errors: the BotController set, BOT_TYPE_NOT_ALLOWED, MESSAGE_NOT_FOUND, MESSAGE_ACCESS_DENIED', async () => {
    const plain = await newBot();
    const watcher = await newBot({ type: 'supervisor' });
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const id = await say(ann, plain.id, 'hello');
    await expectBotErrors('imbot.v2.Chat.Message.get', { messageId: id });
    expectError(await asBot(plain, 'imbot.v2.Chat.Message.get', { messageId: id }), 'BOT_TYPE_NOT_ALLOWED');
    expectError(await asBot(watcher, 'imbot.v2.Chat.Message.get', { messageId: 99_999_999 }), 'MESSAGE_NOT_FOUND');
    const chat = await groupChat(ann.id, [bob.id]);
    const foreign = await say(ann, `chat${chat.id}`, 'private talk');
    expectError(await asBot(watcher, 'imbot.v2.Chat.Message.get', { messageId: foreign }), 'MESSAGE_ACCESS_DENIED');
    // History hidden from a member added later is out of reach too.
    await withEvents(p, (tx, emit) => addMembers(tx, emit, chat.id, [watcher.id], ann.id, { hideHistory: true }));
    expectError(await asBot(watcher, 'imbot.v2.Chat.Message.get', { messageId: foreign }), 'MESSAGE_ACCESS_DENIED');
    // A missing messageId is the binder's error.
    expectError(await asBot(watcher, 'imbot.v2.Chat.Message.get', {}), 100);
  });

  it('getContext: `range` messages on each side, oldest first, with authors and page flags', async () => {
    const bot = await newBot({ type: 'supervisor' });
    const ann = await newPerson('Ann');
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(i % 2 ? await botSays(bot, ann.id, `bot ${i}`) : await say(ann, bot.id, `ann ${i}`));
    const r = await asBot(bot, 'imbot.v2.Chat.Message.getContext', { messageId: ids[3], range: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(Object.keys(r.body.result).sort()).toEqual(['hasNextPage', 'hasPrevPage', 'messages', 'users']);
    expect(r.body.result.messages.map((m: any) => m.id)).toEqual(ids.slice(1, 6));
    expect(Object.keys(r.body.result.messages[0]).sort()).toEqual(MESSAGE_KEYS);
    expect(r.body.result.users.map((u: any) => u.id).sort()).toEqual([ann.id, bot.id].sort());
    expect(r.body.result).toMatchObject({ hasPrevPage: true, hasNextPage: true });
    // At the edges: nothing older / nothing newer.
    const first = await asBot(bot, 'imbot.v2.Chat.Message.getContext', { messageId: ids[0], range: 2 });
    expect(first.body.result.messages.map((m: any) => m.id)).toEqual(ids.slice(0, 3));
    expect(first.body.result).toMatchObject({ hasPrevPage: false, hasNextPage: true });
    const last = await asBot(bot, 'imbot.v2.Chat.Message.getContext', { messageId: ids[6], range: 2 }, 'form');
    expect(last.body.result.messages.map((m: any) => m.id)).toEqual(ids.slice(4, 7));
    expect(last.body.result).toMatchObject({ hasPrevPage: true, hasNextPage: false });
  });

  it('getContext: range defaults to 50 and is clamped to 1–50', async () => {
    const bot = await newBot({ type: 'personal' });
    const ann = await newPerson('Ann');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await say(ann, bot.id, `m${i}`));
    const dflt = await asBot(bot, 'imbot.v2.Chat.Message.getContext', { messageId: ids[2] });
    expect(dflt.body.result.messages.map((m: any) => m.id)).toEqual(ids);
    expect(dflt.body.result.hasPrevPage).toBe(false);
    const zero = await asBot(bot, 'imbot.v2.Chat.Message.getContext', { messageId: ids[2], range: 0 });
    expect(zero.body.result.messages.map((m: any) => m.id)).toEqual(ids.slice(1, 4));
    const huge = await asBot(bot, 'imbot.v2.Chat.Message.getContext', { messageId: ids[2], range: 500 });
    expect(huge.body.result.messages).toHaveLength(5);
  });

  it('getContext errors: BOT_TYPE_NOT_ALLOWED, MESSAGE_NOT_FOUND, MESSAGE_ACCESS_DENIED and the BotController set', async () => {
    const plain = await newBot();
    const watcher = await newBot({ type: 'supervisor' });
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const id = await say(ann, plain.id, 'hello');
    await expectBotErrors('imbot.v2.Chat.Message.getContext', { messageId: id });
    expectError(await asBot(plain, 'imbot.v2.Chat.Message.getContext', { messageId: id }), 'BOT_TYPE_NOT_ALLOWED');
    expectError(await asBot(watcher, 'imbot.v2.Chat.Message.getContext', { messageId: 99_999_999 }), 'MESSAGE_NOT_FOUND');
    const chat = await groupChat(ann.id, [bob.id]);
    const foreign = await say(ann, `chat${chat.id}`, 'not yours');
    expectError(await asBot(watcher, 'imbot.v2.Chat.Message.getContext', { messageId: foreign }), 'MESSAGE_ACCESS_DENIED');
  });
});

// ======================================================================================================
describe('imbot.v2.Chat.Message.Reaction.add / delete', () => {
  it('the documented example: like → {result:true}; the person sees it in im.dialog.messages.get (params.LIKE)', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const id = await say(ann, bot.id, 'Please confirm');
    const r = await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction: 'like' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toEqual({ result: true });
    const history = await asUser(ann, 'im.dialog.messages.get', { DIALOG_ID: String(bot.id) });
    expect(history.body.result.messages.find((m: any) => m.id === id).params.LIKE).toEqual([bot.id]);
    // Another reaction keeps the like list as it is; removing one of two keeps it too; the last one clears it.
    expect((await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction: 'faceWithTearsOfJoy' }, 'form')).body.result).toEqual({ result: true });
    expect((await asBot(bot, 'imbot.v2.Chat.Message.Reaction.delete', { messageId: id, reaction: 'like' })).body.result).toEqual({ result: true });
    const mid = await asUser(ann, 'im.dialog.messages.get', { DIALOG_ID: String(bot.id) });
    expect(mid.body.result.messages.find((m: any) => m.id === id).params.LIKE).toEqual([bot.id]);
    expect((await asBot(bot, 'imbot.v2.Chat.Message.Reaction.delete', { messageId: id, reaction: 'faceWithTearsOfJoy' })).status).toBe(200);
    const after = await asUser(ann, 'im.dialog.messages.get', { DIALOG_ID: String(bot.id) });
    expect(after.body.result.messages.find((m: any) => m.id === id).params).toEqual([]);
  });

  it('accepts every documented code; codes are matched through their UPPER_SNAKE form', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const id = await say(ann, bot.id, 'react to me');
    const codes = ['like', 'dislike', 'redHeart', 'fire', 'faceWithStuckOutTongueAndWinkingEye', 'whiteHeavyCheckMark', 'hundredPoints', 'eyes', 'handshake'];
    for (const reaction of codes) expect((await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction })).status).toBe(200);
    expect((await p.store.reactions.ofMessage(id)).map((r) => r.reaction)).toEqual(codes);
    // `Bomb` converts to BOMB like `bomb`; `BOMB` converts to B_O_M_B and is unknown.
    expect((await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction: 'Bomb' })).status).toBe(200);
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction: 'BOMB' }), 'REACTION_NOT_FOUND');
  });

  it('errors: REACTION_NOT_FOUND, REACTION_ALREADY_SET, ACCESS_DENIED, MESSAGE_NOT_FOUND and the BotController set', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    const id = await say(ann, bot.id, 'hi');
    for (const method of ['imbot.v2.Chat.Message.Reaction.add', 'imbot.v2.Chat.Message.Reaction.delete']) {
      await expectBotErrors(method, { messageId: id, reaction: 'like' });
      expectError(await asBot(bot, method, { messageId: id, reaction: 'unicorn' }), 'REACTION_NOT_FOUND');
      expectError(await asBot(bot, method, { messageId: 99_999_999, reaction: 'like' }), 'MESSAGE_NOT_FOUND');
      const chat = await groupChat(ann.id, [bob.id]);
      const foreign = await say(ann, `chat${chat.id}`, 'not yours');
      expectError(await asBot(bot, method, { messageId: foreign, reaction: 'like' }), 'ACCESS_DENIED');
      expectError(await asBot(bot, method, { messageId: id }), 100);
    }
    expect((await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction: 'fire' })).status).toBe(200);
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction: 'fire' }), 'REACTION_ALREADY_SET');
    // Removing a reaction the bot has not set is REACTION_NOT_FOUND.
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.Reaction.delete', { messageId: id, reaction: 'cry' }), 'REACTION_NOT_FOUND');
  });
});

describe('reactions go with their message', () => {
  it('a deleted message (stub or completely) keeps no reactions', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const asked = await say(ann, bot.id, 'delete me later');
    for (const reaction of ['like', 'fire']) expect((await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: asked, reaction })).status).toBe(200);
    expect(await p.store.reactions.ofMessage(asked)).toHaveLength(2);
    // The person deletes their message: the stub stays, the reactions do not.
    expect((await asUser(ann, 'im.message.delete', { MESSAGE_ID: asked })).body.result).toBe(true);
    expect(await p.store.reactions.ofMessage(asked)).toEqual([]);
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.Reaction.delete', { messageId: asked, reaction: 'fire' }), 'REACTION_NOT_FOUND');
    const history = await asUser(ann, 'im.dialog.messages.get', { DIALOG_ID: String(bot.id) });
    expect(history.body.result.messages.find((m: any) => m.id === asked).params).not.toHaveProperty('LIKE');

    // The bot removes its own message completely after the person liked it.
    const reply = await botSays(bot, ann.id, 'gone soon');
    expect((await asUser(ann, 'im.message.like', { MESSAGE_ID: reply })).body.result).toBe(true);
    expect(await p.store.reactions.ofMessage(reply)).toHaveLength(1);
    const del = await asBot(bot, 'imbot.v2.Chat.Message.delete', { messageId: reply, complete: 'Y' });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(await p.store.messages.byId(reply)).toBeUndefined();
    expect(await p.store.reactions.ofMessage(reply)).toEqual([]);
  });
});

// ======================================================================================================
describe('ONIMBOTV2REACTIONCHANGE', () => {
  it('a person likes the bot’s message (im.message.like) → the bot gets add, then delete', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    await say(ann, bot.id, 'hi');
    const reply = await botSays(bot, ann.id, 'Hello! How can I help?');
    await drain(bot);
    const r = await asUser(ann, 'im.message.like', { MESSAGE_ID: reply });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toBe(true);
    const events = await drain(bot);
    expect(events.map((e) => e.type)).toEqual(['ONIMBOTV2REACTIONCHANGE']);
    const data = events[0].data;
    expect(Object.keys(data).sort()).toEqual(['action', 'bot', 'chat', 'language', 'message', 'reaction', 'user']);
    expect(data).toMatchObject({ reaction: 'like', action: 'add', language: 'en' });
    expect(data.bot).toMatchObject({ id: bot.id, isReactionsEnabled: true });
    expect(data.message).toMatchObject({ id: reply, authorId: bot.id, text: 'Hello! How can I help?' });
    expect(Object.keys(data.message).sort()).toEqual(MESSAGE_KEYS);
    expect(data.chat).toMatchObject({ dialogId: String(ann.id), type: 'private' });
    expect(data.user).toMatchObject({ id: ann.id, name: 'Ann Tester' });
    // The person sees the like on their side too.
    const history = await asUser(ann, 'im.dialog.messages.get', { DIALOG_ID: String(bot.id) });
    expect(history.body.result.messages.find((m: any) => m.id === reply).params.LIKE).toEqual([ann.id]);
    // auto again takes it off.
    expect((await asUser(ann, 'im.message.like', { MESSAGE_ID: reply, ACTION: 'auto' }, 'form')).body.result).toBe(true);
    const off = await drain(bot);
    expect(off.map((e) => [e.type, e.data.action, e.data.reaction])).toEqual([['ONIMBOTV2REACTIONCHANGE', 'delete', 'like']]);
  });

  it('im.message.like errors: MESSAGE_ID_ERROR, WITHOUT_CHANGES (plus twice, minus unset, foreign message)', async () => {
    const bot = await newBot();
    const ann = await newPerson('Ann');
    const bob = await newPerson('Bob');
    await say(ann, bot.id, 'hi');
    const reply = await botSays(bot, ann.id, 'hello');
    expectError(await asUser(ann, 'im.message.like', {}), 'MESSAGE_ID_ERROR');
    expectError(await asUser(ann, 'im.message.like', { MESSAGE_ID: 'abc' }), 'MESSAGE_ID_ERROR');
    expectError(await asUser(ann, 'im.message.like', { MESSAGE_ID: reply, ACTION: 'minus' }), 'WITHOUT_CHANGES');
    expect((await asUser(ann, 'im.message.like', { MESSAGE_ID: reply, ACTION: 'plus' })).status).toBe(200);
    expectError(await asUser(ann, 'im.message.like', { MESSAGE_ID: reply, ACTION: 'plus' }), 'WITHOUT_CHANGES');
    expectError(await asUser(bob, 'im.message.like', { MESSAGE_ID: reply }), 'WITHOUT_CHANGES');
    expectError(await asUser(ann, 'im.message.like', { MESSAGE_ID: 99_999_999 }), 'WITHOUT_CHANGES');
  });

  it('goes only to the author bot with reactions enabled; a bot reacting to a person’s message tells no bot', async () => {
    const quiet = await newBot({ isReactionsEnabled: false });
    const ann = await newPerson('Ann');
    await say(ann, quiet.id, 'hi');
    const reply = await botSays(quiet, ann.id, 'no reactions please');
    await drain(quiet);
    expect((await asUser(ann, 'im.message.like', { MESSAGE_ID: reply })).status).toBe(200);
    expect(await drain(quiet)).toEqual([]);

    const bot = await newBot();
    const watcher = await newBot({ type: 'supervisor' });
    const chat = await groupChat(ann.id, [bot.id, watcher.id]);
    const mine = await botSays(bot, `chat${chat.id}`, 'bot message');
    const human = await say(ann, `chat${chat.id}`, 'human message');
    await drain(bot);
    await drain(watcher);
    // The supervisor reacts to the other bot's message: only that bot hears, with the reacting bot as user.
    expect((await asBot(watcher, 'imbot.v2.Chat.Message.Reaction.add', { messageId: mine, reaction: 'fire' })).status).toBe(200);
    const heard = await drain(bot);
    expect(heard.map((e) => [e.type, e.data.reaction, e.data.user.id, e.data.chat.dialogId])).toEqual([['ONIMBOTV2REACTIONCHANGE', 'fire', watcher.id, `chat${chat.id}`]]);
    expect(await drain(watcher)).toEqual([]);
    // A reaction on a person's message: no bot event.
    expect((await asBot(watcher, 'imbot.v2.Chat.Message.Reaction.add', { messageId: human, reaction: 'like' })).status).toBe(200);
    expect(await drain(bot)).toEqual([]);
    expect(await drain(watcher)).toEqual([]);
  });

  it('webhook mode: one form POST with data[reaction], data[action], data[message], data[bot][auth]', async () => {
    const bot = await newBot({ eventMode: 'webhook', webhookUrl: receiver.url('/reactions') }, { name: 'Hook Bot' });
    const ann = await newPerson('Ann');
    await say(ann, bot.id, 'hi');
    const reply = await botSays(bot, ann.id, 'hello');
    await deliveriesSettled(s);
    expect((await asUser(ann, 'im.message.like', { MESSAGE_ID: reply, ACTION: 'plus' })).status).toBe(200);
    const post = await receiver.waitFor((x) => x.path === '/reactions' && x.body.event === 'ONIMBOTV2REACTIONCHANGE');
    expect(post.body.data).toMatchObject({ reaction: 'like', action: 'add', language: 'en' });
    expect(post.body.data.message.id).toBe(String(reply));
    expect(post.body.data.user.id).toBe(String(ann.id));
    expect(post.body.data.bot.id).toBe(String(bot.id));
    expect(post.body.data.bot.auth.application_token).toBeTruthy();
  });
});
