import { withEvents } from '../../events/pipeline.js';
import type { ChatRow } from '../../store/repos/chats.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import type { Platform } from '../platform.js';
import { privateChat } from './chats.js';
import type { Emit } from './events.js';

/**
 * Longest BOT_CONTEXT this server forwards, in characters of JSON. The docs set no number; the context
 * rides in a link (`?BOT_CONTEXT=`), and links much longer than a few kilobytes are cut by browsers,
 * proxies and QR codes, so 8 KB is what a working link can carry. Larger data belongs behind a token
 * (bot-context.md "Token link").
 */
export const BOT_CONTEXT_MAX_CHARS = 8192;

export const BotContextErrors = {
  /** No bot in the chat heard it (BotError::BOT_CONTEXT_ERROR). */
  failed: () => new ApiError('BOT_CONTEXT_ERROR', 'Bot context was not delivered: there is no bot in this dialog'),
  invalid: () => new ApiError('BOT_CONTEXT_INVALID', 'BOT_CONTEXT must be a JSON object'),
  tooLarge: () => new ApiError('BOT_CONTEXT_TOO_LARGE', `BOT_CONTEXT is larger than ${BOT_CONTEXT_MAX_CHARS} characters of JSON`),
};

/**
 * A context as the platform keeps it: a JSON object (a PHP array). A string is parsed as JSON (the
 * URL-decoded BOT_CONTEXT value); arrays, scalars, broken JSON and oversize values are refused, never
 * passed on half-read.
 */
export function parseBotContext(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.length > BOT_CONTEXT_MAX_CHARS) throw BotContextErrors.tooLarge();
    try {
      value = JSON.parse(raw);
    } catch {
      throw BotContextErrors.invalid();
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw BotContextErrors.invalid();
  if (JSON.stringify(value).length > BOT_CONTEXT_MAX_CHARS) throw BotContextErrors.tooLarge();
  return value as Record<string, unknown>;
}

/**
 * Hands `context` from `userId` to every bot in `chat` (Bot::onContextGet → ONIMBOTV2CONTEXTGET).
 * Throws BOT_CONTEXT_ERROR when the chat has no bot, as im.v2.Chat.Bot.sendContext does.
 */
export async function sendBotContext(store: Store, emit: Emit, chat: ChatRow, userId: number, context: Record<string, unknown>): Promise<number[]> {
  const members = await store.chats.members(chat.id);
  const bots = await store.bots.byIds(members.map((m) => m.user_id));
  if (!bots.length) throw BotContextErrors.failed();
  for (const bot of bots) emit({ kind: 'bot.contextGet', chatId: chat.id, botId: bot.id, userId, context });
  return bots.map((b) => b.id);
}

/**
 * A person opened the dialog with bot `botId` from a link carrying BOT_CONTEXT (`?IM_DIALOG=<botId>&BOT_CONTEXT=…`):
 * the private dialog is opened (created on first use) and the bot gets ONIMBOTV2CONTEXTGET.
 * `context` is the decoded JSON text of the link or an object.
 */
export async function requestBotContext(platform: Platform, input: { userId: number; botId: number; context: unknown }): Promise<{ chatId: number; botIds: number[] }> {
  const context = parseBotContext(input.context);
  if (!(await platform.store.bots.byId(input.botId))) throw BotContextErrors.failed();
  return withEvents(platform, async (tx, emit) => {
    const chat = await privateChat(tx, emit, input.userId, input.botId);
    const botIds = await sendBotContext(tx, emit, chat, input.userId, context);
    return { chatId: chat.id, botIds };
  });
}
