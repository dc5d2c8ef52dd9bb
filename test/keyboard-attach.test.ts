import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLORS } from '../src/domain/messenger/colors.js';
import { isTimeObject, testServer, type Encoding, type TestServer } from './helpers/server.js';

// Keyboards, menus and attachments as im.message.add validates and stores them:
// chat-bots-v2/imbot.v2/messages/message-keyboards.md, attachments/**, chats/messages/{keyboards,menu,attachments}.md,
// platform-behaviour.md §4 "Keyboard rules" / "Attach blocks" (Bitrix\Im\Bot\Keyboard, ContextMenu, CIMMessageParamAttach).

let s: TestServer;
let chat: string;
const PALETTE = [...Object.values(COLORS), '#e8a441', '#8d51eb'];

/** Sends a message with `extra` and reads back the stored params of that message. */
async function stored(extra: Record<string, unknown>, enc: Encoding = 'json'): Promise<any> {
  const r = await s.call('im.message.add', { DIALOG_ID: chat, MESSAGE: 'with params', ...extra }, enc);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(Number.isInteger(r.body.result)).toBe(true);
  const list = await s.call('im.dialog.messages.get', { DIALOG_ID: chat, LIMIT: 1 });
  expect(list.body.result.messages[0].id).toBe(r.body.result);
  const params = list.body.result.messages[0].params;
  return Array.isArray(params) ? {} : params;
}

async function rejected(extra: Record<string, unknown>, code: string, description: string, enc: Encoding = 'json') {
  const r = await s.call('im.message.add', { DIALOG_ID: chat, MESSAGE: 'x', ...extra }, enc);
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body).toEqual({ error: code, error_description: description });
}

/** A stored button with the defaults Keyboard::addButton fills in. */
const button = (fields: Record<string, unknown>, botId = 0) => ({
  BOT_ID: botId,
  TYPE: 'BUTTON',
  ...fields,
  VOTE: 'N',
  BLOCK: 'N',
  WAIT: 'N',
  CONTEXT: 'ALL',
  DISABLED: 'N',
  DISPLAY: 'BLOCK',
  BG_COLOR_TOKEN: 'base',
});

beforeAll(async () => {
  s = await testServer();
  const r = await s.call('im.chat.add', { TITLE: 'Widgets' });
  chat = `chat${r.body.result}`;
});

afterAll(async () => {
  await s?.close();
});

describe('KEYBOARD', () => {
  const example = {
    BUTTONS: [
      { TEXT: 'Open website', LINK: 'https://www.example.com/' },
      { TYPE: 'NEWLINE' },
      { TEXT: 'Insert command', ACTION: 'PUT', ACTION_VALUE: '/help' },
    ],
  };
  const exampleStored = [
    button({ LINK: 'https://www.example.com/', TEXT: 'Open website' }),
    { TYPE: 'NEWLINE' },
    button({ ACTION: 'PUT', ACTION_VALUE: '/help', TEXT: 'Insert command' }),
  ];

  it('stores the documented example (keyboards.md) the same way from JSON and from a PHP form body', async () => {
    const r = await s.call('im.message.add', { DIALOG_ID: chat, MESSAGE: 'Select an action', KEYBOARD: example });
    expect(r.status).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect((await stored({ KEYBOARD: example })).KEYBOARD).toEqual(exampleStored);
    expect((await stored({ KEYBOARD: example }, 'form')).KEYBOARD).toEqual(exampleStored);
  });

  it('accepts the shortened format (a bare list) and a JSON string', async () => {
    expect((await stored({ KEYBOARD: example.BUTTONS })).KEYBOARD).toEqual(exampleStored);
    expect((await stored({ KEYBOARD: example.BUTTONS }, 'form')).KEYBOARD).toEqual(exampleStored);
    expect((await stored({ KEYBOARD: JSON.stringify(example) })).KEYBOARD).toEqual(exampleStored);
  });

  it('keeps the documented button options and validates colours (#rgb / #rrggbb) and tokens', async () => {
    const kb = await stored({
      KEYBOARD: [
        {
          TEXT: '  Styled  ',
          LINK: '/company/personal/',
          BLOCK: 'Y',
          DISABLED: 'Y',
          CONTEXT: 'MOBILE',
          DISPLAY: 'LINE',
          WIDTH: '150',
          BG_COLOR: '#fff',
          BG_COLOR_TOKEN: 'primary',
          TEXT_COLOR: '#00ff00',
          OFF_BG_COLOR: '#123456',
          OFF_TEXT_COLOR: '#abc',
        },
        { TEXT: 'Bad colours', ACTION: 'COPY', ACTION_VALUE: 'copied', BG_COLOR: 'red', TEXT_COLOR: '#12', BG_COLOR_TOKEN: 'shiny', WIDTH: 0, CONTEXT: 'mobile', DISPLAY: 'ROW', BLOCK: true },
      ],
    });
    expect(kb.KEYBOARD).toEqual([
      {
        BOT_ID: 0,
        TYPE: 'BUTTON',
        LINK: '/company/personal/',
        TEXT: 'Styled',
        VOTE: 'N',
        BLOCK: 'Y',
        WAIT: 'N',
        CONTEXT: 'MOBILE',
        DISABLED: 'Y',
        DISPLAY: 'LINE',
        WIDTH: 150,
        BG_COLOR: '#fff',
        BG_COLOR_TOKEN: 'primary',
        TEXT_COLOR: '#00ff00',
        OFF_BG_COLOR: '#123456',
        OFF_TEXT_COLOR: '#abc',
      },
      button({ ACTION: 'COPY', ACTION_VALUE: 'copied', TEXT: 'Bad colours' }),
    ]);
  });

  it('drops invalid buttons: no TEXT, no action, a LINK that is not /… or http(s)://, an unknown ACTION, an empty ACTION_VALUE, FUNCTION', async () => {
    const kb = await stored({
      KEYBOARD: [
        { LINK: 'https://no-text.example' },
        { TEXT: '   ', LINK: 'https://blank.example' },
        { TEXT: 42, LINK: 'https://number.example' },
        { TEXT: 'No action' },
        { TEXT: 'FTP', LINK: 'ftp://files.example' },
        { TEXT: 'lower', ACTION: 'put', ACTION_VALUE: 'x' },
        { TEXT: 'Empty value', ACTION: 'SEND', ACTION_VALUE: '  ' },
        { TEXT: 'Script', FUNCTION: 'alert(1)' },
        { TEXT: 'Kept', ACTION: 'DIALOG', ACTION_VALUE: 'chat1' },
      ],
    });
    expect(kb.KEYBOARD).toEqual([button({ ACTION: 'DIALOG', ACTION_VALUE: 'chat1', TEXT: 'Kept' })]);
  });

  it('takes the first valid action in the order LINK, APP_ID, ACTION, COMMAND; escapes links', async () => {
    const kb = await stored({
      BOT_ID: 77,
      KEYBOARD: [
        { TEXT: 'Both', LINK: 'https://example.com/?a=1&b="2"', ACTION: 'SEND', ACTION_VALUE: 'ignored' },
        { TEXT: 'App', APP_ID: '12', APP_PARAMS: 'p=1', ACTION: 'SEND', ACTION_VALUE: 'ignored' },
        { TEXT: 'App no params', APP_ID: 5, APP_PARAMS: '  ' },
        { TEXT: 'Call', ACTION: 'CALL', ACTION_VALUE: '+15550100', COMMAND: 'ignored' },
        { TEXT: 'Help', ACTION: 'HELP', ACTION_VALUE: 'topic' },
        { TEXT: 'Live', ACTION: 'LIVECHAT', ACTION_VALUE: '1' },
      ],
    });
    expect(kb.KEYBOARD).toEqual([
      button({ LINK: 'https://example.com/?a=1&amp;b=&quot;2&quot;', TEXT: 'Both' }, 77),
      button({ APP_ID: 12, APP_PARAMS: 'p=1', TEXT: 'App' }, 77),
      button({ APP_ID: 5, TEXT: 'App no params' }, 77),
      button({ ACTION: 'CALL', ACTION_VALUE: '+15550100', TEXT: 'Call' }, 77),
      button({ ACTION: 'HELP', ACTION_VALUE: 'topic', TEXT: 'Help' }, 77),
      button({ ACTION: 'LIVECHAT', ACTION_VALUE: '1', TEXT: 'Live' }, 77),
    ]);
  });

  it('COMMAND buttons need a bot: the top-level BOT_ID, else KEYBOARD.BOT_ID; one leading / is stripped', async () => {
    const withoutBot = [{ TEXT: 'Cmd', COMMAND: 'task' }, { TEXT: 'Link', LINK: 'https://example.com' }];
    expect((await stored({ KEYBOARD: withoutBot })).KEYBOARD).toEqual([button({ LINK: 'https://example.com', TEXT: 'Link' })]);
    expect((await stored({ KEYBOARD: { BOT_ID: 456, BUTTONS: [{ TEXT: 'Cmd', COMMAND: '/task', COMMAND_PARAMS: 'p 1' }] } })).KEYBOARD).toEqual([
      button({ COMMAND: 'task', COMMAND_PARAMS: 'p 1', TEXT: 'Cmd' }, 456),
    ]);
    expect((await stored({ BOT_ID: 9, KEYBOARD: { BOT_ID: 456, BUTTONS: [{ TEXT: 'Cmd', COMMAND: 'task', COMMAND_PARAMS: '  ' }] } }, 'form')).KEYBOARD).toEqual([
      button({ COMMAND: 'task', COMMAND_PARAMS: '', TEXT: 'Cmd' }, 9),
    ]);
  });

  it('applies the keyboard-wide COLORS to buttons without their own and VOTE mode', async () => {
    const kb = await stored({
      KEYBOARD: {
        COLORS: { BG_COLOR: '#111111', TEXT_COLOR: 'nope' },
        VOTE: 'Y',
        BUTTONS: [
          { TEXT: 'a', ACTION: 'SEND', ACTION_VALUE: 'a' },
          { TEXT: 'b', ACTION: 'SEND', ACTION_VALUE: 'b', BG_COLOR: '#222' },
        ],
      },
    });
    expect(kb.KEYBOARD.map((b: any) => [b.BG_COLOR, b.TEXT_COLOR, b.VOTE])).toEqual([
      ['#111111', undefined, 'Y'],
      ['#222', undefined, 'Y'],
    ]);
  });

  it('KEYBOARD_ERROR when no button is left or the value is not a keyboard; an empty value is no keyboard', async () => {
    await rejected({ KEYBOARD: [{ TEXT: 'x' }, { LINK: '/y' }] }, 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    await rejected({ KEYBOARD: { BUTTONS: [{ TEXT: 'x', ACTION: 'NOPE', ACTION_VALUE: 'v' }] } }, 'KEYBOARD_ERROR', 'Incorrect keyboard params', 'form');
    await rejected({ KEYBOARD: 'not json' }, 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    await rejected({ KEYBOARD: 7 }, 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    expect((await stored({ KEYBOARD: '' })).KEYBOARD).toBeUndefined();
    expect((await stored({ KEYBOARD: [] })).KEYBOARD).toBeUndefined();
  });

  it('an oversize keyboard is not stored by im.message.add (no error there)', async () => {
    const buttons = Array.from({ length: 300 }, (_, i) => ({ TEXT: `button ${i} ${'z'.repeat(150)}`, ACTION: 'PUT', ACTION_VALUE: 'v' }));
    expect((await stored({ KEYBOARD: buttons })).KEYBOARD).toBeUndefined();
  });
});

describe('MENU', () => {
  it('stores the documented example (menu.md): items with BOT_ID, TEXT, CONTEXT, DISABLED', async () => {
    const menu = { ITEMS: [{ TEXT: 'Open Website', LINK: 'https://www.example.com/' }, { TEXT: 'Send Text', ACTION: 'SEND', ACTION_VALUE: 'Done' }] };
    const expected = [
      { BOT_ID: 0, LINK: 'https://www.example.com/', TEXT: 'Open Website', CONTEXT: 'ALL', DISABLED: 'N' },
      { BOT_ID: 0, ACTION: 'SEND', ACTION_VALUE: 'Done', TEXT: 'Send Text', CONTEXT: 'ALL', DISABLED: 'N' },
    ];
    expect((await stored({ URL_PREVIEW: 'Y', MENU: menu })).MENU).toEqual(expected);
    expect((await stored({ MENU: menu.ITEMS }, 'form')).MENU).toEqual(expected);
  });

  it('escapes item texts, allows only PUT/SEND/COPY/CALL/DIALOG, keeps CONTEXT and DISABLED', async () => {
    const m = await stored({
      BOT_ID: 3,
      MENU: [
        { TEXT: 'Tom & Jerry', COMMAND: '/cartoon', CONTEXT: 'DESKTOP', DISABLED: 'Y' },
        { TEXT: 'Live', ACTION: 'LIVECHAT', ACTION_VALUE: '1' },
        { TEXT: 'Copy', ACTION: 'COPY', ACTION_VALUE: 'text' },
      ],
    });
    expect(m.MENU).toEqual([
      { BOT_ID: 3, COMMAND: 'cartoon', COMMAND_PARAMS: '', TEXT: 'Tom &amp; Jerry', CONTEXT: 'DESKTOP', DISABLED: 'Y' },
      { BOT_ID: 3, ACTION: 'COPY', ACTION_VALUE: 'text', TEXT: 'Copy', CONTEXT: 'ALL', DISABLED: 'N' },
    ]);
  });

  it('MENU_ERROR when no item is valid', async () => {
    await rejected({ MENU: { ITEMS: [{ TEXT: 'Live', ACTION: 'LIVECHAT', ACTION_VALUE: '1' }] } }, 'MENU_ERROR', 'Incorrect menu params');
  });
});

describe('ATTACH', () => {
  const attachOf = async (attach: unknown, enc: Encoding = 'json') => {
    const p = await stored({ ATTACH: attach }, enc);
    expect(p.ATTACH).toHaveLength(1);
    return p.ATTACH[0];
  };

  it('stores the documented example (attachments.md): full form with ID, COLOR_TOKEN and BLOCKS', async () => {
    const example = { ID: 1, COLOR_TOKEN: 'primary', BLOCKS: [{ MESSAGE: '[B]New Request[/B]' }, { LINK: { NAME: 'Open', LINK: 'https://example.com' } }] };
    const a = await attachOf(example);
    expect(Object.keys(a)).toEqual(['ID', 'BLOCKS', 'DESCRIPTION', 'COLOR', 'COLOR_TOKEN']);
    expect(a).toMatchObject({
      ID: 1,
      BLOCKS: [{ MESSAGE: '[B]New Request[/B]' }, { LINK: [{ NAME: 'Open', LINK: 'https://example.com' }] }],
      DESCRIPTION: '',
      COLOR_TOKEN: 'primary',
    });
    // No COLOR given: a palette colour is picked.
    expect(PALETTE).toContain(a.COLOR);
    const form = await attachOf(example, 'form');
    expect({ ...form, COLOR: 0 }).toEqual({ ...a, COLOR: 0 });
  });

  it('full form with an explicit COLOR (attachments/index.md) and the short form (a bare list of blocks)', async () => {
    const full = await attachOf({ ID: 1, COLOR_TOKEN: 'secondary', COLOR: '#29619b', BLOCKS: [{ MESSAGE: 'The API will be available in the update [B]im 24.0.0[/B]' }] });
    expect(full).toMatchObject({ COLOR: '#29619b', COLOR_TOKEN: 'secondary', BLOCKS: [{ MESSAGE: 'The API will be available in the update [B]im 24.0.0[/B]' }] });
    const short = await attachOf([{ MESSAGE: 'The API will be available in the update [B]im 24.0.0[/B]' }]);
    expect(short.COLOR_TOKEN).toBe('base');
    expect(short.BLOCKS).toEqual([{ MESSAGE: 'The API will be available in the update [B]im 24.0.0[/B]' }]);
    expect(Number.isInteger(short.ID)).toBe(true);
    expect((await attachOf(JSON.stringify([{ MESSAGE: 'as json' }]))).BLOCKS).toEqual([{ MESSAGE: 'as json' }]);
  });

  it('COLOR: #rgb and #rrggbb kept, TRANSPARENT becomes transparent, anything else a palette colour; COLOR_TOKEN defaults to base', async () => {
    expect((await attachOf({ COLOR: '#abc', BLOCKS: [{ MESSAGE: 'a' }] })).COLOR).toBe('#abc');
    expect((await attachOf({ COLOR: 'TRANSPARENT', BLOCKS: [{ MESSAGE: 'a' }] })).COLOR).toBe('transparent');
    for (const bad of ['blue', '#abcd', 'CHAT']) expect(PALETTE).toContain((await attachOf({ COLOR: bad, BLOCKS: [{ MESSAGE: 'a' }] })).COLOR);
    expect((await attachOf({ COLOR_TOKEN: 'neon', BLOCKS: [{ MESSAGE: 'a' }] })).COLOR_TOKEN).toBe('base');
    expect((await attachOf({ COLOR_TOKEN: 'alert', DESCRIPTION: 'line\none', BLOCKS: [{ MESSAGE: 'a' }] })).DESCRIPTION).toBe('line one');
  });

  it('stores the "Bug Tracker" card of the attachment builder (constructor.md) block by block', async () => {
    const a = await attachOf([
      { USER: { NAME: 'Mantis Notifications', AVATAR: 'https://files.shelenkov.com/bitrix/images/mantis2.jpg', LINK: 'https://shelenkov.com/' } },
      { LINK: { NAME: 'Open Mantis from external network', LINK: 'https://shelenkov.com/' } },
      { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } },
      {
        GRID: [
          { NAME: 'Project', VALUE: 'BUGS', DISPLAY: 'LINE', WIDTH: 100 },
          { NAME: 'Category', VALUE: 'im', DISPLAY: 'LINE', WIDTH: 100 },
          { NAME: 'Summary', VALUE: 'It is necessary to implement structured entities.', DISPLAY: 'BLOCK' },
        ],
      },
      { GRID: [{ NAME: 'New Request', VALUE: '', DISPLAY: 'ROW', WIDTH: 100 }] },
    ]);
    expect(a.BLOCKS).toEqual([
      { USER: [{ NAME: 'Mantis Notifications', AVATAR_TYPE: 'USER', LINK: 'https://shelenkov.com/', AVATAR: 'https://files.shelenkov.com/bitrix/images/mantis2.jpg' }] },
      { LINK: [{ NAME: 'Open Mantis from external network', LINK: 'https://shelenkov.com/' }] },
      { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } },
      {
        GRID: [
          { DISPLAY: 'LINE', NAME: 'Project', VALUE: 'BUGS', WIDTH: 100, COLOR_TOKEN: 'base' },
          { DISPLAY: 'LINE', NAME: 'Category', VALUE: 'im', WIDTH: 100, COLOR_TOKEN: 'base' },
          { DISPLAY: 'BLOCK', NAME: 'Summary', VALUE: 'It is necessary to implement structured entities.', COLOR_TOKEN: 'base' },
        ],
      },
      { GRID: [{ DISPLAY: 'ROW', NAME: 'New Request', VALUE: '', WIDTH: 100, COLOR_TOKEN: 'base' }] },
    ]);
  });

  it('GRID: DISPLAY BLOCK/LINE/ROW/TABLE, COLUMN→ROW, CARD→LINE, others BLOCK; empty rows dropped except LINE', async () => {
    const a = await attachOf([
      {
        GRID: [
          { NAME: 'a', VALUE: '1', DISPLAY: 'COLUMN' },
          { NAME: 'b', VALUE: '2', DISPLAY: 'CARD' },
          { NAME: 'c', VALUE: '3', DISPLAY: 'TABLE', COLOR: '#ff0000', COLOR_TOKEN: 'alert', LINK: '/x/', USER_ID: '5', CHAT_ID: 0, HEIGHT: 20 },
          { NAME: 'd', VALUE: 'x#BR#y', DISPLAY: 'WIDE', COLOR: 'red', LINK: 'javascript:alert(1)' },
          { VALUE: '  ', NAME: '', DISPLAY: 'ROW' },
          { DISPLAY: 'LINE' },
          { NAME: 'multi\nline', DISPLAY: 'BLOCK' },
        ],
      },
    ]);
    expect(a.BLOCKS[0].GRID).toEqual([
      { DISPLAY: 'ROW', NAME: 'a', VALUE: '1', COLOR_TOKEN: 'base' },
      { DISPLAY: 'LINE', NAME: 'b', VALUE: '2', COLOR_TOKEN: 'base' },
      { DISPLAY: 'TABLE', NAME: 'c', VALUE: '3', COLOR: '#ff0000', HEIGHT: 20, USER_ID: 5, LINK: '/x/', COLOR_TOKEN: 'alert' },
      { DISPLAY: 'BLOCK', NAME: 'd', VALUE: 'x[BR]y', COLOR_TOKEN: 'base' },
      { DISPLAY: 'LINE', NAME: '', VALUE: '', COLOR_TOKEN: 'base' },
      { DISPLAY: 'BLOCK', NAME: 'multi line', VALUE: '', COLOR_TOKEN: 'base' },
    ]);
  });

  it('USER, LINK and RICH_LINK blocks: targets, URL rules, lists of cards', async () => {
    const a = await attachOf([
      { USER: [{ NAME: 'Chat card', CHAT_ID: 4, AVATAR: 'ftp://bad' }, { NAME: 'Bot card', BOT_ID: '8' }, { NAME: 'User', USER_ID: 3, LINK: 'https://ignored' }] },
      { USER: { AVATAR: '/no-name.png' } },
      { USER: { NAME: 'Typed', AVATAR_TYPE: 'BOT', LINK: 'mailto:x' } },
      {
        LINK: {
          PREVIEW: 'https://example.com/logo.png',
          WIDTH: 1000,
          HEIGHT: 638,
          NAME: 'Ticket #12345',
          DESC: 'Must be implemented by the release!',
          LINK: 'https://api.bitrix24.com/',
        },
      },
      { LINK: { NAME: 'Bad', LINK: 'ftp://x' } },
      { LINK: { NAME: 'To a user', USER_ID: 5, LINK: 'not-a-url' } },
      { LINK: { LINK: '/relative/', HTML: '<b>x</b>', PREVIEW: 'https://p' } },
      { RICH_LINK: { NAME: 'Rich', LINK: 'https://rich.example', DESC: 'two\nlines', PREVIEW: '/img.png', PREVIEW_SIZE: { WIDTH: 10 } } },
    ]);
    expect(a.BLOCKS).toEqual([
      { USER: [{ NAME: 'Chat card', AVATAR_TYPE: 'CHAT', CHAT_ID: 4 }] },
      { USER: [{ NAME: 'Bot card', AVATAR_TYPE: 'BOT', BOT_ID: 8 }] },
      { USER: [{ NAME: 'User', AVATAR_TYPE: 'USER', USER_ID: 3 }] },
      { USER: [{ NAME: 'Typed', AVATAR_TYPE: 'BOT' }] },
      {
        LINK: [
          { NAME: 'Ticket #12345', LINK: 'https://api.bitrix24.com/', DESC: 'Must be implemented by the release!', PREVIEW: 'https://example.com/logo.png', WIDTH: 1000, HEIGHT: 638 },
        ],
      },
      { LINK: [{ USER_ID: 5, NAME: 'To a user', LINK: 'not-a-url' }] },
      { LINK: [{ LINK: '/relative/', HTML: '<b>x</b>' }] },
      { RICH_LINK: [{ NAME: 'Rich', LINK: 'https://rich.example', DESC: 'two lines', PREVIEW: '/img.png', PREVIEW_SIZE: { HEIGHT: 0, WIDTH: 10 } }] },
    ]);
  });

  it('MESSAGE, IMAGE, FILE and DELIMITER blocks', async () => {
    const a = await attachOf({
      BLOCKS: [
        { MESSAGE: '  text #BR# more  ' },
        { MESSAGE: { TEXT: 'described', AS_DESCRIPTION: 'Y' } },
        { MESSAGE: '   ' },
        { IMAGE: { NAME: 'This is Mantis', LINK: 'https://files.example/mantis.jpg', PREVIEW: 'https://files.example/small.jpg', WIDTH: 1000, HEIGHT: 638 } },
        { IMAGE: [{ LINK: 'https://files.example/a.png', NAME: '  ' }, { LINK: 'data:image/png;base64,xx' }] },
        { IMAGE: [{ LINK: 'bad' }] },
        { FILE: [{ NAME: 'mantis.jpg', LINK: 'https://files.example/mantis.jpg', SIZE: 1500000 }, { NAME: 'nolink' }] },
        { FILE: { LINK: '/upload/x.pdf', SIZE: -1 } },
        { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } },
        { DELIMITER: { SIZE: 0, COLOR: 'gray' } },
        { DELIMITER: [] },
        { HTML: '<p>not a REST block</p>' },
        { UNKNOWN: 1 },
      ],
    });
    expect(a.DESCRIPTION).toBe('described');
    expect(a.BLOCKS).toEqual([
      { MESSAGE: 'text [BR] more' },
      { MESSAGE: 'described' },
      { IMAGE: [{ NAME: 'This is Mantis', LINK: 'https://files.example/mantis.jpg', WIDTH: 1000, HEIGHT: 638, PREVIEW: 'https://files.example/small.jpg' }] },
      { IMAGE: [{ LINK: 'https://files.example/a.png' }] },
      { FILE: [{ LINK: 'https://files.example/mantis.jpg', NAME: 'mantis.jpg', SIZE: 1500000 }] },
      { FILE: [{ LINK: '/upload/x.pdf' }] },
      { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } },
      { DELIMITER: { SIZE: 200 } },
      { DELIMITER: { SIZE: 200 } },
    ]);
  });

  it('reads attach blocks from a PHP form body like JSON', async () => {
    const attach = { ID: 3, COLOR: '#29619b', BLOCKS: [{ GRID: [{ NAME: 'Priority', VALUE: 'High', DISPLAY: 'ROW', WIDTH: 250 }] }, { DELIMITER: { SIZE: 100 } }] };
    const json = await attachOf(attach);
    const form = await attachOf(attach, 'form');
    expect(form).toEqual(json);
    expect(form.BLOCKS).toEqual([
      { GRID: [{ DISPLAY: 'ROW', NAME: 'Priority', VALUE: 'High', WIDTH: 250, COLOR_TOKEN: 'base' }] },
      { DELIMITER: { SIZE: 100 } },
    ]);
  });

  it('ATTACH_ERROR when no block is valid or the value is not an attach; ATTACH_OVERSIZE at 60,000 characters', async () => {
    await rejected({ ATTACH: [{ HTML: '<b>x</b>' }, { IMAGE: { LINK: 'nope' } }] }, 'ATTACH_ERROR', 'Incorrect attach params');
    await rejected({ ATTACH: { BLOCKS: [{ USER: { LINK: 'https://no-name' } }] } }, 'ATTACH_ERROR', 'Incorrect attach params', 'form');
    await rejected({ ATTACH: '{broken' }, 'ATTACH_ERROR', 'Incorrect attach params');
    await rejected({ ATTACH: 12 }, 'ATTACH_ERROR', 'Incorrect attach params');
    // A list of whole attaches is not a form the platform reads: its items are not blocks.
    await rejected({ ATTACH: [{ ID: 1, BLOCKS: [{ MESSAGE: 'x' }] }] }, 'ATTACH_ERROR', 'Incorrect attach params');
    const big = Array.from({ length: 31 }, () => ({ MESSAGE: 'x'.repeat(2000) }));
    await rejected({ ATTACH: big }, 'ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach');
    // Just under the limit is fine.
    expect((await stored({ ATTACH: big.slice(0, 28) })).ATTACH[0].BLOCKS).toHaveLength(28);
  });
});

describe('imbot.v2 keeps its own error codes for the same validators', () => {
  const TOKEN = 'widget_bot_token_0123456';
  let botId: number;

  beforeAll(async () => {
    const r = await s.call('imbot.v2.Bot.register', { fields: { code: 'widgets', botToken: TOKEN, properties: { name: 'Widgets' } } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    botId = r.body.result.bot.id;
  });

  const send = (fields: Record<string, unknown>) => s.call('imbot.v2.Chat.Message.send', { botId, botToken: TOKEN, dialogId: '1', fields });

  it('PARAM_ATTACH_ERROR and PARAM_KEYBOARD_ERROR (400)', async () => {
    let r = await send({ message: 'x', attach: [{ NOPE: 1 }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('PARAM_ATTACH_ERROR');
    r = await send({ message: 'x', keyboard: [{ TEXT: 'no action' }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('PARAM_KEYBOARD_ERROR');
  });

  it('a bot keyboard sends COMMAND buttons to that bot', async () => {
    const r = await send({ message: 'menu', keyboard: [{ TEXT: 'Run', COMMAND: 'run' }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const list = await s.call('im.dialog.messages.get', { DIALOG_ID: String(botId), LIMIT: 1 });
    expect(list.body.result.messages[0].params.KEYBOARD).toEqual([button({ COMMAND: 'run', COMMAND_PARAMS: '', TEXT: 'Run' }, botId)]);
  });
});
