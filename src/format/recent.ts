import type { ChatRow } from '../store/repos/chats.js';
import type { MessageRow } from '../store/repos/messages.js';
import { messageParams } from './message.js';

/** The last message of a recent item (im.recent.list#items-item-message). */
export function recentMessageView(m: MessageRow | undefined, viewerId: number, readByOthers: boolean): Record<string, unknown> {
  if (!m) return { id: 0, text: '', file: false, author_id: 0, attach: false, sticker: null, date: null, status: 'received', uuid: null };
  const params = messageParams(m);
  return {
    id: m.id,
    text: m.text,
    file: params.FILE_ID !== undefined,
    author_id: m.is_system ? 0 : m.author_id,
    attach: params.ATTACH !== undefined,
    sticker: null,
    date: m.created_at,
    // Own messages show whether anyone read them; others' are simply received.
    status: m.author_id === viewerId ? (readByOthers ? 'delivered' : 'received') : 'received',
    uuid: m.uuid || null,
  };
}

export interface RecentItemInput {
  chat: ChatRow;
  /** The dialog id as the viewer sees it: the other person's id, or `chat<N>`. */
  dialogId: string;
  title: string;
  avatarUrl: string;
  color: string;
  last?: MessageRow;
  readByOthers: boolean;
  viewerId: number;
  counter: number;
  lastReadId: number;
  /** imUserView of the other person (private dialogs). */
  user?: Record<string, unknown>;
  /** imDialogView of the chat (group chats). */
  dialog?: Record<string, unknown>;
}

/** The chat object of a group-chat recent item: im.dialog.get's, with the role in upper case as the list shows it. */
const RECENT_CHAT_KEYS = [
  'id', 'parent_chat_id', 'parent_message_id', 'name', 'owner', 'extranet', 'avatar', 'color', 'type', 'entity_type', 'entity_id',
  'entity_data_1', 'entity_data_2', 'entity_data_3', 'mute_list', 'manager_list', 'date_create', 'message_type', 'user_counter',
  'restrictions', 'role', 'text_field_enabled', 'background_id', 'entity_link', 'permissions', 'public',
];

/** One item of im.recent.list / im.recent.get (api-reference/chats/im-recent-list.md#items-item). */
export function recentItemView(i: RecentItemInput): Record<string, unknown> {
  const isChat = i.chat.type !== 'P';
  const date = i.last?.created_at ?? i.chat.created_at;
  const item: Record<string, unknown> = {
    id: isChat ? i.dialogId : Number(i.dialogId),
    chat_id: i.chat.id,
    type: isChat ? 'chat' : 'user',
    avatar: { url: i.avatarUrl, color: i.color },
    title: i.title,
    message: recentMessageView(i.last, i.viewerId, i.readByOthers),
    counter: i.counter,
    last_id: i.lastReadId,
    pinned: false,
    unread: false,
    has_reminder: false,
    date_update: date,
    date_last_activity: date,
  };
  if (isChat && i.dialog) {
    const chat: Record<string, unknown> = { contains_collaber: false };
    for (const k of RECENT_CHAT_KEYS) chat[k] = i.dialog[k];
    chat.role = String(i.dialog.role ?? '').toUpperCase();
    item.chat = chat;
    item.user = { id: 0 };
  } else {
    item.user = i.user ?? { id: 0 };
    item.chat = { text_field_enabled: !!i.chat.text_field_enabled, background_id: i.chat.background_id, mute_list: [] };
  }
  item.options = [];
  return item;
}
