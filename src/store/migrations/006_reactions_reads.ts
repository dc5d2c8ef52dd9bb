import type { Kysely } from 'kysely';

/**
 * Reactions on messages (b_im_reaction: one row per message, user and reaction code, so a person may
 * put several different reactions on one message) and each member's "viewed up to" mark.
 *
 * `viewed_id` is kept apart from `last_read_id` because marking a chat unread (im.dialog.unread) moves
 * the read position back but does not take back the views others have already been shown
 * (Message.viewedByOthers stays true, as the platform's b_im_message_viewed rows stay).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('message_reactions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('message_id', 'integer', (c) => c.notNull())
    .addColumn('chat_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    /** The documented camelCase code (`like`, `faceWithTearsOfJoy`…). */
    .addColumn('reaction', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_reactions_unique').on('message_reactions').columns(['message_id', 'user_id', 'reaction']).unique().execute();
  await db.schema.alterTable('chat_members').addColumn('viewed_id', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chat_members').dropColumn('viewed_id').execute();
  await db.schema.dropTable('message_reactions').execute();
}
