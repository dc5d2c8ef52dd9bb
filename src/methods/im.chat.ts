import { type Avatar, parseAvatar, storeImage } from '../domain/bots/bots.js';
import { addMembers, chatAllows, createGroupChat, removeMember } from '../domain/messenger/chats.js';
import { colorCode } from '../domain/messenger/colors.js';
import { changeNote } from '../domain/messenger/chat-notes.js';
import { addMessage } from '../domain/messenger/messages.js';
import { renameChat } from '../domain/messenger/chats.js';
import { withEvents } from '../events/pipeline.js';
import { dialogView } from './im.dialog.js';
import type { MethodContext } from './registry.js';
import { defineIm, dialogIdEmpty, imError, imParams, intval, isChatId, isEmpty, isset, listParam } from './im-common.js';

const E = {
  invalidUsers: () => imError('INVALID_FORMAT', 'Parameter USERS has wrong type'),
  chatIdEmpty: () => imError('CHAT_ID_EMPTY', "Chat ID can't be empty"),
  userIdEmpty: () => imError('USER_ID_EMPTY', "User ID can't be empty"),
  addForbidden: () => imError('ACCESS_ERROR', 'It is forbidden to add users to this chat'),
  deleteForbidden: () => imError('ACCESS_ERROR', 'It is forbidden to delete users of this chat'),
  ownerCantLeave: () => imError('ACCESS_ERROR', 'Action unavailable'),
  deniedExtend: () => imError('ACCESS_DENIED_EXTEND', 'Insufficient permissions to add participants to the chat'),
  deniedKick: () => imError('ACCESS_DENIED_KICK', 'Insufficient rights to exclude participants from the chat'),
  notInChat: () => imError('USER_NOT_FOUND', 'The specified user is not in the chat'),
};

const scalarText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** CHAT_ID, or a `chat<N>` DIALOG_ID (anything else there is DIALOG_ID_EMPTY). */
export function chatIdParam(p: Record<string, unknown>): number {
  let raw = p.CHAT_ID;
  if (isset(p.DIALOG_ID)) {
    if (!isChatId(p.DIALOG_ID)) throw dialogIdEmpty();
    raw = String(p.DIALOG_ID).match(/^chat(\d+)$/i)?.[1] ?? 0;
  }
  const id = intval(raw);
  if (id <= 0) throw E.chatIdEmpty();
  return id;
}

/** Ids of existing users from a USERS list (unknown ids are left out, as the platform does). */
async function existingUsers(store: import('../store/store.js').Store, ids: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const id of ids) if (id > 0 && !out.includes(id) && (await store.users.byId(id))) out.push(id);
  return out;
}

/** USERS of im.chat.add / imbot.chat.add (CIMRestService::chatCreate): ids, INVALID_FORMAT for a non-scalar entry. */
export function chatAddUsers(p: Record<string, unknown>): number[] {
  if (!isset(p.USERS)) return [];
  const list = (listParam(p.USERS) ?? []).filter((u) => !isEmpty(u));
  for (const u of list) if (typeof u !== 'number' && typeof u !== 'string') throw E.invalidUsers();
  return list.map(intval);
}

/**
 * CIMChat::Add as chatCreate calls it: a chat owned by `ownerId` (the caller, or the bot for
 * imbot.chat.add) with TYPE, TITLE, DESCRIPTION, COLOR, AVATAR (an image; anything else is left out),
 * ENTITY_TYPE/ENTITY_ID, the existing USERS, and MESSAGE as the owner's first message.
 */
export async function createChatFromParams(ctx: MethodContext, p: Record<string, unknown>, ownerId: number, ids: number[]): Promise<number> {
  let avatar: Avatar | undefined;
  try {
    avatar = isEmpty(p.AVATAR) ? undefined : parseAvatar(p.AVATAR);
  } catch {
    avatar = undefined;
  }
  const chatId = await withEvents(ctx.platform, async (tx, emit) => {
    const chat = await createGroupChat(tx, emit, {
      ownerId,
      type: p.TYPE === 'OPEN' ? 'O' : 'C',
      title: scalarText(p.TITLE) || undefined,
      description: scalarText(p.DESCRIPTION),
      color: colorCode(p.COLOR),
      entityType: scalarText(p.ENTITY_TYPE),
      entityId: scalarText(p.ENTITY_ID),
      memberIds: await existingUsers(tx, ids),
    });
    const first = scalarText(p.MESSAGE)?.trim();
    if (first) await addMessage(tx, emit, { chat, authorId: ownerId, text: first });
    return chat.id;
  });
  if (avatar) await ctx.platform.store.chats.update(chatId, { avatar: storeImage(ctx.platform, `chat${chatId}`, avatar) });
  return chatId;
}

export const imChatAdd = defineIm({
  name: 'im.chat.add',
  docs: 'api-reference/chats/im-chat-add.md',
  params: imParams,
  handler: (ctx, p: Record<string, unknown>) => createChatFromParams(ctx, p, ctx.auth.userId, chatAddUsers(p)),
});

export const imChatGet = defineIm({
  name: 'im.chat.get',
  docs: 'api-reference/chats/im-chat-get.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    // The older form with DIALOG_ID answers like im.dialog.get.
    if (isset(p.DIALOG_ID)) return dialogView(ctx, p.DIALOG_ID);
    const type = scalarText(p.ENTITY_TYPE);
    const id = scalarText(p.ENTITY_ID);
    if (!type || !id) return null;
    const chat = await ctx.platform.store.chats.byEntity(type, id);
    return chat ? { ID: chat.id } : null;
  },
});

export const imChatUserAdd = defineIm({
  name: 'im.chat.user.add',
  docs: 'api-reference/chats/chat-users/im-chat-user-add.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const chatId = chatIdParam(p);
    const ids = (listParam(p.USERS) ?? (isset(p.USERS) ? [p.USERS] : [])).map(intval);
    // HIDE_HISTORY: Y by default; N shows the new members the whole history.
    const hideHistory = p.HIDE_HISTORY !== 'N' && p.HIDE_HISTORY !== false;
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await tx.chats.byId(chatId);
      if (chat && !chatAllows(chat, 'EXTEND')) throw E.addForbidden();
      // Adding needs a member of a group chat (permission manage_users_add = member).
      if (!chat || chat.type === 'P' || !(await tx.chats.member(chatId, userId))) throw E.deniedExtend();
      await addMembers(tx, emit, chatId, await existingUsers(tx, ids), userId, { hideHistory });
      return true;
    });
  },
});

export const imChatUserDelete = defineIm({
  name: 'im.chat.user.delete',
  docs: 'api-reference/chats/chat-users/im-chat-user-delete.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const chatId = chatIdParam(p);
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await tx.chats.byId(chatId);
      if (chat && !chatAllows(chat, 'LEAVE')) throw E.deleteForbidden();
      const target = intval(p.USER_ID);
      if (target <= 0) throw E.userIdEmpty();
      const me = chat && chat.type !== 'P' ? await tx.chats.member(chatId, userId) : undefined;
      if (!chat || !me) throw E.deniedKick();
      const owner = chat.owner_id || chat.author_id;
      if (target === userId) {
        // Leaving: the owner may not leave a chat that forbids it (LEAVE_OWNER_FORBIDDEN).
        if (userId === owner && !chatAllows(chat, 'LEAVE_OWNER')) throw E.ownerCantLeave();
      } else {
        // Excluding others: the owner and managers (permission manage_users_delete = manager), never the owner.
        const manager = userId === owner || me.role === 'owner' || me.role === 'manager';
        if (!manager || target === owner) throw E.deniedKick();
      }
      if (!(await tx.chats.member(chatId, target))) throw E.notInChat();
      await removeMember(tx, emit, chatId, target, userId);
      return true;
    });
  },
});

export const imChatUpdateTitle = defineIm({
  name: 'im.chat.updateTitle',
  docs: 'api-reference/chats/chat-update/im-chat-update-title.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const chatId = chatIdParam(p);
    const title = (scalarText(p.TITLE) ?? '').trim();
    if (!title) throw imError('TITLE_EMPTY', "Title can't be empty");
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await tx.chats.byId(chatId);
      if (chat && !chatAllows(chat, 'RENAME')) throw imError('ACCESS_ERROR', 'This chat cannot be renamed');
      // CIMChat::Rename: a member of a group chat (manage_ui = member); the same title again changes nothing.
      if (!chat || chat.type === 'P' || !(await tx.chats.member(chatId, userId))) throw imError('ACCESS_ERROR', 'Action unavailable');
      if (chat.title === [...title].slice(0, 255).join('')) return true;
      if (!(await renameChat(tx, chat, userId, title))) throw imError('ACCESS_ERROR', 'Action unavailable');
      const renamed = (await tx.chats.byId(chatId))!;
      await changeNote(tx, emit, renamed, userId, { title: renamed.title });
      emit({ kind: 'chat.updated', chatId, byUserId: userId, fields: ['title'] });
      return true;
    });
  },
});

export const imChatUserList = defineIm({
  name: 'im.chat.user.list',
  docs: 'api-reference/chats/chat-users/im-chat-user-list.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const chatId = chatIdParam(p);
    const members = await ctx.platform.store.chats.members(chatId);
    // Only a member sees who else is in the chat (CIMChat::GetRelation after the access check).
    if (!members.some((m) => m.user_id === ctx.auth.userId)) throw imError('ACCESS_ERROR', 'Action unavailable');
    return members.map((m) => m.user_id);
  },
});

export const imChatMethods = [imChatAdd, imChatGet, imChatUserAdd, imChatUserDelete, imChatUpdateTitle, imChatUserList];
