import { z } from 'zod';
import { isoDate } from '../util/time.js';
import { pollQueue } from './event-poll.js';
import { defineV2 } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/im.v2/events';

/** im.v2.* are controller actions of scope `im` (every error a 400); they act for the calling user. */
const defineImV2: typeof defineV2 = (def) => defineV2({ scope: 'im', ...def });

/**
 * im.v2.Event.subscribe: starts recording the caller's ONIMV2* events (SubscriptionService::subscribe).
 * Idempotent.
 */
export const subscribe = defineImV2({
  name: 'im.v2.Event.subscribe',
  docs: `${DOCS}/event-subscribe.md`,
  params: z.object({}).passthrough(),
  async handler(ctx) {
    await ctx.platform.store.feedSubscriptions.subscribe(ctx.auth.userId, isoDate());
    return true;
  },
});

/**
 * im.v2.Event.unsubscribe: stops recording. Events already recorded stay readable until acknowledged
 * or 24 h old, as event-unsubscribe.md says (the PHP source deletes them; the docs win).
 */
export const unsubscribe = defineImV2({
  name: 'im.v2.Event.unsubscribe',
  docs: `${DOCS}/event-unsubscribe.md`,
  params: z.object({}).passthrough(),
  async handler(ctx) {
    await ctx.platform.store.feedSubscriptions.unsubscribe(ctx.auth.userId);
    return true;
  },
});

/** im.v2.Event.get: the caller's feed, paged and acknowledged like imbot.v2.Event.get (no errors of its own). */
export const get = defineImV2({
  name: 'im.v2.Event.get',
  docs: `${DOCS}/event-get.md`,
  params: z.object({}).passthrough(),
  holds: true,
  handler: (ctx, p) => pollQueue(ctx, [ctx.auth.userId], p),
});

export const userEventMethods = [subscribe, unsubscribe, get];
