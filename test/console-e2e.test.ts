import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLink, loginLinkPath } from '../src/domain/sessions.js';
import { createUser } from '../src/domain/users.js';
import { webAppDir } from '../src/web/assets.js';
import { deliveriesSettled, FormReceiver, testServer, type TestServer } from './helpers/server.js';

// Issue 8: the developer console at /console in real headless Chromium (built pages: npm run build).

const CHROMIUM = '/usr/bin/chromium';
// The docs' screenshot is rewritten only on request (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean.
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-shots-'));

let s: TestServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** Signs the browser in as `userId` with a one-time link (the cookie session the console uses). */
async function signIn(userId: number) {
  const token = await createLoginLink(s.server.platform.store, userId);
  await page.goto(`${s.url}${loginLinkPath(token)}`);
}

beforeAll(async () => {
  expect(fs.existsSync(path.join(webAppDir(), 'console', 'index.html')), 'build the web app first: npm run build').toBe(true);
  s = await testServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('console', () => {
  it('refuses a person who is not the administrator', async () => {
    const u = await createUser(s.server.platform.store, { name: 'Carol', login: 'carol' });
    await signIn(u.id);
    await page.goto(`${s.url}/console`);
    await expect.poll(() => page.textContent('body')).toContain('Carol is not an administrator');
    const direct = await page.evaluate(async () => (await fetch('/_imbot/users')).status);
    expect(direct).toBe(403);
  });

  it('shows an inspector row for a REST call, live, and opens it as formatted JSON', async () => {
    await signIn(1);
    await page.goto(`${s.url}/console`);
    await page.getByText('imbot-server console').waitFor();
    // The session is enough to read; a write without the session's CSRF token is refused.
    const forged = await page.evaluate(async () => {
      const r = await fetch('/_imbot/reset', { method: 'POST' });
      return { status: r.status, body: await r.json() };
    });
    expect(forged).toMatchObject({ status: 401, body: { error: 'session_failed' } });
    // The live tail is connected once the first render is done; a call made now must appear without a reload.
    await page.waitForTimeout(300);
    const reg = await s.call('imbot.v2.Bot.register', { botToken: 'console-secret', fields: { code: 'shown', properties: { name: 'Shown Bot' } } });
    expect(reg.status).toBe(200);
    const row = page.locator('tr[data-kind="call"]', { hasText: 'imbot.v2.Bot.register' });
    await row.first().waitFor({ timeout: 5000 });
    await row.first().click();
    const detail = page.locator('.detail pre');
    await expect.poll(() => detail.textContent()).toContain('"method": "imbot.v2.Bot.register"');
    const json = JSON.parse((await detail.textContent())!);
    expect(json.params.botToken).toBe('***');
    expect(json.result.bot.id).toBe(reg.body.result.bot.id);
  });

  it('filters to failed deliveries and replays one to the fixed handler', async () => {
    const rx = await new FormReceiver().start();
    try {
      const bot = (await s.call('imbot.v2.Bot.register', { botToken: 'hooked', fields: { code: 'hooked', properties: { name: 'Hooked' }, eventMode: 'webhook', webhookUrl: 'http://127.0.0.1:1/nowhere' } })).body.result.bot.id;
      await s.call('im.message.add', { DIALOG_ID: bot, MESSAGE: 'lost at first' });
      await deliveriesSettled(s);
      await s.call('imbot.v2.Bot.update', { botId: bot, botToken: 'hooked', fields: { eventMode: 'webhook', webhookUrl: rx.url('/fixed') } });

      await page.getByLabel('Kind').selectOption('event');
      await page.getByLabel('Errors only').check();
      const failed = page.locator('tr[data-kind="event"].failed', { hasText: 'ONIMBOTV2MESSAGEADD' });
      await failed.first().waitFor({ timeout: 5000 });
      await failed.first().click();
      await page.getByRole('button', { name: 'Replay to current handler' }).click();
      const post = await rx.waitFor((p) => p.path === '/fixed');
      expect(post.body.data.message.text).toBe('lost at first');
      await expect.poll(() => page.locator('.message').textContent()).toContain('HTTP 200');
      // The opened row now shows the replay as its second attempt.
      await expect.poll(() => page.locator('.detail pre').textContent()).toContain('"status": "delivered"');
      expect(await page.locator('.detail pre').textContent()).toContain('"replay": true');
      await page.getByLabel('Errors only').uncheck();
      await page.getByLabel('Kind').selectOption('');
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'console.png') });
    } finally {
      await rx.close();
    }
  });

  it('Resources lists bots with queue depth and peeks without acknowledging', async () => {
    await s.call('imbot.v2.Bot.register', { botToken: 'peeky', fields: { code: 'peeky', properties: { name: 'Peeky' } } });
    await page.getByRole('button', { name: 'Resources' }).click();
    const bots = page.locator('section.panel').filter({ has: page.getByRole('heading', { name: 'Bots', exact: true }) });
    const row = bots.locator('tbody tr', { hasText: 'peeky' });
    await row.waitFor();
    const id = Number(await row.locator('td').first().textContent());
    await s.call('im.message.add', { DIALOG_ID: id, MESSAGE: 'queued for peeky' });
    await bots.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => row.locator('td').nth(9).textContent()).not.toBe('0');
    await row.getByRole('button', { name: 'Peek' }).click();
    await expect.poll(() => page.locator('.peek pre').textContent()).toContain('queued for peeky');
    // Peeking twice shows the same queue: nothing was acknowledged.
    const depth = (await s.call('imbot.v2.Event.get', { botId: id, botToken: 'peeky' })).body.result.events.length;
    expect(depth).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
