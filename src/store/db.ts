import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { BACKSTOP_AUTOCHECKPOINT, type Checkpointer, startCheckpointer } from './checkpointer.js';
import { setDirectExecutor } from './compiled.js';
import { BetterSqliteDialect, onlyWhile, transactionDialect } from './sqlite-driver.js';
import { setTransactionRunner, Store } from './store.js';

export type Db = Kysely<Database>;

export interface OpenedDb {
  db: Db;
  /** Moves WAL checkpoints to a worker thread (a long-running server; a no-op for `:memory:`). */
  checkpointInBackground(): void;
  close(): Promise<void>;
}

/** Opens (and migrates) the embedded SQLite database. `:memory:` gives a throwaway portal. */
export async function openSqlite(file: string): Promise<OpenedDb> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Reads outside transactions go to a second connection while a group commit is open (sqlite-driver.ts).
  const reader = file === ':memory:' ? undefined : new SQLite(file, { readonly: true });
  reader?.pragma('busy_timeout = 5000');
  const dialect = new BetterSqliteDialect(sqlite, reader);
  const db = new Kysely<Database>({ dialect });
  await migrate(db);
  const driver = dialect.driver!;
  driver.enableReadCache();
  setDirectExecutor(db, (query) => driver.executeDirect(query));
  // Transactions without Kysely's transaction builder: one instance over the connection serves them
  // all, each through a view that fails once its transaction has ended.
  const inTransaction = new Kysely<Database>({ dialect: transactionDialect(driver) });
  setTransactionRunner(db, (fn) =>
    driver.runTransaction((transaction) => {
      const tx = inTransaction.withPlugin(onlyWhile(driver, transaction));
      setDirectExecutor(tx, (query) => driver.executeInTransaction(query, transaction));
      return fn(new Store(tx, true));
    }),
  );
  let checkpointer: Checkpointer | undefined;
  return {
    db,
    checkpointInBackground() {
      if (file === ':memory:' || checkpointer) return;
      sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT}`);
      checkpointer = startCheckpointer(path.resolve(file));
    },
    async close() {
      // The worker's connection goes first, so that closing ours (the last) checkpoints and removes the WAL.
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

export async function migrate(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}
