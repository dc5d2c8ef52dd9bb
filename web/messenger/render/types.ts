/**
 * The message as the web client receives it: one entry of `im.dialog.messages.get` → `messages[]`
 * (src/format/message.ts imMessageView). `params` is PHP's empty array `[]` when the message has none.
 * Keyboard, menu and attach are stored already validated (src/domain/messenger/{keyboard,attach}.ts),
 * but the renderer re-checks every URL and colour: the JSON may come from anywhere (raw view, live events).
 */
export interface StoredMessage {
  id: number;
  chat_id: number;
  /** 0 for system messages (Bitrix24 reports them without an author). */
  author_id: number;
  date: string;
  text: string;
  unread?: boolean;
  uuid?: string | null;
  replaces?: unknown[];
  params: MessageParams | unknown[];
  disappearing_date?: string | null;
  /** Set by the client when it knows better than `author_id` (e.g. a live event's `isSystem`). */
  system?: boolean;
}

export type YN = 'Y' | 'N';

export interface MessageParams {
  ATTACH?: AttachConfig[];
  KEYBOARD?: KeyboardItem[] | 'N';
  MENU?: MenuItem[] | 'N';
  IS_EDITED?: YN;
  IS_DELETED?: YN;
  FILE_ID?: number[];
  REPLY_ID?: number;
  [key: string]: unknown;
}

export type ColorToken = 'primary' | 'secondary' | 'alert' | 'base';

/** What keyboard buttons and menu items share: label, link, app, action or command, visibility. */
interface ActionItem {
  BOT_ID?: number;
  TEXT?: string;
  LINK?: string;
  APP_ID?: number;
  APP_PARAMS?: string;
  ACTION?: string;
  ACTION_VALUE?: string;
  COMMAND?: string;
  COMMAND_PARAMS?: string;
  CONTEXT?: 'ALL' | 'MOBILE' | 'DESKTOP';
  DISABLED?: YN;
}

/** A stored keyboard entry: a button, or `{TYPE:'NEWLINE'}`. Keyboard LINKs are stored HTML-escaped. */
export interface KeyboardItem extends ActionItem {
  TYPE?: 'BUTTON' | 'NEWLINE';
  VOTE?: YN;
  BLOCK?: YN;
  WAIT?: YN;
  DISPLAY?: 'BLOCK' | 'LINE';
  WIDTH?: number;
  BG_COLOR?: string;
  BG_COLOR_TOKEN?: ColorToken;
  TEXT_COLOR?: string;
  OFF_BG_COLOR?: string;
  OFF_TEXT_COLOR?: string;
}

/** A stored context-menu item; TEXT and LINK are stored HTML-escaped. */
export type MenuItem = ActionItem;

export interface AttachConfig {
  ID?: number;
  COLOR?: string;
  COLOR_TOKEN?: ColorToken;
  DESCRIPTION?: string;
  BLOCKS: AttachBlock[];
}

export interface AttachUser {
  NAME: string;
  AVATAR?: string;
  AVATAR_TYPE?: 'USER' | 'CHAT' | 'BOT';
  LINK?: string;
  USER_ID?: number;
  CHAT_ID?: number;
  BOT_ID?: number;
  NETWORK_ID?: string;
}

export interface AttachLink {
  NAME?: string;
  LINK?: string;
  DESC?: string;
  HTML?: string;
  PREVIEW?: string;
  WIDTH?: number;
  HEIGHT?: number;
  USER_ID?: number;
  CHAT_ID?: number;
  NETWORK_ID?: string;
}

export interface AttachRichLink extends AttachLink {
  PREVIEW_SIZE?: { WIDTH?: number; HEIGHT?: number };
  EXTRA_IMAGE?: string;
}

export type GridDisplay = 'BLOCK' | 'LINE' | 'ROW' | 'TABLE';

export interface AttachGridItem {
  DISPLAY: GridDisplay | string;
  NAME?: string;
  VALUE?: string;
  WIDTH?: number;
  HEIGHT?: number;
  COLOR?: string;
  COLOR_TOKEN?: ColorToken;
  LINK?: string;
  USER_ID?: number;
  CHAT_ID?: number;
}

export interface AttachImage {
  NAME?: string;
  LINK: string;
  PREVIEW?: string;
  WIDTH?: number;
  HEIGHT?: number;
}

export interface AttachFile {
  NAME?: string;
  LINK: string;
  SIZE?: number;
}

export interface AttachDelimiter {
  SIZE?: number;
  COLOR?: string;
}

export type AttachBlock =
  | { USER: AttachUser[] }
  | { LINK: AttachLink[] }
  | { RICH_LINK: AttachRichLink[] }
  | { MESSAGE: string }
  | { GRID: AttachGridItem[] }
  | { IMAGE: AttachImage[] }
  | { FILE: AttachFile[] }
  | { DELIMITER: AttachDelimiter };

export type ClientAction = 'PUT' | 'SEND' | 'COPY' | 'CALL' | 'DIALOG';

/** Where a command was pressed; the ONIMBOTV2COMMANDADD `command.context` (message-keyboards.md). */
export type CommandContext = 'keyboard' | 'menu';

export interface UserRef {
  id: number;
  name: string;
  avatar?: string;
}

export interface ChatRef {
  id: number;
  name: string;
}

/** What the BB-code renderer needs from the page; every field optional so previews can pass `{}`. */
export interface RenderContext {
  users?: Record<number, UserRef>;
  chats?: Record<number, ChatRef>;
  onAction?(action: ClientAction, value: string, extra?: { messageId?: number }): void;
  onOpenLink?(url: string): void;
  /** IANA zone for `[timestamp]`; the browser's own when absent. */
  timeZone?: string;
  locale?: string;
}
