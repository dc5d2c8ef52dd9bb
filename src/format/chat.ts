import { colorHex } from '../domain/messenger/colors.js';
import type { ChatRow, MemberRow } from '../store/repos/chats.js';

const TYPE_NAMES: Record<string, string> = { P: 'private', C: 'chat', O: 'open' };

/** dialogId as `viewerId` sees the chat: the other party's id for private chats, `chat<N>` otherwise. */
export function dialogIdOf(chat: ChatRow, members: MemberRow[], viewerId: number): string {
  if (chat.type !== 'P') return `chat${chat.id}`;
  const other = members.find((m) => m.user_id !== viewerId) ?? members[0];
  return String(other?.user_id ?? viewerId);
}

export interface ChatViewOptions {
  viewerId: number;
  members: MemberRow[];
  /** Events leave out the per-user fields (role, muteList) and the method-only ones (entities.md). */
  inEvent?: boolean;
}

/** The v2 Chat object (chat-bots-v2/entities.md#chat). */
export function chatView(chat: ChatRow, o: ChatViewOptions): Record<string, unknown> {
  const me = o.members.find((m) => m.user_id === o.viewerId);
  const view: Record<string, unknown> = {
    id: chat.id,
    dialogId: dialogIdOf(chat, o.members, o.viewerId),
    name: chat.title,
    type: TYPE_NAMES[chat.type] ?? 'chat',
    messageType: chat.type,
    owner: chat.owner_id,
    color: colorHex(chat.color, chat.id),
    avatar: chat.avatar,
    description: chat.description,
    extranet: false,
    containsCollaber: false,
    entityType: chat.entity_type,
    entityId: chat.entity_id,
    entityData1: chat.entity_data_1,
    entityData2: chat.entity_data_2,
    entityData3: chat.entity_data_3,
    entityLink: {},
    diskFolderId: null,
    permissions: {},
    parentChatId: null,
    parentMessageId: null,
    isNew: false,
    textFieldEnabled: chat.text_field_enabled ? 'Y' : 'N',
    backgroundId: chat.background_id,
  };
  if (o.inEvent) return view;
  Object.assign(view, {
    role: !me ? 'none' : me.role,
    muteList: [],
    dateCreate: chat.created_at,
    lastMessageId: chat.last_message_id,
    lastId: me?.last_read_id ?? null,
    managerList: o.members.filter((m) => m.role === 'owner' || m.role === 'manager').map((m) => m.user_id),
    messageCount: chat.message_count,
    userCounter: o.members.length,
    unreadId: null,
    lastMessageViews: '',
    markedId: null,
    public: '',
  });
  return view;
}
