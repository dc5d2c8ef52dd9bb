import type { Selectable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { DeliveryOptionsTable } from '../schema.js';

export type DeliveryOptionsRow = Selectable<DeliveryOptionsTable>;

// Read once per webhook POST: the bot's own row, else its application's (bot rows sort first).
const forBotQ = compiled((db, botId: number, botId2: number, one: number) =>
  db
    .selectFrom('delivery_options')
    .selectAll()
    .where((eb) =>
      eb.or([eb('bot_id', '=', botId), eb('app_id', '=', eb.selectFrom('bots').select('app_id').where('bots.id', '=', botId2))]),
    )
    .orderBy('bot_id', 'desc')
    .limit(one),
);

/** Webhook retries and HMAC signing per bot or per application (beyond the cloud, off by default). */
export class DeliveryOptionsRepo {
  constructor(private readonly db: Db) {}

  /** The options that apply to `botId`'s deliveries: its own, else its application's. */
  forBot(botId: number): Promise<DeliveryOptionsRow | undefined> {
    return forBotQ.first(this.db, botId, botId, 1) as Promise<DeliveryOptionsRow | undefined>;
  }

  get(target: { botId: number } | { appId: number }): Promise<DeliveryOptionsRow | undefined> {
    const q = this.db.selectFrom('delivery_options').selectAll();
    return ('botId' in target ? q.where('bot_id', '=', target.botId) : q.where('app_id', '=', target.appId)).executeTakeFirst();
  }

  async put(target: { botId: number } | { appId: number }, values: { retries: number; backoff: string; hmac_secret: string; updated_at: string }) {
    const key = 'botId' in target ? { bot_id: target.botId, app_id: null } : { bot_id: null, app_id: target.appId };
    const column = 'botId' in target ? 'bot_id' : 'app_id';
    await this.db
      .insertInto('delivery_options')
      .values({ ...key, ...values })
      .onConflict((oc) => oc.column(column).doUpdateSet(values))
      .execute();
  }

  async remove(target: { botId: number } | { appId: number }): Promise<void> {
    const q = this.db.deleteFrom('delivery_options');
    await ('botId' in target ? q.where('bot_id', '=', target.botId) : q.where('app_id', '=', target.appId)).execute();
  }
}
