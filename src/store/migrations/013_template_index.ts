import { type Kysely, sql } from 'kysely';

/**
 * The index behind messages.byTemplate (a client's TEMPLATE_ID, looked up to refuse a second message
 * with the same one) covers only messages that have one. Most have none, and every message insert
 * still wrote an entry for it: a B-tree insert and a WAL page per message for nothing. The lookup is
 * `template_id = ?`, which implies the index's condition, so it still uses it (SQLite and PostgreSQL).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_template').execute();
  await db.schema
    .createIndex('messages_template')
    .on('messages')
    .columns(['author_id', 'template_id'])
    .where(sql.ref('template_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_template').execute();
  await db.schema.createIndex('messages_template').on('messages').columns(['author_id', 'template_id']).execute();
}
