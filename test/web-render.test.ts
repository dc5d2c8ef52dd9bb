import { createElement, Fragment, isValidElement, type ReactElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import {
  bbCodeToPlainText,
  formatFileSize,
  MessageBody,
  messagePreviewText,
  renderBbCode,
  safeColor,
  safeUrl,
  type MessageBodyProps,
  type RenderContext,
  type StoredMessage,
} from '../web/messenger/render/index.js';
import { attach, BOT_ID, button, CHATS, FORMATTING_EXAMPLE, gallery, menuItem, message, NEWLINE, USERS } from '../web/messenger/render/gallery-corpus.js';
import { Gallery } from '../web/messenger/render/gallery.js';

// The message renderer (web/messenger/render) against the documented examples of
// chat-bots-v2/imbot.v2/messages/{message-formatting,message-keyboards}.md, attachments/**, chats/messages/menu.md,
// in the shape im.dialog.messages.get returns them. Static markup via react-dom/server; click handlers are
// reached through the element tree renderBbCode returns (it renders plain elements, no hooks).

const noop = () => {};
const ctx: RenderContext = { users: USERS, chats: CHATS, onAction: noop, timeZone: 'UTC', locale: 'en-GB' };
const bb = (text: string, c: RenderContext = ctx) => renderToStaticMarkup(createElement(Fragment, null, renderBbCode(text, c)));
const body = (m: StoredMessage, extra: Partial<MessageBodyProps> = {}) =>
  renderToStaticMarkup(createElement(MessageBody, { message: m, users: USERS, chats: CHATS, onCommand: noop, onAction: noop, timeZone: 'UTC', locale: 'en-GB', ...extra }));

/** Elements of a rendered tree (plain elements only) matching `pick`. */
function find(node: ReactNode, pick: (e: ReactElement<Record<string, unknown>>) => boolean): ReactElement<Record<string, unknown>>[] {
  const out: ReactElement<Record<string, unknown>>[] = [];
  const walk = (n: ReactNode) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!isValidElement(n)) return;
    const e = n as ReactElement<Record<string, unknown>>;
    if (pick(e)) out.push(e);
    walk(e.props.children as ReactNode);
  };
  walk(node);
  return out;
}

/** Parses markup into a list of opening tags with their attributes (enough for attribute assertions). */
function tags(html: string, name: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${name}(\\s[^>]*)?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? ''])),
  );
}

describe('BB-codes (message-formatting.md)', () => {
  it('the basic formatting example: [b] [u] [i] [s] as <b> <u> <i> <s>, lines kept', () => {
    const html = bb(FORMATTING_EXAMPLE);
    expect(html).toBe('<span><b>bold</b> text\n<u>underlined</u> text\n<i>italic</i> text\n<s>strikethrough</s> text</span>');
  });

  it('tags are case-insensitive ([B]…[/b] as the stored attach example writes them)', () => {
    expect(bb('API in [B]im 24.0.0[/b]')).toBe('<span>API in <b>im 24.0.0</b></span>');
  });

  it('[size=N] is clamped to 8–30 px; [color] takes #RGB / #RRGGBB only', () => {
    expect(bb('[size=20]large[/size]')).toContain('<span style="font-size:20px">large</span>');
    expect(bb('[size=100]x[/size]')).toContain('font-size:30px');
    expect(bb('[size=2]x[/size]')).toContain('font-size:8px');
    expect(bb('[size=big]x[/size]')).toBe('<span>x</span>');
    expect(bb('[color=#ff0000]red[/color]')).toContain('<span style="color:#ff0000">red</span>');
    expect(bb('[color=#f00]red[/color]')).toContain('style="color:#f00"');
    expect(bb('[color=red]red[/color]')).toBe('<span>red</span>');
    expect(bb('[color=#fff;background:url(x)]c[/color]')).toBe('<span>c</span>');
  });

  it('[url] and [url=…]: a new-tab link without opener; bare URLs become links too', () => {
    expect(bb('[url]https://example.com[/url]')).toBe(
      '<span><a class="b24r-link" href="https://example.com" target="_blank" rel="noopener noreferrer">https://example.com</a></span>',
    );
    const custom = tags(bb('[url=https://bitrix24.com]Link to Bitrix24[/url]'), 'a');
    expect(custom).toEqual([{ class: 'b24r-link', href: 'https://bitrix24.com', target: '_blank', rel: 'noopener noreferrer' }]);
    expect(bb('[url=/crm/deal/details/142/]deal[/url]')).toContain('href="/crm/deal/details/142/"');
    expect(bb('[url=www.example.com]w[/url]')).toContain('href="http://www.example.com"');
    const bare = bb('see https://example.com/x?a=1&b=2. ok');
    expect(bare).toContain('see <a class="b24r-link" href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">https://example.com/x?a=1&amp;b=2</a>. ok');
    expect(bb('mail admin@www.example.com or awww.example.com')).not.toContain('<a');
    expect(bb('(see www.example.com)')).toContain('(see <a class="b24r-link" href="http://www.example.com" target="_blank" rel="noopener noreferrer">www.example.com</a>)');
  });

  it('[user=ID] mentions: the name given, or the user list name for the short form; [user=all]', () => {
    const html = bb('[user=123]John[/user] [USER=5][/USER] [USER=5 REPLACE]Anna L.[/USER] [user=all]Everyone[/user]');
    const mentions = tags(html, 'button').filter((t) => t['data-testid'] === 'bb-user');
    expect(mentions.map((m) => m['data-user-id'])).toEqual(['123', '5', '5']);
    expect(html).toContain('data-user-id="123">John</button>');
    expect(html).toContain('data-user-id="5">Anna Lee</button>');
    expect(html).toContain('data-user-id="5">Anna L.</button>');
    expect(html).toContain('<span class="b24r-mention b24r-mention-all" data-testid="bb-user" data-user-id="all">Everyone</span>');
    expect(bb('[USER=77][/USER]')).toContain('>User 77</button>');
  });

  it('mentions and [chat=…] open the dialog through onAction; open-channel mentions are text', () => {
    const calls: unknown[][] = [];
    const tree = renderBbCode('[user=5]Anna[/user] [chat=456]Group[/chat] [chat=imol|789]Line[/chat] [context=chat123/456]link[/context]', {
      ...ctx,
      onAction: (...a) => calls.push(a),
    });
    const buttons = find(tree, (e) => e.type === 'button');
    expect(buttons.map((b) => b.props['data-value'] ?? b.props['data-user-id'])).toEqual([5, 'chat456', 'chat123']);
    buttons.forEach((b) => (b.props.onClick as () => void)());
    expect(calls).toEqual([
      ['DIALOG', '5'],
      ['DIALOG', 'chat456', undefined],
      ['DIALOG', 'chat123', { messageId: 456 }],
    ]);
    expect(bb('[chat=imol|789]Line[/chat]')).toBe('<span><span class="b24r-mention b24r-mention-chat" data-chat="imol|789">Line</span></span>');
    expect(bb('[chat=456][/chat]')).toContain('>Release team</button>');
  });

  it('[send=…] and [put=…] (the Links and Commands example) call onAction SEND / PUT; [call] calls CALL', () => {
    const calls: unknown[][] = [];
    const text = '[url=https://bitrix24.com]Link to Bitrix24[/url]\n[send=/help]Show help[/send]\n[put=/search]Enter search string[/put]\n[call=+19991234567]Call[/call] [call]+100[/call] [send]/start[/send]';
    const tree = renderBbCode(text, { ...ctx, onAction: (...a) => calls.push(a) });
    const buttons = find(tree, (e) => e.type === 'button');
    expect(buttons.map((b) => [b.props['data-action'], b.props['data-value']])).toEqual([
      ['SEND', '/help'],
      ['PUT', '/search'],
      ['CALL', '+19991234567'],
      ['CALL', '+100'],
      ['SEND', '/start'],
    ]);
    buttons.forEach((b) => (b.props.onClick as () => void)());
    expect(calls.map((c) => c.slice(0, 2))).toEqual([
      ['SEND', '/help'],
      ['PUT', '/search'],
      ['CALL', '+19991234567'],
      ['CALL', '+100'],
      ['SEND', '/start'],
    ]);
    const html = bb(text);
    expect(html).toContain('<button type="button" class="b24r-command b24r-command-send" data-action="SEND" data-value="/help" title="/help">Show help</button>');
    expect(html).toContain('class="b24r-command b24r-command-put" data-action="PUT" data-value="/search" title="/search">Enter search string</button>');
  });

  it('without an onAction (previews) actions and mentions are plain text', () => {
    const html = bb('[send=/help]Help[/send] [user=5]Anna[/user]', { users: USERS });
    expect(html).not.toContain('<button');
    expect(html).toContain('<span class="b24r-command b24r-command-send">Help</span>');
  });

  it('>> quote lines group into one quote; ------ blocks are full quotes with their header', () => {
    const html = bb('First line\nSecond line\n>>first line of quote\n>>second line of quote\nafter');
    expect(html).toBe(
      '<span>First line\nSecond line</span><blockquote class="b24r-quote"><div>first line of quote</div><div>second line of quote</div></blockquote><span>after</span>',
    );
    const full = bb('------------------------------------------------------\nJohn Smith [22.11.2026 10:00]\nCan you [b]check[/b]?\n------------------------------------------------------\nSure');
    expect(full).toContain('<blockquote class="b24r-quote b24r-quote-full"><div class="b24r-quote-head"><span class="b24r-quote-author">John Smith</span> <span class="b24r-quote-date">22.11.2026 10:00</span></div><div>Can you <b>check</b>?</div></blockquote>');
    expect(full).toContain('<span>Sure</span>');
  });

  it('[code] keeps its content as typed (no BB-codes, no links inside)', () => {
    expect(bb('[code]console.log("hi")\n[b]x[/b] https://a.b[/code]')).toBe(
      '<span><pre class="b24r-code"><code>console.log(&quot;hi&quot;)\n[b]x[/b] https://a.b</code></pre></span>',
    );
  });

  it('[icon=URL size title], [img size] images; unsafe image URLs stay text', () => {
    const icon = tags(bb('[icon=http://files.shelenkov.com/images/unicorn.png size=30 title=Unicorn]'), 'img');
    expect(icon).toEqual([{ class: 'b24r-icon', src: 'http://files.shelenkov.com/images/unicorn.png', width: '30', height: '30', alt: 'Unicorn', title: 'Unicorn' }]);
    expect(tags(bb('[icon=https://e.com/i.png]'), 'img')[0]).toMatchObject({ width: '20', height: '20', alt: 'icon' });
    expect(tags(bb('[img size=medium]https://example.com/pic.jpg [/img]'), 'img')).toEqual([
      { class: 'b24r-img b24r-img-medium', src: 'https://example.com/pic.jpg', alt: '', loading: 'lazy' },
    ]);
    expect(bb('[icon=javascript:alert(1) size=20]')).not.toContain('<img');
    expect(bb('[img size=small]data:image/png;base64,AAA [/img]')).not.toContain('<img');
  });

  it('[timestamp=UNIX format=…] in the reader\'s zone, [disk=ID], [br], lists', () => {
    expect(bb('[timestamp=1645844720 format=SHORT_TIME_FORMAT]')).toBe('<span><time class="b24r-timestamp" dateTime="2022-02-26T03:05:20.000Z">03:05</time></span>');
    expect(bb('[timestamp=1645844720 format=SHORT_TIME_FORMAT]', { ...ctx, timeZone: 'Europe/Berlin' })).toContain('>04:05</time>');
    expect(bb('[timestamp=1645844720 format=LONG_DATE_FORMAT]')).toContain('>26 February 2022</time>');
    expect(bb('[disk=123]')).toContain('<span class="b24r-disk" data-disk-id="123">File #123</span>');
    expect(bb('First line[br]Second line')).toBe('<span>First line<br/>Second line</span>');
    expect(bb('[list][*]one[*][b]two[/b][/list]')).toBe('<span><ul class="b24r-list"><li>one</li><li><b>two</b></li></ul></span>');
  });

  it('hostile text stays text: HTML escaped, javascript: links dropped, unknown and unclosed tags shown as typed', () => {
    const html = bb('<img src=x onerror=alert(1)> [url=javascript:alert(1)]click[/url] [url=JaVaScRiPt:x]y[/url] [url=java\tscript:x]z[/url] [foo]bar[/foo] [b]open');
    expect(html).toBe('<span>&lt;img src=x onerror=alert(1)&gt; click y z [foo]bar[/foo] [b]open</span>');
    expect(bb('"quoted" & \'apos\'')).toBe('<span>&quot;quoted&quot; &amp; &#x27;apos&#x27;</span>');
    expect(bb('[url=https://x.com/"><script>alert(1)</script>]t[/url]')).not.toContain('<script');
  });

  it('safeUrl / safeColor are the gate for every href, src and colour', () => {
    expect(['https://a.b', 'http://a.b/x', 'mailto:a@b.c', 'tel:+1', '/path', '?q', '#h'].map(safeUrl)).toEqual([
      'https://a.b',
      'http://a.b/x',
      'mailto:a@b.c',
      'tel:+1',
      '/path',
      '?q',
      '#h',
    ]);
    expect(['javascript:alert(1)', ' data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'java\nscript:x', '', 5].map(safeUrl)).toEqual(
      Array(7).fill(undefined),
    );
    expect(['#abc', '#A1B2C3', 'red', '#abcd', 'url(x)', '#fff;x'].map(safeColor)).toEqual(['#abc', '#A1B2C3', undefined, undefined, undefined, undefined]);
  });

  it('bbCodeToPlainText gives the one-line preview', () => {
    expect(bbCodeToPlainText('[b]Important[/b][br]Open [url=https://bitrix24.com]site[/url] [USER=5][/USER]', { users: USERS })).toBe('Important Open site Anna Lee');
  });
});

describe('keyboard (message-keyboards.md)', () => {
  const documented = message('Select action', {
    KEYBOARD: [button({ TEXT: 'Open website', LINK: 'https://www.example.com/' }), NEWLINE, button({ TEXT: 'Insert command', ACTION: 'PUT', ACTION_VALUE: '/help' })],
  });

  it('the documented example: a LINK <a> in a new tab, a NEWLINE, a PUT <button>', () => {
    const html = body(documented);
    expect(html).toContain('<div class="b24r-keyboard" role="group" aria-label="Bot keyboard" data-testid="keyboard">');
    const rows = html.split('class="b24r-kbd-row"').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(
      '<a class="b24r-kbd-btn b24r-kbd-block b24r-token-base" title="Open website" data-testid="kbd-button" data-kind="link" href="https://www.example.com/" target="_blank" rel="noopener noreferrer"><span class="b24r-kbd-text">Open website</span></a>',
    );
    expect(rows[1]).toContain(
      '<button type="button" class="b24r-kbd-btn b24r-kbd-block b24r-token-base" title="Insert command" data-testid="kbd-button" data-kind="action" data-action="PUT"><span class="b24r-kbd-text">Insert command</span></button>',
    );
  });

  it('stored HTML-escaped LINKs are decoded; unsafe LINKs give a disabled button', () => {
    const html = body(message('k', { KEYBOARD: [button({ TEXT: 'Go', LINK: 'https://e.com/?a=1&amp;b=2' }), button({ TEXT: 'Bad', LINK: 'javascript:alert(1)' })] }));
    expect(tags(html, 'a')[0].href).toBe('https://e.com/?a=1&amp;b=2');
    expect(html).not.toContain('javascript:');
    expect(tags(html, 'button').find((b) => b.title === 'Bad')).toMatchObject({ disabled: '', 'data-kind': 'link' });
  });

  it('COMMAND, DISPLAY LINE, WIDTH, colour tokens and HEX colours; DISABLED uses the OFF_ colours', () => {
    const html = body(
      message('k', {
        KEYBOARD: [
          button({ TEXT: 'Yes', COMMAND: 'answer', COMMAND_PARAMS: 'yes', DISPLAY: 'LINE', BG_COLOR_TOKEN: 'primary' }),
          button({ TEXT: 'Paint', ACTION: 'SEND', ACTION_VALUE: 'x', BG_COLOR: '#29619b', TEXT_COLOR: '#fff', WIDTH: 120 }),
          button({ TEXT: 'Off', COMMAND: 'x', DISABLED: 'Y', BG_COLOR: '#111111', OFF_BG_COLOR: '#cccccc', OFF_TEXT_COLOR: '#333' }),
          button({ TEXT: 'Evil', ACTION: 'COPY', ACTION_VALUE: 'x', BG_COLOR: 'red;background:url(x)' }),
        ],
      }),
    );
    const buttons = tags(html, 'button');
    expect(buttons[0]).toMatchObject({ class: 'b24r-kbd-btn b24r-kbd-line b24r-token-primary', 'data-kind': 'command', 'data-command': 'answer' });
    expect(buttons[0].disabled).toBeUndefined();
    expect(buttons[1]).toMatchObject({ class: 'b24r-kbd-btn b24r-kbd-block b24r-token-base b24r-kbd-colored b24r-kbd-fixed', style: 'background-color:#29619b;color:#fff;width:120px' });
    expect(buttons[2]).toMatchObject({ class: 'b24r-kbd-btn b24r-kbd-block b24r-token-base b24r-kbd-colored is-disabled', style: 'background-color:#cccccc;color:#333', disabled: '' });
    expect(buttons[3].style).toBeUndefined();
  });

  it('ACTION COPY / CALL / DIALOG buttons carry their action; MOBILE-only buttons are not shown on the web', () => {
    const html = body(
      message('k', {
        KEYBOARD: [
          button({ TEXT: 'Copy', ACTION: 'COPY', ACTION_VALUE: 'ABC' }),
          button({ TEXT: 'Call', ACTION: 'CALL', ACTION_VALUE: '+1999' }),
          button({ TEXT: 'Chat', ACTION: 'DIALOG', ACTION_VALUE: 'chat5' }),
          button({ TEXT: 'Phone only', ACTION: 'SEND', ACTION_VALUE: 'x', CONTEXT: 'MOBILE' }),
          button({ TEXT: 'Desk', ACTION: 'SEND', ACTION_VALUE: 'y', CONTEXT: 'DESKTOP' }),
        ],
      }),
    );
    expect(tags(html, 'button').map((b) => [b.title, b['data-action']])).toEqual([
      ['Copy', 'COPY'],
      ['Call', 'CALL'],
      ['Chat', 'DIALOG'],
      ['Desk', 'SEND'],
    ]);
  });

  it('an emoji-only caption gets an aria-label saying what it does; APP buttons without a handler are disabled', () => {
    const html = body(message('k', { KEYBOARD: [button({ TEXT: '👍', COMMAND: 'like', COMMAND_PARAMS: '5' }), button({ TEXT: 'App', APP_ID: 3, APP_PARAMS: 'p' })] }));
    const [like, app] = tags(html, 'button');
    expect(like['aria-label']).toBe('👍 (/like 5)');
    expect(app).toMatchObject({ 'data-kind': 'app', disabled: '' });
    expect(tags(body(message('k', { KEYBOARD: [button({ TEXT: 'App', APP_ID: 3 })] }), { onApp: noop }), 'button')[0].disabled).toBeUndefined();
  });

  it('KEYBOARD "N", an empty list or only NEWLINEs render no keyboard', () => {
    for (const KEYBOARD of ['N' as const, [], [NEWLINE]]) expect(body(message('t', { KEYBOARD }))).not.toContain('b24r-keyboard');
  });
});

describe('attachments (attachments/**)', () => {
  const html = body(gallery.find((g) => g.title.startsWith('Attach: bug tracker'))!.message);

  it('the bug-tracker card: one attach with its colour bar, blocks in order', () => {
    expect(html.match(/data-testid="attach"/g)).toHaveLength(1);
    expect(html).toContain('<div class="b24r-attach" data-testid="attach" data-color="#29619b" style="--b24r-attach-color:#29619b"><div class="b24r-attach-bar" aria-hidden="true"></div>');
    const order = [...html.matchAll(/data-block="(\w+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['USER', 'LINK', 'DELIMITER', 'GRID', 'GRID', 'DELIMITER', 'GRID']);
  });

  it('USER: avatar (initial when none) and the name linking to LINK', () => {
    expect(html).toContain(
      '<div class="b24r-attach-user"><span class="b24r-avatar b24r-avatar-user" aria-hidden="true">M</span><a class="b24r-attach-user-name" href="https://shelenkov.com/" target="_blank" rel="noopener noreferrer">Mantis Notifications</a></div>',
    );
    const withAvatar = body(message('', { ATTACH: attach([{ USER: [{ NAME: 'John Smith', AVATAR: 'https://files.shelenkov.com/bitrix/images/avatar.png', USER_ID: 5 }] }]) }));
    expect(withAvatar).toContain('<img class="b24r-avatar" src="https://files.shelenkov.com/bitrix/images/avatar.png" alt="" loading="lazy"/>');
    expect(withAvatar).toContain('<button type="button" class="b24r-attach-user-name b24r-linklike" data-dialog="5">John Smith</button>');
  });

  it('DELIMITER: SIZE px wide in COLOR', () => {
    expect(html).toContain('<hr class="b24r-delimiter" data-block="DELIMITER" style="width:200px;background-color:#c6c6c6"/>');
  });

  it('GRID LINE: cards with WIDTH; BLOCK: name over value; ROW: a NAME | VALUE table (an empty VALUE spans both)', () => {
    const grids = html.split('data-testid="attach-grid"').slice(1);
    expect(grids[0]).toContain('data-display="LINE"');
    expect(grids[0]).toContain(
      '<div class="b24r-grid-item b24r-grid-line" style="width:100px"><div class="b24r-grid-name">Project</div><div class="b24r-grid-value"><span>BUGS</span></div></div>',
    );
    expect(grids[1]).toContain('data-display="BLOCK"');
    expect(grids[1]).toContain('<div class="b24r-grid-item b24r-grid-block"><div class="b24r-grid-name">Summary</div><div class="b24r-grid-value"><span>It is necessary');
    expect(grids[2]).toContain('<table class="b24r-grid-table b24r-grid-row" data-display="ROW"><tbody>');
    expect(grids[2]).toContain('<tr><th scope="row" class="b24r-grid-name" colSpan="2" style="width:100px">New Request</th></tr>');
    expect(grids[2]).toContain('<tr><th scope="row" class="b24r-grid-name" colSpan="1" style="width:100px">Assigned To</th><td class="b24r-grid-value" colSpan="1">');
  });

  it('GRID TABLE, COLUMN→ROW and CARD→LINE; value colours by token or HEX; BB-codes in VALUE; LINK / USER_ID values', () => {
    const m = message('', {
      ATTACH: attach([
        {
          GRID: [
            { DISPLAY: 'TABLE', NAME: 'Project', VALUE: 'BUGS' },
            { DISPLAY: 'TABLE', NAME: 'Deadline', VALUE: 'soon', COLOR_TOKEN: 'alert', COLOR: '#ff0000' },
          ],
        },
        { GRID: [{ DISPLAY: 'COLUMN', NAME: 'Col', VALUE: 'v', COLOR: '#00ff00' }] },
        { GRID: [{ DISPLAY: 'CARD', NAME: 'Card', VALUE: '[b]bold[/b] [USER=5][/USER]' }] },
        { GRID: [{ DISPLAY: 'BLOCK', NAME: 'Site', VALUE: 'open [b]it[/b]', LINK: 'https://e.com' }, { DISPLAY: 'BLOCK', NAME: 'Who', VALUE: 'Anna', USER_ID: 5 }] },
        { GRID: [{ DISPLAY: 'BLOCK', NAME: 'Bad', VALUE: 'x', COLOR: 'red;x', LINK: 'javascript:alert(1)' }] },
      ]),
    });
    const out = body(m);
    expect(out).toContain('<table class="b24r-grid-table b24r-grid-table" data-display="TABLE">');
    expect(out).toContain('<td class="b24r-grid-value b24r-text-alert" colSpan="1">');
    expect(out).toContain('<table class="b24r-grid-table b24r-grid-row" data-display="ROW"><tbody><tr><th scope="row" class="b24r-grid-name" colSpan="1">Col</th><td class="b24r-grid-value" colSpan="1" style="color:#00ff00">');
    expect(out).toContain('data-display="LINE"');
    expect(out).toContain('<b>bold</b> <button type="button" class="b24r-mention" data-testid="bb-user" data-user-id="5">Anna Lee</button>');
    expect(out).toContain('<a class="b24r-link" href="https://e.com" target="_blank" rel="noopener noreferrer">open it</a>');
    expect(out).toContain('<button type="button" class="b24r-linklike" data-dialog="5">Anna</button>');
    expect(out).not.toContain('javascript:');
    expect(out).not.toContain('red;x');
  });

  it('IMAGE scaled to 250 px wide, linking to the original; FILE with name and size', () => {
    const out = body(
      message('', {
        ATTACH: attach([
          { IMAGE: [{ NAME: 'This is Mantis', LINK: 'https://files.shelenkov.com/bitrix/images/mantis.jpg', PREVIEW: 'https://files.shelenkov.com/p.jpg', WIDTH: 1000, HEIGHT: 638 }] },
          { FILE: [{ NAME: 'mantis.jpg', LINK: 'https://files.shelenkov.com/bitrix/images/mantis.jpg', SIZE: 1500000 }] },
        ]),
      }),
    );
    expect(out).toContain(
      '<a class="b24r-attach-img-link" href="https://files.shelenkov.com/bitrix/images/mantis.jpg" target="_blank" rel="noopener noreferrer"><img class="b24r-attach-img" src="https://files.shelenkov.com/p.jpg" alt="This is Mantis" title="This is Mantis" loading="lazy" style="width:250px;height:160px"/></a>',
    );
    expect(out).toContain(
      '<a class="b24r-file" href="https://files.shelenkov.com/bitrix/images/mantis.jpg" target="_blank" rel="noopener noreferrer"><span class="b24r-file-icon" aria-hidden="true">JPG</span><span class="b24r-file-block"><span class="b24r-file-name" title="mantis.jpg">mantis.jpg</span><span class="b24r-file-size">1.4 MB</span></span></a>',
    );
    expect([0, 512, 2048, 1500000, 5 * 1024 ** 3].map((n) => formatFileSize(n))).toEqual(['', '512 B', '2 KB', '1.4 MB', '5 GB']);
  });

  it('LINK with DESC and PREVIEW; HTML shown as text; RICH_LINK card; MESSAGE with BB-codes', () => {
    const out = body(
      message('', {
        ATTACH: attach([
          { LINK: [{ NAME: 'Ticket #12345: New API', DESC: 'Must be [b]implemented[/b]!', LINK: 'https://api.bitrix24.com/', PREVIEW: 'https://e.com/logo.png', WIDTH: 100, HEIGHT: 50 }] },
          { LINK: [{ NAME: 'H', LINK: 'https://h.com', HTML: '<b onclick="x()">bold</b><script>alert(1)</script>' }] },
          { RICH_LINK: [{ NAME: 'R &amp; D', LINK: 'https://r.com', DESC: 'rd', PREVIEW: 'https://r.com/p.png' }] },
          { MESSAGE: 'The API will be available in the update [B]im 24.0.0[/B]' },
        ]),
      }),
    );
    expect(out).toContain('<a class="b24r-attach-link-name" href="https://api.bitrix24.com/" target="_blank" rel="noopener noreferrer">Ticket #12345: New API</a><div class="b24r-attach-desc"><span>Must be <b>implemented</b>!</span></div>');
    expect(out).toContain('style="width:100px;height:50px"');
    expect(out).toContain('<div class="b24r-attach-desc">boldalert(1)</div>');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('onclick');
    expect(out).toContain('<div class="b24r-attach-rich"><img class="b24r-attach-rich-image" src="https://r.com/p.png" alt="" loading="lazy"/>');
    expect(out).toContain('>R &amp; D</a><div class="b24r-attach-desc">rd</div>');
    expect(out).toContain('<div class="b24r-attach-block b24r-attach-message" data-block="MESSAGE"><span>The API will be available in the update <b>im 24.0.0</b></span></div>');
  });

  it('colour: a non-base COLOR_TOKEN wins over COLOR; TRANSPARENT hides the bar; a bad COLOR falls back to the base token', () => {
    const withToken = body(message('', { ATTACH: attach([{ MESSAGE: 'm' }], { COLOR_TOKEN: 'primary', COLOR: '#29619b' }) }));
    expect(withToken).toContain('data-color="primary" style="--b24r-attach-color:var(--b24r-token-primary)"');
    const transparent = body(message('', { ATTACH: attach([{ MESSAGE: 'm' }], { COLOR: 'transparent' }) }));
    expect(transparent).toContain('class="b24r-attach b24r-attach-transparent"');
    expect(transparent).not.toContain('b24r-attach-bar');
    const bad = body(message('', { ATTACH: attach([{ MESSAGE: 'm' }], { COLOR: 'red;background:url(x)' }) }));
    expect(bad).toContain('data-color="base" style="--b24r-attach-color:var(--b24r-token-base)"');
  });
});

describe('menu, markers, system messages', () => {
  it('MENU items (menu.md example) behind an accessible toggle; stored-escaped TEXT decoded', () => {
    const m = message('Select an action from the menu', {
      MENU: [
        menuItem({ TEXT: 'Open &amp; go', LINK: 'https://www.example.com/' }),
        menuItem({ TEXT: 'Send Text', ACTION: 'SEND', ACTION_VALUE: 'Done' }),
        menuItem({ TEXT: 'Help', COMMAND: 'help', COMMAND_PARAMS: '' }),
        menuItem({ TEXT: 'Off', COMMAND: 'x', DISABLED: 'Y' }),
        menuItem({ TEXT: 'Phone', ACTION: 'CALL', ACTION_VALUE: '1', CONTEXT: 'MOBILE' }),
      ],
    });
    const closed = body(m);
    expect(tags(closed, 'button')[0]).toMatchObject({ class: 'b24r-menu-toggle', 'aria-label': 'Message menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false' });
    expect(closed).toMatch(/<div id="[^"]+" role="menu" aria-label="Message menu" class="b24r-menu-list" data-testid="menu" hidden="">/);
    expect(tags(closed, 'a')[0]).toMatchObject({ role: 'menuitem', href: 'https://www.example.com/', target: '_blank' });
    expect(closed).toContain('>Open &amp; go</a>');
    const items = tags(closed, 'button').filter((b) => b.role === 'menuitem');
    expect(items.map((b) => [b['data-kind'], 'disabled' in b])).toEqual([
      ['action', false],
      ['command', false],
      ['command', true],
    ]);
    const open = body(m, { defaultMenuOpen: true });
    expect(open).toContain('aria-expanded="true"');
    expect(open).not.toContain('hidden=""');
  });

  it('edited and deleted markers; a deleted message shows no attach, keyboard or menu', () => {
    expect(body(message('hello edited', { IS_EDITED: 'Y' }))).toContain('<span class="b24r-edited" data-testid="edited-marker" title="The message was edited">edited</span>');
    const deleted = body(message('This message was deleted.', { IS_DELETED: 'Y', KEYBOARD: [button({ TEXT: 'x', COMMAND: 'x' })], ATTACH: attach([{ MESSAGE: 'm' }]) }));
    expect(deleted).toContain('data-deleted="Y"');
    expect(deleted).toContain('<div class="b24r-deleted" data-testid="deleted-marker">This message was deleted.</div>');
    expect(deleted).not.toContain('b24r-keyboard');
    expect(deleted).not.toContain('data-testid="attach"');
  });

  it('system messages (author 0, or flagged by the client) are marked; params [] is no params', () => {
    const sys = message('[b]Bot[/b] joined', {}, 0);
    expect(sys.params).toEqual([]);
    expect(body(sys)).toContain('<div class="b24r-body b24r-system" data-testid="message-body" data-message-id="' + sys.id + '" data-system="Y">');
    expect(body({ ...message('x', {}, 5), system: true })).toContain('data-system="Y"');
    expect(body(message('x', {}, 5))).not.toContain('data-system');
  });

  it('previews: plain text, or what the message holds', () => {
    expect(messagePreviewText(message('[b]Hi[/b] [USER=5][/USER]'), USERS)).toBe('Hi Anna Lee');
    expect(messagePreviewText(message('', { ATTACH: attach([{ MESSAGE: 'm' }]) }))).toBe('[Attachment]');
    expect(messagePreviewText(message('gone', { IS_DELETED: 'Y' }))).toBe('gone');
  });

  it('the whole gallery corpus renders (every documented example), with the bot as the command target', () => {
    const html = renderToStaticMarkup(createElement(Gallery));
    expect(html.match(/data-testid="message-body"/g)).toHaveLength(gallery.length);
    expect(html.match(/data-testid="kbd-button"/g)!.length).toBeGreaterThanOrEqual(10);
    expect(html.match(/data-testid="attach-grid"/g)!.length).toBeGreaterThanOrEqual(5);
    expect(BOT_ID).toBe(456);
  });
});
