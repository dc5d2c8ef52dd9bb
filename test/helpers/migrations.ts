import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator } from 'kysely';
import { expect } from 'vitest';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { BetterSqliteDialect } from '../../src/store/sqlite-driver.js';

/**
 * A data file as an older server left it: migrated up to `before`, then `seed` writes rows with plain SQL
 * (the old columns); then migrated to the latest, as a newer server does at start, and `check` looks.
 * Foreign keys are on, as in the server.
 */
export async function migrateFrom(before: string, seed: (db: SQLite.Database) => void, check: (db: SQLite.Database) => void): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-migration-'));
  const sqlite = new SQLite(path.join(tmp, 'old.sqlite'));
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<any>({ dialect: new BetterSqliteDialect(sqlite) });
  try {
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    seed(sqlite);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    check(sqlite);
  } finally {
    await db.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Column names of `table`. */
export const columnsOf = (db: SQLite.Database, table: string) =>
  (db.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
