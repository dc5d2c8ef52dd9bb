import type { Insertable, Selectable, Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { BotCounterTable, BotTable } from '../schema.js';

type Counters = Omit<Selectable<BotCounterTable>, 'bot_id'>;
/** A bot without its counters: what ownership checks and event routing need. */
export type BareBotRow = Selectable<BotTable>;
/** A bot with its counters (kept in bot_counters since 011, shown in the Bot object). */
export type BotRow = BareBotRow & Counters;

const COUNTERS = ['count_message', 'count_command', 'count_chat', 'count_user'] as const;
type Counter = (typeof COUNTERS)[number];
const NO_COUNTS: Counters = { count_message: 0, count_command: 0, count_chat: 0, count_user: 0 };

const byIdQ = compiled((db, id: number) => db.selectFrom('bots').selectAll().where('id', '=', id));
const countersQ = compiled((db, id: number) => db.selectFrom('bot_counters').select(COUNTERS).where('bot_id', '=', id));
const FEW_IDS = 16;

const bumpQ = new Map<Counter, ReturnType<typeof bumpQuery>>();
const bumpQuery = (column: Counter) =>
  compiled((db, id: number, by: number) =>
    db
      .insertInto('bot_counters')
      .values({ bot_id: id, [column]: by })
      .onConflict((oc) => oc.column('bot_id').doUpdateSet((eb) => ({ [column]: eb(`bot_counters.${column}`, '+', eb.ref(`excluded.${column}`)) }))),
  );

/** Bots with their counters in one query (lists; single bots are read as two kept reads, see byId). */
const withCounters = (db: Db) =>
  db
    .selectFrom('bots')
    .leftJoin('bot_counters', 'bot_counters.bot_id', 'bots.id')
    .selectAll('bots')
    .select((eb) => COUNTERS.map((c) => eb.fn.coalesce(`bot_counters.${c}`, eb.lit(0)).as(c)));

export class BotRepo {
  constructor(private readonly db: Db) {}

  /** The bot row alone: it rarely changes and stays in the read cache (counters change with every bot message). */
  bareById(id: number): Promise<BareBotRow | undefined> {
    return byIdQ.first(this.db, id) as Promise<BareBotRow | undefined>;
  }

  /** The bot row and its counters, read apart (see bareById). */
  async byId(id: number): Promise<BotRow | undefined> {
    const bot = await this.bareById(id);
    if (!bot) return undefined;
    const counts = (await countersQ.first(this.db, id)) as Counters | undefined;
    return { ...bot, ...(counts ?? NO_COUNTS) };
  }

  byCode(code: string): Promise<BotRow | undefined> {
    return withCounters(this.db).where('bots.code', '=', code).executeTakeFirst() as Promise<BotRow | undefined>;
  }

  /**
   * In id order. The routing of every message asks for the bots among a chat's members: for a few ids,
   * one kept lookup each (read-cache.ts) costs far less than an IN list built and run every time.
   */
  async byIds(ids: number[]): Promise<BotRow[]> {
    if (ids.length > FEW_IDS) return withCounters(this.db).where('bots.id', 'in', ids).orderBy('bots.id').execute() as Promise<BotRow[]>;
    const rows: BotRow[] = [];
    for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
      const row = await this.byId(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  byOwner(ownerHash: string, type?: string): Promise<BotRow[]> {
    let q = withCounters(this.db).where('bots.owner_hash', '=', ownerHash);
    if (type) q = q.where('bots.type', '=', type);
    return q.orderBy('bots.id').execute() as Promise<BotRow[]>;
  }

  async countByOwner(ownerHash: string): Promise<number> {
    const r = await this.db
      .selectFrom('bots')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_hash', '=', ownerHash)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  all(): Promise<BotRow[]> {
    return withCounters(this.db).orderBy('bots.id').execute() as Promise<BotRow[]>;
  }

  async insert(row: Insertable<BotTable>): Promise<void> {
    await this.db.insertInto('bots').values(row).execute();
  }

  async update(id: number, patch: Updateable<BotTable>): Promise<void> {
    await this.db.updateTable('bots').set(patch).where('id', '=', id).execute();
  }

  async bump(id: number, column: Counter, by = 1): Promise<void> {
    let q = bumpQ.get(column);
    if (!q) bumpQ.set(column, (q = bumpQuery(column)));
    await q.run(this.db, id, by);
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('bots').where('id', '=', id).execute();
  }
}
