import { describe, expect, it } from 'vitest';
import { fixtures } from './helpers/fixtures.js';
import { columnsOf, migrateFrom } from './helpers/migrations.js';
import { useTestServer } from './helpers/server.js';

// A bot's counters live in bot_counters (migration 011) so that bot messages leave the bots table, and
// so its cached reads, alone. The Bot object must show them as before.

const server = useTestServer();
const f = fixtures(server);

describe('bot counters', () => {
  it('countMessage counts the messages a bot sends (v2 and v1), countCommand its commands', async () => {
    const bot = await f.newBot();
    const count = async () => (await f.asBot(bot, 'imbot.v2.Bot.get')).body.result.bot;
    expect((await count()).countMessage).toBe(0);
    await f.botSays(bot, 1, 'one');
    await f.botSays(bot, 1, 'two');
    // Between the two sends the bot row itself was read from memory; the counter must still move.
    expect((await count()).countMessage).toBe(2);
    const reg = await f.asBot(bot, 'imbot.v2.Command.register', { fields: { command: 'count', title: { en: 'Count' } } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    expect((await count()).countCommand).toBe(1);
    const list = await server().call('imbot.v2.Bot.list', { botToken: bot.token });
    expect(list.body.result.bots.find((b: { id: number }) => b.id === bot.id)).toMatchObject({ countMessage: 2, countCommand: 1 });
  });
});

describe('migration 011', () => {
  it('moves the counters of existing bots out of bots, unchanged', async () => {
    await migrateFrom(
      '010_web_sessions',
      (db) => {
        db.prepare(`insert into users (id, name, login, created_at) values (7, 'Old bot', 'old_bot', 'x')`).run();
        db.prepare(
          `insert into bots (id, code, type, api, owner_hash, owner_sealed, event_mode, created_at, count_message, count_command, count_chat, count_user)
           values (7, 'old', 'bot', 'v2', 'h', 's', 'fetch', 'x', 41, 3, 2, 1)`,
        ).run();
      },
      (db) => {
        expect(db.prepare('select * from bot_counters where bot_id = 7').get()).toEqual({ bot_id: 7, count_message: 41, count_command: 3, count_chat: 2, count_user: 1 });
        expect(columnsOf(db, 'bots')).not.toContain('count_message');
      },
    );
  });
});
