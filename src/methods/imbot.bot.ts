import { registerV1Bot, unregisterBot, updateV1Bot } from '../domain/bots/bots.js';
import { requireV1Bot, v1OwnerKey } from '../domain/bots/owner.js';
import { fullName } from '../domain/users.js';
import { withEvents } from '../events/pipeline.js';
import { defineImbot } from './im-common.js';

const DOCS = 'api-reference/chat-bots/outdated/bots';

type Params = Record<string, unknown>;

/**
 * imbot v1 bot methods (im_rest.php botRegister / botUnRegister / botUpdate / botList): scope imbot,
 * top-level names case-insensitive, nested keys upper case; 403 ACCESS_DENIED "Client ID not specified"
 * for a webhook call without CLIENT_ID, every other error a 400.
 */
export const imbotRegister = defineImbot({
  name: 'imbot.register',
  session: false,
  docs: `${DOCS}/imbot-register.md`,
  // The result is the bot id itself (the example bot reads $result['result']).
  handler: (ctx, p: Params) => registerV1Bot(ctx.platform, ctx.auth, p, v1OwnerKey(ctx.auth, p)),
});

export const imbotUnregister = defineImbot({
  name: 'imbot.unregister',
  session: false,
  docs: `${DOCS}/imbot-unregister.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    const bot = await requireV1Bot(ctx.platform.store, key, p.BOT_ID);
    // ONIMBOTDELETE goes out while the bot still exists (Bot::unRegister).
    await withEvents(ctx.platform, (tx, emit) => unregisterBot(tx, emit, bot, ctx.auth.userId));
    return true;
  },
});

export const imbotUpdate = defineImbot({
  name: 'imbot.update',
  session: false,
  docs: `${DOCS}/imbot-update.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    const bot = await requireV1Bot(ctx.platform.store, key, p.BOT_ID);
    await updateV1Bot(ctx.platform, ctx.auth, p, bot);
    return true;
  },
});

/** imbot.bot.list: every bot of the portal (network bots excepted), keyed by id; `[]` when there is none. */
export const imbotBotList = defineImbot({
  name: 'imbot.bot.list',
  session: false,
  docs: `${DOCS}/imbot-bot-list.md`,
  async handler(ctx) {
    const store = ctx.platform.store;
    const result: Record<string, unknown> = {};
    for (const bot of await store.bots.all()) {
      if (bot.type === 'network') continue;
      const user = await store.users.byId(bot.id);
      result[bot.id] = { ID: bot.id, NAME: user ? fullName(user) : '', CODE: bot.code, OPENLINE: bot.is_support_openline ? 'Y' : 'N' };
    }
    return Object.keys(result).length ? result : [];
  },
});

export const imbotBotMethods = [imbotRegister, imbotUnregister, imbotUpdate, imbotBotList];
