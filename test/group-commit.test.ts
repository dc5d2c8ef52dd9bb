import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { type OpenedDb, openSqlite } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { testServer, type TestServer } from './helpers/server.js';

// Group commit (src/store/sqlite-driver.ts): transactions of one event-loop turn share a COMMIT.
// What must hold: a call is answered only after its rows are committed (an independent connection
// sees them), a failing transaction leaves the others of its group alone, and a failed COMMIT fails
// every transaction it would have made durable.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-group-commit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('over HTTP, on a data file', () => {
  let s: TestServer;
  const file = path.join(tmp, 'http.sqlite');
  beforeAll(async () => {
    s = await testServer({ data: file });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('concurrent sends are each committed before their answer; a failing one changes nothing', async () => {
    const reg = await s.call('imbot.v2.Bot.register', { botToken: 'gc_owner', fields: { code: 'gc_bot', properties: { name: 'Group' } } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const botId = reg.body.result.bot.id as number;
    const pl = s.server.platform;
    const u = await createUser(pl.store, { name: 'Writer' });
    const { secret } = await createWebhook(pl.store, pl.box, { userId: u.id, scopes: ['im'] });
    const userBase = `${s.url}/rest/${u.id}/${secret}/`;

    const reader = new SQLite(file, { readonly: true });
    try {
      const committed = (id: number) => reader.prepare('SELECT id FROM messages WHERE id = ?').get(id) !== undefined;
      const calls = Array.from({ length: 30 }, (_, i) => {
        if (i % 10 === 9) {
          // Not a member of chat 999999: fails inside its transaction, between successful ones.
          return s.call('imbot.v2.Chat.Message.send', { botId, botToken: 'gc_owner', dialogId: 'chat999999', fields: { message: `bad ${i}` } }).then((r) => ({ r, ok: false, visible: false }));
        }
        const call =
          i % 2
            ? s.call('im.message.add', { DIALOG_ID: String(botId), MESSAGE: `user ${i}` }, 'form', userBase)
            : s.call('imbot.v2.Chat.Message.send', { botId, botToken: 'gc_owner', dialogId: String(u.id), fields: { message: `bot ${i}` } });
        // The moment the answer arrives, another connection must already see the row.
        return call.then((r) => {
          const id = Number(typeof r.body.result === 'object' ? r.body.result.id : r.body.result);
          return { r, ok: true, visible: r.status === 200 && committed(id) };
        });
      });
      const results = await Promise.all(calls);
      for (const x of results) {
        if (x.ok) {
          expect(x.r.status, JSON.stringify(x.r.body)).toBe(200);
          expect(x.visible).toBe(true);
        } else {
          expect(x.r.status).toBe(400);
          expect(x.r.body.error).toBeTypeOf('string');
        }
      }
      const texts = reader.prepare("SELECT text FROM messages WHERE text LIKE 'bad %'").all();
      expect(texts).toEqual([]);
      expect(reader.prepare("SELECT count(*) AS n FROM messages WHERE text LIKE 'bot %' OR text LIKE 'user %'").get()).toEqual({ n: 27 });
    } finally {
      reader.close();
    }
  });
});

describe('the store, on a data file', () => {
  let opened: OpenedDb;
  beforeAll(async () => {
    opened = await openSqlite(path.join(tmp, 'store.sqlite'));
    await sql`CREATE TABLE gc_parent (id INTEGER PRIMARY KEY)`.execute(opened.db);
    await sql`CREATE TABLE gc_child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES gc_parent (id) DEFERRABLE INITIALLY DEFERRED, note TEXT)`.execute(opened.db);
  });
  afterAll(async () => {
    await opened?.close();
  });
  const notes = async () => (await sql<{ note: string }>`SELECT note FROM gc_child ORDER BY id`.execute(opened.db)).rows.map((r) => r.note);

  it('a transaction that throws rolls back alone; the others of its turn commit', async () => {
    await sql`INSERT INTO gc_parent (id) VALUES (1)`.execute(opened.db);
    const write = (note: string, fail = false) =>
      opened.db.transaction().execute(async (tx) => {
        await sql`INSERT INTO gc_child (parent, note) VALUES (1, ${note})`.execute(tx);
        if (fail) throw new Error(`fail ${note}`);
        return note;
      });
    const outcome = await Promise.allSettled([write('a'), write('b', true), write('c'), sql`INSERT INTO gc_child (parent, note) VALUES (1, 'plain')`.execute(opened.db)]);
    expect(outcome.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await notes()).toEqual(['a', 'c', 'plain']);
  });

  it('a failed COMMIT fails every transaction that shared it, and none of their rows remain', async () => {
    const before = await notes();
    // A deferred foreign key is checked at COMMIT only: the first transaction passes its own statements.
    const bad = opened.db.transaction().execute(async (tx) => {
      await sql`INSERT INTO gc_child (parent, note) VALUES (42, 'orphan')`.execute(tx);
    });
    const good = opened.db.transaction().execute(async (tx) => {
      await sql`INSERT INTO gc_child (parent, note) VALUES (1, 'shared')`.execute(tx);
    });
    const outcome = await Promise.allSettled([bad, good]);
    expect(outcome.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcome[1] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(await notes()).toEqual(before);
    // The connection is usable afterwards.
    await opened.db.transaction().execute((tx) => sql`INSERT INTO gc_child (parent, note) VALUES (1, 'after')`.execute(tx));
    expect(await notes()).toEqual([...before, 'after']);
  });

  // Store.transaction runs without Kysely's transaction builder (SingleConnectionDriver.runTransaction):
  // the same three rules must hold there.
  it('Store.transaction: one that throws rolls back alone; the others of its turn commit', async () => {
    const store = new Store(opened.db);
    const before = await notes();
    const write = (note: string, fail = false) =>
      store.transaction(async (tx) => {
        await sql`INSERT INTO gc_child (parent, note) VALUES (1, ${note})`.execute(tx.db);
        if (fail) throw new Error(`fail ${note}`);
        return note;
      });
    const outcome = await Promise.allSettled([write('s1'), write('s2', true), write('s3')]);
    expect(outcome.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcome[1] as PromiseRejectedResult).reason)).toMatch(/fail s2/);
    expect(await notes()).toEqual([...before, 's1', 's3']);
  });

  it('Store.transaction: a failed COMMIT fails every transaction that shared it', async () => {
    const store = new Store(opened.db);
    const before = await notes();
    const bad = store.transaction((tx) => sql`INSERT INTO gc_child (parent, note) VALUES (43, 'orphan')`.execute(tx.db));
    const good = store.transaction((tx) => sql`INSERT INTO gc_child (parent, note) VALUES (1, 'shared too')`.execute(tx.db));
    const outcome = await Promise.allSettled([bad, good]);
    expect(outcome.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await notes()).toEqual(before);
    await store.transaction((tx) => sql`INSERT INTO gc_child (parent, note) VALUES (1, 'after too')`.execute(tx.db));
    expect(await notes()).toEqual([...before, 'after too']);
  });

  it('Store.transaction: a query on a transaction that has ended fails instead of running outside it', async () => {
    const store = new Store(opened.db);
    const escaped = await store.transaction(async (tx) => tx);
    await expect(escaped.bots.bareById(1)).rejects.toThrow(/transaction has ended/); // a compiled query
    await expect(escaped.portal()).rejects.toThrow(/transaction has ended/); // one built by Kysely
    // Nor does it run inside the transaction holding the connection now.
    await store.transaction(async () => {
      await expect(escaped.bots.bareById(1)).rejects.toThrow(/transaction has ended/);
      await expect(escaped.portal()).rejects.toThrow(/transaction has ended/);
    });
  });
});
