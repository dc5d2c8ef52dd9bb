import type { Store } from '../../store/store.js';
import type { ChatRow } from '../../store/repos/chats.js';
import type { MessageRow } from '../../store/repos/messages.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import { attachError, attachOversizeError, validateAttach } from './attach.js';
import type { Emit } from './events.js';
import { keyboardError, menuError, validateKeyboard, validateMenu } from './keyboard.js';
import { normalizeText } from './text.js';
import crypto from 'node:crypto';

export const Messages = {
  empty: () => new ApiError('EMPTY_MESSAGE', 'Message is empty'),
  notFound: () => new ApiError('MESSAGE_NOT_FOUND', 'Message not found'),
  replyError: () => new ApiError('REPLY_ERROR', 'Reply message not found in this chat'),
};

/**
 * The errors invalid content raises. Each API has its own codes: imbot.v2 reports PARAM_*_ERROR (an
 * oversize keyboard or menu is silently not stored), the classic im.message.* methods ATTACH_ERROR,
 * ATTACH_OVERSIZE, KEYBOARD_ERROR, … as their pages list them.
 */
export interface ContentErrors {
  attach: () => ApiError;
  attachOversize: () => ApiError;
  keyboard: () => ApiError;
  /** Absent: an oversize keyboard is dropped without an error. */
  keyboardOversize?: () => ApiError;
  menu: () => ApiError;
  menuOversize?: () => ApiError;
  /** A message with neither text nor attach; default EMPTY_MESSAGE. */
  empty?: () => ApiError;
}

export const V2_CONTENT_ERRORS: ContentErrors = {
  attach: attachError,
  attachOversize: attachOversizeError,
  keyboard: keyboardError,
  menu: menuError,
};

/** Message content as both APIs hand it over (v2 camelCase fields are mapped to these by the method layer). */
export interface MessageContent {
  text?: unknown;
  attach?: unknown;
  keyboard?: unknown;
  menu?: unknown;
  system?: boolean;
  urlPreview?: boolean;
  /** Uploaded files the message carries (params FILE_ID); such a message may have no text. */
  fileIds?: number[];
  /** The platform's event code of a system note (params CODE, e.g. CHAT_JOIN, CHAT_LEAVE; NOTIFY=N). */
  systemCode?: string;
  replyId?: number;
  templateId?: string;
  /** The bot keyboard COMMAND buttons go to; default the author. 0: the keyboard's own BOT_ID. */
  botId?: number;
  errors?: ContentErrors;
}

/** PHP empty(): the platform skips such a KEYBOARD / MENU entirely. */
const isEmptyValue = (v: unknown) =>
  v === undefined || v === null || v === '' || v === '0' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);

function keyboardParam(value: unknown, botId: number, errors: ContentErrors): unknown[] | undefined {
  const { items, oversize } = validateKeyboard(value, botId, errors.keyboard);
  if (!oversize) return items;
  if (errors.keyboardOversize) throw errors.keyboardOversize();
  return undefined;
}

function menuParam(value: unknown, botId: number, errors: ContentErrors): unknown[] | undefined {
  const { items, oversize } = validateMenu(value, botId, errors.menu);
  if (!oversize) return items;
  if (errors.menuOversize) throw errors.menuOversize();
  return undefined;
}

/** Validates content into stored params; `keyboard: false`/`'N'`-style removal is handled by updateMessage. */
function buildParams(c: MessageContent, botId: number): Record<string, unknown> {
  const errors = c.errors ?? V2_CONTENT_ERRORS;
  const params: Record<string, unknown> = {};
  const attach = validateAttach(c.attach, { invalid: errors.attach, oversize: errors.attachOversize });
  if (attach.length) params.ATTACH = attach;
  if (!isEmptyValue(c.keyboard)) {
    const keyboard = keyboardParam(c.keyboard, botId, errors);
    if (keyboard) params.KEYBOARD = keyboard;
  }
  if (!isEmptyValue(c.menu)) {
    const menu = menuParam(c.menu, botId, errors);
    if (menu) params.MENU = menu;
  }
  if (c.urlPreview === false) params.URL_PREVIEW = 'N';
  if (c.fileIds?.length) params.FILE_ID = c.fileIds;
  if (c.systemCode) Object.assign(params, { CODE: [c.systemCode], NOTIFY: 'N' });
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
  const params = buildParams(input, input.botId ?? input.authorId);
  if (!text && !params.ATTACH && !params.FILE_ID) throw (input.errors?.empty ?? Messages.empty)();
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
  /** The bot keyboard COMMAND buttons go to; default the author. 0: the keyboard's own BOT_ID. */
  botId?: number;
  errors?: ContentErrors;
  /** IS_EDITED to store: default 'Y'; null leaves it as it is (im.message.update changing only a keyboard). */
  editedFlag?: 'Y' | 'N' | null;
  /** false: a message may be left with neither text nor attach (im.message.update does not check). */
  requireContent?: boolean;
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
  const errors = input.errors ?? V2_CONTENT_ERRORS;
  const botId = input.botId ?? message.author_id;
  if (input.attach !== undefined) {
    if (REMOVE(input.attach)) delete params.ATTACH;
    else params.ATTACH = validateAttach(input.attach, { invalid: errors.attach, oversize: errors.attachOversize });
  }
  if (input.keyboard !== undefined) {
    if (REMOVE(input.keyboard)) delete params.KEYBOARD;
    else {
      const keyboard = keyboardParam(input.keyboard, botId, errors);
      if (keyboard) params.KEYBOARD = keyboard;
    }
  }
  if (input.menu !== undefined) {
    if (REMOVE(input.menu)) delete params.MENU;
    else {
      const menu = menuParam(input.menu, botId, errors);
      if (menu) params.MENU = menu;
    }
  }
  if (input.urlPreview === false) params.URL_PREVIEW = 'N';
  if (input.requireContent !== false && !text && !params.ATTACH && !params.FILE_ID) throw (errors.empty ?? Messages.empty)();
  if (input.editedFlag !== null) params.IS_EDITED = input.editedFlag ?? 'Y';
  await store.messages.update(message.id, { text, params: JSON.stringify(params), updated_at: isoDate() });
  emit({ kind: 'message.updated', chatId: message.chat_id, messageId: message.id, authorId: message.author_id });
  return (await store.messages.byId(message.id))!;
}

/**
 * Deletes a message (the platform keeps a "deleted" stub; `complete` removes it entirely). Its reactions
 * go either way: a stub has nothing left to react to, and a reaction must not outlive its message.
 */
export async function deleteMessage(store: Store, emit: Emit, message: MessageRow, complete = false): Promise<void> {
  await store.reactions.removeAll(message.id);
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

