import type { Kysely } from 'kysely';

/**
 * Chat applications of imbot.app.register (b_im_app / b_im_app_lang): a JS command or an IFRAME
 * application in the messenger's text panel, owned by the registering client and tied to one bot.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_apps')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('bot_id', 'integer', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    /** SHA-256 of the registering owner key (the platform's APP_ID column). */
    .addColumn('owner_hash', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().defaultTo(''))
    /** The icon as a `data:image/…;base64,` URL, '' for none. */
    .addColumn('icon', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('context', 'text', (c) => c.notNull().defaultTo('all'))
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registered', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('js', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('iframe', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('iframe_width', 'integer', (c) => c.notNull().defaultTo(350))
    .addColumn('iframe_height', 'integer', (c) => c.notNull().defaultTo(250))
    .addColumn('iframe_popup', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extranet_support', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('livechat_support', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_apps_bot').on('chat_apps').columns(['bot_id']).execute();
  await db.schema
    .createTable('chat_app_langs')
    .addColumn('app_id', 'integer', (c) => c.notNull().references('chat_apps.id').onDelete('cascade'))
    .addColumn('language_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('copyright', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('chat_app_langs_pk', ['app_id', 'language_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chat_app_langs').execute();
  await db.schema.dropTable('chat_apps').execute();
}
