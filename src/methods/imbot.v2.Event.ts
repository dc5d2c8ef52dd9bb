import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { scopeGranted } from '../domain/scopes.js';
import { pollQueue } from './event-poll.js';
import { botAuthShape, defineV2, ownedBot, phpBool } from './v2-common.js';

export const EventErrors = {
  scope: () => new ApiError('SCOPE_ERROR', 'Scope error'),
  auth: () => new ApiError('AUTH_ERROR', 'Auth error'),
  notSubscribed: () => new ApiError('USER_NOT_SUBSCRIBED', 'User not subscribed'),
};

/**
 * imbot.v2.Event.get: the bot's fetch queue (see pollQueue). With `withUserEvents` the calling user's
 * im.v2 feed is merged in: same global ids, so one `offset` acknowledges both (event-get.md
 * "Retrieving Bot and User Events"); that needs the `im` scope and an im.v2.Event.subscribe.
 */
export const eventGet = defineV2({
  name: 'imbot.v2.Event.get',
  docs: 'api-reference/chat-bots/chat-bots-v2/imbot.v2/events/event-get.md',
  params: z.object(botAuthShape).passthrough(),
  holds: true,
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const recipients = [bot.id];
    // A PHP `bool` argument: any non-empty string but "0" is true ("N" included).
    if (p.withUserEvents !== undefined && phpBool(p.withUserEvents)) {
      if (!scopeGranted('im', ctx.auth.scopes)) throw EventErrors.scope();
      const userId = ctx.auth.userId;
      if (!(userId > 0)) throw EventErrors.auth();
      if (!(await ctx.platform.store.feedSubscriptions.isSubscribed(userId))) throw EventErrors.notSubscribed();
      recipients.push(userId);
    }
    return pollQueue(ctx, recipients, p);
  },
});

export const botEventMethods = [eventGet];
