import type { Store } from '../../store/store.js';
import type { ChatRow } from '../../store/repos/chats.js';
import type { MessageRow } from '../../store/repos/messages.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import { validateAttach } from './attach.js';
import type { Emit } from './events.js';
import { validateKeyboard } from './keyboard.js';
import { normalizeText } from './text.js';
import crypto from 'node:crypto';

export const Messages = {
  empty: () => new ApiError('EMPTY_MESSAGE', 'Message is empty'),
  notFound: () => new ApiError('MESSAGE_NOT_FOUND', 'Message not found'),
  replyError: () => new ApiError('REPLY_ERROR', 'Reply message not found in this chat'),
};

/** Message content as both APIs hand it over (v2 camelCase fields are mapped to these by the method layer). */
export interface MessageContent {
  text?: unknown;
  attach?: unknown;
  keyboard?: unknown;
  menu?: unknown;
  system?: boolean;
  urlPreview?: boolean;
  replyId?: number;
  templateId?: string;
}

/** Validates content into stored params; `keyboard: false`/`'N'`-style removal is handled by updateMessage. */
function buildParams(c: MessageContent, botId: number): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const attach = validateAttach(c.attach);
  if (attach.length) params.ATTACH = attach;
  if (c.keyboard !== undefined && c.keyboard !== null && c.keyboard !== '') params.KEYBOARD = validateKeyboard(c.keyboard, botId);
  if (c.menu !== undefined && c.menu !== null && c.menu !== '') params.MENU = validateKeyboard(c.menu, botId);
  if (c.urlPreview === false) params.URL_PREVIEW = 'N';
  return params;
}

export interface AddMessageInput extends MessageContent {
  chat: ChatRow;
  authorId: number;
  skipCommands?: boolean;
}

export async function addMessage(store: Store, emit: Emit, input: AddMessageInput): Promise<MessageRow> {
  if (input.text !== undefined && typeof input.text !== 'string' && typeof input.text !== 'number') throw Messages.empty();
  const text = normalizeText(input.text === undefined ? '' : String(input.text));
  if (input.templateId) {
    const dup = await store.messages.byTemplate(input.authorId, input.templateId);
    if (dup) return dup;
  }
  const params = buildParams(input, input.authorId);
  if (!text && !params.ATTACH) throw Messages.empty();
  if (input.replyId) {
    const reply = await store.messages.byId(input.replyId);
    if (!reply || reply.chat_id !== input.chat.id) throw Messages.replyError();
    params.REPLY_ID = input.replyId;
  }
  const message = await store.messages.insert({
    chat_id: input.chat.id,
    author_id: input.authorId,
    text,
    params: JSON.stringify(params),
    is_system: input.system ? 1 : 0,
    uuid: input.templateId ?? crypto.randomUUID(),
    template_id: input.templateId ?? null,
    created_at: isoDate(),
  });
  await store.chats.noteMessage(input.chat.id, message.id);
  await store.chats.setLastRead(input.chat.id, input.authorId, message.id);
  emit({ kind: 'message.added', chatId: input.chat.id, messageId: message.id, authorId: input.authorId, skipCommands: input.skipCommands });
  return message;
}

export interface UpdateMessageInput {
  text?: unknown;
  attach?: unknown;
  keyboard?: unknown;
  menu?: unknown;
  urlPreview?: boolean;
}

const REMOVE = (v: unknown) => v === false || v === 'N' || v === 'n' || (Array.isArray(v) && v.length === 0);

/**
 * Edits a message: text replaced when given; attach replaced when given; keyboard/menu replaced,
 * or removed with `false`/`'N'`/`[]`. Marks IS_EDITED.
 */
export async function updateMessage(store: Store, emit: Emit, message: MessageRow, input: UpdateMessageInput): Promise<MessageRow> {
  const params: Record<string, unknown> = JSON.parse(message.params || '{}');
  let text = message.text;
  if (input.text !== undefined) text = normalizeText(String(input.text ?? ''));
  if (input.attach !== undefined) {
    if (REMOVE(input.attach)) delete params.ATTACH;
    else params.ATTACH = validateAttach(input.attach);
  }
  for (const [key, value] of [['KEYBOARD', input.keyboard], ['MENU', input.menu]] as const) {
    if (value === undefined) continue;
    if (REMOVE(value)) delete params[key];
    else params[key] = validateKeyboard(value, message.author_id);
  }
  if (input.urlPreview === false) params.URL_PREVIEW = 'N';
  if (!text && !params.ATTACH) throw Messages.empty();
  params.IS_EDITED = 'Y';
  await store.messages.update(message.id, { text, params: JSON.stringify(params), updated_at: isoDate() });
  emit({ kind: 'message.updated', chatId: message.chat_id, messageId: message.id, authorId: message.author_id });
  return (await store.messages.byId(message.id))!;
}

/** Deletes a message (the platform keeps a "deleted" stub; `complete` removes it entirely). */
export async function deleteMessage(store: Store, emit: Emit, message: MessageRow, complete = false): Promise<void> {
  if (complete) await store.messages.delete(message.id);
  else {
    const params: Record<string, unknown> = JSON.parse(message.params || '{}');
    await store.messages.update(message.id, {
      text: '',
      params: JSON.stringify({ IS_DELETED: 'Y', ...(params.REPLY_ID ? { REPLY_ID: params.REPLY_ID } : {}) }),
      updated_at: isoDate(),
    });
  }
  emit({ kind: 'message.deleted', chatId: message.chat_id, messageId: message.id, authorId: message.author_id, snapshot: message });
}
