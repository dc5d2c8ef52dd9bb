import type { Store } from '../../store/store.js';
import type { ChatRow } from '../../store/repos/chats.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import { autoColor } from './colors.js';
import { creationNotes } from './chat-notes.js';
import type { Emit } from './events.js';

export const Chats = {
  notFound: () => new ApiError('CHAT_NOT_FOUND', 'Chat not found'),
  dialogInvalid: () => new ApiError('DIALOG_ID_EMPTY', 'Dialog ID can\'t be empty'),
  userNotFound: () => new ApiError('USER_NOT_FOUND', 'User not found'),
  accessDenied: () => new ApiError('ACCESS_DENIED', 'You do not have access to this chat'),
};

export const privateKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** The one private chat of two users, created on first use (a bot can write to anyone). */
export async function privateChat(store: Store, emit: Emit, a: number, b: number): Promise<ChatRow> {
  const key = privateKey(a, b);
  const existing = await store.chats.byPrivateKey(key);
  if (existing) return existing;
  for (const id of [a, b]) if (!(await store.users.byId(id))) throw Chats.userNotFound();
  const now = isoDate();
  const chat = await store.chats.insertPrivate(key, a, now);
  chat.color = autoColor(chat.id);
  await store.chats.setColor(chat.id, chat.color);
  for (const id of a === b ? [a] : [a, b]) await store.chats.addMember({ chat_id: chat.id, user_id: id, role: 'member', joined_at: now });
  // A bot learns about a new private dialog as a join (PrivateChat::add fires ONIMBOTJOINCHAT).
  emit({ kind: 'chat.joined', chatId: chat.id, userIds: a === b ? [] : [b], byUserId: a });
  return chat;
}

/**
 * `dialogId` as the acting user means it: digits are the private chat with that user, `chat<N>` is chat N.
 */
export async function resolveDialog(store: Store, emit: Emit, actorId: number, dialogId: unknown): Promise<ChatRow> {
  const d = typeof dialogId === 'number' ? String(dialogId) : typeof dialogId === 'string' ? dialogId.trim() : '';
  if (!d) throw Chats.dialogInvalid();
  const chatMatch = d.match(/^chat(\d+)$/i);
  if (chatMatch) {
    const chat = await store.chats.byId(Number(chatMatch[1]));
    if (!chat) throw Chats.notFound();
    return chat;
  }
  // `sg<N>`: the chat of workgroup N (Dialog::getChatId → CIMChat::GetSonetGroupChatId).
  const groupMatch = d.match(/^sg(\d+)$/i);
  if (groupMatch) {
    const chat = await store.chats.byEntity('SONET_GROUP', String(Number(groupMatch[1])));
    if (!chat) throw Chats.notFound();
    return chat;
  }
  // privateChat refuses an unknown user (USER_NOT_FOUND) when it has to create the dialog; an existing
  // dialog proves both users exist (users are never deleted).
  if (/^\d+$/.test(d)) return privateChat(store, emit, actorId, Number(d));
  throw Chats.notFound();
}

export async function requireMember(store: Store, chatId: number, userId: number): Promise<void> {
  if (!(await store.chats.member(chatId, userId))) throw Chats.accessDenied();
}

export interface NewGroupChat {
  ownerId: number;
  title?: string;
  description?: string;
  color?: string;
  type?: 'C' | 'O';
  avatar?: string;
  entityType?: string;
  entityId?: string;
  memberIds: number[];
  /** Who creates the chat (default the owner): the inviter in the join event and in the notes. */
  actorId?: number;
  /** Write the platform's system notes (created, owner assigned, invited) and post the description. */
  notes?: boolean;
}

export async function createGroupChat(store: Store, emit: Emit, input: NewGroupChat): Promise<ChatRow> {
  const now = isoDate();
  const chat = await store.chats.insert({
    type: input.type ?? 'C',
    title: input.title ?? '',
    description: input.description ?? '',
    avatar: input.avatar ?? '',
    owner_id: input.ownerId,
    author_id: input.ownerId,
    entity_type: input.entityType ?? '',
    entity_id: input.entityId ?? '',
    created_at: now,
  });
  if (input.color) await store.chats.update(chat.id, { color: input.color });
  else await store.chats.update(chat.id, { color: autoColor(chat.id) });
  await store.chats.addMember({ chat_id: chat.id, user_id: input.ownerId, role: 'owner', joined_at: now });
  // Everyone is reported as joining, the owner too (GroupChat::add → sendEventUsersAdd): a bot that
  // creates or is given a chat hears ONIMBOTJOINCHAT.
  const others = input.memberIds.filter((id) => id !== input.ownerId);
  const actorId = input.actorId ?? input.ownerId;
  await addMembers(store, emit, chat.id, others, actorId, { alsoJoined: [input.ownerId] });
  if (!input.title) {
    const members = await store.chats.members(chat.id);
    const names: string[] = [];
    for (const m of members.slice(0, 4)) {
      const u = await store.users.byId(m.user_id);
      if (u) names.push([u.name, u.last_name].filter(Boolean).join(' '));
    }
    await store.chats.update(chat.id, { title: names.join(', ') });
  }
  const created = (await store.chats.byId(chat.id))!;
  if (input.notes) await creationNotes(store, emit, created, actorId, others.filter((id) => id !== actorId));
  return created;
}

/**
 * Adds users to a group chat; the new ones are reported as one join (bots among them get JOINCHAT).
 * `hideHistory`: they see only messages written from now on (relation START_ID).
 */
export async function addMembers(
  store: Store,
  emit: Emit,
  chatId: number,
  userIds: number[],
  byUserId: number,
  opts: { hideHistory?: boolean; alsoJoined?: number[] } = {},
): Promise<number[]> {
  const added: number[] = [];
  const now = isoDate();
  const last = opts.hideHistory ? (await store.chats.stats(chatId)).last_message_id : null;
  const startId = last ? last + 1 : 0;
  for (const id of [...new Set(userIds)]) {
    if (!(await store.users.byId(id))) throw Chats.userNotFound();
    if (await store.chats.member(chatId, id)) continue;
    await store.chats.addMember({ chat_id: chatId, user_id: id, role: 'member', joined_at: now, start_id: startId });
    added.push(id);
  }
  const joined = [...(opts.alsoJoined ?? []), ...added];
  if (joined.length) emit({ kind: 'chat.joined', chatId, userIds: joined, byUserId });
  return added;
}

/**
 * Takes a user out of a chat (kicked by `byUserId`, or leaving when that is the user), reported as
 * `chat.left`. An owner who goes hands the chat to the longest-standing active person still in it
 * (Chat::changeAuthor skips bots); failing that to any remaining member.
 */
export async function removeMember(store: Store, emit: Emit, chatId: number, userId: number, byUserId: number): Promise<void> {
  await store.chats.removeMember(chatId, userId);
  emit({ kind: 'chat.left', chatId, userIds: [userId], byUserId });
  const chat = await store.chats.byId(chatId);
  if (chat && chat.type !== 'P' && chatOwnerId(chat) === userId) {
    const rest = await store.chats.members(chatId);
    let heir = rest[0];
    for (const m of rest) {
      const u = await store.users.byId(m.user_id);
      if (u?.active && u.external_auth_id !== 'bot') {
        heir = m;
        break;
      }
    }
    await store.chats.update(chatId, { owner_id: heir?.user_id ?? 0 });
    if (heir) await store.chats.setRole(chatId, heir.user_id, 'owner');
    emit({ kind: 'chat.updated', chatId, byUserId, fields: ['owner'] });
  }
}

/** Who may read a chat: its members, and anyone for an open chat (Chat::checkAccess). */
export async function canRead(store: Store, chat: ChatRow, userId: number): Promise<boolean> {
  if (chat.type === 'O') return true;
  return !!(await store.chats.member(chat.id, userId));
}

export type ChatAction = 'AVATAR' | 'RENAME' | 'EXTEND' | 'CALL' | 'MUTE' | 'LEAVE' | 'LEAVE_OWNER' | 'SEND' | 'USER_LIST';

type ChatOptions = Record<ChatAction, boolean> & { PATH?: string; PATH_TITLE?: string };

const DEFAULT_OPTIONS: ChatOptions = {
  AVATAR: true,
  RENAME: true,
  EXTEND: true,
  CALL: true,
  MUTE: true,
  LEAVE: true,
  LEAVE_OWNER: true,
  SEND: true,
  USER_LIST: true,
};

/** What each kind of bound chat allows (CIMChat::GetChatOptions): `restrictions` of im.dialog.get, and the action checks. */
const ENTITY_OPTIONS: Record<string, Partial<ChatOptions>> = {
  SONET_GROUP: { AVATAR: false, RENAME: false, EXTEND: false, LEAVE: false, LEAVE_OWNER: false, PATH: '/workgroups/group/#ID#/', PATH_TITLE: 'Open workgroup' },
  TASKS: { PATH: '/company/personal/user/#USER_ID#/tasks/task/view/#ID#/', PATH_TITLE: 'Open task' },
  CALENDAR: { PATH: '/calendar/?EVENT_ID=#ID#', PATH_TITLE: 'Open event' },
  CRM: { AVATAR: false, RENAME: false, EXTEND: true, LEAVE: true, LEAVE_OWNER: false, PATH: '', PATH_TITLE: '' },
  CALL: { EXTEND: false, CALL: false, MUTE: false, LEAVE: false, LEAVE_OWNER: false },
  SUPPORT24_QUESTION: { AVATAR: false, EXTEND: false, CALL: false, MUTE: false, LEAVE: false, LEAVE_OWNER: false, USER_LIST: false },
  NETWORK_DIALOG: { AVATAR: false, EXTEND: false, CALL: false, MUTE: false, LEAVE: false, LEAVE_OWNER: false, USER_LIST: false },
};

export function chatOptions(chat: Pick<ChatRow, 'entity_type'>): ChatOptions {
  return { ...DEFAULT_OPTIONS, ...(ENTITY_OPTIONS[chat.entity_type] ?? {}) };
}

/** Chat::isActionAllowed: whether chats of this kind allow the action at all (whoever asks). */
export const chatAllows = (chat: Pick<ChatRow, 'entity_type'>, action: ChatAction) => chatOptions(chat)[action];

/** The owner of a group chat (the platform's AUTHOR_ID). */
export const chatOwnerId = (chat: Pick<ChatRow, 'owner_id' | 'author_id'>) => chat.owner_id || chat.author_id;

/**
 * CIMChat::SetOwner: only the owner hands a group chat over, and only to a member; the new owner
 * becomes a manager-owner and the old one a plain member. Handing it to oneself changes nothing.
 */
export async function setChatOwner(store: Store, chat: ChatRow, actorId: number, userId: number): Promise<boolean> {
  if (chat.type === 'P') return false;
  const owner = chatOwnerId(chat);
  if (owner !== actorId) return false;
  if (userId === owner) return true;
  if (!(await store.chats.member(chat.id, userId))) return false;
  await store.chats.update(chat.id, { owner_id: userId });
  await store.chats.setRole(chat.id, userId, 'owner');
  if (await store.chats.member(chat.id, owner)) await store.chats.setRole(chat.id, owner, 'member');
  return true;
}

/** CIMChat::SetManager: the owner (manage_settings = owner) grants or revokes manager rights of a member. */
export async function setChatManager(store: Store, chat: ChatRow, actorId: number, userId: number, isManager: boolean): Promise<boolean> {
  if (chat.type === 'P' || chatOwnerId(chat) !== actorId) return false;
  const target = await store.chats.member(chat.id, userId);
  if (!target) return false;
  if (userId === chatOwnerId(chat)) return true;
  await store.chats.setRole(chat.id, userId, isManager ? 'manager' : 'member');
  return true;
}

/** Whether `userId` may change a group chat's title, colour or avatar (manage_ui = member). */
export async function canManageUi(store: Store, chat: ChatRow, userId: number): Promise<boolean> {
  return chat.type !== 'P' && !!(await store.chats.member(chat.id, userId));
}

/** CIMChat::Rename: a member renames a group chat; the title is trimmed and cut to 255 characters. */
export async function renameChat(store: Store, chat: ChatRow, actorId: number, title: string): Promise<boolean> {
  const t = [...title.trim()].slice(0, 255).join('');
  if (!t || !(await canManageUi(store, chat, actorId))) return false;
  await store.chats.update(chat.id, { title: t });
  return true;
}

/** CIMChat::SetColor: a member sets a palette colour (`code` as colors.ts stores it); the same colour again is refused. */
export async function setChatColor(store: Store, chat: ChatRow, actorId: number, code: string): Promise<boolean> {
  if (!(await canManageUi(store, chat, actorId)) || chat.color === code) return false;
  await store.chats.update(chat.id, { color: code });
  return true;
}
