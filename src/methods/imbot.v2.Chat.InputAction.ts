import { z } from 'zod';
import { notifyInputAction } from '../domain/messenger/input-actions.js';
import { withEvents } from '../events/pipeline.js';
import { botAuthShape, botMemberChat, defineV2, intArg, ownedBot, stringArg } from './v2-common.js';

/**
 * imbot.v2.Chat.InputAction.notify (imbot.v2/ui/chat-input-action-notify.md): the bot's "typing" or
 * agent-status indicator in a chat it is a member of. Unknown status codes show the plain indicator and
 * durations outside 1–600 s are clamped, as on the platform; nothing is stored.
 */
export const chatInputActionNotify = defineV2({
  name: 'imbot.v2.Chat.InputAction.notify',
  docs: 'api-reference/chat-bots/chat-bots-v2/imbot.v2/ui/chat-input-action-notify.md',
  params: z.object({ ...botAuthShape, dialogId: z.unknown().optional() }).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const statusMessageCode = p.statusMessageCode === undefined || p.statusMessageCode === null ? null : stringArg(p, 'statusMessageCode');
    const duration = p.duration === undefined || p.duration === null ? null : intArg(p, 'duration');
    // Opening a private dialog may create it (and tell its bot), so the lookup runs with events.
    const chat = await withEvents(ctx.platform, (tx, emit) => botMemberChat(tx, emit, bot.id, p.dialogId));
    notifyInputAction(ctx.platform, { chatId: chat.id, userId: bot.id, statusMessageCode, duration });
    return { result: true };
  },
});

export const chatInputActionMethods = [chatInputActionNotify];
