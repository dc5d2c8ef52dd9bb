import { z } from 'zod';
import { requireMember, resolveDialog } from '../domain/messenger/chats.js';
import { ApiError } from '../domain/errors.js';
import { addMessage, deleteMessage, updateMessage } from '../domain/messenger/messages.js';
import { normalizeText } from '../domain/messenger/text.js';
import { forwardMessages } from '../domain/messenger/forward.js';
import { normalizeBoolean } from '../util/bool.js';
import { withEvents } from '../events/pipeline.js';
import { MessageAccess, messageForReader, readChat, viewedByOthers } from '../domain/messenger/reads.js';
import { messageParams, messageView } from '../format/message.js';
import { userView } from '../format/user.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { Store } from '../store/store.js';
import { fieldsObject } from './params.js';
import { botAuthShape, botMemberChat, defineV2, field, intArg, ownedBot, v2bool } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/messages';

const asBool = (v: unknown) => (v === undefined ? undefined : normalizeBoolean(v));

export const chatMessageSend = defineV2({
  name: 'imbot.v2.Chat.Message.send',
  docs: `${DOCS}/chat-message-send.md`,
  params: z.object({ ...botAuthShape, dialogId: z.unknown().optional(), fields: fieldsObject().optional() }).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const f = p.fields as Record<string, unknown> | undefined;
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await resolveDialog(tx, emit, bot.id, p.dialogId);
      await requireMember(tx, chat.id, bot.id);
      const replyId = field(f, 'replyId');
      const forwardIds = field(f, 'forwardIds');
      const forwards = forwardIds && typeof forwardIds === 'object' ? (forwardIds as Record<string, unknown>) : {};
      const text = field(f, 'message') ?? '';
      const attach = field(f, 'attach');
      const hasContent = (typeof text === 'string' ? text.trim() !== '' : text !== null) || (attach !== undefined && attach !== null && attach !== '');
      let id = 0;
      // A send that only forwards creates no message of its own (the forwarded copies are the result).
      if (hasContent || Object.keys(forwards).length === 0) {
        const message = await addMessage(tx, emit, {
          chat,
          authorId: bot.id,
          text,
          attach,
          keyboard: field(f, 'keyboard'),
          menu: field(f, 'menu'),
          system: asBool(field(f, 'system')),
          urlPreview: asBool(field(f, 'urlPreview')),
          replyId: replyId === undefined || replyId === '' ? undefined : intArg({ replyId }, 'replyId'),
          templateId: field<string>(f, 'templateId') || undefined,
        });
        id = message.id;
      }
      const uuidMap = await forwardMessages(tx, emit, chat, bot.id, forwards);
      if (!id) id = Math.max(0, ...Object.values(uuidMap));
      await tx.bots.bump(bot.id, 'count_message');
      return { id, uuidMap };
    });
  },
});

const accessDenied = () => new ApiError('ACCESS_DENIED', 'Access denied');

/** A message the bot may touch: it exists, is not deleted, and (unless `admin` rights count) is the bot's own, non-system one. */
async function botMessage(store: Store, botId: number, messageId: number, opts: { allowAdmin: boolean }): Promise<MessageRow> {
  const message = messageId > 0 ? await store.messages.byId(messageId) : undefined;
  if (!message) throw accessDenied();
  const params = messageParams(message);
  // System messages have no author on the platform (authorId 0): they are nobody's own.
  const own = message.author_id === botId && !message.is_system;
  if (opts.allowAdmin) {
    const member = await store.chats.member(message.chat_id, botId);
    if (!member) throw accessDenied();
    if (!own && member.role !== 'owner' && member.role !== 'manager') throw accessDenied();
    return message;
  }
  if (!own || params.IS_DELETED === 'Y' || params.FORWARD_ID !== undefined) throw accessDenied();
  return message;
}

/** Keyboard removal: the documented `"N"`, also `false`, `[]` and an empty value. */
const keyboardValue = (v: unknown) => (v === '' || v === null ? 'N' : v);

export const chatMessageUpdate = defineV2({
  name: 'imbot.v2.Chat.Message.update',
  docs: `${DOCS}/chat-message-update.md`,
  params: z.object(botAuthShape).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const messageId = intArg(p, 'messageId');
    const f = (p.fields && typeof p.fields === 'object' ? p.fields : {}) as Record<string, unknown>;
    return withEvents(ctx.platform, async (tx, emit) => {
      const message = await botMessage(tx, bot.id, messageId, { allowAdmin: false });
      // Only MESSAGE, ATTACH, KEYBOARD and URL_PREVIEW can change (ALLOWED_FIELDS_UPDATE).
      const text = field(f, 'message');
      if (text !== undefined && text !== null && typeof text !== 'string' && typeof text !== 'number') throw new ApiError('EMPTY_MESSAGE', 'Message is empty');
      const attach = field(f, 'attach');
      const keyboard = field(f, 'keyboard');
      const urlPreview = field(f, 'urlPreview');
      // A message left with neither text nor attachments is deleted (UpdateService: isCompletelyEmpty).
      const newText = text === undefined ? message.text : normalizeText(String(text ?? ''));
      const attachGone = attach === 'N' || attach === false || attach === '' || (Array.isArray(attach) && attach.length === 0);
      const hasAttach = attach === undefined ? messageParams(message).ATTACH !== undefined : !attachGone;
      // A file message keeps its files whatever the text becomes.
      if (!newText && !hasAttach && messageParams(message).FILE_ID === undefined) {
        await deleteMessage(tx, emit, message);
        return true;
      }
      await updateMessage(tx, emit, message, {
        text: text === undefined ? undefined : (text ?? ''),
        attach: attach === undefined ? undefined : attachGone ? 'N' : attach,
        keyboard: keyboard === undefined ? undefined : keyboardValue(keyboard),
        urlPreview: urlPreview === undefined ? undefined : v2bool(urlPreview),
      });
      return true;
    });
  },
});

export const chatMessageDelete = defineV2({
  name: 'imbot.v2.Chat.Message.delete',
  docs: `${DOCS}/chat-message-delete.md`,
  params: z.object(botAuthShape).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const messageId = intArg(p, 'messageId');
    const complete = v2bool(p.complete ?? 'N');
    return withEvents(ctx.platform, async (tx, emit) => {
      const message = await botMessage(tx, bot.id, messageId, { allowAdmin: true });
      // Deleting a message already deleted changes nothing (and tells no one again).
      if (!complete && messageParams(message).IS_DELETED === 'Y') return { result: true };
      await deleteMessage(tx, emit, message, complete);
      return { result: true };
    });
  },
});

export const chatMessageRead = defineV2({
  name: 'imbot.v2.Chat.Message.read',
  docs: `${DOCS}/chat-message-read.md`,
  params: z.object({ ...botAuthShape, dialogId: z.unknown().optional() }).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const upTo = p.messageId === undefined || p.messageId === null || p.messageId === '' ? undefined : intArg(p, 'messageId');
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await botMemberChat(tx, emit, bot.id, p.dialogId);
      if (upTo !== undefined) {
        // The message must be one of this chat that the bot can see ("not found or is unavailable").
        const message = upTo > 0 ? await tx.messages.byId(upTo) : undefined;
        const startId = (await tx.chats.member(chat.id, bot.id))?.start_id ?? 0;
        if (!message || message.chat_id !== chat.id || startId > message.id) throw MessageAccess.notFound();
      }
      // A member always has a read position, so there is an outcome.
      return (await readChat(tx, emit, chat, bot.id, upTo))!;
    });
  },
});

const OBSERVER_TYPES = new Set(['supervisor', 'personal']);
const botTypeNotAllowed = () => new ApiError('BOT_TYPE_NOT_ALLOWED', 'Bot type not allowed');

/**
 * The message a supervisor/personal bot asks for: access is checked first (the platform's entity
 * prefilter runs before the action), then the bot type (assertObserverBotType).
 */
async function observedMessage(store: Store, bot: { id: number; type: string }, messageId: number): Promise<MessageRow> {
  const message = await messageForReader(store, bot.id, messageId, MessageAccess.denied);
  if (!OBSERVER_TYPES.has(bot.type)) throw botTypeNotAllowed();
  return message;
}

/** v2 Message objects (viewedByOthers filled) of one chat and the User objects of their authors. */
async function messagesAndAuthors(store: Store, chatId: number, rows: MessageRow[]) {
  const viewed = await viewedByOthers(store, chatId, rows);
  const users: Record<string, unknown>[] = [];
  const seen = new Set<number>();
  for (const m of rows) {
    // System messages have no author (authorId 0), so they add no user.
    if (m.is_system || seen.has(m.author_id)) continue;
    seen.add(m.author_id);
    const u = await store.users.byId(m.author_id);
    if (u) users.push(userView(u));
  }
  return { messages: rows.map((m) => messageView(m, { viewedByOthers: viewed.has(m.id) })), users };
}

export const chatMessageGet = defineV2({
  name: 'imbot.v2.Chat.Message.get',
  docs: `${DOCS}/chat-message-get.md`,
  params: z.object(botAuthShape).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const store = ctx.platform.store;
    const message = await observedMessage(store, bot, intArg(p, 'messageId'));
    const { messages, users } = await messagesAndAuthors(store, message.chat_id, [message]);
    return { message: messages[0], user: users[0] ?? null };
  },
});

/** Messages on each side of the central one: `range` 1–50, default 50 (MESSAGE_ON_PAGE_COUNT). */
const CONTEXT_RANGE_MAX = 50;

export const chatMessageGetContext = defineV2({
  name: 'imbot.v2.Chat.Message.getContext',
  docs: `${DOCS}/chat-message-get-context.md`,
  params: z.object(botAuthShape).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const store = ctx.platform.store;
    const message = await observedMessage(store, bot, intArg(p, 'messageId'));
    // Out-of-range values are clamped, not refused (min(max($range, 1), 50)).
    const range = Math.min(Math.max(intArg(p, 'range', CONTEXT_RANGE_MAX), 1), CONTEXT_RANGE_MAX);
    const startId = (await store.chats.member(message.chat_id, bot.id))?.start_id ?? 0;
    const before = await store.messages.visible(message.chat_id, { startId, beforeId: message.id, limit: range });
    const after = await store.messages.visible(message.chat_id, { startId, afterId: message.id, limit: range });
    const rows = [...before, message, ...after].sort((a, b) => a.id - b.id);
    const lastInChat = (await store.chats.stats(message.chat_id)).last_message_id ?? 0;
    const lastSelected = rows[rows.length - 1]?.id ?? 0;
    return {
      ...(await messagesAndAuthors(store, message.chat_id, rows)),
      hasPrevPage: before.length >= range,
      hasNextPage: lastSelected > 0 && lastInChat > 0 && lastSelected < lastInChat,
    };
  },
});

export const chatMessageMethods = [chatMessageSend, chatMessageUpdate, chatMessageDelete, chatMessageRead, chatMessageGet, chatMessageGetContext];
