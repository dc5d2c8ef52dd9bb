import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

// The renderer's behaviour in a real Chromium (the Debian package; never a downloaded browser):
// web/messenger/render/harness.tsx built by Vite into one script, clicked with Playwright. Checks what
// static markup cannot: message-keyboards.md COMMAND / ACTION / LINK / BLOCK / DISABLED, [SEND]/[PUT]
// text links, the context menu (menu.md) with its keyboard handling, and the BLOCK lock lifting on update.

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const root = resolve(import.meta.dirname, '..');

let browser: Browser;
let page: Page;
const errors: string[] = [];

async function bundle(): Promise<string> {
  const out = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
    build: {
      write: false,
      minify: false,
      cssCodeSplit: false,
      lib: { entry: resolve(root, 'web/messenger/render/harness.tsx'), formats: ['iife'], name: 'RenderHarness', fileName: 'harness' },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => ('output' in o ? o.output : []));
  const js = outputs.find((o) => o.type === 'chunk');
  const css = outputs.find((o) => o.type === 'asset' && o.fileName.endsWith('.css'));
  if (!js || js.type !== 'chunk') throw new Error('harness bundle missing');
  const style = css && css.type === 'asset' ? String(css.source) : '';
  return `<!doctype html><html><head><meta charset="utf-8"><style>${style}</style></head><body><div id="root"></div><script>${js.code.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
}

/** Evaluated as strings: this program compiles without lib.dom. */
const focused = (property: string) => page.evaluate(`document.activeElement?.${property}`);
const calls = () => page.evaluate(() => (globalThis as unknown as { __calls: unknown[][] }).__calls.splice(0));
const section = (n: number) => page.locator('section').nth(n);
const messageId = async (n: number) => Number(await section(n).getAttribute('data-message'));

describe.skipIf(!existsSync(CHROMIUM))('message rendering in Chromium', () => {
  beforeAll(async () => {
    const [html, launched] = await Promise.all([bundle(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
    browser = launched;
    const context = await browser.newContext();
    // Outside links (and the tab a LINK button opens) never leave the machine.
    await context.route(/^https?:/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>opened</title>' }));
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.setContent(html);
    await page.waitForFunction(() => (globalThis as unknown as { __ready?: boolean }).__ready === true);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Each test starts from freshly mounted messages and an empty call log. */
  async function open() {
    const before = Number(await page.locator('main').getAttribute('data-generation'));
    await page.evaluate(() => (globalThis as unknown as { __reset(): void }).__reset());
    await page.locator(`main[data-generation="${before + 1}"]`).waitFor();
  }

  it('COMMAND buttons raise onCommand with the button bot (or the author) and context keyboard; DISABLED does nothing', async () => {
    await open();
    const id = await messageId(0);
    const kbd = section(0).getByTestId('keyboard');
    await kbd.getByRole('button', { name: 'Yes' }).click();
    await kbd.getByRole('button', { name: 'Other bot' }).click();
    await kbd.getByRole('button', { name: 'Off' }).click({ force: true, timeout: 2000 });
    expect(await calls()).toEqual([
      ['command', 456, 'answer', 'yes', id, 'keyboard'],
      // BOT_ID 0: the command goes to the message author (the bot, 456 in the corpus).
      ['command', 456, 'ping', '', id, 'keyboard'],
    ]);
    expect(await kbd.getByRole('button', { name: 'Off' }).isDisabled()).toBe(true);
  });

  it('ACTION buttons call onAction; ACTION with BLOCK=Y is not blocked (message-keyboards.md); LINK opens a new tab', async () => {
    await open();
    const kbd = section(0).getByTestId('keyboard');
    await kbd.getByRole('button', { name: 'Insert command' }).click();
    await kbd.getByRole('button', { name: 'Copy' }).click();
    await kbd.getByRole('button', { name: 'Copy' }).click();
    expect(await calls()).toEqual([
      ['action', 'PUT', '/help'],
      ['action', 'COPY', 'ABC'],
      ['action', 'COPY', 'ABC'],
    ]);
    const [popup] = await Promise.all([page.waitForEvent('popup'), kbd.getByRole('link', { name: 'Open website' }).click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe('https://www.example.com/');
    // A background tab throttles animation frames, which Playwright's click checks wait on.
    await popup.close();
    await page.bringToFront();
    expect(await calls()).toEqual([]);
  });

  it('COMMAND with BLOCK=Y disables the whole keyboard after one press; a new keyboard from the bot lifts it', async () => {
    await open();
    const id = await messageId(1);
    const kbd = section(1).getByTestId('keyboard');
    await kbd.getByRole('button', { name: 'Vote A' }).click();
    await kbd.getByRole('button', { name: 'Vote B' }).click({ force: true, timeout: 2000 });
    expect(await calls()).toEqual([['command', 456, 'vote', 'a', id, 'keyboard']]);
    expect(await kbd.getByRole('button', { name: 'Vote A' }).isDisabled()).toBe(true);
    expect(await kbd.getByRole('button', { name: 'Vote B' }).isDisabled()).toBe(true);
    await page.evaluate(
      (mid) =>
        (globalThis as unknown as { __setKeyboard(id: number, k: unknown): void }).__setKeyboard(mid, [
          { BOT_ID: 456, TYPE: 'BUTTON', TEXT: 'Vote A', COMMAND: 'vote', COMMAND_PARAMS: 'a', BLOCK: 'Y' },
          { BOT_ID: 456, TYPE: 'BUTTON', TEXT: 'Results', COMMAND: 'results', BLOCK: 'N' },
        ]),
      id,
    );
    await expect.poll(() => kbd.getByRole('button', { name: 'Vote A' }).isDisabled()).toBe(false);
    await kbd.getByRole('button', { name: 'Results' }).click();
    expect(await calls()).toEqual([['command', 456, 'results', '', id, 'keyboard']]);
  });

  it('[send=…] / [put=…] links and mentions in the text call onAction', async () => {
    await open();
    const text = section(0).locator('.b24r-text');
    await text.getByRole('button', { name: 'Show help' }).click();
    await text.getByRole('button', { name: 'Search' }).click();
    await text.getByTestId('bb-user').click();
    expect(await calls()).toEqual([
      ['action', 'SEND', '/help', undefined],
      ['action', 'PUT', '/search', undefined],
      ['action', 'DIALOG', '5'],
    ]);
  });

  it('keyboard buttons are reachable with Tab and pressed with Enter / Space', async () => {
    await open();
    const id = await messageId(0);
    await section(0).getByRole('button', { name: 'Insert command' }).focus();
    await page.keyboard.press('Tab'); // Copy
    await page.keyboard.press('Tab'); // Yes
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // Other bot
    await page.keyboard.press('Space');
    expect(await calls()).toEqual([
      ['command', 456, 'answer', 'yes', id, 'keyboard'],
      ['command', 456, 'ping', '', id, 'keyboard'],
    ]);
    const outline = await section(0).getByRole('button', { name: 'Other bot' }).evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
  });

  it('the context menu opens from its button, moves with arrows, closes with Escape and raises commands with context menu', async () => {
    await open();
    const id = await messageId(2);
    const toggle = section(2).getByRole('button', { name: 'Message menu' });
    const menu = section(2).getByRole('menu');
    expect(await menu.isVisible()).toBe(false);
    await toggle.click();
    await expect.poll(() => menu.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => focused('textContent')).toBe('Open Website');
    await page.keyboard.press('ArrowDown'); // skips the disabled item
    expect(await focused('textContent')).toBe('Send Text');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.isVisible()).toBe(false);
    expect(await focused("getAttribute('aria-label')")).toBe('Message menu');

    await toggle.click();
    await menu.getByRole('menuitem', { name: 'Off' }).click({ force: true, timeout: 2000 });
    await menu.getByRole('menuitem', { name: 'Help' }).click();
    expect(await calls()).toEqual([['command', 456, 'help', 'topic', id, 'menu']]);
    await expect.poll(() => menu.isVisible()).toBe(false);
    await toggle.click();
    await expect.poll(() => menu.isVisible()).toBe(true);
    await section(0).locator('.b24r-text').click({ position: { x: 2, y: 2 } });
    await expect.poll(() => menu.isVisible()).toBe(false);
    await toggle.click();
    await menu.getByRole('menuitem', { name: 'Send Text' }).click();
    expect(await calls()).toEqual([['action', 'SEND', 'Done']]);
  });

  it('no page errors or console errors along the way', () => {
    expect(errors).toEqual([]);
  });
});
