import { colorHex } from '../domain/messenger/colors.js';
import type { ChatRow, ChatWithStats, MemberRow, MemberWithReads } from '../store/repos/chats.js';

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
  /** The answer of the call that created the chat (imbot.v2.Chat.add: `isNew: true`). */
  isNew?: boolean;
  /** The viewer's first unread message (domain/messenger/reads.ts readState); null or absent: none. */
  unreadId?: number | null;
}

/** A method's Chat object also shows the message stats and the viewer's read position. */
export interface FullChatViewOptions extends ChatViewOptions {
  members: MemberWithReads[];
  inEvent?: false;
}

/** The v2 Chat object (chat-bots-v2/entities.md#chat). */
export function chatView(chat: ChatRow, o: ChatViewOptions & { inEvent: true }): Record<string, unknown>;
export function chatView(chat: ChatWithStats, o: FullChatViewOptions): Record<string, unknown>;
export function chatView(chat: ChatRow | ChatWithStats, o: ChatViewOptions): Record<string, unknown> {
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
    isNew: !!o.isNew,
    textFieldEnabled: chat.text_field_enabled ? 'Y' : 'N',
    backgroundId: chat.background_id,
  };
  if (o.inEvent) return view;
  const full = chat as ChatWithStats;
  const me = (o as FullChatViewOptions).members.find((m) => m.user_id === o.viewerId);
  Object.assign(view, {
    // Chat::getRole: a reader without a relation (an open chat) is a guest.
    role: !me ? 'guest' : me.user_id === (chat.owner_id || chat.author_id) ? 'owner' : me.role === 'owner' ? 'manager' : me.role,
    muteList: [],
    dateCreate: chat.created_at,
    lastMessageId: full.last_message_id,
    // Chat::getLastId: a reader without a relation (an open chat's guest) is at the last message.
    lastId: me ? me.last_read_id : full.last_message_id,
    managerList: o.members.filter((m) => m.role === 'owner' || m.role === 'manager').map((m) => m.user_id),
    messageCount: full.message_count,
    userCounter: o.members.length,
    unreadId: o.unreadId ?? null,
    lastMessageViews: '',
    markedId: null,
    public: '',
  });
  return view;
}

/** `type` of the classic chat object: the extended type in camelCase (Chat::getType → Type::getExtendedType). */
export function extendedChatType(chat: Pick<ChatRow, 'type' | 'entity_type'>): string {
  if (chat.type === 'P') return 'private';
  if (!chat.entity_type) return TYPE_NAMES[chat.type] === 'open' ? 'open' : 'chat';
  return chat.entity_type.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const CRM_TYPES = new Set(['LEAD', 'DEAL', 'CONTACT', 'COMPANY']);

/** `entity_link` (EntityLink::toArray): CRM objects link to their card, workgroups and tasks to their pages. */
export function entityLink(chat: Pick<ChatRow, 'entity_type' | 'entity_id'>, viewerId: number): Record<string, string> {
  const id = chat.entity_id;
  switch (chat.entity_type) {
    case 'CRM': {
      const [crmType = '', crmId = '0'] = id.split('|');
      const known = Number(crmId) > 0 && crmType !== '';
      return { type: CRM_TYPES.has(crmType) ? crmType : 'DYNAMIC', url: known ? `/crm/${crmType.toLowerCase()}/details/${Number(crmId)}/` : '', id };
    }
    case 'SONET_GROUP':
      return { type: 'SONET_GROUP', url: id ? `/workgroups/group/${id}/` : '', id };
    case 'TASKS':
      return { type: 'TASKS', url: id ? `/company/personal/user/${viewerId}/tasks/task/view/${id}/` : '', id };
    default:
      return { type: chat.entity_type, url: '', id };
  }
}

export interface ImDialogInput {
  chat: ChatWithStats;
  members: MemberWithReads[];
  viewerId: number;
  /** The DIALOG_ID as the caller passed it. */
  dialogId: string;
  /** Full names of the members. */
  names: Map<number, string>;
  /** Active members (only they appear in `readed_list`). */
  active: Set<number>;
  /** Restrictions of this kind of chat (chatOptions), lower-cased by the formatter. */
  restrictions: Record<string, unknown>;
  counter: number;
  unreadId: number;
  messageCount: number;
  lastMessageAuthorId?: number;
}

/** The chat object of im.dialog.get (Im\Chat::getById with LOAD_READED and JSON): snake_case keys. */
export function imDialogView(d: ImDialogInput): Record<string, unknown> {
  const { chat, members, viewerId } = d;
  const me = members.find((m) => m.user_id === viewerId);
  const owner = chat.owner_id || chat.author_id;
  const role = !me ? 'guest' : me.user_id === owner ? 'owner' : me.role === 'manager' || me.role === 'owner' ? 'manager' : 'member';
  const lastMessageId = chat.last_message_id ?? 0;
  // Who has seen the last message: members other than its author who have read up to it.
  const viewers = lastMessageId ? members.filter((m) => m.last_read_id >= lastMessageId && m.user_id !== d.lastMessageAuthorId) : [];
  const restrictions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.restrictions)) restrictions[k.toLowerCase()] = v;
  return {
    id: chat.id,
    parent_chat_id: 0,
    parent_message_id: 0,
    name: chat.title,
    description: chat.description,
    owner,
    extranet: false,
    avatar: chat.avatar,
    color: colorHex(chat.color, chat.id),
    type: extendedChatType(chat),
    counter: d.counter,
    user_counter: members.length,
    message_count: d.messageCount,
    unread_id: d.unreadId,
    restrictions,
    last_message_id: lastMessageId,
    last_id: me?.last_read_id ?? 0,
    marked_id: 0,
    disk_folder_id: 0,
    entity_type: chat.entity_type,
    entity_id: chat.entity_id,
    entity_data_1: chat.entity_data_1,
    entity_data_2: chat.entity_data_2,
    entity_data_3: chat.entity_data_3,
    mute_list: [],
    date_create: chat.created_at,
    message_type: chat.type,
    public: '',
    role,
    entity_link: entityLink(chat, viewerId),
    text_field_enabled: !!chat.text_field_enabled,
    background_id: chat.background_id,
    permissions: {
      manage_users_add: 'member',
      manage_users_delete: 'manager',
      manage_ui: 'member',
      manage_settings: 'owner',
      manage_messages: 'member',
      can_post: 'member',
    },
    is_new: false,
    readed_list: members
      .filter((m) => m.user_id !== viewerId && d.active.has(m.user_id))
      .map((m) => ({ user_id: m.user_id, user_name: d.names.get(m.user_id) ?? '', message_id: m.last_read_id, date: null })),
    manager_list: members.filter((m) => m.role === 'owner' || m.role === 'manager' || m.user_id === owner).map((m) => m.user_id).filter((id, i, a) => a.indexOf(id) === i),
    last_message_views: {
      message_id: lastMessageId,
      first_viewers: viewers.slice(0, 2).map((m) => ({ user_id: m.user_id, user_name: d.names.get(m.user_id) ?? '', date: null })),
      count_of_viewers: viewers.length - (viewers.some((m) => m.user_id === viewerId) ? 1 : 0),
    },
    dialog_id: d.dialogId,
  };
}
