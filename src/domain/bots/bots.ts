import fs from 'node:fs';
import { normalizeBoolean } from '../../util/bool.js';
import path from 'node:path';
import { imageSize } from 'image-size';
import type { BareBotRow, BotRow } from '../../store/repos/bots.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Store } from '../../store/store.js';
import { isoDate } from '../../util/time.js';
import type { AuthContext } from '../auth.js';
import { ApiError } from '../errors.js';
import type { Emit } from '../messenger/events.js';
import { removeMember } from '../messenger/chats.js';
import { autoColor, colorCode } from '../messenger/colors.js';
import type { Platform } from '../platform.js';
import { randomToken } from '../secrets.js';
import { phpEmpty } from '../../util/php.js';
import { handlerUrlFor, handlerUrlProblem } from './handlers.js';
import { BotErrors, ownerHash, ownerKey } from './owner.js';

/** The imbot.v2 Bot.* errors, with the texts of the docs' error tables. */
export const BotRegErrors = {
  codeRequired: () => new ApiError('BOT_CODE_REQUIRED', 'Bot code is required'),
  propertiesRequired: () => new ApiError('BOT_PROPERTIES_REQUIRED', 'Bot properties are required'),
  codeTaken: () => new ApiError('BOT_CODE_ALREADY_TAKEN', 'Bot code is already taken'),
  invalidType: () => new ApiError('BOT_INVALID_TYPE', 'Invalid bot type'),
  invalidEventMode: () => new ApiError('BOT_INVALID_EVENT_MODE', 'Invalid event mode'),
  webhookUrlRequired: () => new ApiError('BOT_WEBHOOK_URL_REQUIRED', 'Webhook URL is required'),
  invalidCallback: () => new ApiError('BOT_INVALID_CALLBACK', 'Invalid callback URL'),
  limitExceeded: () => new ApiError('BOT_LIMIT_EXCEEDED', 'Bot limit exceeded'),
  avatarType: () => new ApiError('BOT_AVATAR_INCORRECT_TYPE', 'Avatar must be an image'),
  avatarSize: () => new ApiError('BOT_AVATAR_INCORRECT_SIZE', 'Avatar exceeds maximum size'),
  tokenLength: () => new ApiError('BOT_TOKEN_INVALID_LENGTH', 'Bot token must not exceed 40 characters'),
  rotationFailed: () => new ApiError('BOT_TOKEN_ROTATION_FAILED', 'Bot token rotation failed'),
  paramsRequired: () => new ApiError('PARAMS_REQUIRED', 'Required parameters are missing'),
};

export const BOT_TYPES = ['bot', 'supervisor', 'personal', 'openline', 'network'] as const;
/** Chat backgrounds (bot-register.md "Available Backgrounds"); anything else is normalised to null. */
export const BACKGROUNDS = ['azure', 'mint', 'steel', 'slate', 'teal', 'cornflower', 'sky', 'peach', 'frost'] as const;
/** Bots per owner (index.md "Limits", Feature imbot_rest_register_limit). */
export const BOT_LIMIT = 100;
export const MAX_TOKEN_LENGTH = 40;
export const MAX_AVATAR_SIDE = 5000;
/** Raster formats accepted as avatars (what CFile::IsImage takes). */
const AVATAR_TYPES: Record<string, string> = { png: 'png', jpg: 'jpg', gif: 'gif', webp: 'webp', bmp: 'bmp' };

type Obj = Record<string, unknown>;

/** camelCase key, or its UPPER_SNAKE form (the platform converts top-level keys). */
function get(o: Obj | undefined, camel: string): unknown {
  if (!o) return undefined;
  if (o[camel] !== undefined) return o[camel];
  return o[camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()];
}

const has = (o: Obj | undefined, camel: string) =>
  !!o && (camel in o || camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase() in o);

/** An object; PHP's empty array `[]` counts as `{}`; anything else is undefined. */
function obj(v: unknown): Obj | undefined {
  if (Array.isArray(v)) return v.length === 0 ? {} : undefined;
  return v && typeof v === 'object' ? (v as Obj) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);


export function normalizeBackground(v: unknown): string | null {
  const s = str(v)?.trim();
  return s && (BACKGROUNDS as readonly string[]).includes(s) ? s : null;
}

/** checkCallback: an http(s) URL with a host. Loopback and private addresses are fine (local bots). */
export function checkCallback(v: unknown): string {
  const s = str(v)?.trim() ?? '';
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw BotRegErrors.invalidCallback();
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) throw BotRegErrors.invalidCallback();
  return s;
}

function eventModeOf(v: unknown): 'fetch' | 'webhook' {
  const s = str(v)?.trim().toLowerCase();
  if (s === 'fetch' || s === 'webhook') return s;
  throw BotRegErrors.invalidEventMode();
}

const genderOf = (v: unknown): string | undefined => {
  const s = str(v)?.trim().toUpperCase();
  return s === 'M' || s === 'F' ? s : undefined;
};

export interface Avatar {
  bytes: Buffer;
  ext: string;
}

/**
 * `properties.avatar`: base64 (a `data:…;base64,` prefix is tolerated), or PHP's file array
 * `[name, base64]`. Must decode to a raster image of at most 5000×5000 px.
 */
export function parseAvatar(v: unknown): Avatar | undefined {
  let raw = v;
  if (Array.isArray(raw)) raw = raw[raw.length - 1];
  else if (raw && typeof raw === 'object') raw = Object.values(raw as Obj).pop();
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw BotRegErrors.avatarType();
  const b64 = raw.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
  const bytes = Buffer.from(b64, 'base64');
  let info: { width?: number; height?: number; type?: string };
  try {
    info = imageSize(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch {
    throw BotRegErrors.avatarType();
  }
  const ext = info.type ? AVATAR_TYPES[info.type] : undefined;
  if (!ext || !info.width || !info.height) throw BotRegErrors.avatarType();
  if (info.width > MAX_AVATAR_SIDE || info.height > MAX_AVATAR_SIDE) throw BotRegErrors.avatarSize();
  return { bytes, ext };
}

/**
 * Avatars are kept as files `<dataDir>/avatars/<userId>.<ext>` (when the portal has a data folder;
 * an in-memory portal keeps none) and the user's `avatar` is the URL they would be served at.
 */
function storeAvatar(p: Platform, userId: number, a: Avatar): string {
  return storeImage(p, String(userId), a);
}

/** An image kept as `<dataDir>/avatars/<stem>.<ext>` (replacing an older one of the same stem); its URL. */
export function storeImage(p: Platform, stem: string, a: Avatar): string {
  const file = `${stem}.${a.ext}`;
  if (p.dataDir) {
    const dir = path.join(p.dataDir, 'avatars');
    fs.mkdirSync(dir, { recursive: true });
    for (const old of fs.readdirSync(dir)) if (old.startsWith(`${stem}.`)) fs.rmSync(path.join(dir, old), { force: true });
    fs.writeFileSync(path.join(dir, file), a.bytes);
  }
  return `${p.config.publicUrl}/avatars/${file}`;
}

/** The token a webhook caller names in `fields.botToken` (or top-level `botToken`), length-checked. */
function registerOwnerKey(auth: AuthContext, params: Obj, fields: Obj | undefined): string {
  if (auth.type === 'oauth' && auth.app) return auth.app.clientId;
  const token = get(fields, 'botToken') ?? params.botToken ?? params.BOT_TOKEN;
  const t = str(token);
  if (t && t.length > MAX_TOKEN_LENGTH) throw BotRegErrors.tokenLength();
  return ownerKey(auth, t ? { botToken: t } : params);
}

/** Login of a bot user: `bot_rest_<code>_<rand5>`, at most 50 characters. */
const botLogin = (code: string) => `bot_rest_${code.slice(0, 50 - 15)}_${randomToken(5)}`;

export interface BotWithUser {
  bot: BotRow;
  user: UserRow;
}

export async function botWithUser(store: Store, bot: BotRow): Promise<BotWithUser> {
  const user = await store.users.byId(bot.id);
  if (!user) throw BotErrors.notFound();
  return { bot, user };
}

/** A bot to create: the bot user's profile and the bots row, as both APIs register them (Bot::register). */
export interface NewBot {
  code: string;
  /** bot | supervisor | personal | openline | network, or `human` (v1 TYPE=H). */
  type: string;
  api: 'v1' | 'v2';
  /** The owner key (client_id, or 'custom' + token / CLIENT_ID). */
  key: string;
  appId: number | null;
  eventMode: 'fetch' | 'webhook';
  webhookUrl?: string;
  /** v1 handler URLs by EVENT_* name. */
  handlers?: Record<string, string>;
  isHidden?: boolean;
  isReactionsEnabled?: boolean;
  isSupportOpenline?: boolean;
  backgroundId?: string | null;
  profile: {
    name: string;
    lastName?: string;
    workPosition?: string;
    gender?: string;
    email?: string;
    birthday?: string;
    www?: string;
    /** A palette colour in any spelling; anything else gets an automatic colour. */
    color?: unknown;
  };
}

/** Creates the bot user (EXTERNAL_AUTH_ID=bot, login bot_rest_<code>_<rand5>) and its bots row, in `tx`. */
export async function insertBot(p: Platform, tx: Store, b: NewBot): Promise<BotWithUser> {
  const now = isoDate();
  const user = await tx.users.insert({
    login: botLogin(b.code),
    name: b.profile.name,
    last_name: b.profile.lastName ?? '',
    work_position: b.profile.workPosition ?? '',
    personal_gender: b.profile.gender ?? '',
    email: b.profile.email ?? '',
    personal_birthday: b.profile.birthday ?? '',
    personal_www: b.profile.www ?? '',
    external_auth_id: 'bot',
    password_hash: null,
    created_at: now,
    last_activity_at: now,
  });
  await tx.users.update(user.id, { color: colorCode(b.profile.color) ?? autoColor(user.id) });
  await tx.bots.insert({
    id: user.id,
    code: b.code,
    type: b.type,
    api: b.api,
    owner_hash: ownerHash(b.key),
    owner_sealed: p.box.seal(b.key),
    app_id: b.appId,
    event_mode: b.eventMode,
    webhook_url: b.webhookUrl ?? '',
    handlers: JSON.stringify(b.handlers ?? {}),
    is_hidden: b.isHidden ? 1 : 0,
    is_reactions_enabled: b.isReactionsEnabled === false ? 0 : 1,
    is_support_openline: b.isSupportOpenline ? 1 : 0,
    background_id: b.backgroundId ?? null,
    language: 'en',
    module_id: 'rest',
    created_at: now,
  });
  return botWithUser(tx, (await tx.bots.byId(user.id))!);
}

/**
 * imbot.v2.Bot.register (Bot.php register): validates the fields, then is idempotent by `code`
 * portal-wide — the same owner gets its existing bot back untouched, another owner BOT_CODE_ALREADY_TAKEN.
 */
export async function registerBot(p: Platform, auth: AuthContext, params: Obj): Promise<BotWithUser> {
  const fields = obj(params.fields) ?? obj(params.FIELDS);
  const key = registerOwnerKey(auth, params, fields);
  const code = str(get(fields, 'code'))?.trim();
  if (!code) throw BotRegErrors.codeRequired();
  const props = obj(get(fields, 'properties'));
  const name = str(get(props, 'name'))?.trim();
  if (!name) throw BotRegErrors.propertiesRequired();

  const rawType = get(fields, 'type');
  const type = rawType === undefined || rawType === '' ? 'bot' : str(rawType)?.trim().toLowerCase();
  if (!type || !(BOT_TYPES as readonly string[]).includes(type)) throw BotRegErrors.invalidType();
  const rawMode = get(fields, 'eventMode');
  const eventMode = rawMode === undefined || rawMode === '' ? 'fetch' : eventModeOf(rawMode);
  let webhookUrl = '';
  if (eventMode === 'webhook') {
    const url = get(fields, 'webhookUrl');
    if (url === undefined || url === null || str(url)?.trim() === '') throw BotRegErrors.webhookUrlRequired();
    webhookUrl = checkCallback(url);
  }
  const avatar = parseAvatar(get(props, 'avatar'));

  const hash = ownerHash(key);
  const flagOr = (k: string, dflt: boolean) => (has(fields, k) && get(fields, k) !== null ? normalizeBoolean(get(fields, k)) : dflt);

  const created = await p.store.transaction(async (tx) => {
    const existing = await tx.bots.byCode(code);
    if (existing) {
      if (existing.owner_hash !== hash) throw BotRegErrors.codeTaken();
      return { ...(await botWithUser(tx, existing)), fresh: false };
    }
    if ((await tx.bots.countByOwner(hash)) >= BOT_LIMIT) throw BotRegErrors.limitExceeded();
    const row = await insertBot(p, tx, {
      code,
      type,
      api: 'v2',
      key,
      appId: auth.type === 'oauth' && auth.app ? auth.app.id : null,
      eventMode,
      webhookUrl,
      isHidden: flagOr('isHidden', false),
      isReactionsEnabled: flagOr('isReactionsEnabled', true),
      isSupportOpenline: flagOr('isSupportOpenline', false),
      backgroundId: normalizeBackground(get(fields, 'backgroundId')),
      profile: {
        name,
        lastName: str(get(props, 'lastName'))?.trim() ?? '',
        workPosition: str(get(props, 'workPosition'))?.trim() ?? '',
        gender: genderOf(get(props, 'gender')) ?? '',
        color: get(props, 'color'),
      },
    });
    return { ...row, fresh: true };
  });
  if (created.fresh && avatar) {
    await p.store.users.update(created.user.id, { avatar: storeAvatar(p, created.user.id, avatar) });
    created.user = (await p.store.users.byId(created.user.id))!;
  }
  return { bot: created.bot, user: created.user };
}

/**
 * imbot.v2.Bot.update: profile properties, flags, background, event mode / webhook URL and
 * `fields.botToken` rotation. `key` is the owner key the call was authorised with.
 */
export async function updateBot(p: Platform, bot: BareBotRow, key: string, fields: Obj | undefined): Promise<BotWithUser> {
  const props = obj(get(fields, 'properties'));
  const patch: Parameters<Store['bots']['update']>[1] = {};
  const userPatch: Parameters<Store['users']['update']>[1] = {};

  for (const k of ['isHidden', 'isReactionsEnabled', 'isSupportOpenline'] as const) {
    const v = get(fields, k);
    if (v === undefined || v === null) continue;
    const col = k === 'isHidden' ? 'is_hidden' : k === 'isReactionsEnabled' ? 'is_reactions_enabled' : 'is_support_openline';
    patch[col] = normalizeBoolean(v) ? 1 : 0;
  }
  if (has(fields, 'backgroundId')) patch.background_id = normalizeBackground(get(fields, 'backgroundId'));

  const rawMode = get(fields, 'eventMode');
  const mode = rawMode === undefined || rawMode === null || rawMode === '' ? (bot.event_mode as 'fetch' | 'webhook') : eventModeOf(rawMode);
  const rawUrl = get(fields, 'webhookUrl');
  const newUrl = rawUrl === undefined || rawUrl === null || str(rawUrl)?.trim() === '' ? undefined : checkCallback(rawUrl);
  if (mode === 'webhook') {
    const url = newUrl ?? (bot.event_mode === 'webhook' ? bot.webhook_url : '');
    if (!url) throw BotRegErrors.webhookUrlRequired();
    patch.event_mode = 'webhook';
    patch.webhook_url = url;
  } else {
    // fetch: the bot's webhook subscription goes (Revision 35).
    patch.event_mode = 'fetch';
    patch.webhook_url = '';
  }

  // botToken rotation: only for token-owned bots; empty / blank values are ignored.
  let newKey: string | undefined;
  const rawToken = str(get(fields, 'botToken'))?.trim();
  if (rawToken) {
    if (rawToken.length > MAX_TOKEN_LENGTH) throw BotRegErrors.tokenLength();
    if (!bot.app_id && `custom${rawToken}` !== key) newKey = `custom${rawToken}`;
  }

  if (props) {
    const name = str(get(props, 'name'))?.trim();
    if (name) userPatch.name = name;
    if (has(props, 'lastName')) userPatch.last_name = str(get(props, 'lastName'))?.trim() ?? '';
    if (has(props, 'workPosition')) userPatch.work_position = str(get(props, 'workPosition'))?.trim() ?? '';
    const color = colorCode(get(props, 'color'));
    if (color) userPatch.color = color;
    const gender = genderOf(get(props, 'gender'));
    if (gender) userPatch.personal_gender = gender;
  }
  const avatar = parseAvatar(get(props, 'avatar'));

  await p.store.transaction(async (tx) => {
    if (newKey) {
      const hash = ownerHash(newKey);
      const clash = await tx.bots.byOwner(hash);
      if (clash.some((b) => b.id !== bot.id)) throw BotRegErrors.rotationFailed();
      patch.owner_hash = hash;
      patch.owner_sealed = p.box.seal(newKey);
    }
    // Fetch → webhook: the pending fetch queue is dropped (events now go to the URL).
    if (bot.event_mode === 'fetch' && patch.event_mode === 'webhook') await tx.events.dropForBot(bot.id);
    if (Object.keys(patch).length) await tx.bots.update(bot.id, patch);
    if (Object.keys(userPatch).length) await tx.users.update(bot.id, userPatch);
  });
  if (avatar) await p.store.users.update(bot.id, { avatar: storeAvatar(p, bot.id, avatar) });
  return botWithUser(p.store, (await p.store.bots.byId(bot.id))!);
}

/** imbot.v2.Bot.get: any bot, by `botId` or `code`. */
export async function findBot(store: Store, params: Obj): Promise<BotRow> {
  const rawId = params.botId ?? params.BOT_ID;
  const id = typeof rawId === 'number' ? rawId : typeof rawId === 'string' && /^\s*\d+\s*$/.test(rawId) ? Number(rawId) : 0;
  const code = str(params.code ?? params.CODE)?.trim();
  if (!id && !code) throw BotRegErrors.paramsRequired();
  const bot = id ? await store.bots.byId(id) : await store.bots.byCode(code!);
  if (!bot) throw BotErrors.notFound();
  return bot;
}

/** imbot.v2.Bot.list: the owner's bots, `filter.type`, `limit` (default 50) and `offset`. */
export async function listBots(store: Store, key: string, params: Obj): Promise<{ bots: BotWithUser[]; hasNextPage: boolean }> {
  const filter = obj(params.filter ?? params.FILTER);
  const type = str(get(filter, 'type'))?.trim();
  const num = (v: unknown) => (typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : undefined);
  const rawLimit = num(params.limit ?? params.LIMIT);
  const limit = rawLimit !== undefined && rawLimit > 0 ? rawLimit : 50;
  const offset = Math.max(0, num(params.offset ?? params.OFFSET) ?? 0);
  const all = await store.bots.byOwner(ownerHash(key), type || undefined);
  const page = all.slice(offset, offset + limit);
  const bots = [];
  for (const b of page) bots.push(await botWithUser(store, b));
  // Bot.php: hasNextPage = (count == limit).
  return { bots, hasNextPage: page.length === limit };
}

/**
 * imbot.v2.Bot.unregister: ONIMBOTV2DELETE is raised while the row still exists (webhook bots get
 * it; a fetch bot's queue is dropped with it), then the bot leaves its chats, its commands go with
 * the bots row, and its user is deactivated (kept, so old messages keep their author).
 * `byUserId`: who unregistered it (the v1 event's `auth` is issued for that user).
 */
export async function unregisterBot(tx: Store, emit: Emit, bot: BareBotRow, byUserId?: number): Promise<void> {
  // The event shows the Bot object as it was, counters included.
  const full = await tx.bots.byId(bot.id);
  if (full) emit({ kind: 'bot.deleted', bot: full, byUserId });
  // It leaves each chat the way a member does (chat.left; a chat it owned goes to a person in it).
  for (const chat of await tx.chats.chatsOf(bot.id)) await removeMember(tx, emit, chat.id, bot.id, bot.id);
  await tx.bots.delete(bot.id);
  await tx.events.dropForBot(bot.id);
  await tx.users.update(bot.id, { active: 0 });
  // Subscriptions clean-up (Revision 35): an application's ONIMBOTV2* bindings go with its last bot.
  if (bot.app_id && (await tx.bots.countByOwner(bot.owner_hash)) === 0) {
    for (const event of V2_EVENTS) await tx.eventBindings.delete({ appId: bot.app_id, event });
  }
}

/** The eight ONIMBOTV2* events a bot subscription consists of (EventTable::merge in Bot::register). */
export const V2_EVENTS = [
  'ONIMBOTV2MESSAGEADD',
  'ONIMBOTV2MESSAGEUPDATE',
  'ONIMBOTV2MESSAGEDELETE',
  'ONIMBOTV2JOINCHAT',
  'ONIMBOTV2DELETE',
  'ONIMBOTV2CONTEXTGET',
  'ONIMBOTV2COMMANDADD',
  'ONIMBOTV2REACTIONCHANGE',
];

// ---- imbot v1 (im_rest.php botRegister / botUpdate, Bot::register / Bot::update) -------------------------

/** Bots per application (imbot-register.md: "The maximum number of bots for a single application: 5"). */
export const V1_BOT_LIMIT = 5;
/** b_im_bot.CODE holds at most 50 characters (BotTable validator). */
export const BOT_CODE_MAX_LENGTH = 50;
/** Bot::register's WORK_POSITION for a bot registered without one (Loc BOT_DEFAULT_WORK_POSITION). */
export const DEFAULT_WORK_POSITION = 'Chat bot';

export const V1BotRegErrors = {
  handlerMissing: (event: string, label: string) => new ApiError(`${event}_ERROR`, `Handler for "${label}" event isn't specified`),
  handler: (event: string, why: string) => new ApiError(`${event}_ERROR`, why),
  code: () => new ApiError('CODE_ERROR', "Bot code isn't specified"),
  name: () => new ApiError('NAME_ERROR', "Bot name isn't specified"),
  maxCount: () => new ApiError('MAX_COUNT_ERROR', `Has reached the maximum number of bots for application (max: ${V1_BOT_LIMIT})`),
  createFailed: () => new ApiError('WRONG_REQUEST', "Bot can't be created"),
  updateEmpty: () => new ApiError('WRONG_REQUEST', "Update fields can't be empty"),
  updateFailed: () => new ApiError('WRONG_REQUEST', "Bot can't be updated"),
};

/** The EVENT_* handlers in the order the platform checks them; the labelled ones are required at registration. */
const V1_HANDLER_PARAMS: [string, string | null][] = [
  ['EVENT_MESSAGE_ADD', 'Message add'],
  ['EVENT_MESSAGE_UPDATE', null],
  ['EVENT_MESSAGE_DELETE', null],
  ['EVENT_CONTEXT_GET', null],
  ['EVENT_WELCOME_MESSAGE', 'Welcome message'],
  ['EVENT_BOT_DELETE', 'Bot delete'],
];

/** TYPE of imbot.register (strictly one of B, O, H, S; anything else is B) as the bots row stores it. */
const V1_TYPES: Record<string, string> = { B: 'bot', O: 'openline', H: 'human', S: 'supervisor' };

/**
 * The EVENT_* URLs of `source` (the top level of imbot.register, FIELDS of imbot.update): EVENT_HANDLER
 * fills every one; each given URL is checked (EVENT_<NAME>_ERROR) and stored as the platform binds it,
 * with `CLIENT_ID=` appended for a webhook caller.
 */
function v1HandlerParams(auth: AuthContext, params: Obj, source: Obj, required: boolean): Record<string, string> {
  const src: Obj = { ...source };
  if (!phpEmpty(src.EVENT_HANDLER)) for (const [event] of V1_HANDLER_PARAMS) src[event] = src.EVENT_HANDLER;
  const out: Record<string, string> = {};
  for (const [event, label] of V1_HANDLER_PARAMS) {
    const v = src[event];
    if (phpEmpty(v)) {
      if (required && label) throw V1BotRegErrors.handlerMissing(event, label);
      continue;
    }
    const why = handlerUrlProblem(v);
    if (why) throw V1BotRegErrors.handler(event, why);
    out[event] = handlerUrlFor(auth, params, String(v).trim());
  }
  return out;
}

export function v1HandlersOf(bot: Pick<BotRow, 'handlers'>): Record<string, string> {
  try {
    const h = JSON.parse(bot.handlers || '{}') as unknown;
    return h && typeof h === 'object' && !Array.isArray(h) ? (h as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/**
 * Binds handlers the way the platform does, per application: one URL per event for all of an owner's
 * v1 bots, the last registration or update winning; events not given keep their URL. Returns the set.
 */
async function bindV1Handlers(tx: Store, hash: string, given: Record<string, string>): Promise<Record<string, string>> {
  const bots = (await tx.bots.byOwner(hash)).filter((b) => b.api === 'v1');
  const merged = { ...(bots[0] ? v1HandlersOf(bots[0]) : {}), ...given };
  if (Object.keys(given).length) for (const b of bots) await tx.bots.update(b.id, { handlers: JSON.stringify({ ...v1HandlersOf(b), ...given }) });
  return merged;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** CUser::Add / Update refuse a malformed e-mail, and one another user already has. */
async function emailUsable(store: Store, email: string, selfId = 0): Promise<boolean> {
  if (!EMAIL.test(email)) return false;
  const lower = email.toLowerCase();
  return !(await store.users.list()).some((u) => u.id !== selfId && u.email.toLowerCase() === lower);
}

/** The v1 PROPERTIES values that are given (isset), as text. */
interface V1Profile {
  name?: string;
  lastName?: string;
  color?: string;
  email?: string;
  birthday?: string;
  workPosition?: string;
  www?: string;
  gender?: string;
  avatar?: Avatar;
}

function v1Profile(props: Obj | undefined): V1Profile {
  const text = (k: string) => {
    const v = props?.[k];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v === true ? 1 : v === false ? '' : v) : '';
  };
  const out: V1Profile = {
    name: text('NAME'),
    lastName: text('LAST_NAME'),
    color: text('COLOR'),
    email: text('EMAIL'),
    workPosition: text('WORK_POSITION'),
    www: text('PERSONAL_WWW'),
    gender: text('PERSONAL_GENDER'),
  };
  // PERSONAL_BIRTHDAY is a Y-m-d date (anything else is not a date and is left out).
  const birthday = text('PERSONAL_BIRTHDAY')?.trim();
  if (birthday && /^\d{4}-\d{2}-\d{2}$/.test(birthday)) out.birthday = birthday;
  // PERSONAL_PHOTO: an image up to 5000×5000; anything else is silently dropped.
  if (!phpEmpty(props?.PERSONAL_PHOTO)) {
    try {
      out.avatar = parseAvatar(props?.PERSONAL_PHOTO);
    } catch {
      /* not an image: dropped */
    }
  }
  for (const k of Object.keys(out) as (keyof V1Profile)[]) if (out[k] === undefined) delete out[k];
  return out;
}

const v1Gender = (g: string | undefined) => (g === undefined ? undefined : genderOf(g) ?? '');

/**
 * imbot.register: the handlers (EVENT_*_ERROR), CODE (CODE_ERROR), TYPE and OPENLINE, PROPERTIES
 * (NAME_ERROR); an existing CODE gives that bot's id back whoever owns it (Bot::register deduplicates
 * by MODULE_ID + CODE only). A new bot is a v1 webhook bot; the owner's handlers are (re)bound either way.
 */
export async function registerV1Bot(p: Platform, auth: AuthContext, params: Obj, key: string): Promise<number> {
  const handlers = v1HandlerParams(auth, params, params, true);
  if (phpEmpty(params.CODE)) throw V1BotRegErrors.code();
  const code = str(params.CODE);
  const type = (typeof params.TYPE === 'string' && V1_TYPES[params.TYPE]) || 'bot';
  const openline = params.OPENLINE === 'Y' || params.OPENLINE === true || type === 'openline';
  // imbot-register.md: EVENT_MESSAGE_UPDATE / EVENT_MESSAGE_DELETE are ignored for TYPE=B/H bots without
  // OPENLINE (imbot.update binds them).
  if ((type === 'bot' || type === 'human') && !openline) {
    delete handlers.EVENT_MESSAGE_UPDATE;
    delete handlers.EVENT_MESSAGE_DELETE;
  }
  const props = obj(params.PROPERTIES);
  const profile = v1Profile(props);
  if (profile.name === undefined && profile.lastName === undefined) throw V1BotRegErrors.name();

  const hash = ownerHash(key);
  const created = await p.store.transaction(async (tx) => {
    const existing = code !== undefined ? await tx.bots.byCode(code) : undefined;
    if (existing) {
      await bindV1Handlers(tx, hash, handlers);
      return { id: existing.id, fresh: false };
    }
    if ((await tx.bots.countByOwner(hash)) >= V1_BOT_LIMIT) throw V1BotRegErrors.maxCount();
    if (code === undefined || [...code].length > BOT_CODE_MAX_LENGTH) throw V1BotRegErrors.createFailed();
    if (profile.email && !(await emailUsable(tx, profile.email))) throw V1BotRegErrors.createFailed();
    const merged = await bindV1Handlers(tx, hash, handlers);
    const { bot } = await insertBot(p, tx, {
      code,
      type,
      api: 'v1',
      key,
      appId: auth.type === 'oauth' && auth.app ? auth.app.id : null,
      eventMode: 'webhook',
      handlers: merged,
      isSupportOpenline: openline,
      profile: {
        name: profile.name ?? '',
        lastName: profile.lastName ?? '',
        workPosition: profile.workPosition?.trim() || DEFAULT_WORK_POSITION,
        gender: v1Gender(profile.gender),
        email: profile.email,
        birthday: profile.birthday,
        www: profile.www,
        color: profile.color,
      },
    });
    return { id: bot.id, fresh: true };
  });
  if (created.fresh && profile.avatar) await p.store.users.update(created.id, { avatar: storeAvatar(p, created.id, profile.avatar) });
  return created.id;
}

/**
 * imbot.update: FIELDS.EVENT_* (re-bound for the owner), FIELDS.CODE and FIELDS.PROPERTIES. TYPE and
 * OPENLINE cannot be changed (imbot-update.md). Nothing to change is WRONG_REQUEST "Update fields can't
 * be empty"; a CODE another bot has, or one too long to store, is "Bot can't be updated".
 */
export async function updateV1Bot(p: Platform, auth: AuthContext, params: Obj, bot: BotRow): Promise<void> {
  const fields = obj(params.FIELDS) ?? {};
  const handlers = v1HandlerParams(auth, params, fields, false);
  const code = phpEmpty(fields.CODE) ? undefined : str(fields.CODE);
  if (!phpEmpty(fields.CODE) && code === undefined) throw V1BotRegErrors.updateFailed();
  const profile = v1Profile(obj(fields.PROPERTIES));
  if (profile.name !== undefined && phpEmpty(profile.name) && profile.lastName !== undefined && phpEmpty(profile.lastName)) {
    throw V1BotRegErrors.name();
  }
  if (code === undefined && !Object.keys(profile).length && !Object.keys(handlers).length) throw V1BotRegErrors.updateEmpty();

  await p.store.transaction(async (tx) => {
    if (code !== undefined && code !== bot.code) {
      const clash = await tx.bots.byCode(code);
      if (clash || [...code].length > BOT_CODE_MAX_LENGTH) throw V1BotRegErrors.updateFailed();
      await tx.bots.update(bot.id, { code });
    }
    const patch: Parameters<Store['users']['update']>[1] = {};
    // Bot::update: a blank NAME is ignored, a blank WORK_POSITION becomes the default one.
    if (profile.name !== undefined && profile.name.trim() !== '') patch.name = profile.name;
    if (profile.lastName !== undefined) patch.last_name = profile.lastName;
    if (profile.workPosition !== undefined) patch.work_position = profile.workPosition.trim() || DEFAULT_WORK_POSITION;
    if (profile.gender !== undefined) patch.personal_gender = v1Gender(profile.gender);
    if (profile.www !== undefined) patch.personal_www = profile.www;
    if (profile.birthday !== undefined) patch.personal_birthday = profile.birthday;
    if (profile.email !== undefined && (profile.email === '' || (await emailUsable(tx, profile.email, bot.id)))) patch.email = profile.email;
    const color = colorCode(profile.color);
    if (color) patch.color = color;
    if (Object.keys(patch).length) await tx.users.update(bot.id, patch);
    await bindV1Handlers(tx, bot.owner_hash, handlers);
  });
  if (profile.avatar) await p.store.users.update(bot.id, { avatar: storeAvatar(p, bot.id, profile.avatar) });
}
