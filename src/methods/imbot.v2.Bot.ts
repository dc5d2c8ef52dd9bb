import { z } from 'zod';
import { findBot, listBots, registerBot, unregisterBot, updateBot } from '../domain/bots/bots.js';
import { ownerHash, ownerKey } from '../domain/bots/owner.js';
import { withEvents } from '../events/pipeline.js';
import { botView } from '../format/bot.js';
import { userView } from '../format/user.js';
import { botAuthShape, defineV2, ownedBot } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/bots';

/** Parameters are read key by key by the domain (camelCase or UPPER_SNAKE, `[]` as `{}`). */
const anyParams = z.object({ ...botAuthShape }).passthrough();

export const botRegister = defineV2({
  name: 'imbot.v2.Bot.register',
  docs: `${DOCS}/bot-register.md`,
  params: anyParams,
  async handler(ctx, p) {
    const { bot, user } = await registerBot(ctx.platform, ctx.auth, p);
    return { bot: botView(bot, true), users: [userView(user)] };
  },
});

export const botUpdate = defineV2({
  name: 'imbot.v2.Bot.update',
  docs: `${DOCS}/bot-update.md`,
  params: anyParams,
  async handler(ctx, p) {
    const { bot, key } = await ownedBot(ctx, p);
    const fields = (p.fields ?? p.FIELDS) as Record<string, unknown> | undefined;
    const updated = await updateBot(ctx.platform, bot, key, fields && typeof fields === 'object' ? fields : undefined);
    return { bot: botView(updated.bot, true), users: [userView(updated.user)] };
  },
});

export const botGet = defineV2({
  name: 'imbot.v2.Bot.get',
  docs: `${DOCS}/bot-get.md`,
  params: anyParams,
  async handler(ctx, p) {
    const key = ownerKey(ctx.auth, p);
    const bot = await findBot(ctx.platform.store, p);
    const user = await ctx.platform.store.users.byId(bot.id);
    return { bot: botView(bot, bot.owner_hash === ownerHash(key)), users: user ? [userView(user)] : [] };
  },
});

export const botList = defineV2({
  name: 'imbot.v2.Bot.list',
  docs: `${DOCS}/bot-list.md`,
  params: anyParams,
  async handler(ctx, p) {
    const key = ownerKey(ctx.auth, p);
    const { bots, hasNextPage } = await listBots(ctx.platform.store, key, p);
    return { bots: bots.map((b) => botView(b.bot, true)), users: bots.map((b) => userView(b.user)), hasNextPage };
  },
});

export const botUnregister = defineV2({
  name: 'imbot.v2.Bot.unregister',
  docs: `${DOCS}/bot-unregister.md`,
  params: anyParams,
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    await withEvents(ctx.platform, (tx, emit) => unregisterBot(tx, emit, bot));
    return { result: true };
  },
});

export const botMethods = [botRegister, botUpdate, botGet, botList, botUnregister];
