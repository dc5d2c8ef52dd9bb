import type { Kysely } from 'kysely';

/**
 * The im.v2 user event feed and the webhook delivery options.
 *
 * User events share `event_queue` with the bots' fetch queue, as b_im_event_log does: `bot_id` holds the
 * recipient's user id (bots are users), so ids stay global and one `offset` acknowledges a bot's and a
 * person's events together (imbot.v2.Event.get withUserEvents).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // im.v2.Event.subscribe (b_im_status.EVENT_LOG = 'Y'): one row per subscribed person.
  await db.schema
    .createTable('feed_subscriptions')
    .addColumn('user_id', 'integer', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Beyond the cloud: retries and an HMAC signature per bot or per application (bot rows win).
  await db.schema
    .createTable('delivery_options')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('bot_id', 'integer', (c) => c.unique())
    .addColumn('app_id', 'integer', (c) => c.unique())
    /** Attempts after the first one. */
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON array of delays (seconds) before each retry; empty = the server's default schedule. */
    .addColumn('backoff', 'text', (c) => c.notNull().defaultTo('[]'))
    /** Sealed with the portal's secret box; '' = no signature. */
    .addColumn('hmac_secret', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // When a pending delivery is due (epoch ms); null = now. Kept in the row so a restart resumes the schedule.
  await db.schema.alterTable('deliveries').addColumn('next_attempt_at', 'integer').execute();
}
