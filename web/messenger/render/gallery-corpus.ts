import type { AttachBlock, AttachConfig, KeyboardItem, MenuItem, MessageParams, StoredMessage } from './types.js';

/**
 * The documented examples (message-formatting.md, message-keyboards.md, attachments/**, menu.md) in the
 * shape im.dialog.messages.get returns them after the server stored them. Used by the render tests and
 * the gallery screenshot (scripts/render-gallery.mjs).
 */
export const BOT_ID = 456;
export const USER_ID = 1;

export const USERS = {
  1: { id: 1, name: 'John Smith' },
  5: { id: 5, name: 'Anna Lee' },
  456: { id: 456, name: 'Support Bot' },
};
export const CHATS = { 456: { id: 456, name: 'Release team' } };

let nextId = 100;
export function message(text: string, params: MessageParams = {}, authorId = BOT_ID): StoredMessage {
  const id = nextId++;
  return {
    id,
    chat_id: 7,
    author_id: authorId,
    date: '2026-11-22T10:00:00+00:00',
    text,
    unread: false,
    uuid: null,
    replaces: [],
    params: Object.keys(params).length ? params : [],
    disappearing_date: null,
  };
}

/** A stored button: the defaults keyboard.ts fills in. */
export function button(b: Partial<KeyboardItem>): KeyboardItem {
  return { BOT_ID, TYPE: 'BUTTON', VOTE: 'N', BLOCK: 'N', WAIT: 'N', CONTEXT: 'ALL', DISABLED: 'N', DISPLAY: 'BLOCK', BG_COLOR_TOKEN: 'base', ...b };
}

export const NEWLINE: KeyboardItem = { TYPE: 'NEWLINE' };

export function attach(blocks: AttachBlock[], meta: Partial<AttachConfig> = {}): AttachConfig[] {
  return [{ ID: 1, DESCRIPTION: '', COLOR: '#29619b', COLOR_TOKEN: 'base', ...meta, BLOCKS: blocks }];
}

export function menuItem(m: Partial<MenuItem>): MenuItem {
  return { BOT_ID, CONTEXT: 'ALL', DISABLED: 'N', ...m };
}

export interface GalleryEntry {
  title: string;
  message: StoredMessage;
  own?: boolean;
}

export const FORMATTING_EXAMPLE = '[b]bold[/b] text\n[u]underlined[/u] text\n[i]italic[/i] text\n[s]strikethrough[/s] text';

export const gallery: GalleryEntry[] = [
  { title: 'Basic formatting', message: message(FORMATTING_EXAMPLE + '\n[size=20]large[/size] and [color=#ff0000]red[/color]') },
  {
    title: 'Line breaks and quotes',
    message: message('First line\nSecond line\n>>first line of quote\n>>second line of quote\nAfter the quote'),
  },
  {
    title: 'Links, mentions and commands',
    message: message(
      '[url=https://bitrix24.com]Link to Bitrix24[/url], https://example.com/docs and [USER=5][/USER], [user=all]Everyone[/user], [chat=456]Release team[/chat]\n[send=/help]Show help[/send] · [put=/search]Enter search string[/put] · [call=+19991234567]Call[/call]',
    ),
  },
  {
    title: 'Code, icon, timestamp, list',
    message: message(
      '[code]console.log("hi")\nconst a = [b]1[/b];[/code][icon=https://example.com/i.png size=20 title=smile] at [timestamp=1645844720 format=SHORT_TIME_FORMAT]\n[list][*]first[*]second[/list]',
    ),
  },
  {
    title: 'Full quote',
    message: message('------------------------------------------------------\nJohn Smith [22.11.2026 10:00]\nCan you check the release?\n------------------------------------------------------\nSure, on it.', {}, USER_ID),
    own: true,
  },
  {
    title: 'Keyboard (message-keyboards.md example + every kind)',
    message: message('Select action', {
      KEYBOARD: [
        button({ TEXT: 'Open website', LINK: 'https://www.example.com/' }),
        NEWLINE,
        button({ TEXT: 'Insert command', ACTION: 'PUT', ACTION_VALUE: '/help' }),
        NEWLINE,
        button({ TEXT: 'Yes', COMMAND: 'answer', COMMAND_PARAMS: 'yes', DISPLAY: 'LINE', BG_COLOR_TOKEN: 'primary' }),
        button({ TEXT: 'No', COMMAND: 'answer', COMMAND_PARAMS: 'no', DISPLAY: 'LINE', BG_COLOR_TOKEN: 'alert' }),
        button({ TEXT: 'Later', COMMAND: 'answer', COMMAND_PARAMS: 'later', DISPLAY: 'LINE', BG_COLOR_TOKEN: 'secondary' }),
        NEWLINE,
        button({ TEXT: 'Send "Done"', ACTION: 'SEND', ACTION_VALUE: 'Done', DISPLAY: 'LINE', BG_COLOR: '#29619b', TEXT_COLOR: '#ffffff' }),
        button({ TEXT: 'Copy code', ACTION: 'COPY', ACTION_VALUE: 'ABC-123', DISPLAY: 'LINE', WIDTH: 120 }),
        NEWLINE,
        button({ TEXT: 'Call', ACTION: 'CALL', ACTION_VALUE: '+19991234567', DISPLAY: 'LINE' }),
        button({ TEXT: 'Open chat', ACTION: 'DIALOG', ACTION_VALUE: 'chat456', DISPLAY: 'LINE' }),
        button({ TEXT: 'Unavailable', COMMAND: 'x', DISABLED: 'Y', DISPLAY: 'LINE' }),
      ],
    }),
  },
  {
    title: 'Attach: bug tracker card (constructor.md example 1)',
    message: message('Task Card', {
      ATTACH: attach([
        { USER: [{ NAME: 'Mantis Notifications', AVATAR_TYPE: 'USER', LINK: 'https://shelenkov.com/' }] },
        { LINK: [{ NAME: 'Open Mantis from external network', LINK: 'https://shelenkov.com/' }] },
        { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } },
        {
          GRID: [
            { DISPLAY: 'LINE', NAME: 'Project', VALUE: 'BUGS', WIDTH: 100, COLOR_TOKEN: 'base' },
            { DISPLAY: 'LINE', NAME: 'Category', VALUE: 'im', WIDTH: 100, COLOR_TOKEN: 'base' },
          ],
        },
        {
          GRID: [
            {
              DISPLAY: 'BLOCK',
              NAME: 'Summary',
              VALUE: 'It is necessary to implement the ability to add structured entities to messages and notifications in the messenger.',
              COLOR_TOKEN: 'base',
            },
          ],
        },
        { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } },
        {
          GRID: [
            { DISPLAY: 'ROW', NAME: 'New Request', VALUE: '', WIDTH: 100, COLOR_TOKEN: 'base' },
            { DISPLAY: 'ROW', NAME: 'Assigned To', VALUE: 'Eugene Shelenkov', WIDTH: 100, COLOR_TOKEN: 'base' },
            { DISPLAY: 'ROW', NAME: 'Deadline', VALUE: '11/04/2015 05:50:43 PM', WIDTH: 100, COLOR_TOKEN: 'base' },
          ],
        },
      ]),
    }),
  },
  {
    title: 'Attach: notification with image (constructor.md example 2)',
    message: message('You have a new notification', {
      ATTACH: attach([
        { MESSAGE: 'Colleagues, the update im 16.0.0 has been checked and is ready for deployment. A tag needs to be set. [B]We no longer include it in the update.[/B]' },
        { IMAGE: [{ NAME: 'win.jpg', LINK: 'https://files.shelenkov.com/bitrix/images/win.jpg', WIDTH: 500, HEIGHT: 200 }] },
      ], { COLOR: '#29619b' }),
    }),
  },
  {
    title: 'Attach: GRID LINE with colours, TABLE, primary token',
    message: message('Request #142', {
      ATTACH: attach(
        [
          {
            GRID: [
              { DISPLAY: 'LINE', NAME: 'Priority', VALUE: 'High', COLOR_TOKEN: 'alert', COLOR: '#ff0000', WIDTH: 250 },
              { DISPLAY: 'LINE', NAME: 'Category', VALUE: 'Requests', COLOR_TOKEN: 'base' },
              { DISPLAY: 'LINE', NAME: 'Owner', VALUE: '[USER=5]Anna Lee[/USER]', COLOR_TOKEN: 'base' },
            ],
          },
          {
            GRID: [
              { DISPLAY: 'TABLE', NAME: 'Project', VALUE: 'BUGS', COLOR_TOKEN: 'base' },
              { DISPLAY: 'TABLE', NAME: 'Category', VALUE: 'im', COLOR_TOKEN: 'base' },
              { DISPLAY: 'TABLE', NAME: 'Deadline', VALUE: '24.06.2026 17:50:43', COLOR_TOKEN: 'primary' },
            ],
          },
          { LINK: [{ NAME: 'Open the request', LINK: '/crm/deal/details/142/', DESC: 'Must be implemented by the release!' }] },
        ],
        { COLOR_TOKEN: 'primary', COLOR: '#29619b' },
      ),
    }),
  },
  {
    title: 'Attach: files, rich link, users',
    message: message('Files for review', {
      ATTACH: attach(
        [
          { FILE: [{ NAME: 'mantis.jpg', LINK: 'https://files.shelenkov.com/bitrix/images/mantis.jpg', SIZE: 1500000 }] },
          { FILE: [{ NAME: 'report-2026.pdf', LINK: 'https://example.com/report.pdf', SIZE: 34567 }] },
          {
            RICH_LINK: [
              { NAME: 'Bitrix24 REST API', LINK: 'https://apidocs.bitrix24.com/', DESC: 'Official documentation for developers', PREVIEW_SIZE: { WIDTH: 0, HEIGHT: 0 } },
            ],
          },
          { USER: [{ NAME: 'Anna Lee', USER_ID: 5, AVATAR_TYPE: 'USER' }] },
          { USER: [{ NAME: 'Support Bot', BOT_ID: 456, AVATAR_TYPE: 'BOT' }] },
        ],
        { COLOR: '#df532d' },
      ),
    }),
  },
  { title: 'System message', message: message('[b]Support Bot[/b] joined the chat', {}, 0) },
  { title: 'Deleted message', message: message('This message was deleted.', { IS_DELETED: 'Y' }, USER_ID), own: true },
  { title: 'Hostile input stays text', message: message('<img src=x onerror=alert(1)> [url=javascript:alert(1)]click[/url] [color=red;background:url(x)]c[/color] [b]unclosed', {}, USER_ID), own: true },
  {
    title: 'Context menu (menu.md example), edited marker',
    message: message('Select an action from the menu', {
      MENU: [menuItem({ TEXT: 'Open Website', LINK: 'https://www.example.com/' }), menuItem({ TEXT: 'Send Text', ACTION: 'SEND', ACTION_VALUE: 'Done' }), menuItem({ TEXT: 'Help', COMMAND: 'help', COMMAND_PARAMS: '' })],
      IS_EDITED: 'Y',
    }),
  },
];
