import { z } from 'zod';
import { addReaction, deleteReaction, reactionCode, Reactions } from '../domain/messenger/reactions.js';
import { MessageAccess, messageForReader } from '../domain/messenger/reads.js';
import { withEvents } from '../events/pipeline.js';
import { botAuthShape, defineV2, intArg, ownedBot, stringArg } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/messages';

/**
 * Reaction.add / Reaction.delete share everything but the change itself (imbot V2 Chat\Message\Reaction):
 * the bot's ownership, the message the bot can see (MESSAGE_NOT_FOUND, ACCESS_DENIED when the bot is not
 * in its chat), then the code (REACTION_NOT_FOUND for one the platform does not know).
 */
function reactionMethod(name: string, page: string, change: typeof addReaction) {
  return defineV2({
    name,
    docs: `${DOCS}/${page}`,
    params: z.object(botAuthShape).passthrough(),
    async handler(ctx, p) {
      const { bot } = await ownedBot(ctx, p);
      const messageId = intArg(p, 'messageId');
      const reaction = stringArg(p, 'reaction');
      return withEvents(ctx.platform, async (tx, emit) => {
        const message = await messageForReader(tx, bot.id, messageId, MessageAccess.chatDenied);
        const code = reactionCode(reaction);
        if (!code) throw Reactions.notFound();
        await change(tx, emit, message, bot.id, code);
        return { result: true };
      });
    },
  });
}

export const chatMessageReactionAdd = reactionMethod('imbot.v2.Chat.Message.Reaction.add', 'chat-message-reaction-add.md', addReaction);
export const chatMessageReactionDelete = reactionMethod('imbot.v2.Chat.Message.Reaction.delete', 'chat-message-reaction-delete.md', deleteReaction);

export const chatMessageReactionMethods = [chatMessageReactionAdd, chatMessageReactionDelete];
