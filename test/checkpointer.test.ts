import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKSTOP_AUTOCHECKPOINT, CHECKPOINT_FRAMES, walBacklog } from '../src/store/checkpointer.js';
import { fixtures } from './helpers/fixtures.js';
import { testServer, type TestServer } from './helpers/server.js';

// WAL checkpoints on the worker thread (src/store/checkpointer.ts): only once the log holds
// CHECKPOINT_FRAMES pages not yet copied back, so that a write after a quiet moment does not start a
// fresh log (and sync its header) every time.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-ckpt-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const littleEndian = os.endianness() === 'LE';

function backlogOf(file: string): number {
  const fd = fs.openSync(`${file}-shm`, 'r');
  try {
    return walBacklog(fs, fd, littleEndian);
  } finally {
    fs.closeSync(fd);
  }
}

describe('walBacklog', () => {
  it("reads the frames SQLite reports as not yet checkpointed from the -shm file", () => {
    const file = path.join(dir, 'plain.sqlite');
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    for (let i = 0; i < 50; i++) insert.run('x'.repeat(3000));
    const before = backlogOf(file);
    // PASSIVE answers {busy, log (frames in the WAL), checkpointed}; nothing was checkpointed before.
    const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(before).toBe(log);
    expect(before).toBeGreaterThan(50);
    expect(checkpointed).toBe(log);
    expect(backlogOf(file)).toBe(0);
    db.close();
  });

  it('answers Infinity (checkpoint) when the header cannot be read', () => {
    const file = path.join(dir, 'short-shm');
    fs.writeFileSync(file, Buffer.alloc(10));
    const fd = fs.openSync(file, 'r');
    expect(walBacklog(fs, fd, littleEndian)).toBe(Infinity);
    fs.closeSync(fd);
  });
});

describe('the checkpointer of a running server', () => {
  let s: TestServer;
  const file = path.join(dir, 'server.sqlite');
  afterAll(() => s?.close());
  const { newBot, newPerson, say } = fixtures(() => s, { botName: 'Checkpoint' });
  const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('leaves a short log alone, and copies a long one back within a few of its rounds', async () => {
    s = await testServer({ data: file });
    const bot = await newBot();
    const person = await newPerson('Writer');
    for (let i = 0; i < 3; i++) await say(person, bot.id, `short ${i}`);
    await quiet(800); // four rounds of the worker
    const short = backlogOf(file);
    expect(short).toBeGreaterThan(0);
    expect(short).toBeLessThan(CHECKPOINT_FRAMES);

    // One at a time, so that each message is its own commit (well under 100 pages each), until the
    // backlog falls: the worker copied the log back (the next write then starts it over).
    let previous = backlogOf(file);
    for (let i = 0; ; i++) {
      if (i > 2000) throw new Error('the log was never copied back');
      await say(person, bot.id, `long ${i} ${'y'.repeat(2000)}`);
      const now = backlogOf(file);
      if (now < previous) break;
      previous = now;
    }
    // It waited for the mark, and it was the worker, not the connection's own backstop.
    expect(previous).toBeGreaterThan(CHECKPOINT_FRAMES - 100);
    expect(previous).toBeLessThan(BACKSTOP_AUTOCHECKPOINT);
  }, 30_000);
});
