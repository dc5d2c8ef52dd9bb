import type { Insertable, Selectable, Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { BotTable } from '../schema.js';

export type BotRow = Selectable<BotTable>;

const byIdQ = compiled((db, id: number) => db.selectFrom('bots').selectAll().where('id', '=', id));
const FEW_IDS = 16;
type Counter = 'count_message' | 'count_command' | 'count_chat' | 'count_user';
const bumpQ = new Map<Counter, ReturnType<typeof bumpQuery>>();
const bumpQuery = (column: Counter) =>
  compiled((db, by: number, id: number) =>
    db
      .updateTable('bots')
      .set((eb) => ({ [column]: eb(column, '+', by) }))
      .where('id', '=', id),
  );

export class BotRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<BotRow | undefined> {
    return byIdQ.first(this.db, id) as Promise<BotRow | undefined>;
  }

  byCode(code: string): Promise<BotRow | undefined> {
    return this.db.selectFrom('bots').selectAll().where('code', '=', code).executeTakeFirst();
  }

  /**
   * In id order. The routing of every message asks for the bots among a chat's members: for a few ids,
   * one kept lookup each (read-cache.ts) costs far less than an IN list built and run every time.
   */
  async byIds(ids: number[]): Promise<BotRow[]> {
    if (ids.length > FEW_IDS) return this.db.selectFrom('bots').selectAll().where('id', 'in', ids).orderBy('id').execute();
    const rows: BotRow[] = [];
    for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
      const row = await this.byId(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  byOwner(ownerHash: string, type?: string): Promise<BotRow[]> {
    let q = this.db.selectFrom('bots').selectAll().where('owner_hash', '=', ownerHash);
    if (type) q = q.where('type', '=', type);
    return q.orderBy('id').execute();
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
    return this.db.selectFrom('bots').selectAll().orderBy('id').execute();
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
    await q.run(this.db, by, id);
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('bots').where('id', '=', id).execute();
  }
}
