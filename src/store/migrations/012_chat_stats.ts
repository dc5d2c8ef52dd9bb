import { type Kysely, sql } from 'kysely';

/**
 * The columns every message writes move out of `chats` and `chat_members`: a chat's last message and
 * count go to `chat_stats`, a member's read position and view mark to `member_reads`. Each send reads
 * the chat and its members three to five times (target, membership, routing, read marks, live feed); with
 * those rows changed by the send itself, none of the reads could be kept (store/read-cache.ts). Same
 * reasoning as 011 for the bot counters.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_stats')
    .addColumn('chat_id', 'integer', (c) => c.primaryKey().references('chats.id').onDelete('cascade'))
    .addColumn('last_message_id', 'integer')
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`INSERT INTO chat_stats (chat_id, last_message_id, message_count)
    SELECT id, last_message_id, message_count FROM chats WHERE last_message_id IS NOT NULL OR message_count > 0`.execute(db);
  await db.schema
    .createTable('member_reads')
    .addColumn('chat_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('last_read_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('viewed_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('member_reads_pk', ['chat_id', 'user_id'])
    // A member who leaves loses the position (a new membership starts from its own start_id).
    .addForeignKeyConstraint('member_reads_member', ['chat_id', 'user_id'], 'chat_members', ['chat_id', 'user_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await sql`INSERT INTO member_reads (chat_id, user_id, last_read_id, viewed_id)
    SELECT chat_id, user_id, last_read_id, viewed_id FROM chat_members WHERE last_read_id > 0 OR viewed_id > 0`.execute(db);
  for (const column of ['last_message_id', 'message_count']) await db.schema.alterTable('chats').dropColumn(column).execute();
  for (const column of ['last_read_id', 'viewed_id']) await db.schema.alterTable('chat_members').dropColumn(column).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chats').addColumn('last_message_id', 'integer').execute();
  await db.schema.alterTable('chats').addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('chat_members').addColumn('last_read_id', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('chat_members').addColumn('viewed_id', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`UPDATE chats SET (last_message_id, message_count) = (SELECT last_message_id, message_count FROM chat_stats WHERE chat_id = chats.id)
    WHERE id IN (SELECT chat_id FROM chat_stats)`.execute(db);
  await sql`UPDATE chat_members SET (last_read_id, viewed_id) =
    (SELECT last_read_id, viewed_id FROM member_reads r WHERE r.chat_id = chat_members.chat_id AND r.user_id = chat_members.user_id)
    WHERE EXISTS (SELECT 1 FROM member_reads r WHERE r.chat_id = chat_members.chat_id AND r.user_id = chat_members.user_id)`.execute(db);
  await db.schema.dropTable('member_reads').execute();
  await db.schema.dropTable('chat_stats').execute();
}
