import { type Kysely, sql } from 'kysely';

const COUNTERS = ['count_message', 'count_command', 'count_chat', 'count_user'] as const;

/**
 * A bot's counters move out of `bots` into a table of their own. Each bot message bumps COUNT_MESSAGE;
 * on `bots` that write changed the table every bot call reads (ownership checks, event routing), so no
 * read of it could be kept (store/read-cache.ts). The Bot object still shows them (format/bot.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bot_counters')
    .addColumn('bot_id', 'integer', (c) => c.primaryKey().references('bots.id').onDelete('cascade'))
    .addColumn('count_message', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_command', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_chat', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_user', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`INSERT INTO bot_counters (bot_id, count_message, count_command, count_chat, count_user)
    SELECT id, count_message, count_command, count_chat, count_user FROM bots`.execute(db);
  for (const column of COUNTERS) await db.schema.alterTable('bots').dropColumn(column).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of COUNTERS) await db.schema.alterTable('bots').addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`UPDATE bots SET (count_message, count_command, count_chat, count_user) =
    (SELECT count_message, count_command, count_chat, count_user FROM bot_counters WHERE bot_id = bots.id)
    WHERE id IN (SELECT bot_id FROM bot_counters)`.execute(db);
  await db.schema.dropTable('bot_counters').execute();
}
