import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { resolveDialog } from '../src/domain/messenger/chats.js';
import { addMessage } from '../src/domain/messenger/messages.js';
import type { Platform } from '../src/domain/platform.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { withEvents } from '../src/events/pipeline.js';
import { type Bot, expectError, fixtures, uniq } from './helpers/fixtures.js';
import { fetchJson, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// imbot.v2/commands/*.md, imbot.v2/events/{event-get,events}.md, imbot.v2/messages/chat-message-{update,delete}.md,
// seed 004 (Chat.Message.update), entities.md#command, change-log.md (BOT-BC-0330-1, BOT-BC-0325-1),
// platform-behaviour.md §3 (commands) and §4 (Event.get, routing).

let s: TestServer;
let p: Platform;

beforeAll(async () => {
  s = await testServer();
  p = s.server.platform;
});
afterAll(() => s?.close());

// ---- bots, people, chats (test/helpers/fixtures.ts) ---------------------------------------------------

const { newBot, asBot, newPerson, say, botSays, groupChat, drain, expectBotErrors } = fixtures(() => s, { botName: 'Support Bot' });

const events = async (bot: Bot, params: Record<string, unknown> = {}) => {
  const r = await asBot(bot, 'imbot.v2.Event.get', params);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.result as { events: { eventId: number; type: string; date: string; data: any }[]; nextOffset: number; hasMore: boolean };
};

const storedMessage = (id: number) => p.store.messages.byId(id);
const paramsOf = async (id: number) => JSON.parse((await storedMessage(id))!.params);

// ---- OAuth: an installed application -----------------------------------------------------------------

async function installedApp() {
  const { app } = await createApp(p.store, p, { name: uniq('App'), scopes: ['imbot'] });
  const outcome = await installApp(p, app.client_id);
  const auth = outcome.payload.auth as Record<string, string>;
  return { endpoint: auth.client_endpoint, token: auth.access_token };
}
const oauthCall = (a: { endpoint: string; token: string }, method: string, params: Record<string, unknown>) =>
  fetchJson(a.endpoint + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: a.token }) });

const COMMAND_KEYS = ['botId', 'command', 'common', 'extranetSupport', 'hidden', 'id'];
const LIST_KEYS = ['botId', 'category', 'command', 'common', 'context', 'extranetSupport', 'hidden', 'id', 'params', 'title'];

// ======================================================================================================
describe('imbot.v2.Command.register', () => {
  it('reproduces the documented webhook example: {command:{id, botId, command:"/help", common, hidden, extranetSupport}}', async () => {
    const bot = await newBot();
    const r = await asBot(bot, 'imbot.v2.Command.register', {
      fields: { command: 'help', title: { en: 'Show help', de: 'Hilfe anzeigen' }, params: { en: 'query', de: 'Anfrage' } },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    expect(isTimeObject(r.body.time)).toBe(true);
    const cmd = r.body.result.command;
    expect(Object.keys(r.body.result)).toEqual(['command']);
    expect(Object.keys(cmd).sort()).toEqual(COMMAND_KEYS);
    expect(cmd).toEqual({ id: expect.any(Number), botId: bot.id, command: '/help', common: false, hidden: false, extranetSupport: false });
    // The bot's command counter follows registrations.
    const got = await asBot(bot, 'imbot.v2.Bot.get');
    expect(got.body.result.bot.countCommand).toBe(1);
  });

  it('reproduces the documented OAuth example (auth in the body; the application owns the bot)', async () => {
    const app = await installedApp();
    const reg = await oauthCall(app, 'imbot.v2.Bot.register', { fields: { code: uniq('oauth'), properties: { name: 'OAuth Bot' } } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const botId = reg.body.result.bot.id;
    const r = await oauthCall(app, 'imbot.v2.Command.register', {
      botId,
      fields: { command: 'help', title: { en: 'Show help', de: 'Hilfe anzeigen' }, params: { en: 'query', de: 'Anfrage' } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.command).toEqual({ id: expect.any(Number), botId, command: '/help', common: false, hidden: false, extranetSupport: false });
    // Another owner (a botToken) cannot touch the application's bot.
    expectError(await s.call('imbot.v2.Command.list', { botId, botToken: uniq('tok') }), 'BOT_OWNERSHIP_ERROR');
  });

  it('is idempotent per bot and command: the existing command comes back unchanged', async () => {
    const bot = await newBot();
    const first = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'First' } } });
    const again = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Second' }, common: true, hidden: true } });
    expect(again.status).toBe(200);
    expect(again.body.result.command).toEqual(first.body.result.command);
    // One leading slash is stripped; the name is kept lower-cased, so these are the same command too.
    const slashed = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: '/HELP', title: { en: 'Third' } } });
    expect(slashed.body.result.command.id).toBe(first.body.result.command.id);
    const list = await asBot(bot, 'imbot.v2.Command.list');
    expect(list.body.result.commands).toHaveLength(1);
    expect(list.body.result.commands[0]).toMatchObject({ title: 'First', common: false, hidden: false });
    expect((await asBot(bot, 'imbot.v2.Bot.get')).body.result.bot.countCommand).toBe(1);
    // The same name for another bot is a separate command.
    const other = await newBot();
    const theirs = await asBot(other, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Theirs' } } });
    expect(theirs.body.result.command.id).not.toBe(first.body.result.command.id);
  });

  it('strips only one leading "/" and checks no pattern', async () => {
    const bot = await newBot();
    const r = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: '//odd.name!', title: { en: 'Odd' } } });
    expect(r.status).toBe(200);
    expect(r.body.result.command.command).toBe('//odd.name!');
  });

  it('accepts booleans as true/false and "Y"/"N", in JSON and in form bodies', async () => {
    const bot = await newBot();
    const json = await asBot(bot, 'imbot.v2.Command.register', {
      fields: { command: 'flags', title: { en: 'Flags' }, common: true, hidden: 'Y', extranetSupport: 'TRUE' },
    });
    expect(json.body.result.command).toMatchObject({ command: '/flags', common: true, hidden: true, extranetSupport: true });
    const form = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'formed', title: { en: 'Form' }, common: 'Y', hidden: 'N', extranetSupport: 'yes' } }, 'form');
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    // normalizeBooleanVariable: only Y, 1, TRUE are true — "yes" is not.
    expect(form.body.result.command).toMatchObject({ command: '/formed', common: true, hidden: false, extranetSupport: false });
  });

  it('still accepts the legacy flat format when `fields` is absent (BOT-BC-0330-1)', async () => {
    const bot = await newBot();
    const r = await asBot(bot, 'imbot.v2.Command.register', { command: 'legacy', title: { en: 'Legacy' }, params: { en: 'args' }, common: 'Y' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.command).toMatchObject({ command: '/legacy', common: true, hidden: false });
    const list = await asBot(bot, 'imbot.v2.Command.list');
    expect(list.body.result.commands[0]).toMatchObject({ command: '/legacy', title: 'Legacy', params: 'args' });
  });

  it('a hidden command needs no title', async () => {
    const bot = await newBot();
    const r = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'secret', hidden: true } });
    expect(r.status).toBe(200);
    expect(r.body.result.command).toMatchObject({ command: '/secret', hidden: true });
  });

  it('reports every documented error code', async () => {
    await expectBotErrors('imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Help' } } });
    const bot = await newBot();
    const reg = (fields: Record<string, unknown>) => asBot(bot, 'imbot.v2.Command.register', { fields });
    expectError(await reg({ command: 42, title: { en: 'x' } }), 'COMMAND_NAME_INVALID', 'Command name is invalid');
    expectError(await reg({ command: ['help'], title: { en: 'x' } }), 'COMMAND_NAME_INVALID');
    expectError(await reg({ title: { en: 'x' } }), 'COMMAND_REQUIRED', 'Command is required');
    expectError(await reg({ command: '', title: { en: 'x' } }), 'COMMAND_REQUIRED');
    expectError(await reg({ command: '/', title: { en: 'x' } }), 'COMMAND_REQUIRED');
    expectError(await reg({ command: 'notitle' }), 'COMMAND_TITLE_REQUIRED', 'Command title is required');
    expectError(await reg({ command: 'notitle', title: 'Help', hidden: 'N' }), 'COMMAND_TITLE_REQUIRED');
    // b_im_command.COMMAND holds 255 characters: a longer name cannot be stored.
    expectError(await reg({ command: 'x'.repeat(256), title: { en: 'Long' } }), 'COMMAND_REGISTER_FAILED', 'Command registration failed');
    expect((await reg({ command: 'y'.repeat(255), title: { en: 'Long' } })).status).toBe(200);
    // Nothing was stored by the failures.
    const list = await asBot(bot, 'imbot.v2.Command.list');
    expect(list.body.result.commands.map((c: any) => c.command)).toEqual([`/${'y'.repeat(255)}`]);
  });
});

// ======================================================================================================
describe('imbot.v2.Command.update', () => {
  async function withCommand(fields: Record<string, unknown> = { command: 'help', title: { en: 'Show help', de: 'Hilfe anzeigen' }, params: { en: 'query', de: 'Anfrage' } }) {
    const bot = await newBot();
    const r = await asBot(bot, 'imbot.v2.Command.register', { fields });
    return { bot, commandId: r.body.result.command.id as number };
  }
  const listed = async (bot: Bot) => (await asBot(bot, 'imbot.v2.Command.list')).body.result.commands[0];

  it('example 1: updates the translations named, keeps the others', async () => {
    const { bot, commandId } = await withCommand({ command: 'help', title: { en: 'Show help', fr: 'Aide' }, params: { en: 'query', fr: 'requête' } });
    const r = await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: { title: { en: 'Updated help', de: 'Aktualisierte Hilfe' } } });
    expect(r.status).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(Object.keys(r.body.result.command).sort()).toEqual(COMMAND_KEYS);
    expect(r.body.result.command).toEqual({ id: commandId, botId: bot.id, command: '/help', common: false, hidden: false, extranetSupport: false });
    // The bot's language is en: the new English title, with the old params of that language.
    expect(await listed(bot)).toMatchObject({ title: 'Updated help', params: 'query' });
    const langs = await p.store.commands.langs([commandId]);
    expect(Object.fromEntries(langs.map((l) => [l.language_id, [l.title, l.params]]))).toEqual({
      en: ['Updated help', 'query'],
      de: ['Aktualisierte Hilfe', ''],
      fr: ['Aide', 'requête'],
    });
  });

  it('example 2: null removes a translation (the list then falls back to another language)', async () => {
    const { bot, commandId } = await withCommand();
    const r = await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: { title: { de: 'Hilfe', en: null } } });
    expect(r.status).toBe(200);
    const langs = await p.store.commands.langs([commandId]);
    expect(langs.map((l) => [l.language_id, l.title, l.params])).toEqual([['de', 'Hilfe', 'Anfrage']]);
    expect(await listed(bot)).toMatchObject({ title: 'Hilfe', params: 'Anfrage', hidden: false });
  });

  it('params apply only to languages named in title; language keys are lower-cased', async () => {
    const { bot, commandId } = await withCommand();
    await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: { params: { en: 'ignored' } } });
    expect(await listed(bot)).toMatchObject({ title: 'Show help', params: 'query' });
    await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: { title: { EN: 'Help!' }, params: { En: 'topic' } } });
    expect(await listed(bot)).toMatchObject({ title: 'Help!', params: 'topic' });
  });

  it('changes the name and the flags; absent keys stay as they were', async () => {
    const { bot, commandId } = await withCommand();
    const r = await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: { command: '/Assist', common: 'Y', hidden: true, extranetSupport: '1' } });
    expect(r.body.result.command).toEqual({ id: commandId, botId: bot.id, command: '/assist', common: true, hidden: true, extranetSupport: true });
    const r2 = await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: { hidden: 'N' } });
    expect(r2.body.result.command).toEqual({ id: commandId, botId: bot.id, command: '/assist', common: true, hidden: false, extranetSupport: true });
    // Renaming to its own name is not a clash; an empty `fields` changes nothing.
    expect((await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: { command: 'assist' } })).status).toBe(200);
    const same = await asBot(bot, 'imbot.v2.Command.update', { commandId, fields: {} });
    expect(same.body.result.command).toEqual(r2.body.result.command);
  });

  it('reports every documented error code', async () => {
    await expectBotErrors('imbot.v2.Command.update', { commandId: 1, fields: { hidden: true } });
    const { bot, commandId } = await withCommand();
    const up = (fields: Record<string, unknown>, id: unknown = commandId) => asBot(bot, 'imbot.v2.Command.update', { commandId: id, fields });
    expectError(await up({ hidden: true }, 999_999), 'COMMAND_NOT_FOUND', 'Command not found');
    const other = await withCommand();
    expectError(await up({ hidden: true }, other.commandId), 'COMMAND_NOT_FOUND');
    expectError(await up({ command: '' }), 'COMMAND_NAME_EMPTY', 'Command name is empty');
    expectError(await up({ command: '/' }), 'COMMAND_NAME_EMPTY');
    expectError(await up({ command: 7 }), 'COMMAND_NAME_INVALID', 'Command name is invalid');
    await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'taken', title: { en: 'Taken' } } });
    expectError(await up({ command: 'taken' }), 'COMMAND_ALREADY_EXISTS', 'Command already exists');
    expectError(await up({ command: '/TAKEN' }), 'COMMAND_ALREADY_EXISTS');
    // The other bot's name is no clash.
    await asBot(other.bot, 'imbot.v2.Command.register', { fields: { command: 'theirs', title: { en: 'T' } } });
    expect((await up({ command: 'theirs' })).status).toBe(200);
    // commandId is a required int argument of the action (the binder's error 100).
    const missing = await asBot(bot, 'imbot.v2.Command.update', { fields: { hidden: true } });
    expectError(missing, 100, 'Could not find value for parameter {commandId}');
  });
});

// ======================================================================================================
describe('imbot.v2.Command.unregister', () => {
  it('reproduces the documented example: {result:{result:true}}; the command is gone', async () => {
    const bot = await newBot();
    const reg = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Help' } } });
    const commandId = reg.body.result.command.id;
    expect((await asBot(bot, 'imbot.v2.Bot.get')).body.result.bot.countCommand).toBe(1);
    const r = await asBot(bot, 'imbot.v2.Command.unregister', { commandId });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    expect(r.body.result).toEqual({ result: true });
    expect(isTimeObject(r.body.time)).toBe(true);
    expect((await asBot(bot, 'imbot.v2.Command.list')).body.result.commands).toEqual([]);
    expect(await p.store.commands.langs([commandId])).toEqual([]);
    expect((await asBot(bot, 'imbot.v2.Bot.get')).body.result.bot.countCommand).toBe(0);
    // A second time: not found. Registering again gives a new command.
    expectError(await asBot(bot, 'imbot.v2.Command.unregister', { commandId }), 'COMMAND_NOT_FOUND', 'Command not found');
    const again = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Help' } } });
    expect(again.body.result.command.id).not.toBe(commandId);
  });

  it('works with a form body', async () => {
    const bot = await newBot();
    const reg = await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'x', title: { en: 'X' } } });
    const r = await asBot(bot, 'imbot.v2.Command.unregister', { commandId: String(reg.body.result.command.id) }, 'form');
    expect(r.body.result).toEqual({ result: true });
  });

  it('reports every documented error code', async () => {
    await expectBotErrors('imbot.v2.Command.unregister', { commandId: 1 });
    const bot = await newBot();
    const other = await newBot();
    const theirs = await asBot(other, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Help' } } });
    expectError(await asBot(bot, 'imbot.v2.Command.unregister', { commandId: theirs.body.result.command.id }), 'COMMAND_NOT_FOUND', 'Command not found');
    expectError(await asBot(bot, 'imbot.v2.Command.unregister', { commandId: 999_999 }), 'COMMAND_NOT_FOUND');
    // Someone else's command survives the attempt.
    expect((await asBot(other, 'imbot.v2.Command.list')).body.result.commands).toHaveLength(1);
    expectError(await asBot(bot, 'imbot.v2.Command.unregister', { commandId: 'abc' }), 100, 'Invalid value abc to match with parameter {commandId}. Should be value of type int.');
  });
});

// ======================================================================================================
describe('imbot.v2.Command.list', () => {
  it('reproduces the documented example: every field of the Command object, texts in the bot language', async () => {
    const bot = await newBot({}, { name: 'My Bot' });
    const reg = await asBot(bot, 'imbot.v2.Command.register', {
      fields: { command: 'help', title: { de: 'Hilfe', en: 'Show Help' }, params: { de: 'Anfrage', en: 'request text' } },
    });
    const r = await asBot(bot, 'imbot.v2.Command.list');
    expect(r.status).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(Object.keys(r.body.result)).toEqual(['commands']);
    expect(r.body.result.commands).toHaveLength(1);
    const c = r.body.result.commands[0];
    expect(Object.keys(c).sort()).toEqual(LIST_KEYS);
    expect(c).toEqual({
      id: reg.body.result.command.id,
      botId: bot.id,
      command: '/help',
      title: 'Show Help',
      params: 'request text',
      common: false,
      hidden: false,
      extranetSupport: false,
      category: 'My Bot',
      context: '',
    });
  });

  it('falls back to English, then to the first language; a command without a title is hidden', async () => {
    const bot = await newBot({}, { name: 'Lingua' });
    // A bot's language is the portal's at registration (always en here); set it directly to see it win.
    await p.store.bots.update(bot.id, { language: 'de' });
    expect((await asBot(bot, 'imbot.v2.Bot.get')).body.result.bot.language).toBe('de');
    await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'a', title: { fr: 'Aide', en: 'Help' } } });
    await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'b', title: { fr: 'Bonjour', it: 'Ciao' } } });
    await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'c', hidden: true } });
    await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'd', title: { de: 'Deutsch', en: 'English' } } });
    const list = (await asBot(bot, 'imbot.v2.Command.list')).body.result.commands;
    expect(list.map((c: any) => c.command)).toEqual(['/a', '/b', '/c', '/d']);
    expect(list[0].title).toBe('Help');
    expect(['Bonjour', 'Ciao']).toContain(list[1].title);
    expect(list[2]).toMatchObject({ title: '', params: '', hidden: true });
    expect(list[3].title).toBe('Deutsch');
  });

  it('lists only this bot’s commands; an empty list is []', async () => {
    const bot = await newBot();
    const other = await newBot();
    await asBot(other, 'imbot.v2.Command.register', { fields: { command: 'theirs', title: { en: 'T' } } });
    const r = await asBot(bot, 'imbot.v2.Command.list', {}, 'query');
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ commands: [] });
  });

  it('reports every documented error code', async () => {
    await expectBotErrors('imbot.v2.Command.list', {});
  });
});

// ======================================================================================================
describe('slash commands reach the bot as ONIMBOTV2COMMANDADD', () => {
  it('"/help x" in the private dialog raises COMMANDADD {id, command:"/help", params:"x", context:"textarea"} and no MESSAGEADD', async () => {
    const bot = await newBot({}, { name: 'Helper' });
    const user = await newPerson('Alice');
    const cmd = (await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Help' } } })).body.result.command;
    const first = await say(user, bot.id, 'hello'); // opens the dialog: JOINCHAT + MESSAGEADD
    expect((await drain(bot)).map((e) => e.type)).toEqual(['ONIMBOTV2JOINCHAT', 'ONIMBOTV2MESSAGEADD']);

    const messageId = await say(user, bot.id, '/help x');
    expect(messageId).toBeGreaterThan(first);
    const got = await events(bot);
    expect(got.events.map((e) => e.type)).toEqual(['ONIMBOTV2COMMANDADD']);
    const data = got.events[0].data;
    expect(Object.keys(data).sort()).toEqual(['bot', 'chat', 'command', 'language', 'message', 'user']);
    expect(data.command).toEqual({ id: cmd.id, command: '/help', params: 'x', context: 'textarea' });
    expect(data.message.id).toBe(messageId);
    expect(data.message.text).toBe('/help x');
    expect(data.user.id).toBe(user.id);
    expect(data.chat.dialogId).toBe(String(user.id));
    expect(data.bot).toMatchObject({ id: bot.id, code: bot.code, eventMode: 'fetch', countCommand: 1 });
    expect(data.bot.auth).toBeUndefined();
    await events(bot, { offset: got.nextOffset });

    // Typed in another case, several commands in one message: one event each; unknown commands are plain text.
    await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'stats', title: { en: 'Stats' } } });
    await say(user, bot.id, '/HELP topic\n/stats\n/unknown');
    const many = (await drain(bot)).map((e) => e.data.command);
    expect(many).toEqual([
      { id: cmd.id, command: '/help', params: 'topic', context: 'textarea' },
      { id: expect.any(Number), command: '/stats', params: '', context: 'textarea' },
    ]);
    // A message with no registered command is an ordinary MESSAGEADD.
    await say(user, bot.id, '/unknown thing');
    expect((await drain(bot)).map((e) => e.type)).toEqual(['ONIMBOTV2MESSAGEADD']);
  });

  it('a command with common=false is ignored in a chat where its bot is not a member; common=true works anywhere', async () => {
    const local = await newBot({}, { name: 'Local' });
    const global = await newBot({}, { name: 'Global' });
    const alice = await newPerson('Alice');
    const bob = await newPerson('Bob');
    await asBot(local, 'imbot.v2.Command.register', { fields: { command: 'localcmd', title: { en: 'L' }, common: false } });
    const g = (await asBot(global, 'imbot.v2.Command.register', { fields: { command: 'globalcmd', title: { en: 'G' }, common: true } })).body.result.command;
    const chat = await groupChat(alice.id, [bob.id]);
    await drain(local);
    await drain(global);

    await say(alice, `chat${chat.id}`, '/localcmd');
    await say(alice, `chat${chat.id}`, '/globalcmd now');
    expect(await drain(local)).toEqual([]);
    const ev = await drain(global);
    expect(ev.map((e) => e.type)).toEqual(['ONIMBOTV2COMMANDADD']);
    expect(ev[0].data.command).toEqual({ id: g.id, command: '/globalcmd', params: 'now', context: 'textarea' });
    expect(ev[0].data.chat.dialogId).toBe(`chat${chat.id}`);

    // Once the local bot is a member, its command works in that chat.
    const member = await groupChat(alice.id, [bob.id, local.id]);
    await drain(local);
    await say(alice, `chat${member.id}`, '/localcmd');
    expect((await drain(local)).map((e) => [e.type, e.data.command.command])).toEqual([['ONIMBOTV2COMMANDADD', '/localcmd']]);
  });

  it('an unregistered command no longer routes', async () => {
    const bot = await newBot();
    const user = await newPerson('Carol');
    const cmd = (await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'gone', title: { en: 'Gone' } } })).body.result.command;
    await asBot(bot, 'imbot.v2.Command.unregister', { commandId: cmd.id });
    await say(user, bot.id, '/gone');
    expect((await drain(bot)).map((e) => e.type)).toEqual(['ONIMBOTV2JOINCHAT', 'ONIMBOTV2MESSAGEADD']);
  });
});

// ======================================================================================================
describe('imbot.v2.Command.answer', () => {
  async function commandInPrivate() {
    const bot = await newBot({}, { name: 'Answerer' });
    const user = await newPerson('Dora');
    const cmd = (await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'help', title: { en: 'Help' }, common: true } })).body.result.command;
    const messageId = await say(user, bot.id, '/help me');
    const ev = (await drain(bot)).find((e) => e.type === 'ONIMBOTV2COMMANDADD')!;
    return { bot, user, commandId: cmd.id as number, messageId, event: ev };
  }
  const lastMessages = async (chatId: number, n = 1) => p.store.messages.history(chatId, { limit: n });

  it('reproduces the documented example: {result:{result:true}}; the answer lands in the dialog of the command', async () => {
    const { bot, user, commandId, messageId, event } = await commandInPrivate();
    const r = await asBot(bot, 'imbot.v2.Command.answer', {
      commandId: event.data.command.id,
      messageId: event.data.message.id,
      dialogId: event.data.chat.dialogId,
      fields: { message: 'Here is the help text...' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    expect(r.body.result).toEqual({ result: true });
    expect(isTimeObject(r.body.time)).toBe(true);
    const chatId = (await storedMessage(messageId))!.chat_id;
    const [answer] = await lastMessages(chatId);
    expect(answer.id).toBeGreaterThan(messageId);
    expect(answer).toMatchObject({ author_id: bot.id, text: 'Here is the help text...', is_system: 0 });
    // The bot's own answer is no event for it, and not a command either.
    expect(await drain(bot)).toEqual([]);
    expect(user.id).toBeGreaterThan(0);
    expect(commandId).toBe(event.data.command.id);
  });

  it('answers with attach, keyboard and system in the fields', async () => {
    const { bot, commandId, messageId } = await commandInPrivate();
    const r = await asBot(bot, 'imbot.v2.Command.answer', {
      commandId,
      messageId,
      dialogId: 'ignored',
      fields: {
        message: 'With extras',
        attach: [{ MESSAGE: 'attached' }],
        keyboard: [{ TEXT: 'Docs', LINK: 'https://example.com/docs' }],
        urlPreview: 'N',
      },
    });
    expect(r.body.result).toEqual({ result: true });
    const [answer] = await lastMessages((await storedMessage(messageId))!.chat_id);
    const params = JSON.parse(answer.params);
    expect(answer.text).toBe('With extras');
    expect(params.ATTACH[0].BLOCKS).toEqual([{ MESSAGE: 'attached' }]);
    expect(params.KEYBOARD[0]).toMatchObject({ TEXT: 'Docs', LINK: 'https://example.com/docs' });
    expect(params.URL_PREVIEW).toBe('N');
    // system: true makes it a system message naming the bot.
    await asBot(bot, 'imbot.v2.Command.answer', { commandId, messageId, dialogId: 'x', fields: { message: 'Quietly', system: true } });
    const [sys] = await lastMessages(answer.chat_id);
    expect(sys.is_system).toBe(1);
    expect(sys.text).toBe(`Answer from the bot [USER=${bot.id}][/USER]:\n Quietly`);
  });

  it('answers in a chat the bot is not a member of (common command) as a system message naming the bot', async () => {
    const bot = await newBot({}, { name: 'Outsider' });
    const alice = await newPerson('Alice');
    const bob = await newPerson('Bob');
    const cmd = (await asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'weather', title: { en: 'W' }, common: true } })).body.result.command;
    const chat = await groupChat(alice.id, [bob.id]);
    const messageId = await say(alice, `chat${chat.id}`, '/weather Berlin');
    const ev = (await drain(bot))[0];
    expect(ev.data.command).toMatchObject({ id: cmd.id, params: 'Berlin' });
    const r = await asBot(bot, 'imbot.v2.Command.answer', { commandId: cmd.id, messageId, dialogId: `chat${chat.id}`, fields: { message: 'Sunny' } });
    expect(r.body.result).toEqual({ result: true });
    const [answer] = await lastMessages(chat.id);
    expect(answer).toMatchObject({ chat_id: chat.id, author_id: bot.id, is_system: 1, text: `Answer from the bot [USER=${bot.id}][/USER]:\n Sunny` });
    // The bot did not become a member.
    expect(await p.store.chats.member(chat.id, bot.id)).toBeUndefined();
  });

  it('needs the 10-minute grant of a command call: without it nothing is posted (and the call still succeeds)', async () => {
    const { bot, commandId, messageId } = await commandInPrivate();
    const chatId = (await storedMessage(messageId))!.chat_id;
    // The grant runs for 10 minutes from the command.
    const grant = await p.store.db.selectFrom('bot_tokens').selectAll().where('bot_id', '=', bot.id).where('chat_id', '=', chatId).executeTakeFirstOrThrow();
    const now = Math.floor(Date.now() / 1000);
    expect(grant.expires_ts - now).toBeGreaterThanOrEqual(590);
    expect(grant.expires_ts - now).toBeLessThanOrEqual(600);
    // Expired (moved into the past): the platform silently posts nothing.
    await p.store.db.updateTable('bot_tokens').set({ expires_ts: now - 1 }).where('bot_id', '=', bot.id).execute();
    const before = (await p.store.chats.stats(chatId)).message_count;
    const r = await asBot(bot, 'imbot.v2.Command.answer', { commandId, messageId, dialogId: 'x', fields: { message: 'Too late' } });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ result: true });
    expect((await p.store.chats.stats(chatId)).message_count).toBe(before);

    // A chat where the command was never called: no grant either.
    const stranger = await newPerson('Eve');
    const elsewhere = await say(stranger, (await newPerson('Frank')).id, 'hello there');
    const r2 = await asBot(bot, 'imbot.v2.Command.answer', { commandId, messageId: elsewhere, dialogId: 'x', fields: { message: 'Hi' } });
    expect(r2.body.result).toEqual({ result: true });
    const [last] = await lastMessages((await storedMessage(elsewhere))!.chat_id);
    expect(last.id).toBe(elsewhere);
  });

  it('reports every documented error code', async () => {
    await expectBotErrors('imbot.v2.Command.answer', { commandId: 1, messageId: 1, dialogId: '1', fields: { message: 'x' } });
    const { bot, commandId, messageId } = await commandInPrivate();
    const answer = (params: Record<string, unknown>) => asBot(bot, 'imbot.v2.Command.answer', { commandId, messageId, dialogId: 'chat5', fields: { message: 'x' }, ...params });
    const other = await newBot();
    const theirs = (await asBot(other, 'imbot.v2.Command.register', { fields: { command: 'x', title: { en: 'X' } } })).body.result.command.id;
    expectError(await answer({ commandId: theirs }), 'COMMAND_NOT_FOUND', 'Command not found');
    expectError(await answer({ commandId: 999_999 }), 'COMMAND_NOT_FOUND');
    expectError(await answer({ messageId: 999_999 }), 'COMMAND_ANSWER_FAILED', 'Command answer failed');
    expectError(await answer({ messageId: 0 }), 'COMMAND_ANSWER_FAILED');
    expectError(await answer({ fields: { message: '' } }), 'COMMAND_ANSWER_FAILED');
    expectError(await answer({ fields: { message: 'x', keyboard: [{ TEXT: 'no action' }] } }), 'COMMAND_ANSWER_FAILED');
    expectError(await answer({ dialogId: undefined }), 100, 'Could not find value for parameter {dialogId}');
    expectError(await answer({ messageId: undefined }), 100, 'Could not find value for parameter {messageId}');
    // Nothing was posted by the failures.
    const [last] = await lastMessages((await storedMessage(messageId))!.chat_id);
    expect(last.id).toBe(messageId);
  });
});

// ======================================================================================================
describe('imbot.v2.Event.get', () => {
  it('reproduces the documented response: {events:[{eventId, type, date, data}], nextOffset, hasMore}', async () => {
    const bot = await newBot();
    const user = await newPerson('Gina');
    const m = await say(user, bot.id, 'Hi bot');
    const r = await asBot(bot, 'imbot.v2.Event.get', { offset: 0, limit: 50 });
    expect(r.status).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(Object.keys(r.body.result)).toEqual(['events', 'nextOffset', 'hasMore']);
    const { events: list, nextOffset, hasMore } = r.body.result;
    expect(list.map((e: any) => e.type)).toEqual(['ONIMBOTV2JOINCHAT', 'ONIMBOTV2MESSAGEADD']);
    for (const e of list) {
      expect(Object.keys(e)).toEqual(['eventId', 'type', 'date', 'data']);
      expect(Number.isInteger(e.eventId)).toBe(true);
      expect(e.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    }
    expect(list[1].eventId).toBeGreaterThan(list[0].eventId);
    expect(nextOffset).toBe(list[1].eventId + 1);
    expect(hasMore).toBe(false);
    // Fetch events carry the full bot object (as Bot.get shows its owner), then the documented fields.
    const add = list[1].data;
    expect(Object.keys(add).sort()).toEqual(['bot', 'chat', 'language', 'message', 'user']);
    const owner = (await asBot(bot, 'imbot.v2.Bot.get')).body.result.bot;
    expect(Object.keys(add.bot).sort()).toEqual(Object.keys(owner).sort());
    expect(add.message).toMatchObject({ id: m, text: 'Hi bot', authorId: user.id });
  });

  it('an offset acknowledges (deletes) everything below it; nothing new → nextOffset is the offset sent', async () => {
    const bot = await newBot();
    const user = await newPerson('Hank');
    await say(user, bot.id, 'one');
    await say(user, bot.id, 'two');
    const all = await events(bot);
    expect(all.events).toHaveLength(3);
    const [e1, e2, e3] = all.events.map((e) => e.eventId);

    // Reading without an offset acknowledges nothing.
    expect((await events(bot)).events.map((e) => e.eventId)).toEqual([e1, e2, e3]);
    // offset = e2: e1 is deleted, e2 and e3 come back.
    const part = await events(bot, { offset: e2 });
    expect(part.events.map((e) => e.eventId)).toEqual([e2, e3]);
    expect(part.nextOffset).toBe(e3 + 1);
    expect((await events(bot, { offset: 0 })).events.map((e) => e.eventId)).toEqual([e2, e3]);
    // offset = nextOffset: everything is acknowledged; the answer is empty and nextOffset stays.
    const done = await events(bot, { offset: part.nextOffset });
    expect(done).toEqual({ events: [], nextOffset: part.nextOffset, hasMore: false });
    expect(await events(bot)).toEqual({ events: [], nextOffset: 0, hasMore: false });
    // A far offset: nothing returned, nextOffset echoes it; new events below it are deleted by the next such call.
    expect(await events(bot, { offset: 10_000_000 })).toEqual({ events: [], nextOffset: 10_000_000, hasMore: false });
    await say(user, bot.id, 'three');
    const fresh = await events(bot);
    expect(fresh.events).toHaveLength(1);
    expect(fresh.events[0].eventId).toBeGreaterThan(e3);
    await events(bot, { offset: 10_000_000 });
    expect((await events(bot)).events).toEqual([]);
    // offset as a numeric string (form body) works the same.
    await say(user, bot.id, 'four');
    const four = await events(bot);
    const formR = await asBot(bot, 'imbot.v2.Event.get', { offset: String(four.nextOffset) }, 'form');
    expect(formR.body.result).toEqual({ events: [], nextOffset: four.nextOffset, hasMore: false });
  });

  it('ids are global across bots: one bot sees gaps where another bot’s events went', async () => {
    const a = await newBot({}, { name: 'A' });
    const b = await newBot({}, { name: 'B' });
    const user = await newPerson('Ivy');
    await say(user, a.id, 'a1');
    await say(user, b.id, 'b1');
    await say(user, a.id, 'a2');
    await say(user, b.id, 'b2');
    const ea = (await events(a)).events.map((e) => e.eventId);
    const eb = (await events(b)).events.map((e) => e.eventId);
    expect(ea).toHaveLength(3); // JOINCHAT, a1, a2
    expect(eb).toHaveLength(3);
    expect(new Set([...ea, ...eb]).size).toBe(6);
    // a's MESSAGEADD ids are not consecutive: b's events sit between them.
    expect(ea[2] - ea[1]).toBeGreaterThan(1);
    expect(eb.some((id) => id > ea[1] && id < ea[2])).toBe(true);
    // Acknowledging a high offset for a leaves b's events alone.
    await events(a, { offset: Math.max(...eb) + 1 });
    expect((await events(a)).events).toEqual([]);
    expect((await events(b)).events.map((e) => e.eventId)).toEqual(eb);
  });

  it('limit: default 100, clamped to 1..1000 (0 → 1, 5000 → 1000); hasMore = a full page', async () => {
    const bot = await newBot();
    const user = await newPerson('Jack');
    // 1001 queued events, written through the messenger domain in one transaction (speed).
    await withEvents(p, async (tx, emit) => {
      const chat = await resolveDialog(tx, emit, user.id, bot.id);
      for (let i = 0; i < 1000; i++) await addMessage(tx, emit, { chat, authorId: user.id, text: `m${i}` });
    });
    const def = await events(bot);
    expect(def.events).toHaveLength(100);
    expect(def.hasMore).toBe(true);
    const zero = await events(bot, { limit: 0 });
    expect(zero.events).toHaveLength(1);
    expect(zero.hasMore).toBe(true);
    expect(zero.nextOffset).toBe(zero.events[0].eventId + 1);
    expect((await events(bot, { limit: -7 })).events).toHaveLength(1);
    const huge = await events(bot, { limit: 5000 });
    expect(huge.events).toHaveLength(1000);
    expect(huge.hasMore).toBe(true);
    const ids = huge.events.map((e) => e.eventId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // The last page: exactly one left.
    const rest = await events(bot, { offset: huge.nextOffset, limit: 5000 });
    expect(rest.events).toHaveLength(1);
    expect(rest.hasMore).toBe(false);
    expect(rest.events[0].data.message.text).toBe('m999');
    // limit = the number left: a full page, so hasMore is true although nothing more is pending.
    await say(user, bot.id, 'x');
    const two = await events(bot, { offset: rest.nextOffset - 1, limit: 2 });
    expect(two.events).toHaveLength(2);
    expect(two.hasMore).toBe(true);
  });

  it('bots get no events for bot messages', async () => {
    const bot = await newBot();
    const user = await newPerson('Kim');
    await say(user, bot.id, 'hi');
    await drain(bot);
    await botSays(bot, user.id, { message: 'hello human' });
    expect(await drain(bot)).toEqual([]);
  });

  it('withUserEvents needs the im scope (SCOPE_ERROR) and a subscription (USER_NOT_SUBSCRIBED)', async () => {
    const bot = await newBot();
    // A webhook with imbot only.
    const { secret } = await createWebhook(p.store, p.box, { userId: 1, scopes: ['imbot'] });
    const imbotOnly = `${s.url}/rest/1/${secret}/`;
    const call = (params: Record<string, unknown>, base = s.hook) => s.call('imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, ...params }, 'json', base);
    expectError(await call({ withUserEvents: true }, imbotOnly), 'SCOPE_ERROR', 'Scope error');
    expect((await call({ withUserEvents: false }, imbotOnly)).status).toBe(200);
    // The admin webhook has im, but user 1 never called im.v2.Event.subscribe.
    expectError(await call({ withUserEvents: true }), 'USER_NOT_SUBSCRIBED', 'User not subscribed');
    // A PHP bool argument: "N" is a non-empty string, so it counts as true; "0" and "" are false.
    expectError(await call({ withUserEvents: 'N' }), 'USER_NOT_SUBSCRIBED');
    expect((await call({ withUserEvents: '0' })).status).toBe(200);
    const form = await s.call('imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, withUserEvents: false }, 'form');
    expect(form.status).toBe(200);
  });

  it('reports the BotController error codes', async () => {
    await expectBotErrors('imbot.v2.Event.get', { offset: 0, limit: 10 });
  });

  it('reproduces the OAuth example', async () => {
    const app = await installedApp();
    const reg = await oauthCall(app, 'imbot.v2.Bot.register', { fields: { code: uniq('oev'), properties: { name: 'Ev' } } });
    const r = await oauthCall(app, 'imbot.v2.Event.get', { botId: reg.body.result.bot.id, offset: 1000, limit: 50 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toEqual({ events: [], nextOffset: 1000, hasMore: false });
  });
});

describe('the fetch queue survives a restart', () => {
  it('unacknowledged events written before a restart are read after it, on the same data file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-queue-'));
    const data = path.join(dir, 'portal.sqlite');
    let first: TestServer | undefined = await testServer({ data });
    let second: TestServer | undefined;
    try {
      const onFirst = fixtures(() => first!, { botName: 'Durable' });
      const { id: botId, token } = await onFirst.newBot();
      const lee = await onFirst.newPerson('Lee');
      await onFirst.say(lee, botId, 'before restart 1');
      await onFirst.say(lee, botId, 'before restart 2');
      const read = await first.call('imbot.v2.Event.get', { botId, botToken: token });
      expect(read.body.result.events).toHaveLength(3);
      // Acknowledge the JOINCHAT only, then stop the server.
      const secondId = read.body.result.events[1].eventId;
      await first.call('imbot.v2.Event.get', { botId, botToken: token, offset: secondId, limit: 1 });
      await first.close();
      first = undefined;

      second = await testServer({ data });
      const after = await second.call('imbot.v2.Event.get', { botId, botToken: token });
      expect(after.status, JSON.stringify(after.body)).toBe(200);
      expect(after.body.result.events.map((e: any) => [e.type, e.data.message.text])).toEqual([
        ['ONIMBOTV2MESSAGEADD', 'before restart 1'],
        ['ONIMBOTV2MESSAGEADD', 'before restart 2'],
      ]);
      expect(after.body.result.events[0].eventId).toBe(secondId);
      expect(after.body.result.nextOffset).toBe(read.body.result.nextOffset);
    } finally {
      await first?.close();
      await second?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ======================================================================================================
describe('imbot.v2.Chat.Message.update (seed 004)', () => {
  async function setup() {
    const bot = await newBot({}, { name: 'Editor' });
    const user = await newPerson('Mia');
    return { bot, user };
  }

  it('reproduces the documented example: {"result": true}; the text changes, the message is marked edited', async () => {
    const { bot, user } = await setup();
    const id = await botSays(bot, user.id, { message: 'Original text' });
    const r = await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: id, fields: { message: 'Updated text' } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    expect(r.body.result).toBe(true);
    expect(isTimeObject(r.body.time)).toBe(true);
    const m = (await storedMessage(id))!;
    expect(m.text).toBe('Updated text');
    expect(JSON.parse(m.params).IS_EDITED).toBe('Y');
  });

  it('works with a form body (PHP SDK / CRest style)', async () => {
    const { bot, user } = await setup();
    const id = await botSays(bot, user.id, { message: 'Form original' });
    const r = await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: String(id), fields: { message: 'Form updated' } }, 'form');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toBe(true);
    expect((await storedMessage(id))!.text).toBe('Form updated');
  });

  it('removes the keyboard with "N" and leaves text and attach alone', async () => {
    const { bot, user } = await setup();
    const id = await botSays(bot, user.id, {
      message: 'Pick one',
      attach: [{ MESSAGE: 'kept' }],
      keyboard: [{ TEXT: 'Yes', COMMAND: 'yes' }, { TEXT: 'Docs', LINK: 'https://example.com' }],
    });
    expect((await paramsOf(id)).KEYBOARD).toHaveLength(2);
    const r = await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: id, fields: { keyboard: 'N' } });
    expect(r.body.result).toBe(true);
    const params = await paramsOf(id);
    expect(params.KEYBOARD).toBeUndefined();
    expect(params.ATTACH[0].BLOCKS).toEqual([{ MESSAGE: 'kept' }]);
    expect((await storedMessage(id))!.text).toBe('Pick one');
    // A new keyboard replaces the old one.
    await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: id, fields: { keyboard: [{ TEXT: 'Again', LINK: '/again' }] } });
    const again = (await paramsOf(id)).KEYBOARD;
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ TEXT: 'Again', LINK: '/again' });
    // An invalid keyboard is the documented keyboard error and changes nothing.
    const bad = await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: id, fields: { keyboard: [{ TEXT: 'no action' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('PARAM_KEYBOARD_ERROR');
    expect((await paramsOf(id)).KEYBOARD[0]).toMatchObject({ TEXT: 'Again' });
  });

  it('replaces the attachment (not merged), keeps the text', async () => {
    const { bot, user } = await setup();
    const id = await botSays(bot, user.id, { message: 'Report', attach: [{ MESSAGE: 'old one' }, { DELIMITER: { SIZE: 200 } }] });
    const r = await asBot(bot, 'imbot.v2.Chat.Message.update', {
      messageId: id,
      fields: { attach: { ID: 7, COLOR: '#29619b', BLOCKS: [{ LINK: { NAME: 'New', LINK: 'https://example.com/new' } }] } },
    });
    expect(r.body.result).toBe(true);
    const params = await paramsOf(id);
    // One attachment now — the new one (its stored normal form is the attach validator's business).
    expect(params.ATTACH).toHaveLength(1);
    expect(params.ATTACH[0]).toMatchObject({ ID: 7, COLOR: '#29619b' });
    expect(params.ATTACH[0].BLOCKS).toHaveLength(1);
    expect(Object.keys(params.ATTACH[0].BLOCKS[0])).toEqual(['LINK']);
    expect(JSON.stringify(params.ATTACH)).toContain('https://example.com/new');
    expect(JSON.stringify(params.ATTACH)).not.toContain('old one');
    expect((await storedMessage(id))!.text).toBe('Report');
    expect(params.KEYBOARD).toBeUndefined();
  });

  it('urlPreview "N" turns link previews off', async () => {
    const { bot, user } = await setup();
    const id = await botSays(bot, user.id, { message: 'see https://example.com' });
    await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: id, fields: { urlPreview: 'N' } });
    expect((await paramsOf(id)).URL_PREVIEW).toBe('N');
  });

  it('accepts UPPER_SNAKE field names too (the platform converts the top level of fields)', async () => {
    const { bot, user } = await setup();
    const id = await botSays(bot, user.id, { message: 'lower', keyboard: [{ TEXT: 'K', LINK: '/k' }] });
    await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: id, fields: { MESSAGE: 'UPPER', KEYBOARD: 'N' } });
    expect((await storedMessage(id))!.text).toBe('UPPER');
    expect((await paramsOf(id)).KEYBOARD).toBeUndefined();
  });

  it('only the bot’s own messages: ACCESS_DENIED for another bot’s, a user’s, a system message, a missing or deleted one', async () => {
    const { bot, user } = await setup();
    const other = await newBot({}, { name: 'Other' });
    const denied = async (messageId: unknown) => {
      const r = await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId, fields: { message: 'hijack' } });
      expectError(r, 'ACCESS_DENIED', 'Access denied');
    };
    const theirs = await botSays(other, user.id, { message: 'other bot' });
    await denied(theirs);
    expect((await storedMessage(theirs))!.text).toBe('other bot');
    const usersOwn = await say(user, bot.id, 'written by a person');
    await denied(usersOwn);
    expect((await storedMessage(usersOwn))!.text).toBe('written by a person');
    // system: true messages have no author as far as access goes.
    const sys = await botSays(bot, user.id, { message: 'system note', system: true });
    await denied(sys);
    expect((await storedMessage(sys))!.text).toBe('system note');
    await denied(999_999);
    await denied(0);
    const gone = await botSays(bot, user.id, { message: 'to be deleted' });
    expect((await asBot(bot, 'imbot.v2.Chat.Message.delete', { messageId: gone })).status).toBe(200);
    await denied(gone);
    // Over OAuth too: the application's bot cannot edit the token bot's message.
    const app = await installedApp();
    const reg = await oauthCall(app, 'imbot.v2.Bot.register', { fields: { code: uniq('oupd'), properties: { name: 'O' } } });
    const mine = await botSays(bot, user.id, { message: 'mine' });
    const viaApp = await oauthCall(app, 'imbot.v2.Chat.Message.update', { botId: reg.body.result.bot.id, messageId: mine, fields: { message: 'Updated text' } });
    expectError(viaApp, 'ACCESS_DENIED', 'Access denied');
    // The OAuth example on its own bot's message.
    const own = await oauthCall(app, 'imbot.v2.Chat.Message.send', { botId: reg.body.result.bot.id, dialogId: String(user.id), fields: { message: 'app says' } });
    const ok = await oauthCall(app, 'imbot.v2.Chat.Message.update', { botId: reg.body.result.bot.id, messageId: own.body.result.id, fields: { message: 'Updated text' } });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toBe(true);
  });

  it('an edit that leaves neither text nor attachment deletes the message', async () => {
    const { bot, user } = await setup();
    const id = await botSays(bot, user.id, { message: 'short-lived' });
    const r = await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: id, fields: { message: '' } });
    expect(r.body.result).toBe(true);
    expect((await paramsOf(id)).IS_DELETED).toBe('Y');
    // With an attachment left, an empty text is fine.
    const withAttach = await botSays(bot, user.id, { message: 'caption', attach: [{ MESSAGE: 'body' }] });
    await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: withAttach, fields: { message: '' } });
    const m = (await storedMessage(withAttach))!;
    expect(m.text).toBe('');
    expect(JSON.parse(m.params).IS_DELETED).toBeUndefined();
  });

  it('reports every documented error code', async () => {
    await expectBotErrors('imbot.v2.Chat.Message.update', { messageId: 1, fields: { message: 'x' } });
    const bot = await newBot();
    expectError(await asBot(bot, 'imbot.v2.Chat.Message.update', { fields: { message: 'x' } }), 100, 'Could not find value for parameter {messageId}');
  });
});

// ======================================================================================================
describe('imbot.v2.Chat.Message.delete', () => {
  it('reproduces the documented example: {result:{result:true}}; soft by default, complete on request', async () => {
    const bot = await newBot({}, { name: 'Deleter' });
    const user = await newPerson('Nora');
    const id = await botSays(bot, user.id, { message: 'bye', keyboard: [{ TEXT: 'K', LINK: '/k' }] });
    const r = await asBot(bot, 'imbot.v2.Chat.Message.delete', { messageId: id });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    expect(r.body.result).toEqual({ result: true });
    expect(isTimeObject(r.body.time)).toBe(true);
    const soft = (await storedMessage(id))!;
    expect(soft.text).toBe('');
    expect(JSON.parse(soft.params)).toEqual({ IS_DELETED: 'Y' });
    // Again: still fine.
    expect((await asBot(bot, 'imbot.v2.Chat.Message.delete', { messageId: id })).body.result).toEqual({ result: true });

    const id2 = await botSays(bot, user.id, { message: 'gone for good' });
    const c = await asBot(bot, 'imbot.v2.Chat.Message.delete', { messageId: id2, complete: true });
    expect(c.body.result).toEqual({ result: true });
    expect(await storedMessage(id2)).toBeUndefined();
    const id3 = await botSays(bot, user.id, { message: 'form' });
    const f = await asBot(bot, 'imbot.v2.Chat.Message.delete', { messageId: String(id3), complete: 'Y' }, 'form');
    expect(f.body.result).toEqual({ result: true });
    expect(await storedMessage(id3)).toBeUndefined();
  });

  it('ACCESS_DENIED for others’ and system messages unless the bot administers the chat; also for a missing message', async () => {
    const admin = await newBot({}, { name: 'Admin' });
    const plain = await newBot({}, { name: 'Plain' });
    const owner = await newPerson('Olga');
    const chat = await groupChat(owner.id, [admin.id, plain.id]);
    await p.store.chats.setRole(chat.id, admin.id, 'manager');
    const dialog = `chat${chat.id}`;
    const fromUser = await say(owner, dialog, 'a person wrote this');
    const fromPlain = await botSays(plain, dialog, { message: 'plain bot' });
    const sysByPlain = await botSays(plain, dialog, { message: 'plain system', system: true });

    const del = (bot: Bot, messageId: unknown) => asBot(bot, 'imbot.v2.Chat.Message.delete', { messageId });
    expectError(await del(plain, fromUser), 'ACCESS_DENIED', 'Access denied');
    expectError(await del(plain, sysByPlain), 'ACCESS_DENIED');
    expectError(await del(plain, 999_999), 'ACCESS_DENIED');
    expect((await storedMessage(fromUser))!.text).toBe('a person wrote this');
    expect((await storedMessage(sysByPlain))!.text).toBe('plain system');
    // The manager bot may delete anyone's message, system ones included.
    expect((await del(admin, fromUser)).body.result).toEqual({ result: true });
    expect((await del(admin, sysByPlain)).body.result).toEqual({ result: true });
    expect((await del(admin, fromPlain)).body.result).toEqual({ result: true });
    for (const id of [fromUser, sysByPlain, fromPlain]) expect((await paramsOf(id)).IS_DELETED).toBe('Y');
    // A bot outside the chat cannot delete there, even its own message after leaving.
    const own = await botSays(plain, dialog, { message: 'before leaving' });
    await p.store.chats.removeMember(chat.id, plain.id);
    expectError(await del(plain, own), 'ACCESS_DENIED');
  });

  it('reports every documented error code', async () => {
    await expectBotErrors('imbot.v2.Chat.Message.delete', { messageId: 1 });
  });
});
