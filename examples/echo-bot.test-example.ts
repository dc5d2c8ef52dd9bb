import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTestServer, type StartedTestServer } from 'imbot-server/testing';
import { startEchoBot } from './echo-bot.js';

let server: StartedTestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
// Every test starts from an empty portal (the admin and the admin webhook stay).
beforeEach(() => server.control.reset());

it('answers a user’s message', async () => {
  const bot = await startEchoBot(server.hook, 'echo-secret');
  const { users } = await server.control.seed({ users: [{ key: 'alice', name: 'Alice' }] });
  const alice = users.alice.id;

  // Alice writes to the bot, as a person would in the messenger.
  await server.control.as(alice, 'im.message.add', { DIALOG_ID: bot.id, MESSAGE: 'hello' });

  // The event waits in the bot's queue until the bot fetches it (peek does not take it away).
  const queue = await server.control.peek(bot.id);
  expect(queue.events.map((e) => e.type)).toContain('ONIMBOTV2MESSAGEADD');

  expect(await bot.poll()).toBe(1);

  // Alice sees the answer in her dialog with the bot.
  const dialog = await server.control.as(alice, 'im.dialog.messages.get', { DIALOG_ID: bot.id });
  expect(dialog.messages[0]).toMatchObject({ author_id: bot.id, text: 'You said: hello' });
});

it('survives a rate-limit answer from the platform', async () => {
  const bot = await startEchoBot(server.hook, 'echo-secret');
  await server.control.faults({ fault: 'QUERY_LIMIT_EXCEEDED', method: 'imbot.v2.Event.get' });
  // This bot does not retry: the fault reaches it as an error, and the next poll works.
  await expect(bot.poll()).rejects.toThrow('QUERY_LIMIT_EXCEEDED');
  expect(await bot.poll()).toBe(0);
});
