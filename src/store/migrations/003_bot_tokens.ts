import type { Kysely } from 'kysely';

/**
 * Command answer grants (Bot\Token on the platform): a slash command gives its bot the right to answer
 * in that chat for 10 minutes, even where the bot is not a member (imbot.v2.Command.answer).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bot_tokens')
    .addColumn('bot_id', 'integer', (c) => c.notNull())
    .addColumn('chat_id', 'integer', (c) => c.notNull())
    .addColumn('expires_ts', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('bot_tokens_pk', ['bot_id', 'chat_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bot_tokens').execute();
}
