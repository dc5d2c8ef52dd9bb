import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db.js';
import type { WebhookTable } from '../schema.js';

export type WebhookRow = Selectable<WebhookTable>;

export class WebhookRepo {
  constructor(private readonly db: Db) {}

  byHash(secretHash: string): Promise<WebhookRow | undefined> {
    return this.db.selectFrom('webhooks').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
  }

  byId(id: number): Promise<WebhookRow | undefined> {
    return this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  forUser(userId: number): Promise<WebhookRow[]> {
    return this.db.selectFrom('webhooks').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  }

  list(): Promise<WebhookRow[]> {
    return this.db.selectFrom('webhooks').selectAll().orderBy('id').execute();
  }

  insert(row: Insertable<WebhookTable>): Promise<WebhookRow> {
    return this.db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async setActive(id: number, active: boolean): Promise<void> {
    await this.db.updateTable('webhooks').set({ active: active ? 1 : 0 }).where('id', '=', id).execute();
  }
}
