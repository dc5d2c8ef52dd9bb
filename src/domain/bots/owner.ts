import type { BareBotRow, BotRow } from '../../store/repos/bots.js';
import type { Store } from '../../store/store.js';
import type { AuthContext } from '../auth.js';
import { ApiError, Errors } from '../errors.js';
import { intval } from '../../util/php.js';
import { hashToken } from '../secrets.js';

export const BotErrors = {
  tokenNotSpecified: () => new ApiError('BOT_TOKEN_NOT_SPECIFIED', 'Bot token is not specified'),
  idRequired: () => new ApiError('BOT_ID_REQUIRED', 'Bot ID is required'),
  notFound: () => new ApiError('BOT_NOT_FOUND', 'Bot not found'),
  ownership: () => new ApiError('BOT_OWNERSHIP_ERROR', 'Bot is registered by another application'),
};

/**
 * The owner of bots a caller acts for, as BotController resolves it: the OAuth application's
 * client_id, else `'custom' + botToken`, else (deprecated) `'custom' + clientId`.
 */
export function ownerKey(auth: AuthContext, params: Record<string, unknown>): string {
  if (auth.type === 'oauth' && auth.app) return auth.app.clientId;
  const token = params.botToken ?? params.BOT_TOKEN;
  if (typeof token === 'string' && token) return `custom${token}`;
  if (typeof token === 'number') return `custom${token}`;
  const client = params.clientId ?? params.CLIENT_ID;
  if ((typeof client === 'string' && client) || typeof client === 'number') return `custom${client}`;
  throw BotErrors.tokenNotSpecified();
}

/** Owner keys seen lately and their hashes: every bot call checks ownership, and SHA-256 is a fair part of a small call. */
const ownerHashes = new Map<string, string>();

export function ownerHash(key: string): string {
  let hash = ownerHashes.get(key);
  if (hash === undefined) {
    if (ownerHashes.size >= 1000) ownerHashes.clear();
    ownerHashes.set(key, (hash = hashToken(key)));
  }
  return hash;
}

/** `botId`/`BOT_ID` → the caller's own bot, with BOT_ID_REQUIRED / BOT_NOT_FOUND / BOT_OWNERSHIP_ERROR. */
export async function requireOwnedBot(store: Store, key: string, params: Record<string, unknown>): Promise<BareBotRow> {
  const raw = params.botId ?? params.BOT_ID;
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : 0;
  if (!id) throw BotErrors.idRequired();
  const bot = await store.bots.bareById(id);
  if (!bot) throw BotErrors.notFound();
  if (bot.owner_hash !== ownerHash(key)) throw BotErrors.ownership();
  return bot;
}

/**
 * imbot v1 (im_rest.php): the owner is the OAuth application's client_id; under a webhook the
 * `CLIENT_ID` parameter gives `'custom' + CLIENT_ID`, and without it the call is refused with
 * 403 ACCESS_DENIED "Client ID not specified". Same key space as the v2 botToken.
 */
export function v1OwnerKey(auth: AuthContext, params: Record<string, unknown>): string {
  if (auth.type === 'oauth' && auth.app) return auth.app.clientId;
  const client = params.CLIENT_ID;
  if (typeof client === 'number' && client !== 0) return `custom${client}`;
  if (client === true) return 'custom1';
  if (typeof client === 'string' && client !== '' && client !== '0') return `custom${client}`;
  throw Errors.accessDenied('Client ID not specified');
}

/** The v1 error pair of imbot.command.register / imbot.app.register (and the other BOT_ID-taking v1 methods). */
export const V1BotErrors = {
  notFound: () => new ApiError('BOT_ID_ERROR', 'Bot not found'),
  otherApp: () => new ApiError('APP_ID_ERROR', 'Bot was installed by another rest application'),
};

/** v1 `BOT_ID` → the bot, owned by `key`: BOT_ID_ERROR when missing/unknown, APP_ID_ERROR when another owner's. */
export async function requireV1Bot(store: Store, key: string, rawBotId: unknown): Promise<BotRow> {
  const id = intval(rawBotId);
  const bot = id > 0 ? await store.bots.byId(id) : undefined;
  if (!bot) throw V1BotErrors.notFound();
  if (bot.owner_hash !== ownerHash(key)) throw V1BotErrors.otherApp();
  return bot;
}

/**
 * The bot a v1 message / chat method acts as (im_rest.php getBotId): `BOT_ID` when given (BOT_ID_ERROR,
 * APP_ID_ERROR), otherwise the owner's first bot (BOT_ID_ERROR when it has none).
 */
export async function v1ActingBot(store: Store, key: string, params: Record<string, unknown>): Promise<BotRow> {
  if (params.BOT_ID !== undefined && params.BOT_ID !== null) return requireV1Bot(store, key, params.BOT_ID);
  const [first] = await store.bots.byOwner(ownerHash(key));
  if (!first) throw V1BotErrors.notFound();
  return first;
}
