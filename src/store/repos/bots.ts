import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { BotTable } from '../schema.js';

export type BotRow = Selectable<BotTable>;

export class BotRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<BotRow | undefined> {
    return this.db.selectFrom('bots').selectAll().where('id', '=', id).executeTakeFirst();
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

  async bump(id: number, column: 'count_message' | 'count_command' | 'count_chat' | 'count_user', by = 1): Promise<void> {
    await this.db
      .updateTable('bots')
      .set((eb) => ({ [column]: eb(column, '+', by) }))
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('bots').where('id', '=', id).execute();
  }
}
