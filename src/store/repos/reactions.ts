import type { Insertable, Selectable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { MessageReactionTable } from '../schema.js';

export type ReactionRow = Selectable<MessageReactionTable>;

const ofMessageQ = compiled((db, messageId: number) =>
  db.selectFrom('message_reactions').selectAll().where('message_id', '=', messageId).orderBy('id'),
);
const oneQ = compiled((db, messageId: number, userId: number, reaction: string) =>
  db.selectFrom('message_reactions').selectAll().where('message_id', '=', messageId).where('user_id', '=', userId).where('reaction', '=', reaction),
);

export class ReactionRepo {
  constructor(private readonly db: Db) {}

  /** Adds a reaction; false when this user already has it on this message (the unique key). */
  async add(row: Insertable<MessageReactionTable>): Promise<boolean> {
    const r = await this.db
      .insertInto('message_reactions')
      .values(row)
      .onConflict((oc) => oc.columns(['message_id', 'user_id', 'reaction']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Removes a reaction; false when there was none. */
  async remove(messageId: number, userId: number, reaction: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('message_reactions')
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .where('reaction', '=', reaction)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Every reaction on a message (it was deleted); how many went. */
  async removeAll(messageId: number): Promise<number> {
    const r = await this.db.deleteFrom('message_reactions').where('message_id', '=', messageId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  find(messageId: number, userId: number, reaction: string): Promise<ReactionRow | undefined> {
    return oneQ.first(this.db, messageId, userId, reaction) as Promise<ReactionRow | undefined>;
  }

  ofMessage(messageId: number): Promise<ReactionRow[]> {
    return ofMessageQ.all(this.db, messageId) as Promise<ReactionRow[]>;
  }

  /** Reactions of several messages at once (a page of history), oldest first. */
  async ofMessages(messageIds: number[]): Promise<ReactionRow[]> {
    if (!messageIds.length) return [];
    return this.db.selectFrom('message_reactions').selectAll().where('message_id', 'in', messageIds).orderBy('id').execute();
  }

  async countOf(messageId: number, userId: number): Promise<number> {
    const r = await this.db
      .selectFrom('message_reactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
