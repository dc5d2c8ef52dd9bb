import type { ChatRow, MemberRow } from '../../store/repos/chats.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { changeNote, invitedNote, removedNote } from './chat-notes.js';
import { addMembers, chatAllows, chatOwnerId, removeMember, setChatManager, setChatOwner } from './chats.js';
import type { Emit } from './events.js';

/**
 * Managing a group chat as one of its members (the imbot.v2 Chat family acts as the bot): who may do
 * what (Im\V2\Permission with the default manage_* settings), and the changes themselves, each with
 * its domain event and the platform's system note.
 */

export const ChatAdminErrors = {
  accessDenied: () => new ApiError('ACCESS_DENIED', 'Access denied'),
  emptyUserIds: () => new ApiError('EMPTY_USER_IDS', 'Empty user IDs'),
  notInChat: () => new ApiError('USER_NOT_FOUND', 'The specified user is not in the chat'),
};

export type ChatRole = 'owner' | 'manager' | 'member' | 'guest';

const RANK: Record<ChatRole, number> = { guest: 0, member: 1, manager: 2, owner: 3 };

/** Chat::getRole: owner for the chat's author, manager or member by the relation, guest without one. */
export function roleIn(chat: ChatRow, member: MemberRow | undefined): ChatRole {
  if (!member) return 'guest';
  if (chatOwnerId(chat) === member.user_id) return 'owner';
  return member.role === 'manager' || member.role === 'owner' ? 'manager' : 'member';
}

export type ChatAdminAction = 'update' | 'extend' | 'kick' | 'leave' | 'leaveOwner' | 'changeOwner' | 'changeManagers';

/**
 * The least role each action needs in a plain group chat: Update is the owner's (chat type table),
 * adding members any member's (manage_users_add), excluding others a manager's (manage_users_delete),
 * owner and managers the owner's (manage_settings).
 */
const NEEDS: Record<ChatAdminAction, ChatRole> = {
  update: 'owner',
  extend: 'member',
  kick: 'manager',
  leave: 'member',
  leaveOwner: 'member',
  changeOwner: 'owner',
  changeManagers: 'owner',
};

/** Chats bound to an object (workgroup, task, CRM, open line…) cannot have their properties edited (Update = none). */
const BOUND = new Set(['SONET_GROUP', 'TASKS', 'CALENDAR', 'CRM', 'CALL', 'SUPPORT24_QUESTION', 'NETWORK_DIALOG', 'LINES']);

/** Whether this kind of chat forbids the action to everyone (private dialogs forbid them all). */
function forbidden(chat: ChatRow, action: ChatAdminAction): boolean {
  if (chat.type === 'P') return true;
  switch (action) {
    case 'update':
      return BOUND.has(chat.entity_type);
    case 'extend':
      return !chatAllows(chat, 'EXTEND');
    case 'leave':
      return !chatAllows(chat, 'LEAVE');
    case 'leaveOwner':
      return !chatAllows(chat, 'LEAVE_OWNER');
    case 'changeOwner':
    case 'changeManagers':
      return chat.entity_type === 'LINES';
    case 'kick':
      return false;
  }
}

/** CheckActionAccess: the member row of `userId` when they may do `action` here, else ACCESS_DENIED. */
export async function requireRight(store: Store, chat: ChatRow, userId: number, action: ChatAdminAction): Promise<MemberRow> {
  const me = await store.chats.member(chat.id, userId);
  if (!me || forbidden(chat, action) || RANK[roleIn(chat, me)] < RANK[NEEDS[action]]) throw ChatAdminErrors.accessDenied();
  return me;
}

/**
 * Permission::specifyAction for removing `userId`: oneself is leaving (the owner's own rule), anyone
 * else is excluding them. The owner is never excluded by someone else.
 */
export async function requireRemoveRight(store: Store, chat: ChatRow, actorId: number, userId: number): Promise<void> {
  if (userId !== actorId) {
    await requireRight(store, chat, actorId, 'kick');
    if (userId === chatOwnerId(chat)) throw ChatAdminErrors.accessDenied();
    return;
  }
  await requireRight(store, chat, actorId, 'leave');
  if (chatOwnerId(chat) === actorId) await requireRight(store, chat, actorId, 'leaveOwner');
}

/** Existing, active users among `ids`, in order, once each (the platform ignores the others). */
export async function activeUsers(store: Store, ids: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    if (id <= 0 || out.includes(id)) continue;
    const u = await store.users.byId(id);
    if (u?.active) out.push(id);
  }
  return out;
}

/** Adds the active users among `ids` who are not members yet; they see only what is written from now on. */
export async function inviteUsers(store: Store, emit: Emit, chat: ChatRow, actorId: number, ids: number[]): Promise<number[]> {
  const added = await addMembers(store, emit, chat.id, await activeUsers(store, ids), actorId, { hideHistory: true });
  await invitedNote(store, emit, chat, actorId, added);
  return added;
}

/** Takes `userId` out (leaving when it is the actor); false when they were not in the chat. */
export async function excludeUser(store: Store, emit: Emit, chat: ChatRow, actorId: number, userId: number): Promise<boolean> {
  if (!(await store.chats.member(chat.id, userId))) return false;
  await removeMember(store, emit, chat.id, userId, actorId);
  await removedNote(store, emit, chat, actorId, userId);
  return true;
}

/** Grants or revokes manager rights of the members among `ids` (others, and the owner, are left as they are). */
export async function changeManagers(store: Store, emit: Emit, chat: ChatRow, actorId: number, ids: number[], isManager: boolean): Promise<void> {
  let changed = false;
  for (const id of new Set(ids)) {
    const m = await store.chats.member(chat.id, id);
    if (!m || id === chatOwnerId(chat) || (m.role === 'manager') === isManager) continue;
    changed = (await setChatManager(store, chat, actorId, id, isManager)) || changed;
  }
  if (changed) emit({ kind: 'chat.updated', chatId: chat.id, byUserId: actorId, fields: ['managerList'] });
}

/** Hands the chat to a member (USER_NOT_FOUND for anyone else); the same owner again changes nothing. */
export async function transferOwnership(store: Store, emit: Emit, chat: ChatRow, actorId: number, userId: number): Promise<void> {
  if (userId === chatOwnerId(chat)) return;
  if (!(await store.chats.member(chat.id, userId))) throw ChatAdminErrors.notInChat();
  await setChatOwner(store, chat, actorId, userId);
  emit({ kind: 'chat.updated', chatId: chat.id, byUserId: actorId, fields: ['owner'] });
  await changeNote(store, emit, chat, actorId, { owner: userId });
}

export interface ChatPropsChange {
  title?: string;
  description?: string;
  /** A palette code (colors.ts). */
  color?: string;
  /** The stored avatar's URL; '' removes it. */
  avatar?: string;
}

/**
 * Applies the given properties (title trimmed and cut to 255 characters; an empty title is ignored);
 * returns the names of the fields that really changed, reported as one `chat.updated`.
 */
export async function updateChatProps(store: Store, emit: Emit, chat: ChatRow, actorId: number, change: ChatPropsChange): Promise<string[]> {
  const patch: Partial<Pick<ChatRow, 'title' | 'description' | 'color' | 'avatar'>> = {};
  const title = change.title === undefined ? '' : [...change.title.trim()].slice(0, 255).join('');
  if (title && title !== chat.title) patch.title = title;
  if (change.description !== undefined && change.description.trim() !== chat.description) patch.description = change.description.trim();
  if (change.color && change.color !== chat.color) patch.color = change.color;
  if (change.avatar !== undefined && change.avatar !== chat.avatar) patch.avatar = change.avatar;
  const fields = Object.keys(patch);
  if (!fields.length) return [];
  await store.chats.update(chat.id, patch);
  emit({ kind: 'chat.updated', chatId: chat.id, byUserId: actorId, fields });
  if (patch.title) await changeNote(store, emit, chat, actorId, { title: patch.title });
  if (patch.color) await changeNote(store, emit, chat, actorId, { color: patch.color });
  if (patch.avatar) await changeNote(store, emit, chat, actorId, { avatar: true });
  return fields;
}

export type MemberOrder = { field: 'id' | 'lastSendMessageId' | 'userId'; dir: 'ASC' | 'DESC' };

/**
 * The chat's members (RelationCollection::find): in joining order by default and for `id` (the
 * relation's id; members who joined together by user id), by user id, or by the id of their last
 * message here (`lastSendMessageId`); at most `limit`.
 */
export async function listMembers(store: Store, chat: ChatRow, order: MemberOrder | undefined, limit: number): Promise<number[]> {
  const members = await store.chats.members(chat.id);
  const keyed: { id: number; key: number; pos: number }[] = [];
  for (const [pos, m] of members.entries()) {
    const key = order?.field === 'userId' ? m.user_id : order?.field === 'lastSendMessageId' ? await store.messages.lastIdBy(chat.id, m.user_id) : pos;
    keyed.push({ id: m.user_id, key, pos });
  }
  const sign = order?.dir === 'DESC' ? -1 : 1;
  keyed.sort((a, b) => sign * (a.key - b.key) || a.pos - b.pos);
  return keyed.slice(0, limit).map((k) => k.id);
}
