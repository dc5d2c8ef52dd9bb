import type { DomainEvent } from '../domain/messenger/events.js';
import { chatView } from '../format/chat.js';
import { messageView } from '../format/message.js';
import { userView } from '../format/user.js';
import type { Store } from '../store/store.js';

/** A row of the fetch queue addressed to a person (`bot_id` holds the recipient's user id, see migration 009). */
export interface FeedRow {
  bot_id: number;
  type: string;
  data: string;
  created_at: string;
  created_ts: number;
}

const FEED_TYPES: Partial<Record<DomainEvent['kind'], string>> = {
  'message.added': 'ONIMV2MESSAGEADD',
  'message.updated': 'ONIMV2MESSAGEUPDATE',
  'message.deleted': 'ONIMV2MESSAGEDELETE',
  'reaction.changed': 'ONIMV2REACTIONCHANGE',
  'chat.joined': 'ONIMV2JOINCHAT',
};

/** This server's portals are English: the `language` of ONIMV2* data (a bot's events carry the bot's own). */
const PORTAL_LANGUAGE = 'en';

type ChatScoped = Extract<DomainEvent, { chatId: number }>;

/**
 * The im.v2 feed rows one committed change causes (im.v2/events/events.md; EventLogger::logUser*):
 * message events go to every subscribed member of the chat, the author included; reactions and joins
 * to the subscribed people (never to bots). Objects use the event variant of the formatters (no
 * `role`/`muteList`, online fields false); a private chat's `dialogId` names each recipient's other party.
 */
export async function userFeedRows(store: Store, e: DomainEvent, createdAt: string, createdTs: number): Promise<FeedRow[]> {
  const type = FEED_TYPES[e.kind];
  if (!type) return [];
  const ev = e as ChatScoped;
  const subscribers = await store.feedSubscriptions.subscribedMembers(ev.chatId);
  const toBots = ev.kind.startsWith('message.');
  const recipients = subscribers.filter((s) => toBots || !s.isBot).map((s) => s.userId);
  if (!recipients.length) return [];
  const chat = await store.chats.byId(ev.chatId);
  // A private dialog's creation is reported to bots as a join, but nobody joins a chat there.
  if (!chat || (ev.kind === 'chat.joined' && chat.type === 'P')) return [];
  const items = await feedData(store, ev);
  if (!items.length) return [];
  const members = await store.chats.members(chat.id);
  const rows: FeedRow[] = [];
  for (const item of items) {
    // One chat object (and one JSON text) for everyone, except private chats whose dialogId is per reader.
    const shared = chat.type === 'P' ? undefined : JSON.stringify({ ...item.before, chat: chatView(chat, { viewerId: 0, members, inEvent: true }), ...item.after });
    for (const userId of recipients) {
      const data = shared ?? JSON.stringify({ ...item.before, chat: chatView(chat, { viewerId: userId, members, inEvent: true }), ...item.after });
      rows.push({ bot_id: userId, type, data, created_at: createdAt, created_ts: createdTs });
    }
  }
  return rows;
}

/** The event's data without `chat`, split around it to keep the documented key order. */
type Item = { before: Record<string, unknown>; after: Record<string, unknown> };

async function feedData(store: Store, e: ChatScoped): Promise<Item[]> {
  const userOf = async (id: number) => {
    const u = await store.users.byId(id);
    return u ? userView(u, { inEvent: true }) : null;
  };
  const language = PORTAL_LANGUAGE;
  switch (e.kind) {
    case 'message.added':
    case 'message.updated': {
      const message = await store.messages.byId(e.messageId);
      if (!message) return [];
      return [{ before: { message: messageView(message) }, after: { user: await userOf(message.author_id), language } }];
    }
    case 'message.deleted':
      return [{ before: { messageId: e.messageId }, after: { user: await userOf(e.authorId), language } }];
    case 'reaction.changed': {
      const message = await store.messages.byId(e.messageId);
      if (!message) return [];
      return [{ before: { reaction: e.reaction, action: e.action, message: messageView(message) }, after: { user: await userOf(e.userId), language } }];
    }
    case 'chat.joined': {
      // One event per person added; joins only happen in group chats.
      const dialogId = `chat${e.chatId}`;
      const out: Item[] = [];
      for (const id of e.userIds) out.push({ before: { dialogId }, after: { user: await userOf(id), language } });
      return out;
    }
    default:
      return [];
  }
}
