#!/usr/bin/env node
// Renders every documented message example (web/messenger/render/gallery-corpus.ts) to static HTML with the
// renderer's CSS and screenshots it in the system Chromium: docs/screenshots/render-gallery.png (desktop) and
// render-gallery-narrow.png (phone width). Remote images are answered with local placeholders, so it runs offline.
//   node scripts/render-gallery.mjs [--out DIR] [--html]   (CHROMIUM=/path overrides /usr/bin/chromium)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createServer } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outDir = resolve(root, args.includes('--out') ? args[args.indexOf('--out') + 1] : 'docs/screenshots');

export async function galleryHtml() {
  const vite = await createServer({ root, configFile: false, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false } });
  try {
    const { Gallery, GALLERY_PAGE_CSS } = await vite.ssrLoadModule('/web/messenger/render/gallery.tsx');
    const css = await readFile(join(root, 'web/messenger/render/render.css'), 'utf8');
    const body = renderToStaticMarkup(createElement(Gallery));
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Message rendering gallery</title><style>${css}\n${GALLERY_PAGE_CSS}</style></head><body>${body}</body></html>`;
  } finally {
    await vite.close();
  }
}

const PALETTE = ['#7aa6c9', '#8fc16b', '#e6a25b', '#9c87d1', '#5bbfb3'];
function placeholder(url) {
  const colour = PALETTE[[...url].reduce((a, c) => a + c.charCodeAt(0), 0) % PALETTE.length];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="240" viewBox="0 0 400 240"><rect width="400" height="240" fill="${colour}"/><circle cx="300" cy="70" r="34" fill="#fff" opacity=".55"/><path d="M0 240 L130 110 L230 200 L290 150 L400 240Z" fill="#fff" opacity=".45"/></svg>`;
}

async function main() {
  const html = await galleryHtml();
  await mkdir(outDir, { recursive: true });
  if (args.includes('--html')) await writeFile(join(outDir, 'render-gallery.html'), html);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    for (const [name, width] of [['render-gallery.png', 820], ['render-gallery-narrow.png', 390]]) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.route(/^https?:/, (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: placeholder(route.request().url()) }));
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ path: join(outDir, name), fullPage: true });
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      await page.close();
      console.log(`wrote ${join(outDir, name)}`);
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
