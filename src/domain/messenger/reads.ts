import type { ChatRow } from '../../store/repos/chats.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { canRead } from './chats.js';
import type { Emit } from './events.js';

export const MessageAccess = {
  notFound: () => new ApiError('MESSAGE_NOT_FOUND', 'Message not found'),
  denied: () => new ApiError('MESSAGE_ACCESS_DENIED', 'Message access denied'),
  chatDenied: () => new ApiError('ACCESS_DENIED', 'Access denied'),
};

/**
 * A message `userId` may see (Message::checkAccess): it exists (MESSAGE_NOT_FOUND), its chat is readable
 * to the user (`denied`: the page's code for "not a participant"), and it is not older than the user's
 * visible history (MESSAGE_ACCESS_DENIED).
 */
export async function messageForReader(store: Store, userId: number, messageId: number, denied: () => ApiError): Promise<MessageRow> {
  const message = messageId > 0 ? await store.messages.byId(messageId) : undefined;
  if (!message) throw MessageAccess.notFound();
  const chat = await store.chats.byId(message.chat_id);
  if (!chat || !(await canRead(store, chat, userId))) throw denied();
  const me = await store.chats.member(chat.id, userId);
  if (me && me.start_id > message.id) throw MessageAccess.denied();
  return message;
}

/** What a read leaves behind (Reader::readTo / readAllInChat → ReadResult). */
export interface ReadOutcome {
  chatId: number;
  /** The member's read position afterwards (relation LAST_ID). */
  lastId: number;
  /** Messages by others still unread. */
  counter: number;
  /** Messages by others this read showed to the member for the first time, oldest first. */
  viewedMessages: number[];
}

/** A member's unread messages: by others, after the read position, inside the history they may see. */
async function unreadIds(store: Store, chatId: number, userId: number, lastReadId: number, startId: number): Promise<number[]> {
  return (await store.messages.unread(chatId, userId, Math.max(lastReadId, startId - 1))).map((m) => m.id);
}

/**
 * `userId` reads `chat` up to and including message `upToId`, or the whole chat without one. The read
 * position only moves forward. Undefined when the user is not a member (there is no relation to move).
 */
export async function readChat(store: Store, emit: Emit, chat: ChatRow, userId: number, upToId?: number): Promise<ReadOutcome | undefined> {
  const me = (await store.reads.marks(chat.id)).find((m) => m.userId === userId);
  if (!me) return undefined;
  const last = (await store.chats.stats(chat.id)).last_message_id ?? 0;
  const target = Math.min(upToId ?? last, last);
  const firstSeen = (await store.messages.unread(chat.id, userId, Math.max(me.viewedId, me.startId - 1))).filter((m) => m.id <= target);
  const lastId = Math.max(me.lastReadId, target);
  if (lastId !== me.lastReadId || firstSeen.length) {
    await store.reads.readTo(chat.id, userId, target);
    emit({ kind: 'chat.read', chatId: chat.id, userId, lastMessageId: lastId });
  }
  const counter = (await unreadIds(store, chat.id, userId, lastId, me.startId)).length;
  return { chatId: chat.id, lastId, counter, viewedMessages: firstSeen.map((m) => m.id) };
}

/**
 * Marks `chat` unread for `userId` from message `fromId` on (CIMMessage::SetLastIdForUnread): the read
 * position goes back to the message before it; views are kept. False when the user is not a member.
 */
export async function unreadChat(store: Store, emit: Emit, chat: ChatRow, userId: number, fromId: number): Promise<boolean> {
  const me = await store.chats.memberWithReads(chat.id, userId);
  if (!me) return false;
  const before = (await store.messages.history(chat.id, { beforeId: fromId, limit: 1 }))[0]?.id ?? 0;
  if (before < me.last_read_id) {
    await store.reads.unreadFrom(chat.id, userId, before);
    emit({ kind: 'chat.read', chatId: chat.id, userId, lastMessageId: before });
  }
  return true;
}

/** Read counters of a member for chat objects: read position, unread count and first unread id (null: none). */
export async function readState(store: Store, chatId: number, userId: number): Promise<{ lastId: number; counter: number; unreadId: number | null }> {
  const me = (await store.reads.marks(chatId)).find((m) => m.userId === userId);
  if (!me) return { lastId: 0, counter: 0, unreadId: null };
  const ids = await unreadIds(store, chatId, userId, me.lastReadId, me.startId);
  return { lastId: me.lastReadId, counter: ids.length, unreadId: ids[0] ?? null };
}

/**
 * Which of `messages` (all of one chat) someone other than their author has been shown
 * (Message.viewedByOthers): a member whose view mark reaches the message and whose visible history covers it.
 */
export async function viewedByOthers(store: Store, chatId: number, messages: readonly MessageRow[]): Promise<Set<number>> {
  const out = new Set<number>();
  if (!messages.length) return out;
  const marks = await store.reads.marks(chatId);
  for (const m of messages) {
    if (marks.some((r) => r.userId !== m.author_id && r.viewedId >= m.id && r.startId <= m.id)) out.add(m.id);
  }
  return out;
}
