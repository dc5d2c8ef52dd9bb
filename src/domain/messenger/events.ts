/**
 * What happened in the messenger, as plain data. Domain functions report these through `emit`; the
 * events layer decides which bots (and, through the im.v2 feed and the live bus, which people) hear
 * about them and in which format.
 */
export type DomainEvent =
  | { kind: 'message.added'; chatId: number; messageId: number; authorId: number; skipCommands?: boolean }
  | { kind: 'message.updated'; chatId: number; messageId: number; authorId: number }
  | { kind: 'message.deleted'; chatId: number; messageId: number; authorId: number; snapshot: import('../../store/repos/messages.js').MessageRow }
  | { kind: 'chat.joined'; chatId: number; userIds: number[]; byUserId: number }
  /** Members left or were removed (Chat.leave, Chat.User.delete, im.chat.user.delete…). */
  | { kind: 'chat.left'; chatId: number; userIds: number[]; byUserId: number }
  /** Title, description, colour, avatar, owner, managers or the text field changed; `fields` names what. */
  | { kind: 'chat.updated'; chatId: number; byUserId: number; fields: string[] }
  /** A member read the chat up to `lastMessageId` (Chat.Message.read, im.dialog.read…). */
  | { kind: 'chat.read'; chatId: number; userId: number; lastMessageId: number }
  /** A reaction was put on or taken off a message. */
  | { kind: 'reaction.changed'; chatId: number; messageId: number; userId: number; reaction: string; action: 'add' | 'delete' }
  /** Ephemeral: someone is typing (or another input action) for `duration` seconds; never stored. */
  | { kind: 'chat.inputAction'; chatId: number; userId: number; action: string; duration: number; statusMessageCode?: string | null }
  /** A person opened a dialog with the bot carrying a BOT_CONTEXT payload (ONIMBOTV2CONTEXTGET). */
  | { kind: 'bot.contextGet'; chatId: number; botId: number; userId: number; context: unknown }
  | { kind: 'command.pressed'; chatId: number; messageId: number; userId: number; botId: number; commandId: number; params: string }
  | { kind: 'bot.deleted'; bot: import('../../store/repos/bots.js').BotRow; byUserId?: number };

export type Emit = (e: DomainEvent) => void;
