import type { Kysely } from 'kysely';

/**
 * Sign-in for the web messenger: browser sessions (an HttpOnly cookie holds the token, only its hash is
 * stored) and one-time sign-in links (`imbot-server user login-link N`, the administrator's at start).
 * Passwords live in users.password_hash (salted scrypt, set by `imbot-server user add --password`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** The CSRF token the page sends back in X-Bitrix-Csrf-Token (Bitrix's sessid); not a secret at rest. */
    .addColumn('csrf', 'text', (c) => c.notNull())
    .addColumn('expires', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('login_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_links').execute();
  await db.schema.dropTable('web_sessions').execute();
}
