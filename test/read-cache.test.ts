import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenedDb, openSqlite } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { testServer } from './helpers/server.js';

// The read cache (src/store/read-cache.ts) keeps results of reads across requests. What must hold:
// a read never answers what the database would not — after a write of this process, a rollback (of a
// transaction, of its savepoint inside a group), a commit by another process, a cascade — and a read
// outside transactions never sees rows of a group not committed yet.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-read-cache-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let opened: OpenedDb;
let store: Store;
let file: string;
let n = 0;

beforeEach(async () => {
  file = path.join(tmp, `cache-${++n}.sqlite`);
  opened = await openSqlite(file);
  store = new Store(opened.db);
});
afterEach(async () => {
  await opened.close();
});

// Commits of other connections are looked for every 10 ms (read-cache.ts).
const later = () => new Promise((r) => setTimeout(r, 25));

async function person(name: string): Promise<number> {
  return (await store.users.insert({ name, last_name: '', login: `${name.toLowerCase()}-${n}`, created_at: '2026-11-22T00:00:00+00:00' })).id;
}

describe('read cache', () => {
  it('a write of this process is seen by the next read', async () => {
    const id = await person('Anna');
    expect((await store.users.byId(id))?.name).toBe('Anna');
    await store.users.update(id, { name: 'Anne' });
    expect((await store.users.byId(id))?.name).toBe('Anne');
  });

  it('a commit by another connection (a CLI beside the server) is seen within milliseconds', async () => {
    const id = await person('Boris');
    expect((await store.users.byId(id))?.name).toBe('Boris');
    const other = new SQLite(file);
    try {
      other.prepare('update users set name = ? where id = ?').run('Bob', id);
    } finally {
      other.close();
    }
    await later();
    expect((await store.users.byId(id))?.name).toBe('Bob');
  });

  it('a transaction that fails leaves no trace, even of rows it read back after writing them', async () => {
    const id = await person('Clara');
    await store.users.byId(id);
    await expect(
      store.transaction(async (tx) => {
        await tx.users.update(id, { name: 'Claire' });
        expect((await tx.users.byId(id))?.name).toBe('Claire');
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect((await store.users.byId(id))?.name).toBe('Clara');
    await store.transaction(async (tx) => expect((await tx.users.byId(id))?.name).toBe('Clara'));
  });

  it('in one group commit, a failing transaction rolls back its own writes only', async () => {
    const a = await person('Dora');
    const b = await person('Emil');
    const first = store.transaction(async (tx) => {
      await tx.users.update(a, { name: 'Dorothea' });
      await tx.users.byId(a);
    });
    const second = store.transaction(async (tx) => {
      await tx.users.update(b, { name: 'Emile' });
      expect((await tx.users.byId(a))?.name).toBe('Dorothea');
      expect((await tx.users.byId(b))?.name).toBe('Emile');
      throw new Error('second fails');
    });
    const secondFails = expect(second).rejects.toThrow('second fails');
    await first;
    await secondFails;
    expect((await store.users.byId(a))?.name).toBe('Dorothea');
    expect((await store.users.byId(b))?.name).toBe('Emil');
  });

  it('a read outside transactions does not see rows of a group that has not committed', async () => {
    const id = await person('Frida');
    await store.users.byId(id);
    let outside: Promise<string | undefined> | undefined;
    const tx = store.transaction(async (t) => {
      await t.users.update(id, { name: 'Frederica' });
      expect((await t.users.byId(id))?.name).toBe('Frederica');
      // Queued behind this transaction: it runs once the transaction is done, before its group's COMMIT.
      outside = store.users.byId(id).then((u) => u?.name);
    });
    await tx;
    expect(await outside).toBe('Frida');
    expect((await store.users.byId(id))?.name).toBe('Frederica');
  });

  it('a delete cascades: member lists of a deleted chat are not answered from memory', async () => {
    const id = await person('Gustav');
    const chat = await store.chats.insert({ type: 'C', title: 'Cascade', owner_id: id, created_at: '2026-11-22T00:00:00+00:00' });
    await store.chats.addMember({ chat_id: chat.id, user_id: id, role: 'owner', joined_at: '2026-11-22T00:00:00+00:00' });
    expect(await store.chats.members(chat.id)).toHaveLength(1);
    await opened.db.deleteFrom('chats').where('id', '=', chat.id).execute();
    expect(await store.chats.members(chat.id)).toHaveLength(0);
  });

  it('kept rows are handed out frozen: a caller cannot change what the next read gets', async () => {
    const id = await person('Hanna');
    await store.users.byId(id); // kept from here on
    const row = (await store.users.byId(id))!;
    expect(Object.isFrozen(row)).toBe(true);
    expect(() => {
      row.name = 'changed by a caller';
    }).toThrow(TypeError);
    expect((await store.users.byId(id))?.name).toBe('Hanna');
    // Each caller gets its own array: sorting or filling one leaves the kept result alone.
    await store.users.list();
    const list = await store.users.list();
    const length = list.length;
    list.push(row);
    expect(await store.users.list()).toHaveLength(length);
  });
});

describe('over HTTP', () => {
  it('a user renamed by another process while the server runs is answered renamed', async () => {
    const dataFile = path.join(tmp, 'http.sqlite');
    const s = await testServer({ data: dataFile });
    try {
      // The server has read the users table (the admin) before the other process writes it.
      expect((await s.call('user.current')).status).toBe(200);
      const other = new SQLite(dataFile);
      try {
        other.prepare('update users set name = ? where id = 1').run('Renamed Elsewhere');
      } finally {
        other.close();
      }
      await new Promise((r) => setTimeout(r, 25));
      const r = await s.call('user.current');
      expect(r.body.result.NAME).toBe('Renamed Elsewhere');
    } finally {
      await s.close();
    }
  });
});
