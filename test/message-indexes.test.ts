import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openSqlite } from '../src/store/db.js';

// Migration 013: the TEMPLATE_ID index holds only messages that have one (no index write for the
// others), and the duplicate-template lookup still goes through it.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-indexes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it('the template lookup uses the partial messages_template index; messages without a template are not in it', async () => {
  const file = path.join(tmp, 'i.sqlite');
  const opened = await openSqlite(file);
  await opened.close();
  const db = new SQLite(file);
  try {
    const plan = db.prepare('explain query plan select * from messages where author_id = ? and template_id = ?').all(1, 'x') as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' | ')).toMatch(/USING INDEX messages_template/);
    db.prepare(`insert into chats (id, type, created_at) values (1, 'C', 'x')`).run();
    db.prepare(`insert into messages (chat_id, author_id, text, template_id, created_at) values (1, 1, 'a', null, 'x'), (1, 1, 'b', 't-1', 'x')`).run();
    // Counted through the index alone (INDEXED BY fails if it cannot be used): only the templated message.
    expect(db.prepare('select count(*) as n from messages indexed by messages_template where template_id is not null').get()).toEqual({ n: 1 });
    expect(db.prepare(`select sql from sqlite_master where name = 'messages_template'`).get()).toMatchObject({ sql: expect.stringMatching(/where "template_id" is not null/i) });
  } finally {
    db.close();
  }
});
