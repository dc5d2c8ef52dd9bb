import { deliveryOptionsForBot, signatureHeaders } from '../domain/delivery-options.js';
import { ApiError } from '../domain/errors.js';
import type { Platform } from '../domain/platform.js';
import type { DeliveryResult } from '../events/http-delivery.js';
import { V1_HANDLER_KEYS } from '../events/v1-payloads.js';
import type { BotRow } from '../store/repos/bots.js';
import { isoDate } from '../util/time.js';
import type { ConsoleObserver } from './console-observer.js';

export const ReplayErrors = {
  notFound: (id: number) => new ApiError('DELIVERY_NOT_FOUND', `No webhook delivery ${id}`),
  botGone: (id: number) => new ApiError('BOT_NOT_FOUND', `Bot ${id} no longer exists`),
  noHandler: (why: string) => new ApiError('HANDLER_NOT_SET', why),
};

/** Where the bot wants this event now: a v2 bot's webhookUrl, a v1 bot's handler for that event. */
function currentHandler(bot: BotRow, event: string, recordedUrl: string): string {
  if (bot.api === 'v2') {
    if (bot.event_mode !== 'webhook' || !bot.webhook_url) throw ReplayErrors.noHandler(`Bot ${bot.id} receives events by fetch now; it has no webhook handler`);
    return bot.webhook_url;
  }
  // A v1 command's handler belongs to the command (EVENT_COMMAND_ADD), which the payload does not name.
  if (event === 'ONIMCOMMANDADD') return recordedUrl;
  const key = V1_HANDLER_KEYS[event.replace(/^ONIMBOT/, '') as keyof typeof V1_HANDLER_KEYS];
  let handlers: Record<string, unknown> = {};
  try {
    handlers = JSON.parse(bot.handlers || '{}');
  } catch {
    /* no handlers */
  }
  const url = key ? handlers[key] : undefined;
  if (typeof url !== 'string' || !url.trim()) throw ReplayErrors.noHandler(`Bot ${bot.id} has no handler for ${event} now`);
  return url.trim();
}

/**
 * Posts a recorded delivery's body again, unchanged (its auth block is the one of the original event),
 * to the bot's current handler; the attempt is added to the delivery's log and the inspector.
 */
export async function replayDelivery(p: Platform, console: ConsoleObserver, id: number): Promise<DeliveryResult & { deliveryId: number; url: string }> {
  const row = Number.isInteger(id) && id > 0 ? await p.store.events.delivery(id) : undefined;
  if (!row) throw ReplayErrors.notFound(id);
  const bot = await p.store.bots.byId(row.bot_id);
  if (!bot) throw ReplayErrors.botGone(row.bot_id);
  const url = currentHandler(bot, row.event, row.url);
  // Signed afresh, as any attempt is, when the bot asked for signatures.
  const options = await deliveryOptionsForBot(p, row.bot_id);
  const headers = options?.hmacSecret ? signatureHeaders(options.hmacSecret, row.payload) : undefined;
  const result = await console.deliver(row, p.config.deliveryTimeoutMs, url, true, headers);
  await p.store.events.updateDelivery(row.id, {
    status: result.ok ? 'done' : 'failed',
    attempts: row.attempts + 1,
    response_status: result.status,
    response_excerpt: result.responseExcerpt,
    latency_ms: result.latencyMs,
    error: result.error ?? '',
    delivered_at: isoDate(),
  });
  return { deliveryId: row.id, url, ...result };
}
