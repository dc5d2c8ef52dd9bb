import type { Store } from '../../store/store.js';
import type { ChatRow } from '../../store/repos/chats.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import { autoColor } from './colors.js';
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
  const chat = await store.chats.insert({ type: 'P', private_key: key, author_id: a, created_at: now });
  await store.chats.update(chat.id, { color: autoColor(chat.id) });
  for (const id of a === b ? [a] : [a, b]) await store.chats.addMember({ chat_id: chat.id, user_id: id, role: 'member', joined_at: now });
  // A bot learns about a new private dialog as a join (PrivateChat::add fires ONIMBOTJOINCHAT).
  emit({ kind: 'chat.joined', chatId: chat.id, userIds: a === b ? [] : [b], byUserId: a });
  return (await store.chats.byId(chat.id))!;
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
  if (/^\d+$/.test(d)) {
    const other = Number(d);
    if (!(await store.users.byId(other))) throw Chats.userNotFound();
    return privateChat(store, emit, actorId, other);
  }
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
  await addMembers(store, emit, chat.id, input.memberIds.filter((id) => id !== input.ownerId), input.ownerId);
  if (!input.title) {
    const members = await store.chats.members(chat.id);
    const names: string[] = [];
    for (const m of members.slice(0, 4)) {
      const u = await store.users.byId(m.user_id);
      if (u) names.push([u.name, u.last_name].filter(Boolean).join(' '));
    }
    await store.chats.update(chat.id, { title: names.join(', ') });
  }
  return (await store.chats.byId(chat.id))!;
}

/** Adds users to a group chat; the new ones are reported as one join (bots among them get JOINCHAT). */
export async function addMembers(store: Store, emit: Emit, chatId: number, userIds: number[], byUserId: number): Promise<number[]> {
  const added: number[] = [];
  const now = isoDate();
  for (const id of [...new Set(userIds)]) {
    if (!(await store.users.byId(id))) throw Chats.userNotFound();
    if (await store.chats.member(chatId, id)) continue;
    await store.chats.addMember({ chat_id: chatId, user_id: id, role: 'member', joined_at: now });
    added.push(id);
  }
  if (added.length) emit({ kind: 'chat.joined', chatId, userIds: added, byUserId });
  return added;
}
