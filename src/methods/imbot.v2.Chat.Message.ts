import { z } from 'zod';
import { requireMember, resolveDialog } from '../domain/messenger/chats.js';
import { addMessage } from '../domain/messenger/messages.js';
import { withEvents } from '../events/pipeline.js';
import { fieldsObject, flag, int } from './params.js';
import { botAuthShape, defineV2, field, ownedBot } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/messages';

const asBool = (v: unknown) => (v === undefined ? undefined : flag().parse(v));

export const chatMessageSend = defineV2({
  name: 'imbot.v2.Chat.Message.send',
  docs: `${DOCS}/chat-message-send.md`,
  params: z.object({ ...botAuthShape, dialogId: z.unknown().optional(), fields: fieldsObject().optional() }).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const f = p.fields as Record<string, unknown> | undefined;
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await resolveDialog(tx, emit, bot.id, p.dialogId);
      await requireMember(tx, chat.id, bot.id);
      const replyId = field(f, 'replyId');
      const message = await addMessage(tx, emit, {
        chat,
        authorId: bot.id,
        text: field(f, 'message') ?? '',
        attach: field(f, 'attach'),
        keyboard: field(f, 'keyboard'),
        menu: field(f, 'menu'),
        system: asBool(field(f, 'system')),
        urlPreview: asBool(field(f, 'urlPreview')),
        replyId: replyId === undefined || replyId === '' ? undefined : int().parse(replyId),
        templateId: field<string>(f, 'templateId') || undefined,
      });
      await tx.bots.bump(bot.id, 'count_message');
      return { id: message.id, uuidMap: {} };
    });
  },
});

export const chatMessageMethods = [chatMessageSend];
