import { type RawBuilder, sql } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';

/** Where a member has read to and what they have been shown. */
export interface ReadMark {
  userId: number;
  lastReadId: number;
  /** max(viewed_id, last_read_id): messages up to here have been shown to the member. */
  viewedId: number;
  startId: number;
}

/** The larger of two values, written as CASE so SQLite and PostgreSQL read it alike (no max()/greatest()). */
const greatest = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) =>
  sql<number>`case when ${a} > ${b} then ${a} else ${b} end`;

const marksQ = compiled((db, chatId: number) =>
  db.selectFrom('chat_members').select(['user_id', 'last_read_id', 'viewed_id', 'start_id']).where('chat_id', '=', chatId),
);

/**
 * Read positions of chat members (b_im_relation.LAST_ID) and their view marks. Sending a message
 * moves the sender's last_read_id (chats.setLastRead); that counts as a view too, hence the max().
 */
export class ReadRepo {
  constructor(private readonly db: Db) {}

  async marks(chatId: number): Promise<ReadMark[]> {
    const rows = await marksQ.all(this.db, chatId);
    return rows.map((r) => ({
      userId: r.user_id,
      lastReadId: r.last_read_id,
      viewedId: Math.max(r.viewed_id, r.last_read_id),
      startId: r.start_id,
    }));
  }

  /** Moves the read position (and the view mark) forward to `messageId`; never back. */
  async readTo(chatId: number, userId: number, messageId: number): Promise<void> {
    await this.db
      .updateTable('chat_members')
      .set({
        last_read_id: greatest(sql.ref('last_read_id'), sql.val(messageId)),
        viewed_id: greatest(greatest(sql.ref('viewed_id'), sql.ref('last_read_id')), sql.val(messageId)),
      })
      .where('chat_id', '=', chatId)
      .where('user_id', '=', userId)
      .execute();
  }

  /** Moves the read position back to `lastReadId` (never forward); what was viewed stays viewed. */
  async unreadFrom(chatId: number, userId: number, lastReadId: number): Promise<void> {
    await this.db
      .updateTable('chat_members')
      .set({
        viewed_id: greatest(sql.ref('viewed_id'), sql.ref('last_read_id')),
        last_read_id: sql<number>`case when last_read_id > ${lastReadId} then ${lastReadId} else last_read_id end`,
      })
      .where('chat_id', '=', chatId)
      .where('user_id', '=', userId)
      .execute();
  }
}
