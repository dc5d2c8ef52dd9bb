import type { BotRow } from '../../store/repos/bots.js';
import type { Store } from '../../store/store.js';
import type { AuthContext } from '../auth.js';
import { ApiError } from '../errors.js';
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

export const ownerHash = (key: string) => hashToken(key);

/** `botId`/`BOT_ID` → the caller's own bot, with BOT_ID_REQUIRED / BOT_NOT_FOUND / BOT_OWNERSHIP_ERROR. */
export async function requireOwnedBot(store: Store, key: string, params: Record<string, unknown>): Promise<BotRow> {
  const raw = params.botId ?? params.BOT_ID;
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : 0;
  if (!id) throw BotErrors.idRequired();
  const bot = await store.bots.byId(id);
  if (!bot) throw BotErrors.notFound();
  if (bot.owner_hash !== ownerHash(key)) throw BotErrors.ownership();
  return bot;
}
