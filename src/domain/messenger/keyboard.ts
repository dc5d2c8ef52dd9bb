import { ApiError } from '../errors.js';

export const keyboardError = () => new ApiError('PARAM_KEYBOARD_ERROR', 'Incorrect keyboard params');

const ACTIONS = new Set(['PUT', 'SEND', 'COPY', 'CALL', 'DIALOG', 'LIVECHAT', 'HELP']);
const URL_RE = /^(\/|https?:\/\/)/i;
const HEX_RE = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * Validates a keyboard (message-keyboards.md, Bot\Keyboard): invalid buttons are dropped silently;
 * if none is left the keyboard is PARAM_KEYBOARD_ERROR. `{BUTTONS:[…]}` or a bare list are both accepted.
 * Returns the stored form (a list of buttons, NEWLINE separators kept).
 */
export function validateKeyboard(input: unknown, botId: number): Record<string, unknown>[] {
  let list: unknown = input;
  if (list && typeof list === 'object' && !Array.isArray(list) && 'BUTTONS' in (list as object)) list = (list as { BUTTONS: unknown }).BUTTONS;
  if (list && typeof list === 'object' && !Array.isArray(list)) list = Object.values(list);
  if (!Array.isArray(list)) throw keyboardError();
  const out: Record<string, unknown>[] = [];
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue;
    const b = raw as Record<string, unknown>;
    if (b.TYPE === 'NEWLINE') {
      out.push({ TYPE: 'NEWLINE' });
      continue;
    }
    const text = typeof b.TEXT === 'string' ? b.TEXT.trim() : '';
    if (!text) continue;
    const button: Record<string, unknown> = { TEXT: text };
    if (typeof b.LINK === 'string' && URL_RE.test(b.LINK)) button.LINK = b.LINK;
    else if (b.APP_ID !== undefined && b.APP_ID !== '') {
      button.APP_ID = b.APP_ID;
      button.APP_PARAMS = b.APP_PARAMS ?? '';
    } else if (typeof b.ACTION === 'string' && ACTIONS.has(b.ACTION.toUpperCase()) && b.ACTION_VALUE !== undefined) {
      button.ACTION = b.ACTION.toUpperCase();
      button.ACTION_VALUE = String(b.ACTION_VALUE);
    } else if (typeof b.COMMAND === 'string' && b.COMMAND.trim()) {
      button.COMMAND = b.COMMAND.trim().replace(/^\//, '');
      button.COMMAND_PARAMS = b.COMMAND_PARAMS === undefined ? '' : String(b.COMMAND_PARAMS);
      button.BOT_ID = Number(b.BOT_ID ?? botId) || botId;
    } else continue;
    for (const flag of ['BLOCK', 'DISABLED'] as const) {
      if (b[flag] !== undefined) button[flag] = b[flag] === true || b[flag] === 'Y' || b[flag] === 'y' ? 'Y' : 'N';
    }
    for (const color of ['BG_COLOR', 'TEXT_COLOR'] as const) {
      if (typeof b[color] === 'string' && HEX_RE.test(b[color] as string)) button[color] = b[color];
    }
    if (typeof b.BG_COLOR_TOKEN === 'string') button.BG_COLOR_TOKEN = b.BG_COLOR_TOKEN;
    if (typeof b.DISPLAY === 'string' && ['BLOCK', 'LINE'].includes(b.DISPLAY.toUpperCase())) button.DISPLAY = b.DISPLAY.toUpperCase();
    if (typeof b.CONTEXT === 'string' && ['MOBILE', 'DESKTOP', 'ALL'].includes(b.CONTEXT.toUpperCase())) button.CONTEXT = b.CONTEXT.toUpperCase();
    if (b.WIDTH !== undefined && Number(b.WIDTH) > 0) button.WIDTH = Number(b.WIDTH);
    out.push(button);
  }
  if (!out.some((b) => b.TYPE !== 'NEWLINE')) throw keyboardError();
  if (JSON.stringify(out).length >= 60_000) throw keyboardError();
  return out;
}
