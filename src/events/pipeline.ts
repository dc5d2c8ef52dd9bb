import type { DomainEvent, Emit } from '../domain/messenger/events.js';
import type { Platform } from '../domain/platform.js';
import type { DeliveryRow } from '../store/repos/events.js';
import type { Store } from '../store/store.js';
import { isoDate, unixNow } from '../util/time.js';
import { type BotEvent, botEventsFor } from './routing.js';
import { userFeedRows } from './user-feed.js';
import { v1Posts } from './v1-payloads.js';
import { fullBotObject, v2EventData, webhookBotBlock, webhookTopAuth } from './v2-payloads.js';
import { webhookBody } from './webhook-form.js';

/**
 * Runs a messenger change in one transaction together with the events it causes: fetch-mode bots get
 * their queue rows and webhook-mode bots their outbox rows in that same transaction (nothing is lost
 * if the process dies after the call returns); webhooks are posted after the commit, off the request path.
 */
export async function withEvents<T>(p: Platform, fn: (tx: Store, emit: Emit) => Promise<T>): Promise<T> {
  // Bots and people that got fetch-queue rows: their held long polls are woken after the commit.
  const queuedFor = new Set<number>();
  const { result, deliveries, events } = await p.store.transaction(async (tx) => {
    const events: DomainEvent[] = [];
    const result = await fn(tx, (e) => events.push(e));
    const deliveries = await recordBotEvents(p, tx, events, queuedFor);
    return { result, deliveries, events };
  });
  if (queuedFor.size) p.waiters?.wake(queuedFor);
  if (deliveries.length) p.dispatcher?.post(deliveries);
  p.live.publish(events);
  return result;
}

/** Seconds a slash command lets its bot answer in the chat it came from (Bot\Token, 10 minutes). */
export const COMMAND_ANSWER_TTL = 600;

/**
 * Records the bot events of `events` (fetch-queue rows, webhook outbox rows, the im.v2 feed) and returns
 * the outbox rows as stored, so that the dispatcher posts them without reading them back.
 */
async function recordBotEvents(p: Platform, tx: Store, events: DomainEvent[], queuedFor: Set<number>): Promise<DeliveryRow[]> {
  const queue = [];
  const outbox = [];
  const now = isoDate();
  for (const e of events) {
    const v1: BotEvent[] = [];
    for (const ev of await botEventsFor(tx, e)) {
      // A command lets its bot answer in that chat for 10 minutes (Command::onCommandAdd → Bot\Token::add).
      if (ev.type === 'COMMANDADD' && 'chatId' in e) await tx.commands.grantAnswer(ev.bot.id, e.chatId, unixNow() + COMMAND_ANSWER_TTL, unixNow());
      if (ev.bot.api === 'v1') v1.push(ev); // v1 bots receive v1 events (imbot v1 API), batched below
      if (ev.bot.api !== 'v2') continue;
      const type = `ONIMBOTV2${ev.type}`;
      const data = await v2EventData(tx, ev);
      if (!data) continue;
      if (ev.bot.event_mode === 'fetch') {
        if (ev.type === 'DELETE') continue; // the bot's queue is dropped with it
        queue.push({ bot_id: ev.bot.id, type, data: JSON.stringify({ bot: fullBotObject(ev), ...data }), created_at: now, created_ts: unixNow() });
      } else if (ev.bot.webhook_url) {
        const payload = {
          event: type,
          event_handler_id: ev.bot.id,
          data: { bot: await webhookBotBlock(p, tx, ev), ...data },
          ts: unixNow(),
          auth: await webhookTopAuth(p, tx, ev),
        };
        outbox.push({ bot_id: ev.bot.id, event: type, url: ev.bot.webhook_url, payload: webhookBody(payload), created_at: now });
      }
    }
    for (const post of await v1Posts(p, tx, e, v1)) {
      outbox.push({ bot_id: post.botId, event: post.event, url: post.url, payload: webhookBody(post.payload), created_at: now });
    }
    // The im.v2 feed of subscribed people (ONIMV2*), in the same transaction as the change.
    queue.push(...(await userFeedRows(tx, e, now, unixNow())));
  }
  await tx.events.enqueue(queue);
  for (const row of queue) queuedFor.add(row.bot_id);
  const deliveryIds = await tx.events.addDeliveries(outbox);
  p.observer?.queued(queue, outbox, deliveryIds);
  return outbox.map((o, i) => ({
    ...o,
    id: deliveryIds[i],
    status: 'pending',
    attempts: 0,
    response_status: null,
    response_excerpt: '',
    latency_ms: null,
    error: '',
    delivered_at: null,
    next_attempt_at: null,
  }));
}
