import type BetterSqlite3 from 'better-sqlite3';

/**
 * Results of reads kept across requests, for tables that change far less often than they are read
 * (users, bots, webhooks, chats, members, subscriptions, delivery options …): a send reads the same
 * bot, person and chat rows every time, and on SQLite each such read costs more than the write it serves.
 *
 * Validity is per table: every write statement bumps the version of the table it names and of every
 * table that refers to it through a foreign key (cascades), and an entry is served only while the
 * versions of all tables it read are the ones it was filled at. What this cannot see is handled by
 * dropping everything: a statement it cannot parse, a schema change, another process committing to the
 * file (PRAGMA data_version, looked at every few milliseconds), a rollback (the tables written since
 * the savepoint or the begin are bumped again, as their rows went back).
 *
 * Only the writer connection fills it (it sees every write; the reader connection may be a commit
 * behind). An entry filled while its tables had uncommitted writes in the open group commit is marked
 * with that group, so that a read outside transactions, which must see committed rows only, skips it
 * until the COMMIT.
 */

/** Tables whose reads are never kept: large results, or written by nearly every request. */
const NEVER_CACHED = new Set(['messages', 'message_reactions', 'files', 'event_queue', 'deliveries', 'oauth_codes', 'login_links', 'web_sessions']);

/** How often commits of other connections are looked for (the longest a read may miss one). */
const OTHERS_CHECK_MS = 10;

/**
 * Entries kept at most; past that the cache starts again. Entries of old versions are dropped when
 * next looked up, else only then: a burst of registrations leaves one per code looked up (~1–2 KB each).
 */
const MAX_ENTRIES = 5_000;

const WRITE_TARGET = /^\s*(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+"?([A-Za-z_]\w*)"?/i;
const READ_SOURCE = /\b(?:from|join)\s+"?([A-Za-z_]\w*)"?/gi;
const TRANSACTION_CONTROL = /^\s*(?:begin|commit|end|savepoint|release|rollback)\b/i;

interface Statement {
  /** Tables a cacheable read depends on; null: not kept. */
  reads: string[] | null;
  /** Tables a write changes (with cascades); null: not a write (or transaction control). */
  writes: string[] | null;
  /** A write this cache cannot attribute to tables: everything is dropped. */
  unknownWrite: boolean;
}

interface Entry {
  rows: unknown[];
  epoch: number;
  versions: number[];
  /** The group commit whose uncommitted writes the rows include; 0 when they are all committed. */
  group: number;
}

export class ReadCache {
  private readonly statements = new Map<string, Statement>();
  private readonly entries = new Map<string, Entry>();
  private readonly versions = new Map<string, number>();
  private epoch = 0;
  private readonly tables: Set<string>;
  /** Table → tables whose rows change with it (foreign keys pointing at it, transitively). */
  private readonly dependents = new Map<string, string[]>();
  /** Tables written since the last savepoint / since the group's BEGIN (re-bumped on rollback). */
  private writtenInTx = new Set<string>();
  private writtenInGroup = new Set<string>();
  private dataVersion: number;
  private checkedAt = -Infinity;
  /** DDL ran since the tables were learnt: learnt again once, when next needed. */
  private schemaStale = true;
  /** Off until the schema is migrated (a fresh database runs a hundred DDL statements first). */
  private enabled = false;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.tables = new Set();
    this.dataVersion = this.readDataVersion();
  }

  /** Tables and foreign keys as they are now (one query: tables joined with their foreign-key lists). */
  private learnSchema(): void {
    this.schemaStale = false;
    this.tables.clear();
    this.dependents.clear();
    const rows = this.db
      .prepare(`select m.name as name, f."table" as target from sqlite_master m left join pragma_foreign_key_list(m.name) f where m.type = 'table'`)
      .all() as { name: string; target: string | null }[];
    const referencedBy = new Map<string, Set<string>>();
    for (const { name, target } of rows) {
      this.tables.add(name);
      if (!target) continue;
      let set = referencedBy.get(target);
      if (!set) referencedBy.set(target, (set = new Set()));
      set.add(name);
    }
    for (const name of this.tables) {
      const closure = new Set<string>([name]);
      const stack = [name];
      while (stack.length) for (const t of referencedBy.get(stack.pop()!) ?? []) if (!closure.has(t) && closure.add(t)) stack.push(t);
      this.dependents.set(name, [...closure]);
    }
  }

  private dataVersionQuery?: BetterSqlite3.Statement;

  private readDataVersion(): number {
    // Prepared once: db.pragma() prepares the statement again on every call.
    this.dataVersionQuery ??= this.db.prepare('pragma data_version').pluck();
    return this.dataVersionQuery.get() as number;
  }

  /** `readonly`: SQLite's own view of the statement (a CTE may write; CREATE and PRAGMA are not reads). */
  private statement(sql: string, readonly: boolean): Statement {
    let s = this.statements.get(sql);
    if (s) return s;
    if (this.schemaStale) this.learnSchema();
    s = { reads: null, writes: null, unknownWrite: false };
    const target = WRITE_TARGET.exec(sql);
    if (TRANSACTION_CONTROL.test(sql)) {
      // begin / savepoint / release / commit / rollback: the driver reports what they mean.
    } else if (target && !readonly) {
      const table = target[1];
      if (this.tables.has(table)) s.writes = this.dependents.get(table) ?? [table];
      else s.unknownWrite = true;
    } else if (!readonly) {
      s.unknownWrite = true;
    } else if (/^\s*(?:select|with)\b/i.test(sql)) {
      const reads = new Set<string>();
      let cacheable = true;
      for (const m of sql.matchAll(READ_SOURCE)) {
        const t = m[1];
        if (!this.tables.has(t) || NEVER_CACHED.has(t)) cacheable = false;
        reads.add(t);
      }
      if (cacheable && reads.size) s.reads = [...reads];
    }
    this.statements.set(sql, s);
    return s;
  }

  /**
   * Another connection (a CLI run beside the server) committed since the last look: nothing kept is
   * trusted. Looked at most every OTHERS_CHECK_MS: the PRAGMA opens a read transaction of its own, which
   * cost as much as a kept read saves when it ran on every event-loop turn.
   */
  private checkOthers(): void {
    const now = performance.now();
    if (now - this.checkedAt < OTHERS_CHECK_MS) return;
    this.checkedAt = now;
    const v = this.readDataVersion();
    if (v !== this.dataVersion) {
      this.dataVersion = v;
      this.dropAll();
    }
  }

  private dropAll(): void {
    this.epoch++;
    this.entries.clear();
  }


  /**
   * Rows of a kept read, or undefined. `openGroup`: the number of the group commit under way when the
   * caller must see committed rows only (a read outside transactions), else 0.
   */
  get(sql: string, key: string, openGroup: number): unknown[] | undefined {
    if (!this.enabled) return undefined;
    const s = this.statement(sql, true);
    if (!s.reads) return undefined;
    this.checkOthers();
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.epoch !== this.epoch) {
      this.entries.delete(key);
      return undefined;
    }
    if (openGroup && e.group === openGroup) return undefined;
    for (let i = 0; i < s.reads.length; i++) {
      if ((this.versions.get(s.reads[i]) ?? 0) !== e.versions[i]) {
        this.entries.delete(key);
        return undefined;
      }
    }
    return e.rows;
  }

  /**
   * Keeps the rows of a read just run on the writer connection; `group`: the open group commit, 0 if
   * none. Whether it kept them (the caller then shares them, frozen).
   */
  put(sql: string, key: string, rows: unknown[], group: number): boolean {
    if (!this.enabled) return false;
    const s = this.statement(sql, true);
    if (!s.reads) return false;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const pending = group !== 0 && s.reads.some((t) => this.writtenInGroup.has(t));
    this.entries.set(key, { rows, epoch: this.epoch, versions: s.reads.map((t) => this.versions.get(t) ?? 0), group: pending ? group : 0 });
    return true;
  }

  /** A statement is about to run on the writer connection: a write moves the versions of what it changes. */
  beforeRun(sql: string, readonly: boolean): void {
    if (!this.enabled) return;
    const s = this.statement(sql, readonly);
    if (s.unknownWrite) return this.schemaMayHaveChanged();
    if (!s.writes) return;
    for (const t of s.writes) {
      this.versions.set(t, (this.versions.get(t) ?? 0) + 1);
      this.writtenInTx.add(t);
      this.writtenInGroup.add(t);
    }
  }

  /** The schema is in place (after migrations): reads may be kept from now on. */
  enable(): void {
    this.schemaMayHaveChanged();
    this.dataVersion = this.readDataVersion();
    this.enabled = true;
  }

  /** exec(), a migration, a PRAGMA, an unknown write: forget everything, including what is known of the schema. */
  schemaMayHaveChanged(): void {
    this.statements.clear();
    this.dropAll();
    this.schemaStale = true;
  }

  savepoint(): void {
    this.writtenInTx = new Set();
  }

  /** ROLLBACK TO the savepoint: the rows of the tables it wrote went back. */
  rolledBackTx(): void {
    this.bump(this.writtenInTx);
    this.writtenInTx = new Set();
  }

  /** The group's COMMIT failed (or SQLite rolled it back): everything it wrote went back. */
  rolledBackGroup(): void {
    this.bump(this.writtenInGroup);
    this.writtenInGroup = new Set();
    this.dropAll();
  }

  committed(): void {
    this.writtenInGroup = new Set();
    this.writtenInTx = new Set();
  }

  private bump(tables: Set<string>): void {
    for (const t of tables) this.versions.set(t, (this.versions.get(t) ?? 0) + 1);
  }
}
