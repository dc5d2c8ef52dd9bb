import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { canRead, Chats, resolveDialog } from '../domain/messenger/chats.js';
import type { Emit } from '../domain/messenger/events.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { Store } from '../store/store.js';
import { defineMethod, type MethodContext, type MethodDef } from './registry.js';
import { v1ActingBot, v1OwnerKey } from '../domain/bots/owner.js';
import { intval, isset, phpEmpty } from '../util/php.js';
export { intval, isset };

/**
 * Classic `im.*` methods (im/classes/general/im_rest.php): top-level names read case-insensitively
 * (array_change_key_case), nested keys as sent, Y/N flags, errors as RestException with the status
 * each one is thrown with: most are 400, the access refusals 403.
 */
export function defineIm<S extends z.ZodType>(def: Omit<MethodDef<S>, 'scope' | 'upperCaseParams'> & { scope?: string }): MethodDef<S> {
  return defineMethod({
    scope: 'im',
    upperCaseParams: true,
    ...def,
    errorStatus: { ACCESS_ERROR: 403, CANT_EDIT_MESSAGE: 403, REPLY_ACCESS_ERROR: 403, REPLY_FROM_OTHER_CHAT_ERROR: 403, ...def.errorStatus },
  });
}

/** Any parameters: classic methods read them key by key. */
export const imParams = z.object({}).passthrough();

/** A v1 imbot.* method: scope imbot, parameters read key by key the way the PHP methods read them. */
export function defineImbot(def: Omit<MethodDef<typeof imParams>, 'scope' | 'upperCaseParams' | 'params'>): MethodDef<typeof imParams> {
  return defineIm({ scope: 'imbot', params: imParams, ...def });
}

/** The bot a v1 call acts as: BOT_ID of the caller's own bots (CLIENT_ID or the OAuth app owns them). */
export const v1Bot = (ctx: MethodContext, p: Record<string, unknown>) => v1ActingBot(ctx.platform.store, v1OwnerKey(ctx.auth, p), p);

export const imError = (code: string, description: string) => new ApiError(code, description);

/** PHP empty(). */
export const isEmpty = phpEmpty;

/** The loose `== 'Y'` of v1 flags: "Y" (and a JSON true, which PHP compares as equal). */
export const isY = (v: unknown) => v === 'Y' || v === true;

/** Common::isDialogId: a user id, `chat<N>`, `sg<N>` or `crm<N>` (not "0"). */
export const isDialogId = (v: unknown) =>
  (typeof v === 'string' || typeof v === 'number') && String(v) !== '0' && String(v) !== '' && /^([0-9]+|(chat|sg|crm)[0-9]+)$/i.test(String(v));

/** Common::isChatId: `chat<N>`, `sg<N>` or `crm<N>`. */
export const isChatId = (v: unknown) => typeof v === 'string' && /^(chat|sg|crm)[0-9]+$/i.test(v);

export const dialogIdEmpty = () => imError('DIALOG_ID_EMPTY', "Dialog ID can't be empty");
const dialogAccessError = () => imError('ACCESS_ERROR', 'You do not have access to the specified dialog');

/**
 * The chat a DIALOG_ID names for a reader (im.dialog.get, im.dialog.messages.get): DIALOG_ID_EMPTY for a
 * malformed id, ACCESS_ERROR (403) for a chat that does not exist or that the caller may not read.
 * A private dialog is created on first use, as the platform does.
 */
export async function readableDialog(tx: Store, emit: Emit, userId: number, dialogId: unknown): Promise<ChatRow> {
  if (!isDialogId(dialogId)) throw dialogIdEmpty();
  let chat: ChatRow;
  try {
    chat = await resolveDialog(tx, emit, userId, dialogId);
  } catch (e) {
    if (e instanceof ApiError && (e.code === Chats.notFound().code || e.code === Chats.userNotFound().code)) throw dialogAccessError();
    throw e;
  }
  if (!(await canRead(tx, chat, userId))) throw dialogAccessError();
  return chat;
}

/** A list parameter: an array, a PHP map, or a JSON string of one (CUtil::JsObjectToPhp). */
export function listParam(v: unknown): unknown[] | undefined {
  let raw = v;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(raw)) return raw;
  if (raw && typeof raw === 'object') return Object.values(raw);
  return undefined;
}

/** The classic content errors of im.message.* and imbot.message.* (each page picks from these). */
export const V1_CONTENT_ERRORS = {
  attach: () => imError('ATTACH_ERROR', 'Incorrect attach params'),
  attachOversize: () => imError('ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach'),
  keyboard: () => imError('KEYBOARD_ERROR', 'Incorrect keyboard params'),
  keyboardOversize: () => imError('KEYBOARD_OVERSIZE', 'You have exceeded the maximum allowable size of keyboard'),
  menu: () => imError('MENU_ERROR', 'Incorrect menu params'),
  menuOversize: () => imError('MENU_OVERSIZE', 'You have exceeded the maximum allowable size of menu'),
};
