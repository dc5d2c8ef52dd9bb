import { compiled } from '../compiled.js';
import type { Db } from '../db.js';

// Run for every message written: the chat's members that subscribed to the im.v2 feed (usually none).
const subscribedMembersQ = compiled((db, chatId: number) =>
  db
    .selectFrom('chat_members')
    .innerJoin('feed_subscriptions', 'feed_subscriptions.user_id', 'chat_members.user_id')
    .innerJoin('users', 'users.id', 'chat_members.user_id')
    .select(['chat_members.user_id', 'users.external_auth_id'])
    .where('chat_members.chat_id', '=', chatId)
    .orderBy('chat_members.user_id'),
);

/** Who subscribed to the im.v2 user event feed (im.v2.Event.subscribe). */
export class FeedSubscriptionRepo {
  constructor(private readonly db: Db) {}

  async subscribe(userId: number, createdAt: string): Promise<void> {
    await this.db.insertInto('feed_subscriptions').values({ user_id: userId, created_at: createdAt }).onConflict((oc) => oc.doNothing()).execute();
  }

  async unsubscribe(userId: number): Promise<void> {
    await this.db.deleteFrom('feed_subscriptions').where('user_id', '=', userId).execute();
  }

  async isSubscribed(userId: number): Promise<boolean> {
    const row = await this.db.selectFrom('feed_subscriptions').select('user_id').where('user_id', '=', userId).executeTakeFirst();
    return !!row;
  }

  /** Subscribed members of a chat, with whether each is a bot. */
  async subscribedMembers(chatId: number): Promise<{ userId: number; isBot: boolean }[]> {
    const rows = (await subscribedMembersQ.all(this.db, chatId)) as { user_id: number; external_auth_id: string }[];
    return rows.map((r) => ({ userId: r.user_id, isBot: r.external_auth_id === 'bot' }));
  }
}
