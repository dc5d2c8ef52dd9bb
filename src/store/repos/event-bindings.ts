import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db.js';
import type { EventBindingTable } from '../schema.js';

export type EventBindingRow = Selectable<EventBindingTable>;

export interface BindingFilter {
  appId: number;
  event?: string;
  handler?: string;
  userId?: number;
  offline?: boolean;
  connectorId?: string;
}

export class EventBindingRepo {
  constructor(private readonly db: Db) {}

  private filtered(f: BindingFilter) {
    let q = this.db.selectFrom('event_bindings').where('app_id', '=', f.appId);
    if (f.event !== undefined) q = q.where('event', '=', f.event);
    if (f.handler !== undefined) q = q.where('handler', '=', f.handler);
    if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
    if (f.offline !== undefined) q = q.where('offline', '=', f.offline ? 1 : 0);
    if (f.connectorId !== undefined) q = q.where('connector_id', '=', f.connectorId);
    return q;
  }

  find(f: BindingFilter): Promise<EventBindingRow[]> {
    return this.filtered(f).selectAll().orderBy('id').execute();
  }

  forEvent(event: string): Promise<EventBindingRow[]> {
    return this.db.selectFrom('event_bindings').selectAll().where('event', '=', event).orderBy('id').execute();
  }

  insert(row: Insertable<EventBindingTable>): Promise<EventBindingRow> {
    return this.db.insertInto('event_bindings').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async delete(f: BindingFilter): Promise<number> {
    const ids = (await this.filtered(f).select('id').execute()).map((r) => r.id);
    if (ids.length === 0) return 0;
    await this.db.deleteFrom('event_bindings').where('id', 'in', ids).execute();
    return ids.length;
  }
}
