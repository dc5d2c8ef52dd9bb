import type { MessageRow } from '../store/repos/messages.js';

export function messageParams(m: MessageRow): Record<string, unknown> {
  try {
    const p = JSON.parse(m.params) as unknown;
    return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `forward` of the v2 Message: where a forwarded copy came from, else null. */
function forwardOf(params: Record<string, unknown>) {
  if (!params.FORWARD_ID) return null;
  return { id: params.FORWARD_ID, userId: params.FORWARD_USER_ID ?? 0, chatId: params.FORWARD_CHAT_ID ?? 0, date: params.FORWARD_DATE ?? null };
}

/** The v2 Message object (chat-bots-v2/entities.md#message); `viewer` adds the method-only read flags. */
export function messageView(m: MessageRow, o: { viewedByOthers?: boolean; viewer?: { lastReadId: number; userId: number } } = {}) {
  const view: Record<string, unknown> = {
    id: m.id,
    chatId: m.chat_id,
    // entities.md: "`0` for system messages" (the sender is kept in the row for access checks).
    authorId: m.is_system ? 0 : m.author_id,
    date: m.created_at,
    text: m.text,
    isSystem: !!m.is_system,
    uuid: m.uuid,
    forward: forwardOf(messageParams(m)),
    params: messageParams(m),
    viewedByOthers: !!o.viewedByOthers,
  };
  if (o.viewer) {
    const own = m.author_id === o.viewer.userId;
    view.unread = !own && m.id > o.viewer.lastReadId;
    view.viewed = own || m.id <= o.viewer.lastReadId;
  }
  return view;
}

/** What im.dialog.messages.get shows for a deleted message (Loc IM_CHAT_MESSAGE_DELETED). */
export const DELETED_MESSAGE_TEXT = 'This message was deleted.';

/**
 * A message of im.dialog.messages.get (Im\Chat::getMessages with JSON): snake_case keys, `unread` for
 * the reader whose last read message is `lastReadId` (null: not a member), empty params as `[]`.
 */
export function imMessageView(m: MessageRow, o: { lastReadId: number | null }): Record<string, unknown> {
  const params = messageParams(m);
  let text = m.text;
  if (!text && params.FILE_ID === undefined && params.KEYBOARD === undefined && params.ATTACH === undefined) {
    text = DELETED_MESSAGE_TEXT;
    params.IS_DELETED = 'Y';
  }
  return {
    id: m.id,
    chat_id: m.chat_id,
    // System messages have no sender: group chats store them with AUTHOR_ID 0, private ones are read back
    // with 0 (Im\Chat::getMessages, NOTIFY_EVENT private_system).
    author_id: m.is_system ? 0 : m.author_id,
    date: m.created_at,
    text,
    unread: o.lastReadId !== null && o.lastReadId < m.id,
    uuid: m.uuid || null,
    replaces: [],
    params: Object.keys(params).length ? params : [],
    disappearing_date: null,
  };
}
