import { z } from 'zod';
import { sendBotContext } from '../domain/messenger/bot-context.js';
import { canRead, resolveDialog } from '../domain/messenger/chats.js';
import { MessageAccess } from '../domain/messenger/reads.js';
import { withEvents } from '../events/pipeline.js';
import { ApiError } from '../domain/errors.js';
import { defineV2 } from './v2-common.js';

/**
 * im.v2.Chat.Bot.sendContext (imbot.v2/bot-context.md, "The same request is available via REST"):
 * what the messenger sends when a dialog is opened with a BOT_CONTEXT, so a developer can replay it.
 * Every bot in the dialog gets ONIMBOTV2CONTEXTGET; a dialog without bots is BOT_CONTEXT_ERROR.
 */
export const chatBotSendContext = defineV2({
  scope: 'im',
  name: 'im.v2.Chat.Bot.sendContext',
  docs: 'api-reference/chat-bots/chat-bots-v2/imbot.v2/bot-context.md',
  params: z.object({ dialogId: z.unknown().optional(), context: z.unknown().optional() }).passthrough(),
  async handler(ctx, p) {
    const userId = ctx.auth.userId;
    // `array $context`: the controller binds only an array (a JSON object or list, or form `context[key]=…`).
    if (p.context === undefined || p.context === null) throw new ApiError('100', 'Could not find value for parameter {context}', { error: 100 });
    if (typeof p.context !== 'object') {
      throw new ApiError('100', `Invalid value ${JSON.stringify(p.context)} to match with parameter {context}. Should be value of type array.`, { error: 100 });
    }
    const context = p.context as Record<string, unknown>;
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await resolveDialog(tx, emit, userId, p.dialogId);
      if (!(await canRead(tx, chat, userId))) throw MessageAccess.chatDenied();
      await sendBotContext(tx, emit, chat, userId, context);
      return { result: true };
    });
  },
});

export const imChatBotMethods = [chatBotSendContext];
