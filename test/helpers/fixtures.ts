import { expect } from 'vitest';
import { createGroupChat } from '../../src/domain/messenger/chats.js';
import { createUser } from '../../src/domain/users.js';
import { createWebhook } from '../../src/domain/webhooks.js';
import { withEvents } from '../../src/events/pipeline.js';
import type { ChatRow } from '../../src/store/repos/chats.js';
import type { Encoding, TestServer } from './server.js';

/**
 * The bots, people and chats the imbot.v2 / im tests set up, once. Bots are registered and people write
 * through the real API; only group chats owned by a person are made through the domain, where the
 * people's chat methods are not what a test is about.
 */

/** Just enough of a response to check it. */
export interface ApiResponse {
  status: number;
  body: any;
}

/** A fetch-mode bot registered with imbot.v2.Bot.register under a botToken of its own. */
export interface Bot {
  id: number;
  token: string;
  code: string;
}

/** A person of the portal with a webhook of their own (`hook`, '/'-terminated). */
export interface Person {
  id: number;
  hook: string;
}

export type Params = Record<string, unknown>;

/** Queued bot events as imbot.v2.Event.get returns them. */
export interface BotEvent {
  eventId: number;
  type: string;
  date: string;
  data: any;
}

let seq = 0;
/** A fresh code / token / title, so tests do not depend on each other. */
export const uniq = (prefix: string) => `${prefix}_${++seq}_${Math.random().toString(36).slice(2, 7)}`;

/** What an expected error is besides its code: the description, or `{description?, status?}` (default 400). */
export type ErrorWant = string | { description?: string; status?: number };

/** A Bitrix error envelope: the HTTP status, the code, a description (this one when given), no result, no time. */
export function expectError(r: ApiResponse, code: string | number, want: ErrorWant = {}) {
  const { description, status = 400 } = typeof want === 'string' ? { description: want } : want;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error).toBe(code);
  if (description !== undefined) expect(r.body.error_description).toBe(description);
  else expect(typeof r.body.error_description).toBe('string');
  expect(r.body.result).toBeUndefined();
  expect(r.body.time).toBeUndefined();
}

export interface FixtureOptions {
  /** properties.name of the bots `newBot` registers (default 'Test Bot'). */
  botName?: string;
}

/**
 * Helpers bound to a test server. `server` is read on each call, so the set can be made at module level
 * while the server itself is started in `beforeAll`.
 */
export function fixtures(server: () => TestServer, o: FixtureOptions = {}) {
  const s = () => server();

  /** Registers a bot; `fields` go beside `code`, `properties` beside the default name. */
  async function newBot(fields: Params = {}, properties: Params = {}): Promise<Bot> {
    const token = uniq('tok');
    const code = uniq('bot');
    const r = await s().call('imbot.v2.Bot.register', {
      botToken: token,
      fields: { code, properties: { name: o.botName ?? 'Test Bot', ...properties }, ...fields },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { id: r.body.result.bot.id, token, code };
  }

  /** Calls a method as the bot's owner (the admin webhook with botId + botToken). */
  const asBot = (bot: Bot, method: string, params: Params = {}, enc: Encoding = 'json') =>
    s().call(method, { botId: bot.id, botToken: bot.token, ...params }, enc);

  async function newPerson(name: string, scopes: string[] = ['im']): Promise<Person> {
    const p = s().server.platform;
    const u = await createUser(p.store, { name, lastName: 'Tester' });
    const { secret } = await createWebhook(p.store, p.box, { userId: u.id, scopes });
    return { id: u.id, hook: `${s().url}/rest/${u.id}/${secret}/` };
  }

  /** Calls a method through the person's own webhook. */
  const asUser = (who: Person, method: string, params: Params = {}, enc: Encoding = 'json') => s().call(method, params, enc, who.hook);

  /** `who` writes `text` to `dialogId` (a user id: the private dialog; `chat<N>`) with im.message.add; the message id. */
  async function say(who: Person, dialogId: number | string, text: string, enc: Encoding = 'json'): Promise<number> {
    const r = await asUser(who, 'im.message.add', { DIALOG_ID: String(dialogId), MESSAGE: text }, enc);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return Number(r.body.result);
  }

  /** The bot sends `text` (or these `fields`) with imbot.v2.Chat.Message.send; the message id. */
  async function botSays(bot: Bot, dialogId: number | string, content: string | Params): Promise<number> {
    const fields = typeof content === 'string' ? { message: content } : content;
    const r = await asBot(bot, 'imbot.v2.Chat.Message.send', { dialogId, fields });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.result.id;
  }

  /** A group chat of a person (made through the domain: the people side is not under test there). */
  const groupChat = (ownerId: number, memberIds: number[]): Promise<ChatRow> =>
    withEvents(s().server.platform, (tx, emit) => createGroupChat(tx, emit, { ownerId, title: uniq('Team'), memberIds }));

  /** Everything queued for the bot, acknowledged. */
  async function drain(bot: Bot): Promise<BotEvent[]> {
    const got = await asBot(bot, 'imbot.v2.Event.get', { limit: 1000 });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    await asBot(bot, 'imbot.v2.Event.get', { offset: got.body.result.nextOffset });
    return got.body.result.events;
  }

  /** The four BotController errors every imbot.v2 method documents, with their texts. */
  async function expectBotErrors(method: string, params: Params) {
    const bot = await newBot();
    const other = await newBot();
    const call = (extra: Params) => s().call(method, { ...extra, ...params });
    expectError(await call({ botId: bot.id }), 'BOT_TOKEN_NOT_SPECIFIED', 'Bot token is not specified');
    expectError(await call({ botToken: bot.token }), 'BOT_ID_REQUIRED', 'Bot ID is required');
    expectError(await call({ botId: 999_999, botToken: bot.token }), 'BOT_NOT_FOUND', 'Bot not found');
    expectError(await call({ botId: other.id, botToken: bot.token }), 'BOT_OWNERSHIP_ERROR', 'Bot is registered by another application');
  }

  return { newBot, asBot, newPerson, asUser, say, botSays, groupChat, drain, expectBotErrors };
}
