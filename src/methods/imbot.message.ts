import { ApiError } from '../domain/errors.js';
import { chatAllows, Chats, privateChat, resolveDialog } from '../domain/messenger/chats.js';
import type { Emit } from '../domain/messenger/events.js';
import { addMessage, type ContentErrors, deleteMessage, updateMessage } from '../domain/messenger/messages.js';
import { normalizeText } from '../domain/messenger/text.js';
import { fullName } from '../domain/users.js';
import { withEvents } from '../events/pipeline.js';
import { messageParams } from '../format/message.js';
import type { BotRow } from '../store/repos/bots.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { Store } from '../store/store.js';
import { defineImbot, imError, intval, isChatId, isDialogId, isEmpty, isset, isY, V1_CONTENT_ERRORS, v1Bot } from './im-common.js';
import { EDIT_PERIOD_SECONDS, likeCall } from './im.message.js';

const DOCS = 'api-reference/chat-bots/outdated/messages';

type Params = Record<string, unknown>;

const E = {
  dialogIdEmpty: () => imError('DIALOG_ID_EMPTY', "Dialog ID can't be empty"),
  messageEmpty: () => imError('MESSAGE_EMPTY', "Message can't be empty"),
  notAdded: () => imError('WRONG_REQUEST', "Message isn't added"),
  messageIdError: () => imError('MESSAGE_ID_ERROR', "Message ID can't be empty"),
  cantEdit: () => imError('CANT_EDIT_MESSAGE', "Time has expired for modification or you don't have access"),
  withoutChanges: () => imError('WITHOUT_CHANGES', 'Action completed without changes'),
};


/** The error tables of imbot.message.add and imbot.message.update (the same codes on both pages). */
const CONTENT_ERRORS: ContentErrors = { ...V1_CONTENT_ERRORS, empty: E.messageEmpty };

/**
 * Loc BOT_MESSAGE_FROM ("#BOT_NAME# Chat Bot", im/lang/en/lib/bot.php) with #BOT_NAME# = "[USER=<bot>][/USER][BR]":
 * what Bot::addMessage puts before a FROM_USER_ID → TO_USER_ID system message.
 */
const fromBotPrefix = (botId: number) => `[USER=${botId}][/USER][BR] Chat Bot`;

const scalarText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Where Bot::addMessage posts: the chat of a `chat<N>`/`sg<N>` dialog (the bot must be able to write there) or the private chat. */
async function targetChat(tx: Store, emit: Emit, bot: BotRow, dialogId: unknown): Promise<ChatRow> {
  let chat: ChatRow;
  try {
    chat = await resolveDialog(tx, emit, bot.id, dialogId);
  } catch (e) {
    if (e instanceof ApiError && (e.code === Chats.notFound().code || e.code === Chats.userNotFound().code)) throw E.notAdded();
    throw e;
  }
  if (isChatId(dialogId) && (!chatAllows(chat, 'SEND') || !(await tx.chats.member(chat.id, bot.id)))) throw E.notAdded();
  return chat;
}

export const imbotMessageAdd = defineImbot({
  name: 'imbot.message.add',
  docs: `${DOCS}/imbot-message-add.md`,
  async handler(ctx, p: Params) {
    const bot = await v1Bot(ctx, p);
    const fromUserId = intval(p.FROM_USER_ID);
    const toUserId = intval(p.TO_USER_ID);
    // FROM_USER_ID + TO_USER_ID: a system message from one user to the other, DIALOG_ID ignored.
    const privateSystem = fromUserId !== 0 && toUserId !== 0;
    if (!privateSystem && !isDialogId(p.DIALOG_ID)) throw E.dialogIdEmpty();
    const text = typeof p.MESSAGE === 'string' ? p.MESSAGE.trim() : '';
    if (text === '') throw E.messageEmpty();
    const system = privateSystem || isY(p.SYSTEM);
    return withEvents(ctx.platform, async (tx, emit) => {
      let chat: ChatRow;
      let authorId = bot.id;
      let body = text;
      if (privateSystem) {
        if (fromUserId < 0 || toUserId < 0 || !(await tx.users.byId(fromUserId)) || !(await tx.users.byId(toUserId))) throw E.notAdded();
        chat = await privateChat(tx, emit, fromUserId, toUserId);
        authorId = fromUserId;
        body = fromBotPrefix(bot.id) + text;
      } else {
        chat = await targetChat(tx, emit, bot, p.DIALOG_ID);
        // A system message of a bot in a group chat is signed with its name (Bot::addMessage).
        if (system && chat.type !== 'P') {
          const user = await tx.users.byId(bot.id);
          body = `${user ? fullName(user) : ''}:[br]${text}`;
        }
      }
      const message = await addMessage(tx, emit, {
        chat,
        authorId,
        text: body,
        attach: p.ATTACH,
        keyboard: p.KEYBOARD,
        menu: p.MENU,
        system,
        urlPreview: p.URL_PREVIEW === 'N' ? false : undefined,
        botId: bot.id,
        // Bot::addMessage marks every message SKIP_COMMAND: a bot's text never runs commands.
        skipCommands: true,
        errors: CONTENT_ERRORS,
      });
      await tx.bots.bump(bot.id, 'count_message');
      return message.id;
    });
  },
});

/**
 * CIMMessenger::CheckPossibilityUpdateMessage for a bot: its own (non-system) message, not deleted; an
 * edit also within three days and not of a forwarded message.
 */
async function ownMessage(store: Store, botId: number, id: number, edit: boolean): Promise<MessageRow> {
  const message = await store.messages.byId(id);
  if (!message || message.author_id !== botId || message.is_system) throw E.cantEdit();
  if (!edit) return message;
  const params = messageParams(message);
  if (params.IS_DELETED === 'Y' || params.FORWARD_ID !== undefined) throw E.cantEdit();
  if (Date.parse(message.created_at) + EDIT_PERIOD_SECONDS * 1000 < Date.now()) throw E.cantEdit();
  return message;
}

/** An empty value or `N` clears ATTACH / KEYBOARD / MENU. */
const removal = (v: unknown) => (isEmpty(v) || v === 'N' ? 'N' : v);

export const imbotMessageUpdate = defineImbot({
  name: 'imbot.message.update',
  docs: `${DOCS}/imbot-message-update.md`,
  async handler(ctx, p: Params) {
    const bot = await v1Bot(ctx, p);
    const id = intval(p.MESSAGE_ID);
    if (id <= 0) throw E.messageIdError();
    const has = { attach: isset(p.ATTACH), keyboard: isset(p.KEYBOARD), menu: isset(p.MENU), text: isset(p.MESSAGE) };
    if (!has.attach && !has.keyboard && !has.menu && !has.text) return true;
    return withEvents(ctx.platform, async (tx, emit) => {
      // CIMMessenger::Update: a text that is empty once [BR]s and blanks are gone deletes the message.
      if (has.text && normalizeText(scalarText(p.MESSAGE)) === '') {
        const message = await ownMessage(tx, bot.id, id, false);
        if (messageParams(message).IS_DELETED !== 'Y') await deleteMessage(tx, emit, message);
        return true;
      }
      const message = await ownMessage(tx, bot.id, id, true);
      await updateMessage(tx, emit, message, {
        text: has.text ? scalarText(p.MESSAGE) : undefined,
        attach: has.attach ? removal(p.ATTACH) : undefined,
        keyboard: has.keyboard ? removal(p.KEYBOARD) : undefined,
        menu: has.menu ? removal(p.MENU) : undefined,
        urlPreview: has.text && p.URL_PREVIEW === 'N' ? false : undefined,
        botId: bot.id,
        errors: CONTENT_ERRORS,
        // A bot's edit is not flagged IS_EDITED (CIMMessenger::Update with editFlag false).
        editedFlag: null,
        requireContent: false,
      });
      return true;
    });
  },
});

export const imbotMessageDelete = defineImbot({
  name: 'imbot.message.delete',
  docs: `${DOCS}/imbot-message-delete.md`,
  async handler(ctx, p: Params) {
    const bot = await v1Bot(ctx, p);
    const id = intval(p.MESSAGE_ID);
    if (id <= 0) throw E.messageIdError();
    const complete = isY(p.COMPLETE);
    return withEvents(ctx.platform, async (tx, emit) => {
      const message = await ownMessage(tx, bot.id, id, false);
      // An already deleted message stays as it is, unless it is now removed completely.
      if (complete || messageParams(message).IS_DELETED !== 'Y') await deleteMessage(tx, emit, message, complete);
      return true;
    });
  },
});

export const imbotMessageLike = defineImbot({
  name: 'imbot.message.like',
  docs: `${DOCS}/imbot-message-like.md`,
  async handler(ctx, p: Params) {
    const bot = await v1Bot(ctx, p);
    return likeCall(ctx.platform, bot.id, intval(p.MESSAGE_ID), p.ACTION);
  },
});

export const imbotMessageMethods = [imbotMessageAdd, imbotMessageUpdate, imbotMessageDelete, imbotMessageLike];
