import type { Insertable, Selectable } from 'kysely';
import { compiled } from '../compiled.js';
import { credentialsChanged } from '../credentials-version.js';
import type { Db } from '../db.js';
import type { WebhookTable } from '../schema.js';

export type WebhookRow = Selectable<WebhookTable>;

const byHashQ = compiled((db, hash: string) => db.selectFrom('webhooks').selectAll().where('secret_hash', '=', hash));

export class WebhookRepo {
  constructor(private readonly db: Db) {}

  byHash(secretHash: string): Promise<WebhookRow | undefined> {
    return byHashQ.first(this.db, secretHash) as Promise<WebhookRow | undefined>;
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

  async insert(row: Insertable<WebhookTable>): Promise<WebhookRow> {
    const inserted = await this.db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow();
    credentialsChanged();
    return inserted;
  }

  async setActive(id: number, active: boolean): Promise<void> {
    await this.db.updateTable('webhooks').set({ active: active ? 1 : 0 }).where('id', '=', id).execute();
    credentialsChanged();
  }
}
