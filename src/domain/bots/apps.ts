import crypto from 'node:crypto';
import type { ChatAppRow } from '../../store/repos/chat-apps.js';
import type { Store } from '../../store/store.js';
import { intval, isset, phpEmpty } from '../../util/php.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import { parseAvatar } from './bots.js';
import { ownerHash, requireV1Bot } from './owner.js';

/**
 * Chat applications (imbot.app.register / update / unregister; im_rest.php appRegister… and
 * im/lib/app.php): a JS command or an IFRAME application shown in the messenger's text panel,
 * tied to one bot and owned by the client that registered it.
 */

/** Error codes of the imbot.app.* pages, with the platform's texts. */
export const ChatAppErrors = {
  codeMissing: () => new ApiError('CODE_ERROR', "App code isn't specified"),
  iframeHttps: () => new ApiError('IFRAME_HTTPS', 'Iframe params must be HTTPS site'),
  hashMissing: () => new ApiError('HASH_ERROR', "Hash can't be empty"),
  paramsMissing: () => new ApiError('PARAMS_ERROR', "Iframe or JS method isn't specified"),
  langEmpty: () => new ApiError('LANG_ERROR', "Lang set can't be empty"),
  registerFailed: () => new ApiError('WRONG_REQUEST', "App can't be registered"),
  notFound: () => new ApiError('CHAT_APP_ID_ERROR', 'App not found'),
  otherApp: () => new ApiError('APP_ID_ERROR', 'App was installed by another rest application'),
  deleteFailed: () => new ApiError('WRONG_REQUEST', "App can't be deleted"),
  updateEmpty: () => new ApiError('WRONG_REQUEST', "Update fields can't be empty"),
  /** The platform's own text for a failed imbot.app.update (copied from the command methods). */
  updateFailed: () => new ApiError('WRONG_REQUEST', "Command can't be updated"),
};

type Params = Record<string, unknown>;

/** Column sizes of b_im_app / b_im_app_lang: longer values cannot be stored. */
const MAX = { code: 255, context: 128, iframe: 255, js: 255, hash: 32, langId: 2, text: 255 };
/** IFRAME size: the defaults of an IFRAME application and the minimums (values at or below become the minimum). */
export const IFRAME_DEFAULT_WIDTH = 320;
export const IFRAME_DEFAULT_HEIGHT = 250;
export const IFRAME_MIN_WIDTH = 250;
export const IFRAME_MIN_HEIGHT = 50;
/** What App::register stores for a JS command (no frame). */
const JS_APP_WIDTH = 350;
const JS_APP_HEIGHT = 250;

const JS_METHODS = ['PUT', 'SEND', 'CALL', 'SUPPORT'];
/** PUT / SEND: a command and its parameters, `/help`, `/echo me` (a-z 0-9 - + _ /). */
const COMMAND_RE = /\/([a-zA-Z0-9\-_+]+)((\s)?([a-zA-Z0-9\-_+]+))+/im;
const PHONE_RE = /\+?[ \-\d+()#]+$/im;
/** SUPPORT: an open channel code, 32 hex characters. */
const LINES_RE = /[a-f0-9]{32}$/im;

/** The `== 'Y'` of v1 flags (a JSON true compares equal too). */
const yes = (v: unknown) => v === 'Y' || v === true;
const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const chars = (s: string) => [...s].length;
const cut = (s: string, n: number) => [...s].slice(0, n).join('');

/**
 * JS_METHOD + JS_PARAM as the platform turns them into a JS command: undefined when the JS form is
 * not used (JS_METHOD not one of PUT/SEND/CALL/SUPPORT, or JS_PARAM empty) — then IFRAME is looked at;
 * '' when it is used but JS_PARAM does not match the method's pattern (IFRAME is then not looked at).
 */
export function jsCommand(method: unknown, param: unknown): string | undefined {
  if (typeof method !== 'string' || !JS_METHODS.includes(method) || phpEmpty(param)) return undefined;
  const text = scalar(param) ?? '';
  const match = (re: RegExp) => re.exec(text)?.[0];
  let m: string | undefined;
  switch (method) {
    case 'SEND':
      return (m = match(COMMAND_RE)) !== undefined ? `BXIM.sendMessage('${m}');` : '';
    case 'PUT':
      return (m = match(COMMAND_RE)) !== undefined ? `BXIM.putMessage('${m}');` : '';
    case 'CALL':
      return (m = match(PHONE_RE)) !== undefined ? `BXIM.phoneTo('${m}');` : '';
    default:
      return (m = match(LINES_RE)) !== undefined ? `BXIM.openMessenger('networkLines${m}');` : '';
  }
}

/** IFRAME must be an `https` URL with a host (IFRAME_HTTPS); stored with `?` or `&` appended for the signature parameters. */
function iframeUrl(raw: unknown): string {
  const s = scalar(raw) ?? '';
  // parse_url: the scheme as written (case-sensitive) and an authority with a host (`https:///x` has none).
  let ok = /^https:\/\/(?:[^/?#@]*@)?[^/?#:@]+/.test(s);
  try {
    ok &&= !!new URL(s).hostname;
  } catch {
    ok = false;
  }
  if (!ok) throw ChatAppErrors.iframeHttps();
  return `${s}${s.includes('?') ? '&' : '?'}`;
}

/** `intval(v) > min ? intval(v) : min`. */
const atLeast = (v: unknown, min: number) => (intval(v) > min ? intval(v) : min);

/** ICON_FILE: a base64 image (or PHP's `[name, base64]`) up to 5000×5000 px; anything else is silently ignored. */
function iconOf(v: unknown): string | undefined {
  try {
    const icon = parseAvatar(v);
    if (!icon) return undefined;
    const type = icon.ext === 'jpg' ? 'jpeg' : icon.ext;
    return `data:image/${type};base64,${icon.bytes.toString('base64')}`;
  } catch {
    return undefined;
  }
}

/** LANG rows: LANGUAGE_ID (2 letters, lower-cased) and TITLE required, DESCRIPTION and COPYRIGHT optional; others skipped. */
function langRows(appId: number, lang: unknown) {
  const items = Array.isArray(lang) ? lang : lang && typeof lang === 'object' ? Object.values(lang) : [];
  const rows = new Map<string, { app_id: number; language_id: string; title: string; description: string; copyright: string }>();
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const l = item as Params;
    const id = scalar(l.LANGUAGE_ID)?.toLowerCase();
    if (!id || phpEmpty(l.LANGUAGE_ID) || chars(id) > MAX.langId || !isset(l.TITLE)) continue;
    const title = scalar(l.TITLE);
    const description = isset(l.DESCRIPTION) ? scalar(l.DESCRIPTION) : '';
    const copyright = isset(l.COPYRIGHT) ? scalar(l.COPYRIGHT) : '';
    if (title === undefined || description === undefined || copyright === undefined) continue;
    if ([title, description, copyright].some((t) => chars(t) > MAX.text)) continue;
    rows.set(id, { app_id: appId, language_id: id, title, description, copyright });
  }
  return [...rows.values()];
}

/**
 * imbot.app.register, in the platform's order: CODE_ERROR; the JS form (which wins when JS_METHOD
 * and JS_PARAM are given) or the IFRAME form (IFRAME_HTTPS, HASH_ERROR; HASH cut to 32 characters,
 * width default 320 and at least 250, height default 250 and at least 50); PARAMS_ERROR when neither
 * is usable; BOT_ID_ERROR / APP_ID_ERROR for the bot; LANG_ERROR. The same bot + CODE gives the
 * existing application's id back; a value too long to store is WRONG_REQUEST.
 */
export async function registerChatApp(store: Store, key: string, p: Params): Promise<number> {
  const code = scalar(p.CODE);
  if (phpEmpty(p.CODE) || code === undefined) throw ChatAppErrors.codeMissing();

  let iframe = '';
  let width = JS_APP_WIDTH;
  let height = JS_APP_HEIGHT;
  let popup = false;
  let hash = '';
  const js = jsCommand(p.JS_METHOD, p.JS_PARAM) ?? '';
  if (jsCommand(p.JS_METHOD, p.JS_PARAM) === undefined && !phpEmpty(p.IFRAME)) {
    iframe = iframeUrl(p.IFRAME);
    width = isset(p.IFRAME_WIDTH) ? atLeast(p.IFRAME_WIDTH, IFRAME_MIN_WIDTH) : IFRAME_DEFAULT_WIDTH;
    height = isset(p.IFRAME_HEIGHT) ? atLeast(p.IFRAME_HEIGHT, IFRAME_MIN_HEIGHT) : IFRAME_DEFAULT_HEIGHT;
    popup = yes(p.IFRAME_POPUP);
    const rawHash = scalar(p.HASH);
    if (phpEmpty(p.HASH) || rawHash === undefined) throw ChatAppErrors.hashMissing();
    hash = cut(rawHash, MAX.hash);
  }
  if (!iframe && !js) throw ChatAppErrors.paramsMissing();
  const icon = isset(p.ICON_FILE) && !phpEmpty(p.ICON_FILE) ? iconOf(p.ICON_FILE) : undefined;
  const context = (scalar(p.CONTEXT) ?? 'ALL').toLowerCase();

  const bot = await requireV1Bot(store, key, p.BOT_ID);
  if (phpEmpty(p.LANG)) throw ChatAppErrors.langEmpty();

  return store.transaction(async (tx) => {
    const existing = await tx.chatApps.byCode(bot.id, code);
    if (existing) return existing.id;
    if (chars(code) > MAX.code || chars(context) > MAX.context || chars(iframe) > MAX.iframe || chars(js) > MAX.js) {
      throw ChatAppErrors.registerFailed();
    }
    const app = await tx.chatApps.insert({
      bot_id: bot.id,
      owner_hash: ownerHash(key),
      code,
      // A JS command gets a generated hash, as App::register does.
      hash: hash || crypto.createHash('md5').update(`${bot.id}${code}${key}`).digest('hex'),
      icon: icon ?? '',
      context,
      hidden: yes(p.HIDDEN) ? 1 : 0,
      registered: 1,
      js,
      iframe,
      iframe_width: width,
      iframe_height: height,
      iframe_popup: popup ? 1 : 0,
      extranet_support: yes(p.EXTRANET_SUPPORT) ? 1 : 0,
      livechat_support: yes(p.LIVECHAT_SUPPORT) ? 1 : 0,
      created_at: isoDate(),
    });
    await tx.chatApps.setLangs(app.id, langRows(app.id, p.LANG));
    return app.id;
  });
}

/** v1 `APP_ID` → the owner's chat application: CHAT_APP_ID_ERROR when unknown, APP_ID_ERROR when another client's. */
export async function requireChatApp(store: Store, key: string, rawId: unknown): Promise<ChatAppRow> {
  const id = typeof rawId === 'number' ? rawId : typeof rawId === 'string' && /^\s*\d+\s*$/.test(rawId) ? Number(rawId) : 0;
  const app = Number.isInteger(id) && id > 0 ? await store.chatApps.byId(id) : undefined;
  if (!app) throw ChatAppErrors.notFound();
  if (app.owner_hash !== ownerHash(key)) throw ChatAppErrors.otherApp();
  return app;
}

/** imbot.app.unregister: the application and its translations go. */
export async function unregisterChatApp(store: Store, key: string, rawId: unknown): Promise<void> {
  const app = await requireChatApp(store, key, rawId);
  await store.chatApps.delete(app.id);
}

/** The fields imbot.app.update reads; at least one of them must be given. */
export const CHAT_APP_UPDATE_FIELDS = [
  'IFRAME',
  'IFRAME_WIDTH',
  'IFRAME_HEIGHT',
  'JS_METHOD',
  'JS_PARAM',
  'HASH',
  'ICON_FILE',
  'CONTEXT',
  'HIDDEN',
  'EXTRANET_SUPPORT',
  'LIVECHAT_SUPPORT',
  'IFRAME_POPUP',
  'LANG',
] as const;

/**
 * imbot.app.update: CHAT_APP_ID_ERROR / APP_ID_ERROR, then the given fields. A usable JS command
 * replaces the frame (IFRAME cleared) and wins over IFRAME; a new IFRAME (https only, IFRAME_HTTPS)
 * clears the JS command. HASH is cut to 32 characters, IFRAME_WIDTH is at least 250 and
 * IFRAME_HEIGHT at least 50, CONTEXT is lower-cased, LANG replaces every translation, an invalid
 * ICON_FILE is ignored. No field at all, or a value too long to store, is WRONG_REQUEST.
 */
export async function updateChatApp(store: Store, key: string, rawId: unknown, f: Params): Promise<void> {
  const app = await requireChatApp(store, key, rawId);
  if (!CHAT_APP_UPDATE_FIELDS.some((k) => isset(f[k]))) throw ChatAppErrors.updateEmpty();

  const patch: Partial<Omit<ChatAppRow, 'id'>> = {};
  if (!phpEmpty(f.CONTEXT) && scalar(f.CONTEXT) !== undefined) patch.context = scalar(f.CONTEXT)!.toLowerCase();
  if (!phpEmpty(f.HASH) && scalar(f.HASH) !== undefined) patch.hash = cut(scalar(f.HASH)!, MAX.hash);
  const js = jsCommand(f.JS_METHOD, f.JS_PARAM);
  if (js !== undefined) {
    if (js) {
      patch.js = js;
      patch.iframe = '';
    }
  } else if (!phpEmpty(f.IFRAME)) {
    patch.iframe = iframeUrl(f.IFRAME);
    patch.js = '';
  }
  if (isset(f.IFRAME_WIDTH)) patch.iframe_width = atLeast(f.IFRAME_WIDTH, IFRAME_MIN_WIDTH);
  if (isset(f.IFRAME_HEIGHT)) patch.iframe_height = atLeast(f.IFRAME_HEIGHT, IFRAME_MIN_HEIGHT);
  if (!phpEmpty(f.IFRAME_POPUP)) patch.iframe_popup = yes(f.IFRAME_POPUP) ? 1 : 0;
  if (!phpEmpty(f.HIDDEN)) patch.hidden = yes(f.HIDDEN) ? 1 : 0;
  if (!phpEmpty(f.EXTRANET_SUPPORT)) patch.extranet_support = yes(f.EXTRANET_SUPPORT) ? 1 : 0;
  if (!phpEmpty(f.LIVECHAT_SUPPORT)) patch.livechat_support = yes(f.LIVECHAT_SUPPORT) ? 1 : 0;
  if (isset(f.ICON_FILE)) {
    const icon = iconOf(f.ICON_FILE);
    if (icon) patch.icon = icon;
  }
  const tooLong =
    (patch.context !== undefined && chars(patch.context) > MAX.context) ||
    (patch.iframe !== undefined && chars(patch.iframe) > MAX.iframe) ||
    (patch.js !== undefined && chars(patch.js) > MAX.js);
  if (tooLong) throw ChatAppErrors.updateFailed();

  await store.transaction(async (tx) => {
    if (!phpEmpty(f.LANG)) await tx.chatApps.setLangs(app.id, langRows(app.id, f.LANG));
    if (Object.keys(patch).length) await tx.chatApps.update(app.id, patch);
  });
}
