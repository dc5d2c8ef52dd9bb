import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { testServer, type TestServer } from './helpers/server.js';

// imbot.v2/files/file-upload.md, im.v2/files/file-upload.md: "Maximum size — 100 MB", FILE_TOO_LARGE.
// Apart from v2-files.test.ts: each body is 140 MB of base64 JSON, seconds of work for any server.

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(() => s?.close());

it('a file of 100 MB + 1 byte is FILE_TOO_LARGE on imbot.v2.File.upload and im.v2.File.upload', async () => {
  const reg = await s.call('imbot.v2.Bot.register', { botToken: 'big_tok', fields: { code: 'big_bot', properties: { name: 'Big' } } });
  const botId = reg.body.result.bot.id;
  const p = s.server.platform;
  const u = await createUser(p.store, { name: 'Hugo' });
  const { secret } = await createWebhook(p.store, p.box, { userId: u.id, scopes: ['im'] });
  const content = Buffer.alloc(100 * 1024 * 1024 + 1, 0xa5).toString('base64');
  // The JSON is assembled around the base64 text rather than JSON.stringify'd: no second 140 MB scan.
  const post = (url: string, params: Record<string, unknown>) => {
    const head = JSON.stringify({ ...params, fields: { name: 'big.bin', content: '' } }).slice(0, -3);
    const body = `${head}${content}"}}`;
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  };

  const asBot = await post(`${s.hook}imbot.v2.File.upload`, { botId, botToken: 'big_tok', dialogId: String(u.id) });
  expect(asBot.status).toBe(400);
  expect(asBot.body).toEqual({ error: 'FILE_TOO_LARGE', error_description: 'File is too large' });

  const asUser = await post(`${s.url}/rest/${u.id}/${secret}/im.v2.File.upload`, { dialogId: String(botId) });
  expect(asUser.status).toBe(400);
  expect(asUser.body).toEqual({ error: 'FILE_TOO_LARGE', error_description: 'File is too large' });
  // Nothing of it was kept.
  expect(await p.store.files.byId(1)).toBeUndefined();
}, 60_000);
