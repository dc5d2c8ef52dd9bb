import type { Insertable, Selectable, Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { BotTable } from '../schema.js';

export type BotRow = Selectable<BotTable>;

const byIdQ = compiled((db, id: number) => db.selectFrom('bots').selectAll().where('id', '=', id));
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

  byIds(ids: number[]): Promise<BotRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('bots').selectAll().where('id', 'in', ids).execute();
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
