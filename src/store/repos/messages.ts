import type { Insertable, Selectable, Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { MessageTable } from '../schema.js';

export type MessageRow = Selectable<MessageTable>;

const byIdQ = compiled((db, id: number) => db.selectFrom('messages').selectAll().where('id', '=', id));
const insertQ = compiled(
  (db, chat_id: unknown, author_id: unknown, text: unknown, params: unknown, is_system: unknown, uuid: unknown, template_id: unknown, created_at: unknown) =>
    db
      .insertInto('messages')
      .values({ chat_id, author_id, text, params, is_system, uuid, template_id, created_at } as Insertable<MessageTable>)
      .returningAll(),
);
/** The row addMessage writes: inserted through the compiled query when it has exactly these columns. */
const INSERT_COLUMNS = ['chat_id', 'author_id', 'text', 'params', 'is_system', 'uuid', 'template_id', 'created_at'] as const;

export class MessageRepo {
  /**
   * In a transaction: the rows it inserted, as RETURNING gave them. The event routing and payloads read
   * a new message back right after addMessage wrote it; every change to a message goes through this repo,
   * which forgets the row.
   */
  private readonly written?: Map<number, MessageRow>;

  constructor(
    private readonly db: Db,
    inTransaction = false,
  ) {
    if (inTransaction) this.written = new Map();
  }

  async byId(id: number): Promise<MessageRow | undefined> {
    const known = this.written?.get(id);
    if (known) return known;
    return (await byIdQ.first(this.db, id)) as MessageRow | undefined;
  }

  byTemplate(authorId: number, templateId: string): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('author_id', '=', authorId)
      .where('template_id', '=', templateId)
      .executeTakeFirst();
  }

  async insert(row: Insertable<MessageTable>): Promise<MessageRow> {
    const r = row as Record<string, unknown>;
    if (Object.keys(r).length === INSERT_COLUMNS.length && INSERT_COLUMNS.every((c) => r[c] !== undefined)) {
      const inserted = (await insertQ.first(this.db, r.chat_id, r.author_id, r.text, r.params, r.is_system, r.uuid, r.template_id, r.created_at)) as
        | MessageRow
        | undefined;
      if (!inserted) throw new Error('message insert returned no row');
      return this.remember(inserted);
    }
    return this.remember(await this.db.insertInto('messages').values(row).returningAll().executeTakeFirstOrThrow());
  }

  /**
   * Kept for the rest of the transaction and handed out as it is, frozen: better-sqlite3's rows are
   * dictionary-mode objects, and copying one with `{...row}` cost 6–11 µs, freezing it ~0.6 µs.
   */
  private remember(inserted: MessageRow): MessageRow {
    if (!this.written) return inserted;
    Object.freeze(inserted);
    this.written.set(inserted.id, inserted);
    return inserted;
  }

  async update(id: number, patch: Updateable<MessageTable>): Promise<void> {
    this.written?.delete(id);
    await this.db.updateTable('messages').set(patch).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    this.written?.delete(id);
    await this.db.deleteFrom('messages').where('id', '=', id).execute();
  }

  /**
   * Messages of a chat from `startId` on (a member's visible history): with `afterId` the oldest
   * `limit` newer than it, else the newest `limit` (below `beforeId` when given). Always newest first.
   */
  async visible(chatId: number, opts: { startId: number; beforeId?: number; afterId?: number; limit: number }): Promise<MessageRow[]> {
    let q = this.db.selectFrom('messages').selectAll().where('chat_id', '=', chatId);
    if (opts.startId > 0) q = q.where('id', '>=', opts.startId);
    if (opts.afterId !== undefined) {
      const rows = await q.where('id', '>', opts.afterId).orderBy('id', 'asc').limit(opts.limit).execute();
      return rows.reverse();
    }
    if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
    return q.orderBy('id', 'desc').limit(opts.limit).execute();
  }

  /** How many messages of a chat have an id of at least `fromId`. */
  async count(chatId: number, fromId = 0): Promise<number> {
    const r = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('chat_id', '=', chatId)
      .where('id', '>=', fromId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Id of the last message `authorId` wrote in a chat (0: none); the relation's LAST_SEND_MESSAGE_ID. */
  async lastIdBy(chatId: number, authorId: number): Promise<number> {
    const r = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('chat_id', '=', chatId)
      .where('author_id', '=', authorId)
      .where('is_system', '=', 0)
      .executeTakeFirst();
    return Number(r?.id ?? 0);
  }

  /** Messages by others than `userId` after `afterId` (a member's unread ones), oldest first. */
  unread(chatId: number, userId: number, afterId: number): Promise<MessageRow[]> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('chat_id', '=', chatId)
      .where('author_id', '!=', userId)
      .where('id', '>', afterId)
      .orderBy('id', 'asc')
      .execute();
  }

  /** A page of a chat's history, newest first: ids below `beforeId` (or from the newest), at most `limit`. */
  history(chatId: number, opts: { beforeId?: number; afterId?: number; limit: number }): Promise<MessageRow[]> {
    let q = this.db.selectFrom('messages').selectAll().where('chat_id', '=', chatId);
    if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
    if (opts.afterId) return q.where('id', '>', opts.afterId).orderBy('id', 'asc').limit(opts.limit).execute();
    return q.orderBy('id', 'desc').limit(opts.limit).execute();
  }
}
