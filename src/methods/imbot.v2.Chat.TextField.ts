import { z } from 'zod';
import { withEvents } from '../events/pipeline.js';
import { botAuthShape, botMemberChat, defineV2, ownedBot, v2bool } from './v2-common.js';

/**
 * imbot.v2.Chat.TextField.enabled (imbot.v2/ui/chat-text-field-enabled.md): turns the chat's text input
 * on or off for everyone in it. Stored on the chat (Chat.textFieldEnabled); a change is a chat update.
 */
export const chatTextFieldEnabled = defineV2({
  name: 'imbot.v2.Chat.TextField.enabled',
  docs: 'api-reference/chat-bots/chat-bots-v2/imbot.v2/ui/chat-text-field-enabled.md',
  params: z.object({ ...botAuthShape, dialogId: z.unknown().optional() }).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    // `$enabled = 'Y'`: absent means enable.
    const enabled = v2bool(p.enabled ?? 'Y');
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await botMemberChat(tx, emit, bot.id, p.dialogId);
      if (!!chat.text_field_enabled !== enabled) {
        await tx.chats.update(chat.id, { text_field_enabled: enabled ? 1 : 0 });
        emit({ kind: 'chat.updated', chatId: chat.id, byUserId: bot.id, fields: ['textFieldEnabled'] });
      }
      return { result: true };
    });
  },
});

export const chatTextFieldMethods = [chatTextFieldEnabled];
