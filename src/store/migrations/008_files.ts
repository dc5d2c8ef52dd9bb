import type { Kysely } from 'kysely';

/**
 * Files uploaded into chats (File.upload of imbot.v2 / im.v2; the platform's Drive object). The bytes
 * live in `<dataDir>/files/<storage_key>`, or in `content` when the portal has no data folder (`:memory:`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('files')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull())
    /** The message the upload created (0 until it exists). */
    .addColumn('message_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('extension', 'text', (c) => c.notNull().defaultTo(''))
    /** file | image | video | audio */
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('file'))
    .addColumn('mime', 'text', (c) => c.notNull().defaultTo('application/octet-stream'))
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('image_width', 'integer')
    .addColumn('image_height', 'integer')
    .addColumn('sha256', 'text', (c) => c.notNull())
    /** File name under `<dataDir>/files/`; null when the bytes are in `content`. */
    .addColumn('storage_key', 'text')
    .addColumn('content', 'blob')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_chat').on('files').columns(['chat_id', 'id']).execute();
  await db.schema.createIndex('files_message').on('files').columns(['message_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('files').execute();
}
