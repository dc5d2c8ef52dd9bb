import type { Kysely } from 'kysely';

/** Messenger and bot platform: bots are users, chats have members, messages carry params; events are queued durably. */
export async function up(db: Kysely<any>): Promise<void> {
  for (const col of ['color', 'avatar', 'personal_birthday', 'personal_www']) {
    await db.schema.alterTable('users').addColumn(col, 'text', (c) => c.notNull().defaultTo('')).execute();
  }

  await db.schema
    .createTable('bots')
    .addColumn('id', 'integer', (c) => c.primaryKey().references('users.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('api', 'text', (c) => c.notNull())
    .addColumn('owner_hash', 'text', (c) => c.notNull())
    .addColumn('owner_sealed', 'text', (c) => c.notNull())
    .addColumn('app_id', 'integer')
    .addColumn('event_mode', 'text', (c) => c.notNull())
    .addColumn('webhook_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('handlers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('is_hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_reactions_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_support_openline', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('background_id', 'text')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('module_id', 'text', (c) => c.notNull().defaultTo('rest'))
    .addColumn('count_message', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_command', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_chat', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_user', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bots_owner').on('bots').columns(['owner_hash']).execute();

  await db.schema
    .createTable('chats')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('color', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('avatar', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entity_type', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entity_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entity_data_1', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entity_data_2', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entity_data_3', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('text_field_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('background_id', 'text')
    .addColumn('private_key', 'text', (c) => c.unique())
    .addColumn('author_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_id', 'integer')
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('chat_members')
    .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
    .addColumn('last_read_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_members_pk', ['chat_id', 'user_id'])
    .execute();
  await db.schema.createIndex('chat_members_user').on('chat_members').columns(['user_id']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('uuid', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('template_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text')
    .execute();
  await db.schema.createIndex('messages_chat').on('messages').columns(['chat_id', 'id']).execute();
  await db.schema.createIndex('messages_template').on('messages').columns(['author_id', 'template_id']).execute();

  await db.schema
    .createTable('commands')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('bot_id', 'integer', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('common', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extranet_support', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sonet_support', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('event_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('commands_bot').on('commands').columns(['bot_id']).execute();
  await db.schema
    .createTable('command_langs')
    .addColumn('command_id', 'integer', (c) => c.notNull().references('commands.id').onDelete('cascade'))
    .addColumn('language_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('params', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('command_langs_pk', ['command_id', 'language_id'])
    .execute();

  await db.schema
    .createTable('event_queue')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('bot_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_ts', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_queue_bot').on('event_queue').columns(['bot_id', 'id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('bot_id', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('response_status', 'integer')
    .addColumn('response_excerpt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('latency_ms', 'real')
    .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema.createIndex('deliveries_status').on('deliveries').columns(['status', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['deliveries', 'event_queue', 'command_langs', 'commands', 'messages', 'chat_members', 'chats', 'bots']) {
    await db.schema.dropTable(t).execute();
  }
}
