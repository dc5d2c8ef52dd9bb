/**
 * What happened in the messenger, as plain data. Domain functions report these through `emit`; the
 * events layer decides which bots hear about them and in which format.
 */
export type DomainEvent =
  | { kind: 'message.added'; chatId: number; messageId: number; authorId: number; skipCommands?: boolean }
  | { kind: 'message.updated'; chatId: number; messageId: number; authorId: number }
  | { kind: 'message.deleted'; chatId: number; messageId: number; authorId: number; snapshot: import('../../store/repos/messages.js').MessageRow }
  | { kind: 'chat.joined'; chatId: number; userIds: number[]; byUserId: number }
  | { kind: 'command.pressed'; chatId: number; messageId: number; userId: number; botId: number; commandId: number; params: string }
  | { kind: 'bot.deleted'; bot: import('../../store/repos/bots.js').BotRow; byUserId?: number };

export type Emit = (e: DomainEvent) => void;
