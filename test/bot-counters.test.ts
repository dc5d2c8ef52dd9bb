import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, Migrator } from 'kysely';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationProvider } from '../src/store/migrations/index.js';
import { BetterSqliteDialect } from '../src/store/sqlite-driver.js';
import { fixtures } from './helpers/fixtures.js';
import { testServer, type TestServer } from './helpers/server.js';

// A bot's counters live in bot_counters (migration 011) so that bot messages leave the bots table, and
// so its cached reads, alone. The Bot object must show them as before.

let s: TestServer;
const f = fixtures(() => s);
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s?.close();
});

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
    const list = await s.call('imbot.v2.Bot.list', { botToken: bot.token });
    expect(list.body.result.bots.find((b: { id: number }) => b.id === bot.id)).toMatchObject({ countMessage: 2, countCommand: 1 });
  });
});

describe('migration 011', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-counters-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('moves the counters of existing bots out of bots, unchanged', async () => {
    const file = path.join(tmp, 'old.sqlite');
    const sqlite = new SQLite(file);
    const db = new Kysely<any>({ dialect: new BetterSqliteDialect(sqlite) });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('010_web_sessions')).error).toBeUndefined();
      sqlite.prepare(`insert into users (id, name, login, created_at) values (7, 'Old bot', 'old_bot', 'x')`).run();
      sqlite
        .prepare(
          `insert into bots (id, code, type, api, owner_hash, owner_sealed, event_mode, created_at, count_message, count_command, count_chat, count_user)
           values (7, 'old', 'bot', 'v2', 'h', 's', 'fetch', 'x', 41, 3, 2, 1)`,
        )
        .run();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(sqlite.prepare('select * from bot_counters where bot_id = 7').get()).toEqual({ bot_id: 7, count_message: 41, count_command: 3, count_chat: 2, count_user: 1 });
      const columns = (sqlite.prepare(`select name from pragma_table_info('bots')`).all() as { name: string }[]).map((c) => c.name);
      expect(columns).not.toContain('count_message');
    } finally {
      await db.destroy();
    }
  });
});
