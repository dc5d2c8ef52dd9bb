import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { scopeGranted } from '../domain/scopes.js';
import { botAuthShape, defineV2, intArg, ownedBot, phpBool } from './v2-common.js';

export const EventErrors = {
  scope: () => new ApiError('SCOPE_ERROR', 'Scope error'),
  auth: () => new ApiError('AUTH_ERROR', 'Auth error'),
  notSubscribed: () => new ApiError('USER_NOT_SUBSCRIBED', 'User not subscribed'),
};

/**
 * imbot.v2.Event.get (EventService::fetchEventsForRest): `offset > 0` first acknowledges (deletes)
 * the bot's events below it; then up to `limit` (1..1000, default 100) events with id >= offset,
 * oldest first. `nextOffset` = max(offset, last id + 1), `hasMore` = a full page came back.
 */
export const eventGet = defineV2({
  name: 'imbot.v2.Event.get',
  docs: 'api-reference/chat-bots/chat-bots-v2/imbot.v2/events/event-get.md',
  params: z.object(botAuthShape).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const offset = intArg(p, 'offset', 0);
    const limit = Math.min(1000, Math.max(1, intArg(p, 'limit', 100)));
    // A PHP `bool` argument: any non-empty string but "0" is true ("N" included).
    if (p.withUserEvents !== undefined && phpBool(p.withUserEvents)) {
      if (!scopeGranted('im', ctx.auth.scopes)) throw EventErrors.scope();
      if (!(ctx.auth.userId > 0)) throw EventErrors.auth();
      // User events (ONIMV2*) need im.v2.Event.subscribe, which this server does not offer yet.
      throw EventErrors.notSubscribed();
    }
    const store = ctx.platform.store;
    const rows = await store.transaction(async (tx) => {
      if (offset > 0) await tx.events.acknowledge([bot.id], offset);
      return tx.events.read([bot.id], Math.max(0, offset), limit);
    });
    let nextOffset = offset;
    const events = rows.map((r) => {
      nextOffset = Math.max(nextOffset, r.id + 1);
      return { eventId: r.id, type: r.type, date: r.created_at, data: JSON.parse(r.data) as unknown };
    });
    return { events, nextOffset, hasMore: rows.length >= limit };
  },
});

export const botEventMethods = [eventGet];
