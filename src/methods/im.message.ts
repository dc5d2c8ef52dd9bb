import type { Emit } from '../domain/messenger/events.js';
import { canRead, chatAllows, privateChat } from '../domain/messenger/chats.js';
import { addMessage, type ContentErrors, deleteMessage, updateMessage } from '../domain/messenger/messages.js';
import { likeMessage } from '../domain/messenger/reactions.js';
import { normalizeText } from '../domain/messenger/text.js';
import type { Platform } from '../domain/platform.js';
import { withEvents } from '../events/pipeline.js';
import { messageParams } from '../format/message.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { Store } from '../store/store.js';
import { defineIm, imError, imParams, intval, isChatId, isEmpty, isset, isY, V1_CONTENT_ERRORS } from './im-common.js';

const DOCS = 'api-reference/chats/messages';

const E = {
  messageEmpty: () => imError('MESSAGE_EMPTY', "Message can't be empty"),
  wrongMessageType: () => imError('MESSAGE_EMPTY', 'Wrong message type'),
  userIdEmpty: () => imError('USER_ID_EMPTY', "User ID can't be empty"),
  userNotFound: () => imError('USER_NOT_FOUND', 'User not found'),
  chatIdEmpty: () => imError('CHAT_ID_EMPTY', "Chat ID can't be empty"),
  chatMissing: () => imError('CHAT_ID', 'Error creating message'),
  accessError: () => imError('ACCESS_ERROR', 'Action unavailable'),
  sendForbidden: () => imError('ACCESS_ERROR', 'It is forbidden to send messages to this chat'),
  paramsError: () => imError('PARAMS_ERROR', 'Incorrect params'),
  replyAccess: () => imError('REPLY_ACCESS_ERROR', 'Action unavailable'),
  replyOtherChat: () => imError('REPLY_FROM_OTHER_CHAT_ERROR', 'You can only reply to a message within the same chat'),
  messageIdError: () => imError('MESSAGE_ID_ERROR', "Message ID can't be empty"),
  cantEdit: () => imError('CANT_EDIT_MESSAGE', "Time has expired for modification or you don't have access"),
  botIdError: () => imError('BOT_ID_ERROR', "Bot ID can't be empty"),
  commandError: () => imError('COMMAND_ERROR', "Command can't be empty"),
};

const { attach, attachOversize, keyboard } = V1_CONTENT_ERRORS;
const attachErrors = { attach, attachOversize, keyboard };

/** im.message.add: an oversize keyboard or menu is not stored (the page lists no *_OVERSIZE for them). */
const ADD_ERRORS: ContentErrors = { ...attachErrors, menu: V1_CONTENT_ERRORS.menu, empty: E.messageEmpty };

/** im.message.update, as its page lists them (`menu_ERROR` in lower case included). */
const UPDATE_ERRORS: ContentErrors = {
  ...attachErrors,
  keyboardOversize: V1_CONTENT_ERRORS.keyboardOversize,
  menu: () => imError('menu_ERROR', 'Incorrect menu params'),
  menuOversize: () => imError('MENU_OVERSIZE', 'You have exceeded the maximum allowable size of menu'),
};

/** Seconds after which a message can no longer be edited (CheckPossibilityUpdateMessage: 259200). */
export const EDIT_PERIOD_SECONDS = 3 * 24 * 3600;

const scalarText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The message a user may edit: their own, not deleted, not forwarded, at most three days old. */
async function editableMessage(store: Store, userId: number, id: number): Promise<MessageRow> {
  const message = await store.messages.byId(id);
  if (!message || message.author_id !== userId) throw E.cantEdit();
  const params = messageParams(message);
  if (params.IS_DELETED === 'Y' || params.FORWARD_ID !== undefined) throw E.cantEdit();
  if (Date.parse(message.created_at) + EDIT_PERIOD_SECONDS * 1000 < Date.now()) throw E.cantEdit();
  return message;
}

/** The message a user may delete: their own, or any in a group chat they own or manage (not already deleted). */
async function deletableMessage(store: Store, userId: number, id: number): Promise<MessageRow> {
  const message = await store.messages.byId(id);
  if (!message || messageParams(message).IS_DELETED === 'Y') throw E.cantEdit();
  if (message.author_id === userId) return message;
  const chat = await store.chats.byId(message.chat_id);
  const member = await store.chats.member(message.chat_id, userId);
  if (chat && chat.type !== 'P' && member && (member.role === 'owner' || member.role === 'manager' || chat.owner_id === userId)) return message;
  throw E.cantEdit();
}

/** Where im.message.add posts: DIALOG_ID (or the undocumented USER_ID / CHAT_ID) resolved as CIMRestService::messageAdd does. */
type Target = { userId: number } | { chatId: number; dialog: string };

async function resolveTarget(p: Record<string, unknown>, store: Store): Promise<Target> {
  let userId: unknown = p.USER_ID;
  let chatRef: { id: number; dialog: string } | undefined;
  if (isset(p.DIALOG_ID)) {
    userId = undefined;
    if (isChatId(p.DIALOG_ID)) {
      const dialog = String(p.DIALOG_ID);
      const [, kind, num] = dialog.match(/^(chat|sg|crm)(\d+)$/i)!;
      let id = 0;
      if (kind.toLowerCase() === 'chat') id = Number(num);
      else if (kind.toLowerCase() === 'sg') id = (await store.chats.byEntity('SONET_GROUP', String(Number(num))))?.id ?? 0;
      chatRef = { id, dialog };
    } else userId = intval(p.DIALOG_ID);
  } else if (!isset(p.USER_ID) && isset(p.CHAT_ID)) chatRef = { id: intval(p.CHAT_ID), dialog: `chat${intval(p.CHAT_ID)}` };
  if (isset(userId)) {
    const id = intval(userId);
    if (id <= 0) throw E.userIdEmpty();
    if (!(await store.users.byId(id))) throw E.userNotFound();
    return { userId: id };
  }
  if (chatRef) {
    if (chatRef.id <= 0) throw E.chatIdEmpty();
    return { chatId: chatRef.id, dialog: chatRef.dialog };
  }
  throw E.paramsError();
}

async function targetChat(tx: Store, emit: Emit, authorId: number, target: Target): Promise<ChatRow> {
  if ('userId' in target) return privateChat(tx, emit, authorId, target.userId);
  const chat = await tx.chats.byId(target.chatId);
  if (!chat) throw E.chatMissing();
  if (!chatAllows(chat, 'SEND')) throw E.sendForbidden();
  if (!(await tx.chats.member(chat.id, authorId))) throw E.accessError();
  return chat;
}

export const imMessageAdd = defineIm({
  name: 'im.message.add',
  docs: `${DOCS}/im-message-add.md`,
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    let text = '';
    if (isset(p.MESSAGE)) {
      if (typeof p.MESSAGE !== 'string') throw E.wrongMessageType();
      text = p.MESSAGE.trim();
      if (text === '' && isEmpty(p.ATTACH)) throw E.messageEmpty();
    } else if (isEmpty(p.ATTACH)) throw E.messageEmpty();
    const target = await resolveTarget(p, ctx.platform.store);
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await targetChat(tx, emit, userId, target);
      // SYSTEM=Y from an application into a group chat is signed with the application's name.
      if (isY(p.SYSTEM) && chat.type !== 'P' && ctx.auth.type === 'oauth' && ctx.auth.app) {
        const app = await tx.apps.byId(ctx.auth.app.id);
        if (app) text = `[b]${app.name || app.code}[/b]\n${text}`;
      }
      let replyId: number | undefined;
      if (intval(p.REPLY_ID) > 0) {
        const reply = await tx.messages.byId(intval(p.REPLY_ID));
        const replyChat = reply ? await tx.chats.byId(reply.chat_id) : undefined;
        if (!reply || !replyChat || !(await canRead(tx, replyChat, userId))) throw E.replyAccess();
        if (reply.chat_id !== chat.id) throw E.replyOtherChat();
        replyId = reply.id;
      }
      const templateId = isEmpty(p.TEMPLATE_ID) ? undefined : scalarText(p.TEMPLATE_ID).slice(0, 255) || undefined;
      const message = await addMessage(tx, emit, {
        chat,
        authorId: userId,
        text,
        attach: p.ATTACH,
        keyboard: p.KEYBOARD,
        menu: p.MENU,
        // SYSTEM=Y is forced to N under session auth (a person cannot post system messages).
        system: isY(p.SYSTEM) && ctx.auth.type !== 'session',
        urlPreview: p.URL_PREVIEW === 'N' ? false : undefined,
        replyId,
        templateId,
        botId: intval(p.BOT_ID),
        errors: ADD_ERRORS,
      });
      return message.id;
    });
  },
});

/** `N` or an empty value removes an ATTACH / KEYBOARD / MENU. */
const removal = (v: unknown) => (isEmpty(v) || v === 'N' ? 'N' : v);

export const imMessageUpdate = defineIm({
  name: 'im.message.update',
  docs: `${DOCS}/im-message-update.md`,
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const id = intval(isset(p.MESSAGE_ID) ? p.MESSAGE_ID : p.ID);
    if (id <= 0) throw E.messageIdError();
    const isEdited = p.IS_EDITED === 'N' ? 'N' : 'Y';
    const has = { attach: isset(p.ATTACH), keyboard: isset(p.KEYBOARD), menu: isset(p.MENU), text: isset(p.MESSAGE) };
    if (!has.attach && !has.keyboard && !has.menu && !has.text) return true;
    return withEvents(ctx.platform, async (tx, emit) => {
      // An empty text deletes the message (CIMMessenger::Update → Delete), with the delete rights.
      if (has.text && normalizeText(scalarText(p.MESSAGE)) === '') {
        await deleteMessage(tx, emit, await deletableMessage(tx, userId, id));
        return true;
      }
      const message = await editableMessage(tx, userId, id);
      await updateMessage(tx, emit, message, {
        text: has.text ? scalarText(p.MESSAGE) : undefined,
        attach: has.attach ? removal(p.ATTACH) : undefined,
        keyboard: has.keyboard ? removal(p.KEYBOARD) : undefined,
        menu: has.menu ? removal(p.MENU) : undefined,
        urlPreview: has.text && p.URL_PREVIEW === 'N' ? false : undefined,
        botId: intval(p.BOT_ID),
        errors: UPDATE_ERRORS,
        // IS_EDITED applies to an ATTACH change; a new text is always marked edited.
        editedFlag: has.text ? 'Y' : has.attach ? isEdited : null,
        requireContent: false,
      });
      return true;
    });
  },
});

export const imMessageDelete = defineIm({
  name: 'im.message.delete',
  docs: `${DOCS}/im-message-delete.md`,
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const id = intval(isset(p.MESSAGE_ID) ? p.MESSAGE_ID : p.ID);
    if (id <= 0) throw E.messageIdError();
    return withEvents(ctx.platform, async (tx, emit) => {
      await deleteMessage(tx, emit, await deletableMessage(tx, ctx.auth.userId, id));
      return true;
    });
  },
});

export const imMessageCommand = defineIm({
  name: 'im.message.command',
  docs: `${DOCS}/im-message-command.md`,
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const messageId = intval(isset(p.MESSAGE_ID) ? p.MESSAGE_ID : p.ID);
    if (messageId <= 0) throw E.messageIdError();
    const botId = intval(p.BOT_ID);
    if (botId <= 0) throw E.botIdError();
    const raw = scalarText(p.COMMAND);
    if (raw === '') throw E.commandError();
    const command = (raw.startsWith('/') ? raw.slice(1) : raw).toLowerCase();
    const commandParams = scalarText(p.COMMAND_PARAMS);
    return withEvents(ctx.platform, async (tx, emit) => {
      // CIMMessenger::ExecCommand: the message must exist and the presser be in its chat.
      const message = await tx.messages.byId(messageId);
      if (!message || !(await tx.chats.member(message.chat_id, userId))) throw E.paramsError();
      const cmd = await tx.commands.byText(botId, command);
      if (!cmd) throw E.paramsError();
      // Command::onCommandAdd: a command that is not COMMON works only where its bot is a member.
      if (!cmd.common && !(await tx.chats.member(message.chat_id, botId))) return true;
      emit({ kind: 'command.pressed', chatId: message.chat_id, messageId, userId, botId, commandId: cmd.id, params: commandParams });
      return true;
    });
  },
});

/**
 * The classic "Like" toggle for `userId` (CIMMessenger::Like via im.message.like / imbot.message.like):
 * ACTION `plus`, `minus` or anything else as `auto`; WITHOUT_CHANGES when nothing changed, also for a
 * message that does not exist or is in a chat the user is not in.
 */
export async function likeCall(platform: Platform, userId: number, messageId: number, rawAction: unknown): Promise<true> {
  if (messageId <= 0) throw E.messageIdError();
  const lower = typeof rawAction === 'string' ? rawAction.toLowerCase() : '';
  const action = lower === 'plus' || lower === 'minus' ? lower : 'auto';
  const changed = await withEvents(platform, (tx, emit) => likeMessage(tx, emit, messageId, userId, action));
  if (!changed) throw imError('WITHOUT_CHANGES', 'Action completed without changes');
  return true;
}

export const imMessageLike = defineIm({
  name: 'im.message.like',
  docs: 'api-reference/chats/messages/im-message-like.md',
  params: imParams,
  // MESSAGE_ID wins over the older ID.
  handler: (ctx, p: Record<string, unknown>) => likeCall(ctx.platform, ctx.auth.userId, intval(isset(p.MESSAGE_ID) ? p.MESSAGE_ID : p.ID), p.ACTION),
});

export const imMessageMethods = [imMessageAdd, imMessageUpdate, imMessageDelete, imMessageCommand, imMessageLike];
