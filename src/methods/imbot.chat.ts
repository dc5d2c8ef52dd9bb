import { parseAvatar, storeImage } from '../domain/bots/bots.js';
import { ApiError } from '../domain/errors.js';
import {
  addMembers,
  canManageUi,
  canRead,
  chatAllows,
  chatOwnerId,
  removeMember,
  renameChat,
  setChatColor,
  setChatManager,
  setChatOwner,
} from '../domain/messenger/chats.js';
import { colorCode } from '../domain/messenger/colors.js';
import { withEvents } from '../events/pipeline.js';
import type { BotRow } from '../store/repos/bots.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { Store } from '../store/store.js';
import { chatAddUsers, chatIdParam, createChatFromParams, imChatGet } from './im.chat.js';
import { dialogView } from './im.dialog.js';
import { defineImbot, dialogIdEmpty, imError, intval, isDialogId, isEmpty, isset, v1Bot } from './im-common.js';
import type { MethodContext } from './registry.js';

const DOCS = 'api-reference/chat-bots/outdated/chats';

type Params = Record<string, unknown>;

/**
 * imbot v1 chat methods (im_rest.php: the same functions as im.chat.*, acting as the bot that BOT_ID
 * names, or the application's first bot). Errors and texts as each page lists them; ACCESS_ERROR is 403.
 */
const E = {
  userIdEmpty: () => imError('USER_ID_EMPTY', "User ID can't be empty"),
  titleEmpty: () => imError('TITLE_EMPTY', "Title can't be empty"),
  wrongColor: () => imError('WRONG_COLOR', 'This color currently unavailable'),
  colorFailed: () => imError('WRONG_REQUEST', "This color currently set or chat doesn't exist"),
  ownerFailed: () => imError('WRONG_REQUEST', 'Change owner can only owner and user must be member in chat'),
  managerFailed: () => imError('WRONG_REQUEST', 'Change manager can only owner and user must be member in chat'),
  cannotRename: () => imError('ACCESS_ERROR', 'This chat cannot be renamed'),
  avatarDenied: () => imError('ACCESS_DENIED', 'Access denied'),
  avatarForbidden: () => imError('ACCESS_ERROR', 'The avatar of this chat cannot be changed'),
  avatarType: () => imError('AVATAR_ERROR', 'Avatar incorrect type'),
  avatarSize: () => imError('AVATAR_ERROR', 'Avatar incorrect size (max 5000x5000)'),
  chatMissing: () => imError('WRONG_REQUEST', "Chat doesn't exist"),
  addForbidden: () => imError('ACCESS_ERROR', 'It is forbidden to add users to this chat'),
  addFailed: () => imError('WRONG_REQUEST', "You don't have access or user already member in chat"),
  deleteForbidden: () => imError('ACCESS_ERROR', 'It is forbidden to delete users of this chat'),
  leaveOwnerForbidden: () => imError('ACCESS_ERROR', 'LEAVE_OWNER_FORBIDDEN'),
  deleteFailed: () => imError('WRONG_REQUEST', "You don't have access or user isn't a member of the chat"),
  leaveFailed: () => imError('WRONG_REQUEST', "You don't have access or user isn't a member in chat"),
};

/** The bot the call acts as (CLIENT_ID / BOT_ID checks of getBotId). */

/**
 * Applies a bot's change to chat `chatId` in one transaction; a missing chat or a refused change is
 * `failed`. A change made is reported as `chat.updated` naming `fields`.
 */
function changeChat(
  ctx: MethodContext,
  bot: BotRow,
  chatId: number,
  fields: string[],
  failed: () => ApiError,
  change: (tx: Store, chat: ChatRow) => Promise<boolean>,
): Promise<true> {
  return withEvents(ctx.platform, async (tx, emit) => {
    const chat = await tx.chats.byId(chatId);
    if (!chat || !(await change(tx, chat))) throw failed();
    emit({ kind: 'chat.updated', chatId, byUserId: bot.id, fields });
    return true as const;
  });
}

export const imbotChatAdd = defineImbot({
  name: 'imbot.chat.add',
  docs: `${DOCS}/imbot-chat-add.md`,
  async handler(ctx, p: Params) {
    const ids = chatAddUsers(p);
    const bot = await v1Bot(ctx, p);
    return createChatFromParams(ctx, p, bot.id, ids);
  },
});

/** imbot.chat.get is chatGet itself: ENTITY_TYPE + ENTITY_ID → `{ID}` or null (DIALOG_ID answers like imbot.dialog.get). */
export const imbotChatGet = defineImbot({
  name: 'imbot.chat.get',
  docs: `${DOCS}/imbot-chat-get.md`,
  handler: (ctx, p: Params) => imChatGet.handler(ctx, p),
});

/** imbot.dialog.get is dialogGet itself: the chat as the caller sees it. */
export const imbotDialogGet = defineImbot({
  name: 'imbot.dialog.get',
  docs: `${DOCS}/imbot-dialog-get.md`,
  handler: (ctx, p: Params) => dialogView(ctx, p.DIALOG_ID),
});

export const imbotChatSetOwner = defineImbot({
  name: 'imbot.chat.setOwner',
  docs: `${DOCS}/imbot-chat-set-owner.md`,
  async handler(ctx, p: Params) {
    const chatId = chatIdParam(p);
    const userId = intval(p.USER_ID);
    if (userId <= 0) throw E.userIdEmpty();
    const bot = await v1Bot(ctx, p);
    return changeChat(ctx, bot, chatId, ['owner'], E.ownerFailed, (tx, chat) => setChatOwner(tx, chat, bot.id, userId));
  },
});

export const imbotChatSetManager = defineImbot({
  name: 'imbot.chat.setManager',
  docs: `${DOCS}/imbot-chat-set-manager.md`,
  async handler(ctx, p: Params) {
    const chatId = chatIdParam(p);
    const userId = intval(p.USER_ID);
    // IS_MANAGER: Y by default; only 'N' revokes.
    const isManager = !(isset(p.IS_MANAGER) && p.IS_MANAGER === 'N');
    if (userId <= 0) throw E.userIdEmpty();
    const bot = await v1Bot(ctx, p);
    return changeChat(ctx, bot, chatId, ['managerList'], E.managerFailed, (tx, chat) => setChatManager(tx, chat, bot.id, userId, isManager));
  },
});

/** Color::isSafeColor: one of the palette's names exactly as written in the docs (`RED`, `LIGHT_BLUE`, …). */
const safeColor = (v: unknown) => (typeof v === 'string' && /^[A-Z]+(_[A-Z]+)*$/.test(v) ? colorCode(v) : undefined);

export const imbotChatUpdateColor = defineImbot({
  name: 'imbot.chat.updateColor',
  docs: `${DOCS}/imbot-chat-update-color.md`,
  async handler(ctx, p: Params) {
    const chatId = chatIdParam(p);
    const color = safeColor(p.COLOR);
    if (!color) throw E.wrongColor();
    const bot = await v1Bot(ctx, p);
    return changeChat(ctx, bot, chatId, ['color'], E.colorFailed, (tx, chat) => setChatColor(tx, chat, bot.id, color));
  },
});

export const imbotChatUpdateTitle = defineImbot({
  name: 'imbot.chat.updateTitle',
  docs: `${DOCS}/imbot-chat-update-title.md`,
  async handler(ctx, p: Params) {
    const chatId = chatIdParam(p);
    const title = typeof p.TITLE === 'string' ? p.TITLE.trim() : typeof p.TITLE === 'number' ? String(p.TITLE) : '';
    if (isEmpty(title)) throw E.titleEmpty();
    const bot = await v1Bot(ctx, p);
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await tx.chats.byId(chatId);
      if (chat && !chatAllows(chat, 'RENAME')) throw E.cannotRename();
      // CIMChat::Rename's own refusal (not a member, no such chat) is not reported: the call answers true.
      if (chat && (await renameChat(tx, chat, bot.id, title))) emit({ kind: 'chat.updated', chatId, byUserId: bot.id, fields: ['title'] });
      return true;
    });
  },
});

export const imbotChatUpdateAvatar = defineImbot({
  name: 'imbot.chat.updateAvatar',
  docs: `${DOCS}/imbot-chat-update-avatar.md`,
  async handler(ctx, p: Params) {
    const chatId = chatIdParam(p);
    const bot = await v1Bot(ctx, p);
    const store = ctx.platform.store;
    const chat = await store.chats.byId(chatId);
    if (!chat) throw E.chatMissing();
    if (!(await canManageUi(store, chat, bot.id))) throw E.avatarDenied();
    if (!chatAllows(chat, 'AVATAR')) throw E.avatarForbidden();
    let avatar;
    try {
      avatar = parseAvatar(p.AVATAR);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'BOT_AVATAR_INCORRECT_SIZE') throw E.avatarSize();
      throw E.avatarType();
    }
    if (!avatar) throw E.avatarType();
    const url = storeImage(ctx.platform, `chat${chat.id}`, avatar);
    await withEvents(ctx.platform, async (tx, emit) => {
      await tx.chats.update(chat.id, { avatar: url });
      emit({ kind: 'chat.updated', chatId: chat.id, byUserId: bot.id, fields: ['avatar'] });
    });
    return true;
  },
});

export const imbotChatUserAdd = defineImbot({
  name: 'imbot.chat.user.add',
  docs: `${DOCS}/imbot-chat-user-add.md`,
  async handler(ctx, p: Params) {
    const chatId = chatIdParam(p);
    const existing = await ctx.platform.store.chats.byId(chatId);
    if (existing && !chatAllows(existing, 'EXTEND')) throw E.addForbidden();
    const bot = await v1Bot(ctx, p);
    // HIDE_HISTORY: Y by default; 'N' (or any PHP-false value) shows the new members the history.
    const h = p.HIDE_HISTORY;
    const hideHistory = !isset(h) || (h !== 'N' && !isEmpty(h));
    const raw = Array.isArray(p.USERS) ? p.USERS : p.USERS && typeof p.USERS === 'object' ? Object.values(p.USERS) : [p.USERS];
    const ids = raw.map(intval).filter((id) => id > 0);
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await tx.chats.byId(chatId);
      // Adding needs a member of a group chat (manage_users_add = member); users already in it are skipped.
      if (!chat || chat.type === 'P' || !(await tx.chats.member(chat.id, bot.id))) throw E.addFailed();
      const known: number[] = [];
      for (const id of ids) if (!known.includes(id) && (await tx.users.byId(id))) known.push(id);
      await addMembers(tx, emit, chat.id, known, bot.id, { hideHistory });
      return true;
    });
  },
});

/**
 * CIMChat::DeleteUser as the bot: leaving (the bot itself) needs membership and, for the owner, a chat
 * that lets its owner leave; excluding someone else needs the bot to own the chat and them to be in it.
 */
async function deleteUser(ctx: MethodContext, bot: BotRow, chatId: number, target: number, failed: () => ApiError): Promise<true> {
  return withEvents(ctx.platform, async (tx, emit) => {
    const chat = await tx.chats.byId(chatId);
    if (!chat || chat.type === 'P' || !(await tx.chats.member(chat.id, bot.id))) throw failed();
    const owner = chatOwnerId(chat);
    if (target === bot.id) {
      if (bot.id === owner && !chatAllows(chat, 'LEAVE_OWNER')) throw E.leaveOwnerForbidden();
    } else if (bot.id !== owner) throw failed();
    if (!(await tx.chats.member(chat.id, target))) throw failed();
    await removeMember(tx, emit, chat.id, target, bot.id);
    return true as const;
  });
}

/** The chat checks both user.delete and leave start with (CHAT_ID_EMPTY, a chat that forbids deleting users). */
async function leavableChat(ctx: MethodContext, p: Params): Promise<number> {
  const chatId = chatIdParam(p);
  const chat = await ctx.platform.store.chats.byId(chatId);
  if (chat && !chatAllows(chat, 'LEAVE')) throw E.deleteForbidden();
  return chatId;
}

export const imbotChatUserDelete = defineImbot({
  name: 'imbot.chat.user.delete',
  docs: `${DOCS}/imbot-chat-user-delete.md`,
  async handler(ctx, p: Params) {
    const chatId = await leavableChat(ctx, p);
    const bot = await v1Bot(ctx, p);
    const userId = intval(p.USER_ID);
    if (userId <= 0) throw E.userIdEmpty();
    return deleteUser(ctx, bot, chatId, userId, E.deleteFailed);
  },
});

/** imbot.chat.leave is chatUserDelete for the bot itself (a USER_ID, if given, is the one removed, as on the platform). */
export const imbotChatLeave = defineImbot({
  name: 'imbot.chat.leave',
  docs: `${DOCS}/imbot-chat-leave.md`,
  async handler(ctx, p: Params) {
    const chatId = await leavableChat(ctx, p);
    const bot = await v1Bot(ctx, p);
    const userId = intval(p.USER_ID);
    return deleteUser(ctx, bot, chatId, userId > 0 ? userId : bot.id, E.leaveFailed);
  },
});

/** imbot.chat.user.list: ids of the chat's members as the bot sees them; `[]` for a chat it cannot read. */
export const imbotChatUserList = defineImbot({
  name: 'imbot.chat.user.list',
  docs: `${DOCS}/imbot-chat-user-list.md`,
  async handler(ctx, p: Params) {
    const chatId = chatIdParam(p);
    const bot = await v1Bot(ctx, p);
    const store = ctx.platform.store;
    const chat = await store.chats.byId(chatId);
    if (!chat || !(await canRead(store, chat, bot.id))) return [];
    return (await store.chats.members(chat.id)).map((m) => m.user_id);
  },
});

/** imbot.chat.sendTyping: "typing…" for the dialog (shown to people in the messenger UI only); always true. */
export const imbotChatSendTyping = defineImbot({
  name: 'imbot.chat.sendTyping',
  docs: `${DOCS}/imbot-chat-send-typing.md`,
  async handler(ctx, p: Params) {
    await v1Bot(ctx, p);
    if (!isDialogId(p.DIALOG_ID)) throw dialogIdEmpty();
    return true;
  },
});

export const imbotChatMethods = [
  imbotChatAdd,
  imbotChatGet,
  imbotDialogGet,
  imbotChatSetOwner,
  imbotChatSetManager,
  imbotChatUpdateColor,
  imbotChatUpdateTitle,
  imbotChatUpdateAvatar,
  imbotChatUserAdd,
  imbotChatUserDelete,
  imbotChatLeave,
  imbotChatUserList,
  imbotChatSendTyping,
];
