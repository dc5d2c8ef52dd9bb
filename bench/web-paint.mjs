// Scenario 10: first paint of the web messenger on loopback (issue 7: < 1 s), in the system's Chromium
// driven by playwright-core (never a downloaded browser). Baseline: a bare node:http page with one
// line of HTML, measured in the same browser in the same run. Each figure is the median of RUNS fresh
// page loads (new browser context, so nothing is cached) of the First Contentful Paint entry.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ADMIN_TOKEN, cli, percentile, startServer } from './lib.mjs';

const RUNS = 7;
const CHROMIUM = '/usr/bin/chromium';

async function firstPaint(browser, url, prepare, verify) {
  const context = await browser.newContext();
  try {
    if (prepare) await prepare(context);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    // The paint entry can land a frame after `load`.
    const at = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const find = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
          const at = find();
          if (at !== undefined) return resolve(at);
          new PerformanceObserver(() => {
            const t = find();
            if (t !== undefined) resolve(t);
          }).observe({ type: 'paint', buffered: true });
          setTimeout(() => resolve(null), 5000);
        }),
    );
    if (verify) await verify(page);
    return at;
  } finally {
    await context.close();
  }
}

async function median(browser, url, prepare, verify) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = await firstPaint(browser, url, prepare, verify);
    if (t !== null) times.push(t);
  }
  times.sort((a, b) => a - b);
  return times.length ? percentile(times, 50) : null;
}

/** Median first paint of the sign-in page and of the signed-in messenger, and of a bare page. */
export async function webPaint(tmp) {
  if (!fs.existsSync(CHROMIUM)) return { error: `${CHROMIUM} not installed (apt-get install chromium)` };
  const { chromium } = await import('playwright-core');
  const bare = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>bare</title></head><body><p>Hello</p></body></html>');
  });
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  const data = path.join(tmp, 'web-paint.sqlite');
  const added = await cli(data, 'user', 'add', '--name', 'Paint', '--login', 'paint', '--password', 'paint-secret', '--webhook-token', ADMIN_TOKEN);
  const userId = added.match(/user (\d+) created/i)[1];
  const server = await startServer(data);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const baseline = await median(browser, `http://127.0.0.1:${bare.address().port}/`);
    const signIn = await median(browser, `${server.url}/`);
    // Signed in: a one-time link per load sets the session cookie, then the messenger itself is timed.
    const messenger = await median(browser, `${server.url}/`, async (context) => {
      const link = (await cli(data, 'user', 'login-link', userId)).match(/https?:\/\/\S+/)[0];
      const page = await context.newPage();
      await page.goto(server.url + new URL(link).pathname);
      await page.close();
    }, async (page) => {
      // The timed page must be the messenger, not the sign-in form the link failed to get past.
      await page.getByText('Sign out').waitFor({ timeout: 5000 });
    });
    return { baseline, signIn, messenger };
  } finally {
    await browser.close();
    await server.stop();
    bare.close();
  }
}
