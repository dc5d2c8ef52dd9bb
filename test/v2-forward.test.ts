import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { testServer, type TestServer } from './helpers/server.js';

// imbot.v2.Chat.Message.send: forwardIds ({uuid: messageId} → uuidMap {uuid: newId}) and replyId.

let s: TestServer;
let botId: number;
let userId: number;
let userBase: string;
const TOKEN = 'forward_bot_token';
const bot = (method: string, params: Record<string, unknown>) => s.call(method, { botId, botToken: TOKEN, ...params });

beforeAll(async () => {
  s = await testServer();
  const reg = await s.call('imbot.v2.Bot.register', { fields: { code: 'forwarder', botToken: TOKEN, properties: { name: 'Forwarder' } } });
  botId = reg.body.result.bot.id;
  const p = s.server.platform;
  const u = await createUser(p.store, { name: 'Fiona' });
  userId = u.id;
  userBase = `${s.url}/rest/${u.id}/${(await createWebhook(p.store, p.box, { userId: u.id, scopes: ['im'] })).secret}/`;
});
afterAll(() => s.close());

describe('forwardIds', () => {
  it('copies messages from a chat the bot is in and maps each uuid to the new id', async () => {
    const original = await s.call('im.message.add', { DIALOG_ID: botId, MESSAGE: 'forward me' }, 'json', userBase);
    const chat = await s.call('im.chat.add', { TITLE: 'Target', USERS: [botId] });
    const uuid = 'a3b7c1d2-0000-4000-8000-000000000001';
    const r = await bot('imbot.v2.Chat.Message.send', { dialogId: `chat${chat.body.result}`, fields: { forwardIds: { [uuid]: original.body.result } } });
    expect(r.status).toBe(200);
    const newId = r.body.result.uuidMap[uuid];
    expect(newId).toBeGreaterThan(original.body.result);
    expect(r.body.result.id).toBe(newId);

    const got = await s.call('im.dialog.messages.get', { DIALOG_ID: `chat${chat.body.result}` });
    const copy = got.body.result.messages.find((m: any) => m.id === newId);
    expect(copy.text).toBe('forward me');
    expect(copy.author_id).toBe(botId);
  });

  it('text and forwards together: the id is the text message, the forwards are in uuidMap', async () => {
    const original = await s.call('im.message.add', { DIALOG_ID: botId, MESSAGE: 'second' }, 'json', userBase);
    const r = await bot('imbot.v2.Chat.Message.send', { dialogId: String(userId), fields: { message: 'see below', forwardIds: { u1: original.body.result } } });
    expect(r.status).toBe(200);
    expect(r.body.result.uuidMap.u1).toBeGreaterThan(r.body.result.id);
  });

  it('refuses messages from chats the bot is not in, and more than 100', async () => {
    const other = await createUser(s.server.platform.store, { name: 'Other' });
    const privateMsg = await s.call('im.message.add', { DIALOG_ID: other.id, MESSAGE: 'not for bots' });
    const denied = await bot('imbot.v2.Chat.Message.send', { dialogId: String(userId), fields: { forwardIds: { x: privateMsg.body.result } } });
    expect(denied.status).toBe(400);
    expect(denied.body.error).toBe('ACCESS_DENIED');
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 1]));
    const tooMany = await bot('imbot.v2.Chat.Message.send', { dialogId: String(userId), fields: { forwardIds: many } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toBe('SENDING_FAILED');
  });
});

describe('replyId', () => {
  it('a non-numeric replyId is a binder error, not a server error', async () => {
    const r = await bot('imbot.v2.Chat.Message.send', { dialogId: String(userId), fields: { message: 'x', replyId: 'abc' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe(100);
  });

  it('a reply to a message of this chat is stored with REPLY_ID', async () => {
    const original = await s.call('im.message.add', { DIALOG_ID: botId, MESSAGE: 'question' }, 'json', userBase);
    const r = await bot('imbot.v2.Chat.Message.send', { dialogId: String(userId), fields: { message: 'answer', replyId: String(original.body.result) } });
    expect(r.status).toBe(200);
    const got = await s.call('im.dialog.messages.get', { DIALOG_ID: botId }, 'json', userBase);
    expect(got.body.result.messages.find((m: any) => m.id === r.body.result.id).params.REPLY_ID).toBe(original.body.result);
  });
});
