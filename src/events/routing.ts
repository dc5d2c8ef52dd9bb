import type { DomainEvent } from '../domain/messenger/events.js';
import { mentionedUserIds, slashCommands } from '../domain/messenger/text.js';
import type { BotRow } from '../store/repos/bots.js';
import type { Store } from '../store/store.js';

/** One event for one bot. `command` is set for COMMANDADD. */
export interface BotEvent {
  bot: BotRow;
  type: 'MESSAGEADD' | 'MESSAGEUPDATE' | 'MESSAGEDELETE' | 'JOINCHAT' | 'DELETE' | 'COMMANDADD' | 'REACTIONCHANGE' | 'CONTEXTGET';
  source: DomainEvent;
  command?: { id: number; command: string; params: string; context: 'textarea' | 'keyboard' | 'menu' };
}

const ALWAYS_HEAR = new Set(['supervisor', 'personal']);

/**
 * Which bots hear about a message (Bot::getBotsForMessage): never for messages written by bots;
 * in a private chat the bot in it; in a group chat the member bots mentioned with [USER=id] plus
 * every member bot of type supervisor/personal; in open-line chats only bots supporting open lines.
 */
async function messageAudience(store: Store, chatId: number, authorId: number, text: string): Promise<BotRow[]> {
  const author = await store.users.byId(authorId);
  if (!author || author.external_auth_id === 'bot') return [];
  const chat = await store.chats.byId(chatId);
  if (!chat) return [];
  const members = await store.chats.members(chatId);
  const bots = await store.bots.byIds(members.map((m) => m.user_id).filter((id) => id !== authorId));
  if (chat.type === 'P') return bots;
  if (chat.entity_type === 'LINES') return bots.filter((b) => b.is_support_openline);
  const mentioned = new Set(mentionedUserIds(text));
  return bots.filter((b) => mentioned.has(b.id) || ALWAYS_HEAR.has(b.type));
}

type CommandMatch = NonNullable<BotEvent['command']> & { bot: BotRow };

/** Slash commands in a human's message that a bot may answer here (Command::onCommandAdd). */
async function matchedCommands(store: Store, chatId: number, authorId: number, text: string): Promise<CommandMatch[]> {
  const found = slashCommands(text);
  if (!found.length) return [];
  const members = new Set((await store.chats.members(chatId)).map((m) => m.user_id));
  const seen = new Set<string>();
  const out: CommandMatch[] = [];
  for (const { command, params } of found) {
    for (const cmd of await store.commands.named(command)) {
      if (!cmd.common && !members.has(cmd.bot_id)) continue;
      const key = `${cmd.id}|${params}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const bot = await store.bots.byId(cmd.bot_id);
      if (bot && bot.id !== authorId) out.push({ id: cmd.id, command: `/${cmd.command}`, params, context: 'textarea', bot });
    }
  }
  return out;
}

export async function botEventsFor(store: Store, e: DomainEvent): Promise<BotEvent[]> {
  switch (e.kind) {
    case 'message.added': {
      // Bots' own messages (most of the traffic) are settled before the message is read.
      const author = await store.users.byId(e.authorId);
      if (!author || author.external_auth_id === 'bot') return [];
      const message = await store.messages.byId(e.messageId);
      if (!message) return [];
      if (!e.skipCommands && !message.is_system) {
        const commands = await matchedCommands(store, e.chatId, e.authorId, message.text);
        if (commands.length) {
          return commands.map(({ bot, ...command }) => ({ bot, type: 'COMMANDADD' as const, source: e, command }));
        }
      }
      return (await messageAudience(store, e.chatId, e.authorId, message.text)).map((bot) => ({ bot, type: 'MESSAGEADD' as const, source: e }));
    }
    case 'message.updated': {
      const message = await store.messages.byId(e.messageId);
      if (!message) return [];
      return (await messageAudience(store, e.chatId, e.authorId, message.text)).map((bot) => ({ bot, type: 'MESSAGEUPDATE' as const, source: e }));
    }
    case 'message.deleted':
      return (await messageAudience(store, e.chatId, e.authorId, e.snapshot.text)).map((bot) => ({ bot, type: 'MESSAGEDELETE' as const, source: e }));
    case 'chat.joined':
      return (await store.bots.byIds(e.userIds)).map((bot) => ({ bot, type: 'JOINCHAT' as const, source: e }));
    case 'command.pressed': {
      const bot = await store.bots.byId(e.botId);
      const cmd = await store.commands.byId(e.commandId);
      if (!bot || !cmd) return [];
      return [{ bot, type: 'COMMANDADD', source: e, command: { id: cmd.id, command: `/${cmd.command}`, params: e.params, context: 'keyboard' } }];
    }
    case 'bot.deleted':
      return [{ bot: e.bot, type: 'DELETE', source: e }];
    case 'reaction.changed': {
      // Only the bot that wrote the message hears, and only with reactions enabled (Bot::onReactionChange);
      // v1 has no reaction event, so v1 bots hear nothing.
      const message = await store.messages.byId(e.messageId);
      const bot = message ? await store.bots.byId(message.author_id) : undefined;
      if (!bot || bot.api !== 'v2' || !bot.is_reactions_enabled) return [];
      return [{ bot, type: 'REACTIONCHANGE', source: e }];
    }
    case 'bot.contextGet': {
      const bot = await store.bots.byId(e.botId);
      return bot ? [{ bot, type: 'CONTEXTGET', source: e }] : [];
    }
    default:
      // Reads, chat changes and input actions raise no bot event.
      return [];
  }
}
