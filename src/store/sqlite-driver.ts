import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type KyselyPlugin,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { ReadCache } from './read-cache.js';

/** Prepared statements kept per connection; SQL texts vary little (IN lists of different lengths do). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The one connection to the embedded database. Kysely's own SQLite driver prepares every statement
 * again on every call (half the database time of a request); this one keeps them, keyed by SQL text.
 * better-sqlite3 recompiles a kept statement by itself after a schema change.
 *
 * Inside a transaction, a read repeated with the same parameters and no write in between is answered
 * from memory (the same row objects, frozen): SQLite would give the same rows (a transaction reads one snapshot
 * plus its own writes), and the event pipeline reads the same chat, members and users several times.
 */
class CachedConnection implements DatabaseConnection {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** Reads of the open transaction since its last write; null outside transactions. */
  private reads: Map<string, unknown[]> | null = null;
  /** The group commit under way on this connection (0: none); see {@link ReadCache}. */
  group = 0;

  /** `cache`: the writer connection's {@link ReadCache} (the reader connection has none). */
  constructor(
    private readonly db: BetterSqlite3.Database,
    readonly cache?: ReadCache,
  ) {}

  private statement(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  isRead(sql: string): boolean {
    const stmt = this.statement(sql);
    return stmt.reader && stmt.readonly;
  }

  /** Called by the driver at begin (true) and at commit/rollback (false). */
  inTransaction(on: boolean): void {
    this.reads = on ? new Map() : null;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.statement(query.sql);
    const params = query.parameters as unknown[];
    if (stmt.reader && stmt.readonly) {
      const key = readKey(query.sql, params);
      let rows = key === undefined ? undefined : (this.cache?.get(query.sql, key, 0) ?? this.reads?.get(key));
      if (rows) return Promise.resolve({ rows: rows.slice() as R[] });
      rows = stmt.all(params);
      if (key === undefined) return Promise.resolve({ rows: rows as R[] });
      const kept = this.cache?.put(query.sql, key, rows, this.group) ?? false;
      if (this.reads) this.reads.set(key, rows);
      // Rows kept for later callers are shared with them, frozen (a caller that changed one would change
      // every later answer); each caller gets its own array. Rows nobody keeps go out as they are.
      if (!kept && !this.reads) return Promise.resolve({ rows: rows as R[] });
      for (const r of rows) Object.freeze(r);
      return Promise.resolve({ rows: rows.slice() as R[] });
    }
    this.cache?.beforeRun(query.sql, stmt.readonly);
    // Any write (INSERT … RETURNING included) ends what the transaction may answer from memory.
    if (!stmt.readonly && this.reads?.size) this.reads.clear();
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(params) as R[] });
    const { changes, lastInsertRowid } = stmt.run(params);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  /** Rows of a read kept by the cache that a caller needing committed rows only may use (a read outside transactions). */
  committedFromCache<R>(query: CompiledQuery): QueryResult<R> | undefined {
    if (!this.cache) return undefined;
    const key = readKey(query.sql, query.parameters as unknown[]);
    const rows = key === undefined ? undefined : this.cache.get(query.sql, key, this.group);
    return rows ? { rows: rows.slice() as R[] } : undefined;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by this driver');
  }
}

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

/** begin / savepoint / release / commit, four per call: each CompiledQuery.raw builds a frozen node and a random id. */
const controlQueries = new Map<string, CompiledQuery>();
function control(sql: string): CompiledQuery {
  let q = controlQueries.get(sql);
  if (!q) controlQueries.set(sql, (q = CompiledQuery.raw(sql)));
  return q;
}

/** Transactions committed together at most; bounds how long the first of a group waits for its COMMIT. */
const GROUP_LIMIT = 64;

/** One COMMIT awaited by the transactions it makes durable. */
interface Group {
  waiting: { resolve: () => void; reject: (e: unknown) => void }[];
  /** The turn's setImmediate has run: commit as soon as nobody holds the connection. */
  due: boolean;
  /** A transaction ran a PRAGMA (e.g. defer_foreign_keys): nothing else may share its COMMIT. */
  sealed: boolean;
}

/** One acquisition of the connection (Kysely hands it back to release and to the transaction calls). */
class Lease implements DatabaseConnection {
  released = false;
  inTransaction = false;

  constructor(private readonly driver: SingleConnectionDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, query);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by this driver');
  }
}

/**
 * SQLite has one connection; callers queue for it in arrival order (a transaction holds it until it
 * ends). Kysely's driver wakes every waiter on each release; this one hands the connection to the next.
 *
 * Group commit: a transaction ends with RELEASE of its own savepoint inside one SQLite transaction that
 * stays open until the end of the event-loop turn (setImmediate), so that the transactions of requests
 * arriving in the same turn share one COMMIT (one WAL append instead of one per call; a commit costs
 * more than the statements of a message send). Durability is unchanged: each transaction's commit call
 * resolves only after that COMMIT succeeded, and if it fails every transaction of the group gets the
 * error. A transaction that fails rolls back to its savepoint and leaves the others alone. A read
 * outside a transaction never sees uncommitted rows: it goes to the second (reader) connection, which
 * sees the last COMMIT, or — without one (`:memory:`) — commits the open group first. A write outside a
 * transaction joins the group and, like a transaction, is answered after the COMMIT.
 */
export class SingleConnectionDriver implements Driver {
  private readonly connection: CachedConnection;
  private locked = false;
  private readonly waiters: (() => void)[] = [];
  private group: Group | null = null;
  private groups = 0;
  private reader?: CachedConnection;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly readerDb?: BetterSqlite3.Database,
  ) {
    this.connection = new CachedConnection(this.db, new ReadCache(this.db));
    if (this.readerDb) this.reader = new CachedConnection(this.readerDb);
  }

  /** The lease of the transaction holding the connection, if one does. */
  private transactionLease: Lease | null = null;

  async init(): Promise<void> {}

  /**
   * A compiled query outside transactions without Kysely's executor around it (a connection provider,
   * an executor copy and five promises per query; see compiled.ts): the same lease, run and release.
   */
  async executeDirect<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const lease = (await this.acquireConnection()) as Lease;
    try {
      return await this.execute<R>(lease, query);
    } finally {
      await this.releaseConnection(lease);
    }
  }

  /** Reads may be kept from now on (called once the schema is migrated; see ReadCache). */
  enableReadCache(): void {
    this.connection.cache?.enable();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(new Lease(this));
    }
    return new Promise((resolve) => this.waiters.push(() => resolve(new Lease(this))));
  }

  execute<R>(lease: Lease, query: CompiledQuery): Promise<QueryResult<R>> {
    if (!lease.inTransaction) return this.executeAlone(lease, query);
    if (/^\s*pragma/i.test(query.sql)) this.group!.sealed = true;
    return this.connection.executeQuery<R>(query);
  }

  /** A query outside a transaction. */
  private async executeAlone<R>(lease: Lease, query: CompiledQuery): Promise<QueryResult<R>> {
    if (lease.released) await this.reacquire(lease); // a second query on a lease already handed on
    if (/^\s*pragma/i.test(query.sql)) {
      this.commitGroup();
      return this.connection.executeQuery<R>(query);
    }
    if (this.connection.isRead(query.sql)) {
      if (!this.group) return this.connection.executeQuery<R>(query);
      // Committed rows only, without waiting for the open group (WAL: a second connection reads the last commit).
      const kept = this.connection.committedFromCache<R>(query);
      if (kept) return kept;
      if (this.reader) return this.reader.executeQuery<R>(query);
      this.commitGroup();
      return this.connection.executeQuery<R>(query);
    }
    if (!this.group) this.openGroup(); // a write on its own: shares the COMMIT of the turn's transactions
    // Inside the open group: its result is given only after the group's COMMIT; the connection is handed on now.
    let result: QueryResult<R>;
    try {
      result = await this.connection.executeQuery<R>(query);
    } catch (err) {
      if (!this.db.inTransaction) this.loseGroup(err);
      throw err;
    }
    const committed = this.committed();
    lease.released = true;
    this.handOff();
    await committed;
    return result;
  }

  private async reacquire(lease: Lease): Promise<void> {
    if (this.locked) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.locked = true;
    lease.released = false;
  }

  private committed(): Promise<void> {
    const group = this.group!;
    return new Promise<void>((resolve, reject) => group.waiting.push({ resolve, reject }));
  }

  /** SQLite rolled the whole transaction back itself (e.g. a full disk): every transaction of the group fails. */
  private loseGroup(err: unknown): void {
    const group = this.group;
    this.group = null;
    this.connection.group = 0;
    this.connection.cache?.rolledBackGroup();
    for (const w of group?.waiting ?? []) w.reject(err);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return; // already handed on when its transaction committed
    lease.released = true;
    this.handOff();
  }

  /** The holder is done with the connection: the next waiter gets it (and may join the open group). */
  private handOff(): void {
    const group = this.group;
    if (group && (group.due || group.sealed || group.waiting.length >= GROUP_LIMIT)) this.commitGroup();
    const next = this.waiters.shift();
    if (next) return next();
    // Nobody waits: the group stays open for the rest of this turn (see openGroup).
    this.locked = false;
  }

  private openGroup(): Group {
    this.run('begin');
    const group: Group = { waiting: [], due: false, sealed: false };
    this.group = group;
    this.connection.group = ++this.groups;
    setImmediate(() => {
      group.due = true;
      if (this.group === group && !this.locked) this.commitGroup();
    });
    return group;
  }

  /** COMMITs the open group (if any) and settles the transactions that waited for it. */
  private commitGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    this.connection.group = 0;
    try {
      this.run('commit');
    } catch (err) {
      if (this.db.inTransaction) this.run('rollback');
      this.connection.cache?.rolledBackGroup();
      for (const w of group.waiting) w.reject(err);
      return;
    }
    this.connection.cache?.committed();
    for (const w of group.waiting) w.resolve();
  }

  private run(sql: string): void {
    void this.connection.executeQuery(control(sql));
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) await this.reacquire(lease);
    if (!this.group) this.openGroup();
    this.run('savepoint tx');
    this.connection.cache?.savepoint();
    lease.inTransaction = true;
    this.transactionLease = lease;
    this.connection.inTransaction(true);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.connection.inTransaction(false);
    this.run('release tx');
    lease.inTransaction = false;
    this.transactionLease = null;
    const committed = this.committed();
    // Handed on now: the next transaction may join the group while this one waits for its COMMIT.
    lease.released = true;
    this.handOff();
    return committed;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return; // its group's COMMIT failed: already rolled back there
    this.connection.inTransaction(false);
    lease.inTransaction = false;
    this.transactionLease = null;
    if (!this.db.inTransaction) return this.loseGroup(new Error('the transaction was rolled back by SQLite'));
    this.run('rollback to tx');
    this.connection.cache?.rolledBackTx();
    this.run('release tx');
  }

  /**
   * `fn` inside one transaction, as Kysely's `transaction().execute()` runs it (begin, commit, or
   * rollback when it throws or its commit fails), without the executor, connection provider and
   * Kysely instance Kysely builds for every transaction. `fn` reaches the connection through
   * {@link transactionDialect}.
   */
  async runTransaction<T>(fn: (transaction: object) => Promise<T>): Promise<T> {
    const lease = (await this.acquireConnection()) as Lease;
    let begun = false;
    try {
      await this.beginTransaction(lease);
      begun = true;
      const result = await fn(lease);
      await this.commitTransaction(lease);
      return result;
    } catch (err) {
      if (begun) await this.rollbackTransaction(lease);
      throw err;
    } finally {
      await this.releaseConnection(lease);
    }
  }

  /** Whether `transaction` (as handed to a runTransaction callback) still holds the connection. */
  holds(transaction: object): boolean {
    return this.transactionLease === transaction;
  }

  /** Runs a query in `transaction`, which must still hold the connection (any transaction's, if not given). */
  executeInTransaction<R>(query: CompiledQuery, transaction?: object): Promise<QueryResult<R>> {
    const lease = this.transactionLease;
    if (!lease || (transaction && lease !== transaction)) return Promise.reject(transactionEnded());
    return this.execute<R>(lease, query);
  }

  async destroy(): Promise<void> {
    this.commitGroup();
    this.readerDb?.close();
    this.db.close();
  }
}

/** Kysely's SQLite dialect over {@link SingleConnectionDriver}. */
export class BetterSqliteDialect implements Dialect {
  /** `reader`: a second connection to the same file (WAL) for reads outside transactions; none for `:memory:`. */
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly reader?: BetterSqlite3.Database,
  ) {}

  /** The driver Kysely was given (for compiled queries run without Kysely's executor). */
  driver?: SingleConnectionDriver;

  createDriver(): Driver {
    this.driver = new SingleConnectionDriver(this.db, this.reader);
    return this.driver;
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

const transactionEnded = () => new Error('the transaction has ended: a query ran on it afterwards');

/**
 * Keeps a Kysely instance to one transaction (see {@link transactionDialect}): a query built through it
 * after that transaction ended fails, as Kysely's own transactions refuse one after their commit.
 */
export function onlyWhile(driver: SingleConnectionDriver, transaction: object): KyselyPlugin {
  return {
    transformQuery({ node }) {
      if (!driver.holds(transaction)) throw transactionEnded();
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

/**
 * The connection as seen from inside the transaction holding it: one Kysely instance over this dialect
 * serves every transaction in turn (SQLite has one connection, so one transaction at a time); each
 * transaction gets it through `withPlugin(onlyWhile(driver, transaction))`, so that its queries fail
 * once it has ended instead of running in a later one.
 */
export function transactionDialect(driver: SingleConnectionDriver): Dialect {
  const connection: DatabaseConnection = {
    executeQuery: (query) => driver.executeInTransaction(query),
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('streaming is not supported by this driver');
    },
  };
  const inner: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {
      throw new Error('already inside a transaction');
    },
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  return {
    createDriver: () => inner,
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createAdapter: () => new SqliteAdapter(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  };
}
