import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroupChat } from '../src/domain/messenger/chats.js';
import type { DomainEvent } from '../src/domain/messenger/events.js';
import type { Platform } from '../src/domain/platform.js';
import { withEvents } from '../src/events/pipeline.js';
import { type ApiResponse, type Bot, expectError, fixtures, type Person, uniq } from './helpers/fixtures.js';
import { pngBase64 } from './helpers/images.js';
import { FormReceiver, deliveriesSettled, isTimeObject, testServer, type TestServer } from './helpers/server.js';
import { sdkCall, sdkHook } from './helpers/sdk.js';

// imbot.v2/chats/*.md (Chat.add/get/update/leave/setOwner, Chat.User.add/delete/list, Chat.Manager.add/delete),
// entities.md#chat, events.md#onimbotv2joinchat, platform-behaviour.md §1 (v2 errors are HTTP 400),
// Im\V2\Permission (who may do what), chats/messages/im-dialog-messages-get.md (system notes, CODE CHAT_JOIN).

let s: TestServer;
let p: Platform;
const live: DomainEvent[] = [];

beforeAll(async () => {
  s = await testServer({ httpsPort: -1 });
  p = s.server.platform;
  p.live.on((events) => live.push(...events));
});
afterAll(() => s?.close());

const { newBot, asBot, newPerson, asUser, drain, expectBotErrors } = fixtures(() => s, { botName: 'Chat Bot' });

/** The result of a successful call. */
async function ok(bot: Bot, method: string, params: Record<string, unknown> = {}, enc: 'json' | 'form' = 'json') {
  const r = await asBot(bot, method, params, enc);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(isTimeObject(r.body.time)).toBe(true);
  return r.body.result;
}

const denied = (r: ApiResponse) => expectError(r, 'ACCESS_DENIED', 'Access denied');

/** A chat the bot creates with these people; returns its id. */
async function botChat(bot: Bot, userIds: number[], fields: Record<string, unknown> = {}): Promise<number> {
  const r = await ok(bot, 'imbot.v2.Chat.add', { fields: { title: uniq('Room'), userIds, ...fields } });
  return r.chat.id;
}

const chatOf = async (bot: Bot, chatId: number) => (await ok(bot, 'imbot.v2.Chat.get', { dialogId: `chat${chatId}` })).chat;
const memberIds = async (chatId: number) => (await p.store.chats.members(chatId)).map((m) => m.user_id).sort((a, b) => a - b);

/** The conversation as a person reads it (im.dialog.messages.get), oldest first. */
async function conversation(who: Person, chatId: number): Promise<any[]> {
  const r = await asUser(who, 'im.dialog.messages.get', { DIALOG_ID: `chat${chatId}` });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return [...r.body.result.messages].reverse();
}

const liveSince = (mark: number) => live.slice(mark);


const CHAT_KEYS = [
  'id', 'dialogId', 'name', 'description', 'type', 'messageType', 'owner', 'color', 'avatar', 'extranet', 'containsCollaber',
  'entityType', 'entityId', 'entityData1', 'entityData2', 'entityData3', 'entityLink', 'diskFolderId', 'role', 'permissions',
  'muteList', 'parentChatId', 'parentMessageId', 'isNew', 'textFieldEnabled', 'backgroundId', 'dateCreate', 'lastMessageId',
  'lastMessageViews', 'lastId', 'managerList', 'markedId', 'messageCount', 'public', 'unreadId', 'userCounter',
];
const USER_KEYS = ['id', 'active', 'name', 'firstName', 'lastName', 'workPosition', 'color', 'avatar', 'gender', 'bot', 'type'];

let alice: Person;
let bob: Person;
let carol: Person;

beforeAll(async () => {
  alice = await newPerson('Alice');
  bob = await newPerson('Bob');
  carol = await newPerson('Carol');
});

// ---- the four bot errors of every method -------------------------------------------------------------

const METHODS: [string, Record<string, unknown>][] = [
  ['imbot.v2.Chat.add', { fields: { title: 'x' } }],
  ['imbot.v2.Chat.get', { dialogId: 'chat1' }],
  ['imbot.v2.Chat.update', { dialogId: 'chat1', fields: { title: 'x' } }],
  ['imbot.v2.Chat.User.add', { dialogId: 'chat1', userIds: [1] }],
  ['imbot.v2.Chat.User.delete', { dialogId: 'chat1', userId: 1 }],
  ['imbot.v2.Chat.User.list', { dialogId: 'chat1' }],
  ['imbot.v2.Chat.leave', { dialogId: 'chat1' }],
  ['imbot.v2.Chat.Manager.add', { dialogId: 'chat1', userIds: [1] }],
  ['imbot.v2.Chat.Manager.delete', { dialogId: 'chat1', userIds: [1] }],
  ['imbot.v2.Chat.setOwner', { dialogId: 'chat1', userId: 1 }],
];

describe('bot errors (every chat method)', () => {
  it.each(METHODS)('%s: BOT_TOKEN_NOT_SPECIFIED, BOT_ID_REQUIRED, BOT_NOT_FOUND, BOT_OWNERSHIP_ERROR (HTTP 400)', async (method, params) => {
    await expectBotErrors(method, params);
  });

  it.each(METHODS.filter(([m]) => m !== 'imbot.v2.Chat.add'))('%s: dialogId is required (binder error 100); an unknown chat is CHAT_NOT_FOUND', async (method, params) => {
    const bot = await newBot();
    expectError(await asBot(bot, method, { ...params, dialogId: undefined }), 100, 'Could not find value for parameter {dialogId}');
    expectError(await asBot(bot, method, { ...params, dialogId: 'chat999999' }), 'CHAT_NOT_FOUND');
  });
});

// ---- Chat.add --------------------------------------------------------------------------------------

describe('imbot.v2.Chat.add', () => {
  it('the documented example: {title, color: mint, userIds} → {chat, users}; the bot owns the chat', async () => {
    const bot = await newBot();
    const r = await ok(bot, 'imbot.v2.Chat.add', { fields: { title: 'Support Chat', color: 'mint', userIds: [alice.id, bob.id] } });
    const chat = r.chat;
    expect(Object.keys(chat).sort()).toEqual([...CHAT_KEYS].sort());
    expect(chat).toMatchObject({
      dialogId: `chat${chat.id}`,
      name: 'Support Chat',
      description: '',
      type: 'chat',
      messageType: 'C',
      owner: bot.id,
      color: '#4ba984',
      avatar: '',
      role: 'owner',
      isNew: true,
      textFieldEnabled: 'Y',
      managerList: [bot.id],
      userCounter: 3,
      muteList: [],
    });
    expect(chat.lastMessageId).toBeGreaterThan(0);
    expect(r.users.map((u: any) => u.id).sort()).toEqual([alice.id, bob.id].sort());
    for (const u of r.users) expect(Object.keys(u)).toEqual(expect.arrayContaining(USER_KEYS));
    expect(await memberIds(chat.id)).toEqual([bot.id, alice.id, bob.id].sort((a, b) => a - b));
    // A second call is a second chat (no deduplication).
    expect(await botChat(bot, [alice.id])).not.toBe(chat.id);
  });

  it('form-encoded (http_build_query): description, ownerId, message, lightBlue; the platform’s notes in the conversation', async () => {
    const bot = await newBot({}, { name: 'Helper' });
    const r = await asBot(
      bot,
      'imbot.v2.Chat.add',
      { fields: { title: 'Form Room', description: 'About us', color: 'lightBlue', ownerId: alice.id, userIds: [bob.id], message: 'Hello all' } },
      'form',
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const chat = r.body.result.chat;
    expect(chat).toMatchObject({ name: 'Form Room', description: 'About us', color: '#4ba5c3', owner: alice.id, role: 'member', managerList: [alice.id] });
    const texts = (await conversation(alice, chat.id)).map((m) => [m.author_id, m.text]);
    expect(texts).toEqual([
      [0, `[USER=${bot.id}][/USER] created a chat.`],
      [0, 'Helper assigned Alice Tester as owner.'],
      [0, `[USER=${bot.id}][/USER] invited [USER=${bob.id}][/USER] to the chat`],
      [alice.id, 'About us'],
      [bot.id, 'Hello all'],
    ]);
    const invited = (await conversation(alice, chat.id))[2];
    expect(invited.params).toEqual({ CODE: ['CHAT_JOIN'], NOTIFY: 'N' });
  });

  it('UPPER_SNAKE field names work too; no title → one is made up; a colour outside the palette is assigned', async () => {
    const bot = await newBot();
    const r = await ok(bot, 'imbot.v2.Chat.add', { fields: { USER_IDS: [alice.id], COLOR: 'no-such-colour' } });
    expect(r.chat.name).not.toBe('');
    expect(r.chat.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(await memberIds(r.chat.id)).toContain(alice.id);
  });

  it('unknown and inactive users are left out without an error; an unknown ownerId leaves the bot the owner', async () => {
    const bot = await newBot();
    const gone = await newPerson('Gone');
    await p.store.users.update(gone.id, { active: 0 });
    const r = await ok(bot, 'imbot.v2.Chat.add', { fields: { title: 'Few', userIds: [alice.id, 999_999, gone.id], ownerId: 999_998 } });
    expect(r.chat.owner).toBe(bot.id);
    expect(await memberIds(r.chat.id)).toEqual([bot.id, alice.id].sort((a, b) => a - b));
    expect((await ok(bot, 'imbot.v2.Chat.add', { fields: { title: 'Odd', ownerId: 'someone' } })).chat.owner).toBe(bot.id);
  });

  it('avatar: a Base64 image is stored; anything else is AVATAR_ERROR and no chat is made', async () => {
    const bot = await newBot();
    const r = await ok(bot, 'imbot.v2.Chat.add', { fields: { title: 'Pic', avatar: pngBase64(2, 2) } });
    expect(r.chat.avatar).toBe(`${s.server.publicUrl}/avatars/chat${r.chat.id}.png`);
    const before = (await p.store.chats.chatsOf(bot.id)).length;
    expectError(await asBot(bot, 'imbot.v2.Chat.add', { fields: { title: 'Bad', avatar: 'bm90IGFuIGltYWdl' } }), 'AVATAR_ERROR', 'Avatar incorrect type');
    expectError(await asBot(bot, 'imbot.v2.Chat.add', { fields: { avatar: pngBase64(6000, 10) } }), 'AVATAR_ERROR', 'Avatar incorrect size (max 5000x5000)');
    expect((await p.store.chats.chatsOf(bot.id)).length).toBe(before);
  });

  it('ONIMBOTV2JOINCHAT: the creating bot and a bot named in userIds (fetch mode, imbot.v2.Event.get)', async () => {
    const bot = await newBot();
    const guest = await newBot();
    await drain(bot);
    await drain(guest);
    const chatId = await botChat(bot, [alice.id, guest.id]);
    for (const b of [bot, guest]) {
      const joins = (await drain(b)).filter((e) => e.type === 'ONIMBOTV2JOINCHAT');
      expect(joins).toHaveLength(1);
      expect(joins[0].data).toMatchObject({ dialogId: `chat${chatId}`, chat: { id: chatId, dialogId: `chat${chatId}` }, user: { id: bot.id }, language: 'en' });
      expect(joins[0].data.bot.id).toBe(b.id);
      // Events leave out the per-user fields.
      expect(joins[0].data.chat.role).toBeUndefined();
    }
  });
});

// ---- Chat.get ---------------------------------------------------------------------------------------

describe('imbot.v2.Chat.get', () => {
  it('the documented example: {chat} with every field; a member bot sees role member', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id]);
    const r = await asBot(bot, 'imbot.v2.Chat.get', { dialogId: `chat${chatId}` });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.result)).toEqual(['chat']);
    expect(Object.keys(r.body.result.chat).sort()).toEqual([...CHAT_KEYS].sort());
    expect(r.body.result.chat).toMatchObject({ id: chatId, isNew: false, role: 'owner', owner: bot.id, userCounter: 2 });
    const member = await newBot();
    await ok(bot, 'imbot.v2.Chat.User.add', { dialogId: `chat${chatId}`, userIds: [member.id] });
    expect((await chatOf(member, chatId)).role).toBe('member');
  });

  it('lastId and unreadId follow the bot\'s read state: first unread message of others, null when all is read', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id]);
    await ok(bot, 'imbot.v2.Chat.Message.read', { dialogId: `chat${chatId}` });
    const read = await chatOf(bot, chatId);
    expect(read.unreadId).toBeNull();
    expect(read.lastId).toBe(read.lastMessageId);
    const said: number[] = [];
    for (const text of ['one', 'two']) {
      const r = await s.call('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: text }, 'json', alice.hook);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      said.push(r.body.result);
    }
    expect(await chatOf(bot, chatId)).toMatchObject({ unreadId: said[0], lastId: read.lastId });
    await ok(bot, 'imbot.v2.Chat.Message.read', { dialogId: `chat${chatId}`, messageId: said[0] });
    expect(await chatOf(bot, chatId)).toMatchObject({ unreadId: said[1], lastId: said[0] });
    await ok(bot, 'imbot.v2.Chat.Message.read', { dialogId: `chat${chatId}` }, 'form');
    expect(await chatOf(bot, chatId)).toMatchObject({ unreadId: null, lastId: said[1] });
    // Writing in the chat reads it for the writer: the bot's own message is never unread to it.
    await s.call('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: 'three' }, 'json', alice.hook);
    const mine = await ok(bot, 'imbot.v2.Chat.Message.send', { dialogId: `chat${chatId}`, fields: { message: 'mine' } });
    expect(await chatOf(bot, chatId)).toMatchObject({ unreadId: null, lastId: mine.id, lastMessageId: mine.id });
  });

  it('a private dialog by user id: type private, dialogId the other party', async () => {
    const bot = await newBot();
    const r = await ok(bot, 'imbot.v2.Chat.get', { dialogId: String(alice.id) }, 'form');
    expect(r.chat).toMatchObject({ type: 'private', messageType: 'P', dialogId: String(alice.id), userCounter: 2 });
  });

  it('ACCESS_DENIED when the bot is not in the chat; an open chat can be read', async () => {
    const bot = await newBot();
    const chat = await withEvents(p, (tx, emit) => createGroupChat(tx, emit, { ownerId: alice.id, title: 'Closed', memberIds: [bob.id] }));
    denied(await asBot(bot, 'imbot.v2.Chat.get', { dialogId: `chat${chat.id}` }));
    const open = await withEvents(p, (tx, emit) => createGroupChat(tx, emit, { ownerId: alice.id, title: 'Open', type: 'O', memberIds: [] }));
    const guest = await chatOf(bot, open.id);
    expect(guest.role).toBe('guest');
    // Chat::getLastId: without a relation the reader is at the last message; nothing is unread to a guest.
    expect(guest.lastId).toBe(guest.lastMessageId);
    expect(guest.unreadId).toBeNull();
  });
});

// ---- Chat.update ------------------------------------------------------------------------------------

describe('imbot.v2.Chat.update', () => {
  it('the documented example {title, color: azure} → {result: true}; chat.updated names the changed fields', async () => {
    const bot = await newBot({}, { name: 'Renamer' });
    const chatId = await botChat(bot, [alice.id], { color: 'mint' });
    const mark = live.length;
    const r = await ok(bot, 'imbot.v2.Chat.update', { dialogId: `chat${chatId}`, fields: { title: 'New Title', color: 'azure' } });
    expect(r).toEqual({ result: true });
    expect(await chatOf(bot, chatId)).toMatchObject({ name: 'New Title', color: '#29619b' });
    expect(liveSince(mark).filter((e) => e.kind === 'chat.updated')).toEqual([{ kind: 'chat.updated', chatId, byUserId: bot.id, fields: ['title', 'color'] }]);
    const notes = (await conversation(alice, chatId)).slice(-2).map((m) => m.text);
    expect(notes).toEqual(['Renamer changed the chat title to "New Title".', 'Renamer changed chat color to "Azure"']);
  });

  it('description and avatar (form-encoded); an empty avatar removes it; the same values again change nothing', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, []);
    await ok(bot, 'imbot.v2.Chat.update', { dialogId: `chat${chatId}`, fields: { description: ' Rules ', avatar: pngBase64(3, 3) } }, 'form');
    let chat = await chatOf(bot, chatId);
    expect(chat.description).toBe('Rules');
    expect(chat.avatar).toMatch(new RegExp(`/avatars/chat${chatId}\\.png$`));
    const mark = live.length;
    await ok(bot, 'imbot.v2.Chat.update', { dialogId: `chat${chatId}`, fields: { description: 'Rules', title: '   ', color: 'nope' } });
    expect(liveSince(mark).filter((e) => e.kind === 'chat.updated')).toEqual([]);
    await ok(bot, 'imbot.v2.Chat.update', { dialogId: `chat${chatId}`, fields: { avatar: '' } });
    chat = await chatOf(bot, chatId);
    expect(chat.avatar).toBe('');
    expectError(await asBot(bot, 'imbot.v2.Chat.update', { dialogId: `chat${chatId}`, fields: { avatar: 'xyz' } }), 'AVATAR_ERROR', 'Avatar incorrect type');
    expect((await chatOf(bot, chatId)).description).toBe('Rules');
  });

  it('ACCESS_DENIED: a bot that is only a member, a bot outside the chat, a private dialog', async () => {
    const owner = await newBot();
    const member = await newBot();
    const outsider = await newBot();
    const chatId = await botChat(owner, [member.id]);
    denied(await asBot(member, 'imbot.v2.Chat.update', { dialogId: `chat${chatId}`, fields: { title: 'Mine' } }));
    denied(await asBot(outsider, 'imbot.v2.Chat.update', { dialogId: `chat${chatId}`, fields: { title: 'Mine' } }));
    denied(await asBot(owner, 'imbot.v2.Chat.update', { dialogId: String(alice.id), fields: { title: 'Mine' } }));
    expect((await chatOf(owner, chatId)).name).not.toBe('Mine');
  });
});

// ---- Chat.User.* ------------------------------------------------------------------------------------

describe('imbot.v2.Chat.User.add / delete / list', () => {
  it('User.add: {result: true}; unknown, inactive and present users are skipped; a note and one join event', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id]);
    const mark = live.length;
    expect(await ok(bot, 'imbot.v2.Chat.User.add', { dialogId: `chat${chatId}`, userIds: [bob.id, alice.id, 999_999] })).toEqual({ result: true });
    expect(await memberIds(chatId)).toEqual([bot.id, alice.id, bob.id].sort((a, b) => a - b));
    expect(liveSince(mark).filter((e) => e.kind === 'chat.joined')).toEqual([{ kind: 'chat.joined', chatId, userIds: [bob.id], byUserId: bot.id }]);
    expect((await conversation(bob, chatId)).at(-1)?.text).toBe(`[USER=${bot.id}][/USER] invited [USER=${bob.id}][/USER] to the chat`);
    // form: userIds[]=…
    await ok(bot, 'imbot.v2.Chat.User.add', { dialogId: `chat${chatId}`, userIds: [carol.id] }, 'form');
    expect(await memberIds(chatId)).toContain(carol.id);
    // nothing to add: still true, no note
    const count = (await conversation(alice, chatId)).length;
    expect(await ok(bot, 'imbot.v2.Chat.User.add', { dialogId: `chat${chatId}`, userIds: [] })).toEqual({ result: true });
    expect((await conversation(alice, chatId)).length).toBe(count);
  });

  it('User.add: a member bot may add people; ACCESS_DENIED outside the chat and in a private dialog', async () => {
    const owner = await newBot();
    const member = await newBot();
    const outsider = await newBot();
    const chatId = await botChat(owner, [member.id]);
    await ok(member, 'imbot.v2.Chat.User.add', { dialogId: `chat${chatId}`, userIds: [alice.id] });
    expect(await memberIds(chatId)).toContain(alice.id);
    denied(await asBot(outsider, 'imbot.v2.Chat.User.add', { dialogId: `chat${chatId}`, userIds: [bob.id] }));
    denied(await asBot(owner, 'imbot.v2.Chat.User.add', { dialogId: String(alice.id), userIds: [bob.id] }));
    expect(await memberIds(chatId)).not.toContain(bob.id);
  });

  it('ONIMBOTV2JOINCHAT to a webhook-mode bot added with User.add (one form-encoded POST)', async () => {
    const rcv = await new FormReceiver().start();
    try {
      const hookBot = await newBot({ eventMode: 'webhook', webhookUrl: rcv.url('/join') });
      const bot = await newBot();
      const chatId = await botChat(bot, [alice.id]);
      await ok(bot, 'imbot.v2.Chat.User.add', { dialogId: `chat${chatId}`, userIds: [hookBot.id] });
      const post = await rcv.waitFor((x) => x.body.event === 'ONIMBOTV2JOINCHAT');
      expect(post.contentType).toContain('application/x-www-form-urlencoded');
      expect(post.body.data).toMatchObject({ dialogId: `chat${chatId}`, chat: { id: String(chatId) }, user: { id: String(bot.id) }, bot: { id: String(hookBot.id) } });
      await deliveriesSettled(s);
      expect(rcv.posts.filter((x) => x.body.event === 'ONIMBOTV2JOINCHAT')).toHaveLength(1);
    } finally {
      await rcv.close();
    }
  });

  it('User.delete: the owner bot excludes a person (chat.left, a note); someone not in the chat is true all the same', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id, bob.id]);
    const mark = live.length;
    expect(await ok(bot, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}`, userId: bob.id })).toEqual({ result: true });
    expect(await memberIds(chatId)).not.toContain(bob.id);
    expect(liveSince(mark).filter((e) => e.kind === 'chat.left')).toEqual([{ kind: 'chat.left', chatId, userIds: [bob.id], byUserId: bot.id }]);
    const note = (await conversation(alice, chatId)).at(-1);
    expect(note).toMatchObject({ author_id: 0, text: `[USER=${bot.id}][/USER] ejected [USER=${bob.id}][/USER] from chat.`, params: { CODE: ['CHAT_LEAVE'] } });
    expect(await ok(bot, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}`, userId: String(bob.id) }, 'form')).toEqual({ result: true });
    expectError(await asBot(bot, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}` }), 100, 'Could not find value for parameter {userId}');
  });

  it('User.delete rights: a member bot may not exclude others, a manager may, nobody excludes the owner; removing oneself is leaving', async () => {
    const owner = await newBot();
    const member = await newBot();
    const chatId = await botChat(owner, [member.id, alice.id, bob.id]);
    denied(await asBot(member, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}`, userId: alice.id }));
    await ok(owner, 'imbot.v2.Chat.Manager.add', { dialogId: `chat${chatId}`, userIds: [member.id] });
    await ok(member, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}`, userId: alice.id });
    denied(await asBot(member, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}`, userId: owner.id }));
    await ok(member, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}`, userId: member.id });
    expect(await memberIds(chatId)).toEqual([owner.id, bob.id].sort((a, b) => a - b));
    denied(await asBot(member, 'imbot.v2.Chat.User.delete', { dialogId: `chat${chatId}`, userId: bob.id }));
  });

  it('User.list: the documented User objects; order by userId / lastSendMessageId; limit 1..200 (else 50)', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id, bob.id]);
    const all = await ok(bot, 'imbot.v2.Chat.User.list', { dialogId: `chat${chatId}` });
    // Joining order (all three joined at once: by user id).
    expect(all.map((u: any) => u.id)).toEqual([bot.id, alice.id, bob.id].sort((a, b) => a - b));
    for (const u of all) expect(Object.keys(u)).toEqual(expect.arrayContaining(USER_KEYS));
    expect(all.find((u: any) => u.id === bot.id)).toMatchObject({ bot: true });
    const desc = await ok(bot, 'imbot.v2.Chat.User.list', { dialogId: `chat${chatId}`, order: { userId: 'desc' } });
    expect(desc.map((u: any) => u.id)).toEqual([bot.id, alice.id, bob.id].sort((a, b) => b - a));
    await s.call('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: 'hi' }, 'json', bob.hook);
    const bySent = await ok(bot, 'imbot.v2.Chat.User.list', { dialogId: `chat${chatId}`, order: { lastSendMessageId: 'DESC' } }, 'form');
    expect(bySent[0].id).toBe(bob.id);
    expect(await ok(bot, 'imbot.v2.Chat.User.list', { dialogId: `chat${chatId}`, limit: 1 })).toHaveLength(1);
    expect(await ok(bot, 'imbot.v2.Chat.User.list', { dialogId: `chat${chatId}`, limit: 0 })).toHaveLength(3);
    expect(await ok(bot, 'imbot.v2.Chat.User.list', { dialogId: `chat${chatId}`, limit: 500 })).toHaveLength(3);
    const outsider = await newBot();
    denied(await asBot(outsider, 'imbot.v2.Chat.User.list', { dialogId: `chat${chatId}` }));
  });
});

// ---- Chat.leave -------------------------------------------------------------------------------------

describe('imbot.v2.Chat.leave', () => {
  it('{result: true}; the owner bot hands the chat to a person; a note and chat.left; ACCESS_DENIED once gone', async () => {
    const bot = await newBot();
    const other = await newBot();
    const chatId = await botChat(bot, [other.id, alice.id]);
    const mark = live.length;
    expect(await ok(bot, 'imbot.v2.Chat.leave', { dialogId: `chat${chatId}` }, 'form')).toEqual({ result: true });
    expect(await memberIds(chatId)).toEqual([other.id, alice.id].sort((a, b) => a - b));
    // Ownership goes to a person (Chat::changeAuthor skips bots), even though the other bot joined first.
    expect((await chatOf(other, chatId)).owner).toBe(alice.id);
    const kinds = liveSince(mark).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['chat.left', 'chat.updated']));
    expect((await conversation(alice, chatId)).at(-1)?.text).toBe(`[USER=${bot.id}][/USER] left the chat.`);
    denied(await asBot(bot, 'imbot.v2.Chat.leave', { dialogId: `chat${chatId}` }));
    denied(await asBot(bot, 'imbot.v2.Chat.get', { dialogId: `chat${chatId}` }));
  });

  it('ACCESS_DENIED in a private dialog, and in a chat that keeps its members (a workgroup chat)', async () => {
    const bot = await newBot();
    denied(await asBot(bot, 'imbot.v2.Chat.leave', { dialogId: String(alice.id) }));
    const group = await withEvents(p, (tx, emit) =>
      createGroupChat(tx, emit, { ownerId: alice.id, title: 'WG', entityType: 'SONET_GROUP', entityId: '7', memberIds: [bot.id] }),
    );
    denied(await asBot(bot, 'imbot.v2.Chat.leave', { dialogId: `chat${group.id}` }));
    expect(await memberIds(group.id)).toContain(bot.id);
  });
});

// ---- Chat.Manager.* and Chat.setOwner -------------------------------------------------------------

describe('imbot.v2.Chat.Manager.add / delete', () => {
  it('the owner bot grants and revokes manager rights; non-members are ignored; chat.updated managerList', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id, bob.id]);
    const mark = live.length;
    expect(await ok(bot, 'imbot.v2.Chat.Manager.add', { dialogId: `chat${chatId}`, userIds: [alice.id, carol.id] })).toEqual({ result: true });
    expect((await chatOf(bot, chatId)).managerList.sort()).toEqual([bot.id, alice.id].sort());
    expect(liveSince(mark).filter((e) => e.kind === 'chat.updated')).toEqual([{ kind: 'chat.updated', chatId, byUserId: bot.id, fields: ['managerList'] }]);
    await ok(bot, 'imbot.v2.Chat.Manager.add', { dialogId: `chat${chatId}`, userIds: [bob.id] }, 'form');
    await ok(bot, 'imbot.v2.Chat.Manager.delete', { dialogId: `chat${chatId}`, userIds: [alice.id, bot.id] });
    expect((await chatOf(bot, chatId)).managerList.sort()).toEqual([bot.id, bob.id].sort());
  });

  it('EMPTY_USER_IDS without ids; ACCESS_DENIED for a bot that is not the owner (even a manager)', async () => {
    const owner = await newBot();
    const manager = await newBot();
    const chatId = await botChat(owner, [manager.id, alice.id]);
    await ok(owner, 'imbot.v2.Chat.Manager.add', { dialogId: `chat${chatId}`, userIds: [manager.id] });
    for (const method of ['imbot.v2.Chat.Manager.add', 'imbot.v2.Chat.Manager.delete']) {
      expectError(await asBot(owner, method, { dialogId: `chat${chatId}` }), 'EMPTY_USER_IDS', 'Empty user IDs');
      expectError(await asBot(owner, method, { dialogId: `chat${chatId}`, userIds: [] }), 'EMPTY_USER_IDS', 'Empty user IDs');
      denied(await asBot(manager, method, { dialogId: `chat${chatId}`, userIds: [alice.id] }));
    }
    expect((await chatOf(owner, chatId)).managerList.sort()).toEqual([owner.id, manager.id].sort());
  });
});

describe('imbot.v2.Chat.setOwner', () => {
  it('{result: true}; the new owner is a member; the bot becomes a plain member and can no longer hand it on', async () => {
    const bot = await newBot({}, { name: 'Keeper' });
    const chatId = await botChat(bot, [alice.id, bob.id]);
    const mark = live.length;
    expect(await ok(bot, 'imbot.v2.Chat.setOwner', { dialogId: `chat${chatId}`, userId: alice.id })).toEqual({ result: true });
    const chat = await chatOf(bot, chatId);
    expect(chat).toMatchObject({ owner: alice.id, role: 'member' });
    expect(liveSince(mark).filter((e) => e.kind === 'chat.updated')).toEqual([{ kind: 'chat.updated', chatId, byUserId: bot.id, fields: ['owner'] }]);
    expect((await conversation(alice, chatId)).at(-1)?.text).toBe('Keeper assigned Alice Tester as owner.');
    denied(await asBot(bot, 'imbot.v2.Chat.setOwner', { dialogId: `chat${chatId}`, userId: bob.id }, 'form'));
    expect((await chatOf(bot, chatId)).owner).toBe(alice.id);
  });

  it('USER_NOT_FOUND for someone outside the chat; userId is required (error 100); ACCESS_DENIED in a private dialog', async () => {
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id]);
    expectError(await asBot(bot, 'imbot.v2.Chat.setOwner', { dialogId: `chat${chatId}`, userId: carol.id }), 'USER_NOT_FOUND', 'The specified user is not in the chat');
    expectError(await asBot(bot, 'imbot.v2.Chat.setOwner', { dialogId: `chat${chatId}` }), 100, 'Could not find value for parameter {userId}');
    denied(await asBot(bot, 'imbot.v2.Chat.setOwner', { dialogId: String(alice.id), userId: alice.id }));
    expect((await chatOf(bot, chatId)).owner).toBe(bot.id);
  });
});

// ---- through the official SDK, and the classic methods' events ------------------------------------

describe('the whole chat life through @bitrix24/b24jssdk (HTTPS webhook)', () => {
  it('Chat.add → User.add → Manager.add → User.list → setOwner → leave', async () => {
    const sdk = sdkHook(s.server.adminWebhook.https!, s.server.certPath!);
    const bot = await newBot();
    const auth = { botId: bot.id, botToken: bot.token };
    const created = await sdkCall(sdk, 'imbot.v2.Chat.add', { ...auth, fields: { title: 'Support Chat', color: 'mint', userIds: [alice.id] } });
    const dialogId = created.chat.dialogId;
    expect(created.chat).toMatchObject({ name: 'Support Chat', color: '#4ba984', owner: bot.id });
    expect(await sdkCall(sdk, 'imbot.v2.Chat.User.add', { ...auth, dialogId, userIds: [bob.id] })).toEqual({ result: true });
    expect(await sdkCall(sdk, 'imbot.v2.Chat.Manager.add', { ...auth, dialogId, userIds: [bob.id] })).toEqual({ result: true });
    const users = await sdkCall(sdk, 'imbot.v2.Chat.User.list', { ...auth, dialogId, order: { userId: 'ASC' } });
    expect(users.map((u: any) => u.id)).toEqual([bot.id, alice.id, bob.id].sort((a, b) => a - b));
    expect(await sdkCall(sdk, 'imbot.v2.Chat.setOwner', { ...auth, dialogId, userId: bob.id })).toEqual({ result: true });
    expect(await sdkCall(sdk, 'imbot.v2.Chat.leave', { ...auth, dialogId })).toEqual({ result: true });
    expect(await memberIds(created.chat.id)).toEqual([alice.id, bob.id].sort((a, b) => a - b));
    expect((await p.store.chats.byId(created.chat.id))?.owner_id).toBe(bob.id);
  });
});

describe('the classic methods report the same chat events', () => {
  it('v1 imbot.chat.updateTitle / setOwner → chat.updated; imbot.chat.leave and im.chat.user.delete → chat.left', async () => {
    // A v1 CLIENT_ID and a v2 botToken name the same owner ('custom' + value).
    const bot = await newBot();
    const chatId = await botChat(bot, [alice.id, bob.id]);
    const v1 = (method: string, params: Record<string, unknown>) => s.call(method, { BOT_ID: bot.id, CLIENT_ID: bot.token, CHAT_ID: chatId, ...params });
    const mark = live.length;
    expect((await v1('imbot.chat.updateTitle', { TITLE: 'Classic' })).body.result).toBe(true);
    expect((await v1('imbot.chat.setOwner', { USER_ID: alice.id })).body.result).toBe(true);
    expect((await s.call('im.chat.user.delete', { CHAT_ID: chatId, USER_ID: bob.id }, 'json', alice.hook)).body.result).toBe(true);
    expect((await v1('imbot.chat.leave', {})).body.result).toBe(true);
    expect(liveSince(mark).filter((e) => e.kind === 'chat.updated' || e.kind === 'chat.left')).toEqual([
      { kind: 'chat.updated', chatId, byUserId: bot.id, fields: ['title'] },
      { kind: 'chat.updated', chatId, byUserId: bot.id, fields: ['owner'] },
      { kind: 'chat.left', chatId, userIds: [bob.id], byUserId: alice.id },
      { kind: 'chat.left', chatId, userIds: [bot.id], byUserId: bot.id },
    ]);
  });
});
