import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';

/** Runs a compiled query on a Kysely instance's connection without Kysely's executor (set by the SQLite store). */
export type DirectExecutor = <R>(query: CompiledQuery) => Promise<QueryResult<R>>;

/** Kept on the instance itself: a transaction's instance gets one each time (a WeakMap entry cost more). */
const DIRECT = Symbol('direct executor');
type WithDirect = { [DIRECT]?: DirectExecutor };

/**
 * Lets hot queries on `db` skip Kysely's executor, which on SQLite costs more than the statement
 * (per query: a copy of the executor, a connection provider, five promises and their closures). What
 * runs is the same compiled SQL on the same connection; instances without one go through Kysely.
 */
export function setDirectExecutor(db: Kysely<any>, run: DirectExecutor): void {
  (db as unknown as WithDirect)[DIRECT] = run;
}

/** One check per compiled() query: does it compile once for this dialect (or fall back to building)? */
const allCompiled: ((db: Kysely<any>) => boolean)[] = [];

/** How many of the compiled() queries loaded so far would be built again on every call on `db`'s dialect. */
export function compiledFallbacks(db: Kysely<any>): number {
  return allCompiled.filter((compilesOnce) => !compilesOnce(db)).length;
}

/**
 * A hot query written with Kysely, built and compiled once and then run with new parameter values:
 * on SQLite, building and compiling a Kysely query costs more than executing it. The SQL is kept per
 * dialect (the adapter of the Kysely instance, shared by its transactions), so another dialect gets its own.
 *
 * `build(db, ...args)` must use its `args` only as values (never as names or to choose the shape of
 * the query), each as one parameter, in order. That is checked once per dialect by building the query
 * with stand-in values; a query that does not pass is simply built again on every call.
 */
export function compiled<A extends unknown[], R>(build: (db: Kysely<any>, ...args: A) => Compilable<R>) {
  const sqlByDialect = new WeakMap<object, string | null>();
  allCompiled.push((db) => sqlFor(db, build.length - 1) !== null);

  function sqlFor(db: Kysely<any>, arity: number): string | null {
    const key = db.getExecutor().adapter;
    let sql = sqlByDialect.get(key);
    if (sql === undefined) {
      const standIns = Array.from({ length: arity }, (_, i) => `\u0000param-${i}`);
      const probe = build(db, ...(standIns as A)).compile();
      const inOrder = probe.parameters.length === arity && probe.parameters.every((v, i) => v === standIns[i]);
      sql = inOrder ? probe.sql : null;
      sqlByDialect.set(key, sql);
    }
    return sql;
  }

  function compiledFor(db: Kysely<any>, args: A): CompiledQuery<R> {
    const sql = sqlFor(db, args.length);
    return sql === null ? build(db, ...args).compile() : (CompiledQuery.raw(sql, args) as CompiledQuery<R>);
  }

  function execute(db: Kysely<any>, args: A): Promise<QueryResult<R>> {
    const direct = (db as unknown as WithDirect)[DIRECT];
    if (!direct) return db.executeQuery(compiledFor(db, args));
    const sql = sqlFor(db, args.length);
    // The driver reads sql and parameters only: CompiledQuery.raw would also build a frozen node and a random query id.
    return direct<R>(sql === null ? build(db, ...args).compile() : ({ sql, parameters: args } as unknown as CompiledQuery));
  }

  return {
    run(db: Kysely<any>, ...args: A): Promise<QueryResult<R>> {
      return execute(db, args);
    },
    async all(db: Kysely<any>, ...args: A): Promise<R[]> {
      return (await execute(db, args)).rows;
    },
    async first(db: Kysely<any>, ...args: A): Promise<R | undefined> {
      return (await execute(db, args)).rows[0];
    },
  };
}
