import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { DeliveryTable, EventQueueTable } from '../schema.js';

export type QueuedEventRow = Selectable<EventQueueTable>;
export type DeliveryRow = Selectable<DeliveryTable>;

/** The durable per-bot fetch queue (ids are global, as on the platform) and the webhook outbox/delivery log. */
export class EventRepo {
  constructor(private readonly db: Db) {}

  async enqueue(rows: Insertable<EventQueueTable>[]): Promise<void> {
    if (rows.length) await this.db.insertInto('event_queue').values(rows).execute();
  }

  /** Acknowledges (deletes) the bot's events below `offset`. */
  async acknowledge(botIds: number[], offset: number): Promise<void> {
    await this.db.deleteFrom('event_queue').where('bot_id', 'in', botIds).where('id', '<', offset).execute();
  }

  read(botIds: number[], offset: number, limit: number): Promise<QueuedEventRow[]> {
    return this.db
      .selectFrom('event_queue')
      .selectAll()
      .where('bot_id', 'in', botIds)
      .where('id', '>=', offset)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async dropForBot(botId: number): Promise<void> {
    await this.db.deleteFrom('event_queue').where('bot_id', '=', botId).execute();
  }

  async dropOlderThan(ts: number): Promise<void> {
    await this.db.deleteFrom('event_queue').where('created_ts', '<', ts).execute();
  }

  async addDeliveries(rows: Insertable<DeliveryTable>[]): Promise<number[]> {
    if (!rows.length) return [];
    const out = await this.db.insertInto('deliveries').values(rows).returning('id').execute();
    return out.map((r) => r.id);
  }

  delivery(id: number): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  pendingDeliveries(limit = 1000): Promise<DeliveryRow[]> {
    return this.db.selectFrom('deliveries').selectAll().where('status', '=', 'pending').orderBy('id').limit(limit).execute();
  }

  deliveries(botId?: number, limit = 100): Promise<DeliveryRow[]> {
    let q = this.db.selectFrom('deliveries').selectAll();
    if (botId !== undefined) q = q.where('bot_id', '=', botId);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  async updateDelivery(id: number, patch: Updateable<DeliveryTable>): Promise<void> {
    await this.db.updateTable('deliveries').set(patch).where('id', '=', id).execute();
  }
}
