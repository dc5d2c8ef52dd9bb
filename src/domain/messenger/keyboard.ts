import { ApiError } from '../errors.js';
import { intval, phpEmpty } from '../../util/php.js';

export const keyboardError = () => new ApiError('PARAM_KEYBOARD_ERROR', 'Incorrect keyboard params');
export const menuError = () => new ApiError('PARAM_MENU_ERROR', 'Incorrect menu params');

/** Stored keyboards and menus are at most this many characters of JSON (Keyboard::getJson). */
export const PARAM_SIZE_LIMIT = 60_000;

const KEYBOARD_ACTIONS = ['PUT', 'SEND', 'COPY', 'CALL', 'DIALOG', 'LIVECHAT', 'HELP'];
const MENU_ACTIONS = ['PUT', 'SEND', 'COPY', 'CALL', 'DIALOG'];
const URL_RE = /^(?:\/|https?:\/\/)/;
const HEX_RE = /^#[a-fA-F0-9]{3}([a-fA-F0-9]{3})?$/;
const COLOR_TOKENS = ['primary', 'secondary', 'alert', 'base'];
const KEYBOARD_COLORS = ['BG_COLOR', 'TEXT_COLOR', 'OFF_BG_COLOR', 'OFF_TEXT_COLOR'] as const;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object';
/** PHP `trim((string)$v) <> ''` for scalars; arrays and objects are never text. */
const scalarText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v === true ? 1 : v === false ? '' : v) : undefined;
const filled = (v: unknown) => (scalarText(v) ?? '').trim() !== '';
const hex = (v: unknown) => typeof v === 'string' && HEX_RE.test(v);
/** htmlspecialcharsbx: `& " < >` as entities (ENT_COMPAT, double encoding). */
export const htmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const colorToken = (v: unknown) => (typeof v === 'string' && COLOR_TOKENS.includes(v) ? v : 'base');

/** A JSON string is decoded (CUtil::JsObjectToPhp); anything that is not a list or map after that is not a keyboard. */
function decode(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return undefined;
  }
}

const values = (v: unknown): unknown[] => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);

/**
 * Splits a keyboard/menu parameter into its list and its wrapper: `{BUTTONS:[…], BOT_ID, COLORS}` or a
 * bare list ("If the KEYBOARD does not contain the BUTTONS key, … wrap the array in BUTTONS").
 */
function unwrap(input: unknown, listKey: 'BUTTONS' | 'ITEMS'): { wrapper: Obj; list: unknown[] } | undefined {
  const raw = decode(input);
  if (!isObj(raw)) return undefined;
  if (!Array.isArray(raw) && listKey in raw) return { wrapper: raw, list: values(raw[listKey]) };
  return { wrapper: {}, list: values(raw) };
}

export interface ValidatedParam {
  items: Obj[];
  /** The JSON is 60,000 characters or more: the platform does not store it. */
  oversize: boolean;
}

const measured = (items: Obj[]): ValidatedParam => ({ items, oversize: JSON.stringify(items).length >= PARAM_SIZE_LIMIT });

/**
 * A keyboard by Bitrix\Im\Bot\Keyboard (message-keyboards.md, platform-behaviour.md §4 "Keyboard rules"):
 * each button needs a non-empty TEXT and one action, tried in the order LINK (`/…` or `http(s)://…`),
 * FUNCTION (not accepted from REST: such buttons are skipped), APP_ID, ACTION + ACTION_VALUE, COMMAND
 * (only with a bot id). Invalid buttons are dropped; `{TYPE:'NEWLINE'}` is kept. Throws `invalid()` when
 * no button is left. `botId` is the bot commands go to; when 0 the keyboard's own `BOT_ID` is used.
 */
export function validateKeyboard(input: unknown, botId: number, invalid: () => ApiError = keyboardError): ValidatedParam {
  const parts = unwrap(input, 'BUTTONS');
  if (!parts) throw invalid();
  const { wrapper, list } = parts;
  const bot = botId > 0 ? botId : Math.max(0, intval(wrapper.BOT_ID));
  const colors: Obj = {};
  if (isObj(wrapper.COLORS)) for (const c of KEYBOARD_COLORS) if (hex(wrapper.COLORS[c])) colors[c] = wrapper.COLORS[c];
  const vote = wrapper.VOTE === 'Y' ? 'Y' : 'N';
  const buttons: Obj[] = [];
  for (const b of list) {
    if (!isObj(b)) continue;
    if (b.TYPE === 'NEWLINE') {
      buttons.push({ TYPE: 'NEWLINE' });
      continue;
    }
    if (b.FUNCTION !== undefined && b.FUNCTION !== null) continue;
    const button = keyboardButton(b, bot, colors, vote);
    if (button) buttons.push(button);
  }
  if (buttons.length === 0) throw invalid();
  return measured(buttons);
}

function keyboardButton(b: Obj, botId: number, colors: Obj, vote: string): Obj | undefined {
  if (typeof b.TEXT !== 'string' || b.TEXT.trim() === '') return undefined;
  const button: Obj = { BOT_ID: botId, TYPE: 'BUTTON' };
  if (typeof b.LINK === 'string' && URL_RE.test(b.LINK)) button.LINK = htmlEscape(b.LINK);
  else if (!phpEmpty(b.APP_ID)) {
    button.APP_ID = intval(b.APP_ID);
    if (typeof b.APP_PARAMS === 'string' && b.APP_PARAMS.trim() !== '') button.APP_PARAMS = b.APP_PARAMS;
  } else if (typeof b.ACTION === 'string' && KEYBOARD_ACTIONS.includes(b.ACTION) && filled(b.ACTION_VALUE)) {
    button.ACTION = b.ACTION;
    button.ACTION_VALUE = b.ACTION_VALUE;
  } else if (botId > 0 && typeof b.COMMAND === 'string' && b.COMMAND.trim() !== '') {
    button.COMMAND = b.COMMAND.startsWith('/') ? b.COMMAND.slice(1) : b.COMMAND;
    button.COMMAND_PARAMS = typeof b.COMMAND_PARAMS === 'string' && b.COMMAND_PARAMS.trim() !== '' ? b.COMMAND_PARAMS : '';
  } else return undefined;
  button.TEXT = b.TEXT.trim();
  button.VOTE = vote;
  button.BLOCK = b.BLOCK === 'Y' ? 'Y' : 'N';
  button.WAIT = 'N';
  button.CONTEXT = b.CONTEXT === 'MOBILE' || b.CONTEXT === 'DESKTOP' ? b.CONTEXT : 'ALL';
  button.DISABLED = b.DISABLED === 'Y' ? 'Y' : 'N';
  button.DISPLAY = b.DISPLAY === 'LINE' ? 'LINE' : 'BLOCK';
  if (intval(b.WIDTH) > 0) button.WIDTH = intval(b.WIDTH);
  for (const c of KEYBOARD_COLORS) {
    if (hex(b[c])) button[c] = b[c];
    else if (colors[c]) button[c] = colors[c];
    if (c === 'BG_COLOR') button.BG_COLOR_TOKEN = colorToken(b.BG_COLOR_TOKEN);
  }
  return button;
}

/**
 * A context menu by Bitrix\Im\Bot\ContextMenu (menu.md): `{ITEMS:[…]}` or a bare list; each item a
 * non-empty TEXT and one of LINK, APP_ID, ACTION (PUT/SEND/COPY/CALL/DIALOG) + ACTION_VALUE, COMMAND.
 */
export function validateMenu(input: unknown, botId: number, invalid: () => ApiError = menuError): ValidatedParam {
  const parts = unwrap(input, 'ITEMS');
  if (!parts) throw invalid();
  const { wrapper, list } = parts;
  const bot = botId > 0 ? botId : Math.max(0, intval(wrapper.BOT_ID));
  const items: Obj[] = [];
  for (const m of list) {
    if (!isObj(m)) continue;
    if (m.FUNCTION !== undefined && m.FUNCTION !== null) continue;
    if (!filled(m.TEXT)) continue;
    const item: Obj = { BOT_ID: bot };
    if (typeof m.LINK === 'string' && URL_RE.test(m.LINK)) item.LINK = htmlEscape(m.LINK);
    else if (m.APP_ID !== undefined && m.APP_ID !== null) {
      item.APP_ID = intval(m.APP_ID);
      if (filled(m.APP_PARAMS)) item.APP_PARAMS = m.APP_PARAMS;
    } else if (typeof m.ACTION === 'string' && MENU_ACTIONS.includes(m.ACTION) && filled(m.ACTION_VALUE)) {
      item.ACTION = m.ACTION;
      item.ACTION_VALUE = m.ACTION_VALUE;
    } else if (bot > 0 && filled(m.COMMAND)) {
      const command = scalarText(m.COMMAND)!;
      item.COMMAND = command.startsWith('/') ? command.slice(1) : command;
      item.COMMAND_PARAMS = filled(m.COMMAND_PARAMS) ? m.COMMAND_PARAMS : '';
    } else continue;
    item.TEXT = htmlEscape(scalarText(m.TEXT)!.trim());
    item.CONTEXT = m.CONTEXT === 'MOBILE' || m.CONTEXT === 'DESKTOP' ? m.CONTEXT : 'ALL';
    item.DISABLED = m.DISABLED === 'Y' ? 'Y' : 'N';
    items.push(item);
  }
  if (items.length === 0) throw invalid();
  return measured(items);
}
