import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/domain/platform.js';
import { type ApiResponse, expectError, fixtures, type Person, uniq } from './helpers/fixtures.js';
import { isTimeObject, testServer, type TestServer } from './helpers/server.js';

// im.v2/events/{index,event-subscribe,event-unsubscribe,event-get,events}.md; imbot.v2/events/event-get.md
// ("Retrieving Bot and User Events"); platform-behaviour.md §4 (Event.get); docs/events.md (im.v2 feed).

let s: TestServer;
let p: Platform;

beforeAll(async () => {
  s = await testServer();
  p = s.server.platform;
});
afterAll(() => s?.close());

const { newPerson, newBot, asBot, asUser, say } = fixtures(() => s, { botName: 'Reactor' });

const ok = (r: ApiResponse) => {
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.result;
};

async function groupChat(owner: Person, members: Person[]): Promise<number> {
  return Number(ok(await asUser(owner, 'im.chat.add', { TITLE: uniq('Team'), USERS: members.map((m) => m.id) })));
}

type Page = { events: { eventId: number; type: string; date: string; data: any }[]; nextOffset: number; hasMore: boolean };
const feed = async (who: Person, params: Record<string, unknown> = {}, enc: 'json' | 'form' | 'query' = 'json') =>
  ok(await asUser(who, 'im.v2.Event.get', params, enc)) as Page;

/** Everything pending for `who`, acknowledged. */
async function drain(who: Person) {
  const got = await feed(who, { limit: 1000 });
  if (got.events.length) await feed(who, { offset: got.nextOffset });
  return got.events;
}

async function subscribed(name: string, scopes = ['im']): Promise<Person> {
  const person = await newPerson(name, scopes);
  expect(ok(await asUser(person, 'im.v2.Event.subscribe'))).toBe(true);
  return person;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

describe('im.v2.Event.subscribe / unsubscribe', () => {
  it('answer the documented {result:true, time} and are idempotent (JSON, form and query)', async () => {
    const person = await newPerson('Sub');
    for (const enc of ['json', 'form', 'query'] as const) {
      const r = await s.call('im.v2.Event.subscribe', {}, enc, person.hook);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
      expect(r.body.result).toBe(true);
      expect(isTimeObject(r.body.time)).toBe(true);
    }
    expect(await p.store.feedSubscriptions.isSubscribed(person.id)).toBe(true);
    for (const enc of ['json', 'form'] as const) expect(ok(await s.call('im.v2.Event.unsubscribe', {}, enc, person.hook))).toBe(true);
    expect(await p.store.feedSubscriptions.isSubscribed(person.id)).toBe(false);
  });

  it('need the im scope', async () => {
    const noIm = await newPerson('NoIm', ['imbot']);
    for (const m of ['im.v2.Event.subscribe', 'im.v2.Event.unsubscribe', 'im.v2.Event.get']) {
      const r = await s.call(m, {}, 'json', noIm.hook);
      expect(r.status, m).toBe(403);
      expect(r.body.error).toBe('insufficient_scope');
    }
  });
});

describe('im.v2.Event.get', () => {
  it('without a subscription records nothing and returns an empty page', async () => {
    const quiet = await newPerson('Quiet');
    const writer = await newPerson('Writer');
    await say(writer, quiet.id, 'hello?');
    const r = await s.call('im.v2.Event.get', { offset: 0, limit: 50 }, 'json', quiet.hook);
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ events: [], nextOffset: 0, hasMore: false });
    expect(isTimeObject(r.body.time)).toBe(true);
  });

  it('ONIMV2MESSAGEADD: the simplified chat and user objects of events.md, private dialogId from the reader side', async () => {
    const reader = await subscribed('Reader');
    const writer = await newPerson('Writer');
    const id = await say(writer, reader.id, 'Hello everyone!');
    const page = await feed(reader);
    expect(page.events).toHaveLength(1);
    const [ev] = page.events;
    expect(Object.keys(ev).sort()).toEqual(['data', 'date', 'eventId', 'type']);
    expect(ev.type).toBe('ONIMV2MESSAGEADD');
    expect(ev.date).toMatch(ISO);
    expect(page.nextOffset).toBe(ev.eventId + 1);
    expect(page.hasMore).toBe(false);
    expect(Object.keys(ev.data)).toEqual(['message', 'chat', 'user', 'language']);
    expect(ev.data.message).toMatchObject({ id, authorId: writer.id, text: 'Hello everyone!', isSystem: false });
    // The chat as the reader sees it: the other party's id, and no per-user fields.
    expect(ev.data.chat).toMatchObject({ type: 'private', messageType: 'P', dialogId: String(writer.id) });
    for (const k of ['role', 'muteList']) expect(ev.data.chat).not.toHaveProperty(k);
    expect(ev.data.user).toMatchObject({ id: writer.id, firstName: 'Writer', bot: false, idle: false, lastActivityDate: false, mobileLastDate: false, desktopLastDate: false });
    for (const k of ['network', 'botData', 'avatarHr']) expect(ev.data.user).not.toHaveProperty(k);
    expect(ev.data.language).toBe('en');
    expect(ev.data).not.toHaveProperty('auth');
    expect(ev.data).not.toHaveProperty('bot');
  });

  it('reaches every subscribed member of a group chat, the author included, and nobody outside it', async () => {
    const a = await subscribed('Alice');
    const b = await subscribed('Bob');
    const outsider = await subscribed('Out');
    const chatId = await groupChat(a, [b]);
    await Promise.all([drain(a), drain(b)]);
    const id = await say(a, `chat${chatId}`, 'team news');
    for (const who of [a, b]) {
      const evs = (await drain(who)).filter((e) => e.type === 'ONIMV2MESSAGEADD');
      expect(evs.map((e) => e.data.message.id)).toEqual([id]);
      expect(evs[0].data.chat).toMatchObject({ id: chatId, dialogId: `chat${chatId}`, type: 'chat' });
      expect(evs[0].data.user.id).toBe(a.id);
    }
    expect(await drain(outsider)).toEqual([]);
  });

  it('ONIMV2MESSAGEUPDATE and ONIMV2MESSAGEDELETE follow edits and deletions', async () => {
    const reader = await subscribed('Reader');
    const writer = await newPerson('Writer');
    const id = await say(writer, reader.id, 'first');
    await drain(reader);
    ok(await s.call('im.message.update', { MESSAGE_ID: id, MESSAGE: 'second' }, 'form', writer.hook));
    ok(await s.call('im.message.delete', { MESSAGE_ID: id }, 'form', writer.hook));
    const evs = await drain(reader);
    expect(evs.map((e) => e.type)).toEqual(['ONIMV2MESSAGEUPDATE', 'ONIMV2MESSAGEDELETE']);
    expect(Object.keys(evs[0].data)).toEqual(['message', 'chat', 'user', 'language']);
    expect(evs[0].data.message).toMatchObject({ id, text: 'second' });
    expect(Object.keys(evs[1].data)).toEqual(['messageId', 'chat', 'user', 'language']);
    expect(evs[1].data.messageId).toBe(id);
    expect(evs[1].data.user.id).toBe(writer.id);
    expect(evs[1].data.chat.dialogId).toBe(String(writer.id));
  });

  it('ONIMV2JOINCHAT: one event per person added, with the chat dialogId and the added user', async () => {
    const owner = await subscribed('Owner');
    const chatId = await groupChat(owner, [await newPerson('First')]);
    await drain(owner);
    const joiner = await newPerson('Joiner');
    ok(await s.call('im.chat.user.add', { CHAT_ID: chatId, USERS: [joiner.id] }, 'json', owner.hook));
    const joins = (await drain(owner)).filter((e) => e.type === 'ONIMV2JOINCHAT');
    expect(joins).toHaveLength(1);
    expect(Object.keys(joins[0].data)).toEqual(['dialogId', 'chat', 'user', 'language']);
    expect(joins[0].data.dialogId).toBe(`chat${chatId}`);
    expect(joins[0].data.user.id).toBe(joiner.id);
    // Opening a private dialog is not a join.
    await say(await newPerson('Stranger'), owner.id, 'hi');
    expect((await drain(owner)).map((e) => e.type)).toEqual(['ONIMV2MESSAGEADD']);
  });

  it('ONIMV2REACTIONCHANGE carries reaction, action, the message and the reacting user (Reaction.add / delete, im.message.like)', async () => {
    const reader = await subscribed('Reader');
    const bot = await newBot();
    const id = await say(reader, bot.id, 'react to me');
    await drain(reader);
    // A bot reacts to the reader's message: the reader hears it, with the bot as the user.
    ok(await asBot(bot, 'imbot.v2.Chat.Message.Reaction.add', { messageId: id, reaction: 'like' }));
    ok(await asBot(bot, 'imbot.v2.Chat.Message.Reaction.delete', { messageId: id, reaction: 'like' }, 'form'));
    const evs = await drain(reader);
    expect(evs.map((e) => [e.type, e.data.action, e.data.reaction])).toEqual([
      ['ONIMV2REACTIONCHANGE', 'add', 'like'],
      ['ONIMV2REACTIONCHANGE', 'delete', 'like'],
    ]);
    const [ev] = evs;
    expect(Object.keys(ev.data)).toEqual(['reaction', 'action', 'message', 'chat', 'user', 'language']);
    expect(ev.data).toMatchObject({ message: { id, authorId: reader.id, text: 'react to me' }, user: { id: bot.id, bot: true } });
    expect(ev.data.chat).toMatchObject({ type: 'private', dialogId: String(bot.id) });
    // The reader likes the bot's answer with the people's method: their own reaction comes back to them.
    const reply = Number(ok(await asBot(bot, 'imbot.v2.Chat.Message.send', { dialogId: String(reader.id), fields: { message: 'thanks' } })).id);
    await drain(reader);
    expect(ok(await asUser(reader, 'im.message.like', { MESSAGE_ID: reply }))).toBe(true);
    const [liked] = await drain(reader);
    expect(liked.type).toBe('ONIMV2REACTIONCHANGE');
    expect(liked.data).toMatchObject({ reaction: 'like', action: 'add', message: { id: reply, authorId: bot.id }, user: { id: reader.id } });
  });

  it('offset acknowledges, limit pages (hasMore), ids are shared across the portal', async () => {
    const reader = await subscribed('Pager');
    const writer = await newPerson('Writer');
    const ids = [];
    for (const t of ['one', 'two', 'three']) ids.push(await say(writer, reader.id, t));
    const first = await feed(reader, { limit: 2 }, 'form');
    expect(first.events.map((e) => e.data.message.text)).toEqual(['one', 'two']);
    expect(first.hasMore).toBe(true);
    // Not acknowledged yet: the same page again.
    expect((await feed(reader, { limit: 2 }, 'query')).events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    const second = await feed(reader, { offset: first.nextOffset, limit: 2 });
    expect(second.events.map((e) => e.data.message.text)).toEqual(['three']);
    expect(second.hasMore).toBe(false);
    expect(second.nextOffset).toBe(second.events[0].eventId + 1);
    const rest = await feed(reader, { offset: second.nextOffset });
    expect(rest).toEqual({ events: [], nextOffset: second.nextOffset, hasMore: false });
    // Acknowledged rows are gone from the store.
    expect(await p.store.events.read([reader.id], 0, 10)).toEqual([]);
  });

  it('after unsubscribe nothing new is recorded, but what was recorded stays readable', async () => {
    const reader = await subscribed('Leaver');
    const writer = await newPerson('Writer');
    await say(writer, reader.id, 'before');
    ok(await s.call('im.v2.Event.unsubscribe', {}, 'json', reader.hook));
    await say(writer, reader.id, 'after');
    expect((await drain(reader)).map((e) => e.data.message.text)).toEqual(['before']);
  });

  it('bad paging parameters are the binder error 100, not a 500', async () => {
    const reader = await subscribed('Bad');
    const r = await s.call('im.v2.Event.get', { limit: 'many' }, 'json', reader.hook);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe(100);
  });
});

describe('imbot.v2.Event.get withUserEvents', () => {
  async function botOf(owner: Person) {
    const token = uniq('tok');
    const reg = ok(await s.call('imbot.v2.Bot.register', { botToken: token, fields: { code: uniq('bot'), properties: { name: 'Merger' } } }, 'json', owner.hook));
    return { id: reg.bot.id as number, token };
  }
  const botEvents = async (owner: Person, bot: { id: number; token: string }, params: Record<string, unknown>) =>
    s.call('imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, ...params }, 'json', owner.hook);

  it('SCOPE_ERROR without im, USER_NOT_SUBSCRIBED before im.v2.Event.subscribe', async () => {
    const imbotOnly = await newPerson('ImbotOnly', ['imbot']);
    const bot = await botOf(imbotOnly);
    expectError(await botEvents(imbotOnly, bot, { withUserEvents: true }), 'SCOPE_ERROR', 'Scope error');
    const both = await newPerson('Both', ['imbot', 'im']);
    const bot2 = await botOf(both);
    expectError(await botEvents(both, bot2, { withUserEvents: true }), 'USER_NOT_SUBSCRIBED', 'User not subscribed');
    ok(await s.call('im.v2.Event.subscribe', {}, 'json', both.hook));
    expect(ok(await botEvents(both, bot2, { withUserEvents: true }))).toEqual({ events: [], nextOffset: 0, hasMore: false });
  });

  it("merges the bot's ONIMBOTV2* and the user's ONIMV2* events in id order; one offset acknowledges both", async () => {
    const dev = await newPerson('Dev', ['imbot', 'im']);
    ok(await s.call('im.v2.Event.subscribe', {}, 'json', dev.hook));
    const bot = await botOf(dev);
    const customer = await newPerson('Customer');
    await say(customer, bot.id, 'to the bot');
    await say(customer, dev.id, 'to the developer');
    const merged = ok(await botEvents(dev, bot, { withUserEvents: true, limit: 50 })) as Page;
    const kinds = merged.events.map((e) => `${e.type}:${e.data.message?.text ?? ''}`);
    expect(kinds).toEqual(['ONIMBOTV2JOINCHAT:', 'ONIMBOTV2MESSAGEADD:to the bot', 'ONIMV2MESSAGEADD:to the developer']);
    const ids = merged.events.map((e) => e.eventId);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    // Without the flag only the bot's own events.
    const botOnly = ok(await botEvents(dev, bot, { limit: 50 })) as Page;
    expect(botOnly.events.map((e) => e.type)).toEqual(['ONIMBOTV2JOINCHAT', 'ONIMBOTV2MESSAGEADD']);
    // One offset acknowledges the bot's and the user's rows.
    const after = ok(await botEvents(dev, bot, { withUserEvents: 'Y', offset: merged.nextOffset })) as Page;
    expect(after.events).toEqual([]);
    expect(await feed(dev)).toEqual({ events: [], nextOffset: 0, hasMore: false });
  });
});
