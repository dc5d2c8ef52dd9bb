import type { Kysely } from 'kysely';

/**
 * The first message a chat member may see (b_im_relation.START_ID): users added with hidden history
 * (im.chat.user.add HIDE_HISTORY=Y, the default) do not see what was written before they joined.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chat_members').addColumn('start_id', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chat_members').dropColumn('start_id').execute();
}
