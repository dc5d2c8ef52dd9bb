import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { MessageTable } from '../schema.js';

export type MessageRow = Selectable<MessageTable>;

export class MessageRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<MessageRow | undefined> {
    return this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byTemplate(authorId: number, templateId: string): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('author_id', '=', authorId)
      .where('template_id', '=', templateId)
      .executeTakeFirst();
  }

  insert(row: Insertable<MessageTable>): Promise<MessageRow> {
    return this.db.insertInto('messages').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<MessageTable>): Promise<void> {
    await this.db.updateTable('messages').set(patch).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('messages').where('id', '=', id).execute();
  }

  /** A page of a chat's history, newest first: ids below `beforeId` (or from the newest), at most `limit`. */
  history(chatId: number, opts: { beforeId?: number; afterId?: number; limit: number }): Promise<MessageRow[]> {
    let q = this.db.selectFrom('messages').selectAll().where('chat_id', '=', chatId);
    if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
    if (opts.afterId) return q.where('id', '>', opts.afterId).orderBy('id', 'asc').limit(opts.limit).execute();
    return q.orderBy('id', 'desc').limit(opts.limit).execute();
  }
}
