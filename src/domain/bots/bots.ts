import fs from 'node:fs';
import { normalizeBoolean } from '../../util/bool.js';
import path from 'node:path';
import { imageSize } from 'image-size';
import type { BotRow } from '../../store/repos/bots.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Store } from '../../store/store.js';
import { isoDate } from '../../util/time.js';
import type { AuthContext } from '../auth.js';
import { ApiError } from '../errors.js';
import type { Emit } from '../messenger/events.js';
import { autoColor, colorCode } from '../messenger/colors.js';
import type { Platform } from '../platform.js';
import { randomToken } from '../secrets.js';
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
  const file = `${userId}.${a.ext}`;
  if (p.dataDir) {
    const dir = path.join(p.dataDir, 'avatars');
    fs.mkdirSync(dir, { recursive: true });
    for (const old of fs.readdirSync(dir)) if (old.startsWith(`${userId}.`)) fs.rmSync(path.join(dir, old), { force: true });
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
    const now = isoDate();
    const user = await tx.users.insert({
      login: botLogin(code),
      name,
      last_name: str(get(props, 'lastName'))?.trim() ?? '',
      work_position: str(get(props, 'workPosition'))?.trim() ?? '',
      personal_gender: genderOf(get(props, 'gender')) ?? '',
      external_auth_id: 'bot',
      password_hash: null,
      created_at: now,
      last_activity_at: now,
    });
    const color = colorCode(get(props, 'color')) ?? autoColor(user.id);
    await tx.users.update(user.id, { color });
    await tx.bots.insert({
      id: user.id,
      code,
      type,
      api: 'v2',
      owner_hash: hash,
      owner_sealed: p.box.seal(key),
      app_id: auth.type === 'oauth' && auth.app ? auth.app.id : null,
      event_mode: eventMode,
      webhook_url: webhookUrl,
      is_hidden: flagOr('isHidden', false) ? 1 : 0,
      is_reactions_enabled: flagOr('isReactionsEnabled', true) ? 1 : 0,
      is_support_openline: flagOr('isSupportOpenline', false) ? 1 : 0,
      background_id: normalizeBackground(get(fields, 'backgroundId')),
      language: 'en',
      module_id: 'rest',
      created_at: now,
    });
    return { ...(await botWithUser(tx, (await tx.bots.byId(user.id))!)), fresh: true };
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
export async function updateBot(p: Platform, bot: BotRow, key: string, fields: Obj | undefined): Promise<BotWithUser> {
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
 */
export async function unregisterBot(tx: Store, emit: Emit, bot: BotRow): Promise<void> {
  emit({ kind: 'bot.deleted', bot });
  for (const chat of await tx.chats.chatsOf(bot.id)) await tx.chats.removeMember(chat.id, bot.id);
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
