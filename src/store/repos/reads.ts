import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db.js';
import { asInteger, membersWithReads } from './chats.js';

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


/**
 * Read positions of chat members (b_im_relation.LAST_ID) and their view marks. Sending a message
 * moves the sender's last_read_id (chats.setLastRead); that counts as a view too, hence the max().
 */
export class ReadRepo {
  constructor(private readonly db: Db) {}

  /** One per member. */
  async marks(chatId: number): Promise<ReadMark[]> {
    return (await membersWithReads(this.db, chatId)).map((m) => ({
      userId: m.user_id,
      lastReadId: m.last_read_id,
      viewedId: Math.max(m.viewed_id, m.last_read_id),
      startId: m.start_id,
    }));
  }

  /** Moves the read position (and the view mark) forward to `messageId`; never back. */
  async readTo(chatId: number, userId: number, messageId: number): Promise<void> {
    // Members only: the row refers to the membership.
    await this.db
      .insertInto('member_reads')
      .columns(['chat_id', 'user_id', 'last_read_id', 'viewed_id'])
      .expression(
        this.db
          .selectFrom('chat_members')
          .select(['chat_id', 'user_id', asInteger(messageId).as('last_read_id'), asInteger(messageId).as('viewed_id')])
          .where('chat_id', '=', chatId)
          .where('user_id', '=', userId),
      )
      .onConflict((oc) =>
        oc.columns(['chat_id', 'user_id']).doUpdateSet({
          last_read_id: greatest(sql.ref('member_reads.last_read_id'), sql.ref('excluded.last_read_id')),
          viewed_id: greatest(greatest(sql.ref('member_reads.viewed_id'), sql.ref('member_reads.last_read_id')), sql.ref('excluded.viewed_id')),
        }),
      )
      .execute();
  }

  /** Moves the read position back to `lastReadId` (never forward); what was viewed stays viewed. */
  async unreadFrom(chatId: number, userId: number, lastReadId: number): Promise<void> {
    // No row: nothing read, nothing to move back.
    await this.db
      .updateTable('member_reads')
      .set({
        viewed_id: greatest(sql.ref('viewed_id'), sql.ref('last_read_id')),
        last_read_id: sql<number>`case when last_read_id > ${lastReadId} then ${lastReadId} else last_read_id end`,
      })
      .where('chat_id', '=', chatId)
      .where('user_id', '=', userId)
      .execute();
  }
}
