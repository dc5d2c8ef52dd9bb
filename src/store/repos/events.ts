import type { Insertable, Selectable, Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { DeliveryTable, EventQueueTable } from '../schema.js';

export type QueuedEventRow = Selectable<EventQueueTable>;
export type DeliveryRow = Selectable<DeliveryTable>;

// The hot paths, compiled once: one event queued, one bot's page read or acknowledged, one delivery.
const enqueueOneQ = compiled((db, bot_id: unknown, type: unknown, data: unknown, created_at: unknown, created_ts: unknown) =>
  db.insertInto('event_queue').values({ bot_id, type, data, created_at, created_ts } as Insertable<EventQueueTable>),
);
const readOneQ = compiled((db, botId: number, offset: number, limit: number) =>
  db.selectFrom('event_queue').selectAll().where('bot_id', '=', botId).where('id', '>=', offset).orderBy('id').limit(limit),
);
const acknowledgeOneQ = compiled((db, botId: number, offset: number) =>
  db.deleteFrom('event_queue').where('bot_id', '=', botId).where('id', '<', offset),
);
const addDeliveryQ = compiled((db, bot_id: unknown, event: unknown, url: unknown, payload: unknown, created_at: unknown) =>
  db.insertInto('deliveries').values({ bot_id, event, url, payload, created_at } as Insertable<DeliveryTable>).returning('id'),
);
const deliveryQ = compiled((db, id: number) => db.selectFrom('deliveries').selectAll().where('id', '=', id));
const DELIVERY_RESULT = ['status', 'attempts', 'response_status', 'response_excerpt', 'latency_ms', 'error', 'delivered_at'] as const;
const deliveryResultQ = compiled(
  (db, status: unknown, attempts: unknown, response_status: unknown, response_excerpt: unknown, latency_ms: unknown, error: unknown, delivered_at: unknown, id: number) =>
    db
      .updateTable('deliveries')
      .set({ status, attempts, response_status, response_excerpt, latency_ms, error, delivered_at } as Updateable<DeliveryTable>)
      .where('id', '=', id),
);

/** Whether `row` has exactly `columns`, none undefined (the shape a compiled query was written for). */
const exactly = (row: object, columns: readonly string[]) =>
  Object.keys(row).length === columns.length && columns.every((c) => (row as Record<string, unknown>)[c] !== undefined);
const QUEUE_COLUMNS = ['bot_id', 'type', 'data', 'created_at', 'created_ts'];
const FEW_ROWS = 8;
const DELIVERY_COLUMNS = ['bot_id', 'event', 'url', 'payload', 'created_at'];

/** The durable per-bot fetch queue (ids are global, as on the platform) and the webhook outbox/delivery log. */
export class EventRepo {
  constructor(private readonly db: Db) {}

  async enqueue(rows: Insertable<EventQueueTable>[]): Promise<void> {
    // A few rows (a message to a bot, a dialog opened with one): the compiled insert once each, as
    // building a multi-row insert costs more than the statements; many (a fan-out): one statement.
    if (rows.length <= FEW_ROWS && rows.every((r) => exactly(r, QUEUE_COLUMNS))) {
      for (const r of rows) await enqueueOneQ.run(this.db, r.bot_id, r.type, r.data, r.created_at, r.created_ts);
    } else if (rows.length) await this.db.insertInto('event_queue').values(rows).execute();
  }

  /** Acknowledges (deletes) the bot's events below `offset`. */
  async acknowledge(botIds: number[], offset: number): Promise<void> {
    if (botIds.length === 1) {
      await acknowledgeOneQ.run(this.db, botIds[0], offset);
      return;
    }
    await this.db.deleteFrom('event_queue').where('bot_id', 'in', botIds).where('id', '<', offset).execute();
  }

  async read(botIds: number[], offset: number, limit: number): Promise<QueuedEventRow[]> {
    if (botIds.length === 1) return readOneQ.all(this.db, botIds[0], offset, limit) as Promise<QueuedEventRow[]>;
    // One index range per recipient, merged: `bot_id IN (…) ORDER BY id` would sort the whole queue (O(depth)).
    const pages = await Promise.all(botIds.map((id) => readOneQ.all(this.db, id, offset, limit) as Promise<QueuedEventRow[]>));
    return pages
      .flat()
      .sort((a, b) => a.id - b.id)
      .slice(0, limit);
  }

  async dropForBot(botId: number): Promise<void> {
    await this.db.deleteFrom('event_queue').where('bot_id', '=', botId).execute();
  }

  async dropOlderThan(ts: number): Promise<void> {
    await this.db.deleteFrom('event_queue').where('created_ts', '<', ts).execute();
  }

  async addDeliveries(rows: Insertable<DeliveryTable>[]): Promise<number[]> {
    if (!rows.length) return [];
    if (rows.length === 1 && exactly(rows[0], DELIVERY_COLUMNS)) {
      const r = rows[0];
      const row = await addDeliveryQ.first(this.db, r.bot_id, r.event, r.url, r.payload, r.created_at);
      return [row!.id];
    }
    const out = await this.db.insertInto('deliveries').values(rows).returning('id').execute();
    return out.map((r) => r.id);
  }

  delivery(id: number): Promise<DeliveryRow | undefined> {
    return deliveryQ.first(this.db, id) as Promise<DeliveryRow | undefined>;
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
    if (exactly(patch, DELIVERY_RESULT)) {
      const p = patch;
      await deliveryResultQ.run(this.db, p.status, p.attempts, p.response_status, p.response_excerpt, p.latency_ms, p.error, p.delivered_at, id);
      return;
    }
    await this.db.updateTable('deliveries').set(patch).where('id', '=', id).execute();
  }
}
