import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compiledFallbacks } from '../src/store/compiled.js';
import { openSqlite } from '../src/store/db.js';
// Loads every module that declares compiled() queries (the whole server).
import '../src/index.js';

// A compiled() query whose arguments are not its parameters, in order (a literal that Kysely turns into
// a parameter, an argument used twice or as a name), still works but is built and compiled again on
// every call: the cost it exists to avoid. None may be like that.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-compiled-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it('every compiled() query compiles once on SQLite', async () => {
  const opened = await openSqlite(path.join(tmp, 'q.sqlite'));
  try {
    expect(compiledFallbacks(opened.db)).toBe(0);
  } finally {
    await opened.close();
  }
});
