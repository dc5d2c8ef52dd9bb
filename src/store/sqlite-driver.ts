import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/** Prepared statements kept per connection; SQL texts vary little (IN lists of different lengths do). */
const STATEMENT_CACHE_SIZE = 500;
const TRACE = !!process.env.IMBOT_SQL_TRACE; // PERFTRACE
const SQLPROF: Map<string, [bigint, number]> | null = process.env.IMBOT_SQL_PROF ? new Map() : null; // PERFTRACE
if (SQLPROF) process.on('SIGUSR2', () => { for (const [k, [t, n]] of [...SQLPROF].sort((a, b) => Number(b[1][0] - a[1][0]))) process.stderr.write(`${(Number(t) / 1e6).toFixed(1).padStart(8)} ms ${String(n).padStart(7)} × ${(Number(t) / 1e3 / n).toFixed(1)} µs  ${k.slice(0, 150)}\n`); SQLPROF.clear(); }); // PERFTRACE

/**
 * The one connection to the embedded database. Kysely's own SQLite driver prepares every statement
 * again on every call (half the database time of a request); this one keeps them, keyed by SQL text.
 * better-sqlite3 recompiles a kept statement by itself after a schema change.
 *
 * Inside a transaction, a read repeated with the same parameters and no write in between is answered
 * from memory (copies of the rows): SQLite would give the same rows (a transaction reads one snapshot
 * plus its own writes), and the event pipeline reads the same chat, members and users several times.
 */
class CachedConnection implements DatabaseConnection {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** Reads of the open transaction since its last write; null outside transactions. */
  private reads: Map<string, unknown[]> | null = null;

  constructor(private readonly db: BetterSqlite3.Database) {}

  private statement(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Called by the driver at begin (true) and at commit/rollback (false). */
  inTransaction(on: boolean): void {
    this.reads = on ? new Map() : null;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (TRACE) process.stderr.write(`SQL ${query.sql}\n`); // PERFTRACE
    if (SQLPROF) { const t = process.hrtime.bigint(); const r = this.executeQuery0<R>(query); const e = SQLPROF.get(query.sql) ?? [0n, 0]; e[0] += process.hrtime.bigint() - t; e[1]++; SQLPROF.set(query.sql, e); return r; } // PERFTRACE
    return this.executeQuery0<R>(query); // PERFTRACE
  }
  executeQuery0<R>(query: CompiledQuery): Promise<QueryResult<R>> { // PERFTRACE
    const stmt = this.statement(query.sql);
    const params = query.parameters as unknown[];
    if (this.reads && stmt.reader && stmt.readonly) {
      const key = readKey(query.sql, params);
      let rows = key === undefined ? undefined : this.reads.get(key);
      if (!rows) {
        rows = stmt.all(params);
        if (key !== undefined) this.reads.set(key, rows);
      }
      return Promise.resolve({ rows: rows.map(copyRow) as R[] });
    }
    // Any write (INSERT … RETURNING included) ends what the transaction may answer from memory.
    if (!stmt.readonly && this.reads?.size) this.reads.clear();
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(params) as R[] });
    const { changes, lastInsertRowid } = stmt.run(params);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by this driver');
  }
}

const copyRow = (r: unknown) => (r && typeof r === 'object' ? { ...(r as object) } : r);

/** SQL and parameters of a read as a memo key; undefined (not kept) when a parameter is not a plain scalar. */
function readKey(sql: string, params: readonly unknown[]): string | undefined {
  let key = sql;
  for (const p of params) {
    if (typeof p === 'number') key += `\u0001n${p}`;
    else if (typeof p === 'string') key += `\u0001s${p}`;
    else if (p === null) key += '\u0001z';
    else if (typeof p === 'bigint') key += `\u0001b${p}`;
    else return undefined;
  }
  return key;
}

/**
 * SQLite has one connection; callers queue for it in arrival order (a transaction holds it until it
 * ends). Kysely's driver wakes every waiter on each release; this one hands the connection to the next.
 */
class SingleConnectionDriver implements Driver {
  private connection!: CachedConnection;
  private locked = false;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly db: BetterSqlite3.Database) {}

  async init(): Promise<void> {
    this.connection = new CachedConnection(this.db);
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(this.connection);
    }
    return new Promise((resolve) => this.waiters.push(() => resolve(this.connection)));
  }

  async releaseConnection(): Promise<void> {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
    (connection as CachedConnection).inTransaction(true);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as CachedConnection).inTransaction(false);
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as CachedConnection).inTransaction(false);
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    this.db.close();
  }
}

/** Kysely's SQLite dialect over {@link SingleConnectionDriver}. */
export class BetterSqliteDialect implements Dialect {
  constructor(private readonly db: BetterSqlite3.Database) {}

  createDriver(): Driver {
    return new SingleConnectionDriver(this.db);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
