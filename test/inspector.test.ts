import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveriesSettled, fetchJson, FormReceiver, testServer, type TestServer } from './helpers/server.js';

// Issue 8: the console's inspector (GET /_imbot/inspector, its live tail) and delivery replay.

let s: TestServer;
let admin: string;

beforeAll(async () => {
  s = await testServer({ inspectorSize: 500 });
  admin = s.server.adminWebhook.secret;
});
afterAll(() => s?.close());

const control = (method: 'GET' | 'POST', path: string, body?: unknown) =>
  fetchJson(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const rows = async (query: string) => {
  const r = await control('GET', `/_imbot/inspector?${query}`);
  expect(r.status, r.text).toBe(200);
  return r.body.result.items as any[];
};

let n = 0;
const uniq = (p: string) => `${p}${++n}${Math.random().toString(36).slice(2, 6)}`;

/** A loopback handler that answers every POST with `status` and a body. */
async function answering(status: number, text: string) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'text/plain' }).end(text));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/bot`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('calls', () => {
  it('a call appears with caller, parameters (secrets redacted), result, status and duration', async () => {
    const token = uniq('secret-token');
    const code = uniq('insp');
    const r = await s.call('imbot.v2.Bot.register', { botToken: token, fields: { code, properties: { name: 'Inspected' } } }, 'form');
    expect(r.status).toBe(200);
    const [row] = await rows('method=imbot.v2.Bot.register&limit=1');
    expect(row).toMatchObject({ kind: 'call', method: 'imbot.v2.Bot.register', status: 200, caller: { kind: 'webhook', id: expect.any(Number), userId: 1 } });
    expect(row.params.botToken).toBe('***');
    expect(row.params.fields.code).toBe(code);
    expect(row.result.bot.id).toBe(r.body.result.bot.id);
    expect(row.durationMs).toBeGreaterThan(0);
    expect(JSON.stringify(row)).not.toContain(token);

    // A bot's own call is attributed to the bot.
    await s.call('imbot.v2.Bot.get', { botId: r.body.result.bot.id, botToken: token });
    const [asBot] = await rows(`kind=call&bot=${r.body.result.bot.id}&limit=1`);
    expect(asBot.caller).toMatchObject({ kind: 'bot', id: r.body.result.bot.id });
  });

  it('a failed call shows the error body and HTTP status; error=1 keeps only failures', async () => {
    const bad = await s.call('imbot.v2.Bot.get', { botId: 987654, botToken: 'x' });
    expect(bad.status).toBe(400);
    const failures = await rows('error=1&kind=call&limit=5');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((x) => x.error && x.status >= 400)).toBe(true);
    expect(failures[0]).toMatchObject({ method: 'imbot.v2.Bot.get', status: 400, error: { error: bad.body.error } });
    // Bad credentials are recorded too, with an unknown caller.
    await fetchJson(`${s.url}/rest/1/wrongsecret/profile`);
    const [unauth] = await rows('method=profile&error=1&limit=1');
    expect(unauth).toMatchObject({ status: 401, caller: { kind: 'unknown' }, error: { error: 'INVALID_CREDENTIALS' } });
  });

  it('batch sub-calls are rows of their own, next to the batch', async () => {
    const before = (await control('GET', '/_imbot/inspector?limit=1')).body.result.lastId;
    await s.call('batch', { cmd: { t: 'server.time', p: 'profile' } });
    const recent = await rows(`after=${before}`);
    expect(recent.map((x) => [x.method, x.via])).toEqual([
      ['batch', undefined],
      ['profile', 'batch'],
      ['server.time', 'batch'],
    ]);
  });
});

describe('events and deliveries', () => {
  it('a fetch event and a failed webhook delivery appear, the delivery with each attempt (status, excerpt, latency)', async () => {
    const handler = await answering(500, 'handler exploded');
    try {
      const fetchBot = (await s.call('imbot.v2.Bot.register', { botToken: 'f', fields: { code: uniq('f'), properties: { name: 'F' } } })).body.result.bot.id;
      const hookBot = (await s.call('imbot.v2.Bot.register', { botToken: 'h', fields: { code: uniq('h'), properties: { name: 'H' }, eventMode: 'webhook', webhookUrl: handler.url } })).body.result.bot.id;
      await s.call('im.message.add', { DIALOG_ID: fetchBot, MESSAGE: 'to the fetch bot' });
      await s.call('im.message.add', { DIALOG_ID: hookBot, MESSAGE: 'to the hook bot' });
      await deliveriesSettled(s);

      const [queued] = await rows(`kind=event&bot=${fetchBot}&type=MESSAGEADD&limit=1`);
      expect(queued).toMatchObject({ type: 'ONIMBOTV2MESSAGEADD', botId: fetchBot, mode: 'fetch', status: 'queued' });
      expect(queued.body.message.text).toBe('to the fetch bot');

      const [failed] = await rows(`kind=event&bot=${hookBot}&type=MESSAGEADD&error=1&limit=1`);
      expect(failed).toMatchObject({ mode: 'webhook', status: 'failed', url: handler.url, deliveryId: expect.any(Number) });
      expect(failed.body.data.message.text).toBe('to the hook bot');
      expect(failed.body.auth.application_token).toBe('***');
      expect(failed.body.data.bot.auth.application_token).toBe('***');
      expect(failed.attempts).toHaveLength(1);
      expect(failed.attempts[0]).toMatchObject({ ok: false, status: 500, responseExcerpt: 'handler exploded', url: handler.url });
      expect(failed.attempts[0].latencyMs).toBeGreaterThan(0);
    } finally {
      await handler.close();
    }
  });

  it('replay posts the recorded delivery to the bot’s current handler and records the attempt', async () => {
    const broken = await answering(503, 'down');
    const rx = await new FormReceiver().start();
    try {
      const token = uniq('t');
      const bot = (await s.call('imbot.v2.Bot.register', { botToken: token, fields: { code: uniq('r'), properties: { name: 'R' }, eventMode: 'webhook', webhookUrl: broken.url } })).body.result.bot.id;
      await s.call('im.message.add', { DIALOG_ID: bot, MESSAGE: 'please replay me' });
      await deliveriesSettled(s);
      const [failed] = await rows(`kind=event&bot=${bot}&type=MESSAGEADD&limit=1`);
      expect(failed.status).toBe('failed');

      // The developer fixes the handler (a new URL), then replays.
      const upd = await s.call('imbot.v2.Bot.update', { botId: bot, botToken: token, fields: { eventMode: 'webhook', webhookUrl: rx.url('/fixed') } });
      expect(upd.status, upd.text).toBe(200);
      const replay = await control('POST', `/_imbot/deliveries/${failed.deliveryId}/replay`);
      expect(replay.status, replay.text).toBe(200);
      expect(replay.body.result).toMatchObject({ deliveryId: failed.deliveryId, url: rx.url('/fixed'), ok: true, status: 200 });
      const post = await rx.waitFor((p) => p.path === '/fixed');
      expect(post.body.event).toBe('ONIMBOTV2MESSAGEADD');
      expect(post.body.data.message.text).toBe('please replay me');

      const [after] = await rows(`kind=event&bot=${bot}&type=MESSAGEADD&limit=1`);
      expect(after.id).toBe(failed.id);
      expect(after.status).toBe('delivered');
      expect(after.attempts.map((a: any) => [a.status, !!a.replay])).toEqual([
        [503, false],
        [200, true],
      ]);
      const one = await control('GET', `/_imbot/inspector/${failed.id}`);
      expect(one.body.result).toEqual(after);
      const gone = await control('GET', '/_imbot/inspector/99999999');
      expect(gone.status).toBe(404);
      expect(gone.body.error).toBe('ENTRY_NOT_FOUND');
      const missing = await control('POST', '/_imbot/deliveries/99999999/replay');
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('DELIVERY_NOT_FOUND');
    } finally {
      await broken.close();
      await rx.close();
    }
  });
});

describe('live tail (Server-Sent Events)', () => {
  it('streams new rows that match the filter', async () => {
    const ac = new AbortController();
    const res = await fetch(`${s.url}/_imbot/inspector/stream?token=${admin}&method=server.time`, { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const seen: any[] = [];
    const reading = (async () => {
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += new TextDecoder().decode(value);
        for (const m of buf.matchAll(/^data: (.*)$/gm)) seen.push(JSON.parse(m[1]));
        buf = buf.slice(buf.lastIndexOf('\n') + 1);
        if (seen.length) return;
      }
    })();
    await s.call('profile');
    await s.call('server.time');
    await reading;
    ac.abort();
    expect(seen[0]).toMatchObject({ kind: 'call', method: 'server.time', status: 200 });
  });
});

describe('the ring is bounded', () => {
  it('keeps the last inspectorSize entries; 0 turns recording off', async () => {
    const small = await testServer({ inspectorSize: 3 });
    const off = await testServer({ inspectorSize: 0 });
    try {
      for (let i = 0; i < 5; i++) await small.call('server.time');
      await small.call('profile');
      const r = await fetchJson(`${small.url}/_imbot/inspector`, { headers: { authorization: `Bearer ${small.server.adminWebhook.secret}` } });
      expect(r.body.result.size).toBe(3);
      expect(r.body.result.items.map((x: any) => x.method)).toEqual(['profile', 'server.time', 'server.time']);
      await off.call('profile');
      const none = await fetchJson(`${off.url}/_imbot/inspector`, { headers: { authorization: `Bearer ${off.server.adminWebhook.secret}` } });
      expect(none.body.result.items).toEqual([]);
    } finally {
      await small.close();
      await off.close();
    }
  });
});
