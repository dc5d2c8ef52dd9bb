import type { MessageRow } from '../store/repos/messages.js';

export function messageParams(m: MessageRow): Record<string, unknown> {
  try {
    const p = JSON.parse(m.params) as unknown;
    return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The v2 Message object (chat-bots-v2/entities.md#message); `viewer` adds the method-only read flags. */
export function messageView(m: MessageRow, o: { viewedByOthers?: boolean; viewer?: { lastReadId: number; userId: number } } = {}) {
  const view: Record<string, unknown> = {
    id: m.id,
    chatId: m.chat_id,
    authorId: m.author_id,
    date: m.created_at,
    text: m.text,
    isSystem: !!m.is_system,
    uuid: m.uuid,
    forward: null,
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
