import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/domain/platform.js';
import { type Bot, fixtures } from './helpers/fixtures.js';
import { httpBuildQuery, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// Beyond the cloud: `wait` on imbot.v2.Event.get and im.v2.Event.get (docs/events.md "Long poll").

let s: TestServer;
let p: Platform;

beforeAll(async () => {
  s = await testServer();
  p = s.server.platform;
});
afterAll(() => s?.close());

const { newBot, newPerson, say } = fixtures(() => s, { botName: 'Poller' });

/** Waits (polling the registry, no time assertion) until `n` calls are held. */
async function heldCalls(n: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (p.waiters!.size !== n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} held calls, have ${p.waiters!.size}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * One poll on a connection of its own (node:http, no pooling), as a bot process would hold it;
 * the body is PHP form-encoded or JSON.
 */
function poll(base: string, method: string, params: Record<string, unknown>, enc: 'json' | 'form' = 'json', signal?: AbortSignal) {
  const body = Buffer.from(enc === 'json' ? JSON.stringify(params) : httpBuildQuery(params));
  const type = enc === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = http.request(base + method, { method: 'POST', agent: false, signal, headers: { 'content-type': type, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('imbot.v2.Event.get wait', () => {
  it('holds an empty poll and answers as soon as a person writes to the bot', async () => {
    const bot = await newBot();
    const person = await newPerson('Writer');
    const held = poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, wait: 25 }, 'form');
    await heldCalls(1);
    // Other calls go on while the poll is held.
    const id = await say(person, bot.id, 'wake up');
    const r = await held;
    expect(r.status).toBe(200);
    const adds = r.body.result.events.filter((e: any) => e.type === 'ONIMBOTV2MESSAGEADD');
    expect(adds.map((e: any) => e.data.message.id)).toEqual([id]);
    expect(r.body.result.nextOffset).toBe(r.body.result.events.at(-1).eventId + 1);
    expect(isTimeObject(r.body.time)).toBe(true);
    expect(p.waiters!.size).toBe(0);
  });

  it('answers the normal empty page when the time passes, without counting the held time as operating time', async () => {
    const bot = await newBot();
    const r = await poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, offset: 5, wait: 1 });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ events: [], nextOffset: 5, hasMore: false });
    // The second held is far above the 0.1 s that counts (operating-limit.ts); it is idle, not work.
    expect(r.body.time.operating).toBe(0);
    expect(r.body.time.duration).toBeGreaterThanOrEqual(1);
    expect(p.waiters!.size).toBe(0);
  });

  it('answers at once when events are already queued, and acknowledges by offset before waiting', async () => {
    const bot = await newBot();
    const person = await newPerson('Early');
    await say(person, bot.id, 'queued');
    const first = await poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, wait: 30 });
    expect(first.body.result.events.length).toBeGreaterThan(0);
    // Acknowledging everything and waiting: a new message releases the call with only the new event.
    const held = poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, offset: first.body.result.nextOffset, wait: 30 });
    await heldCalls(1);
    const id = await say(person, bot.id, 'fresh');
    const r = await held;
    expect(r.body.result.events.map((e: any) => e.data.message.id)).toEqual([id]);
  });

  it('a client that disconnects releases its held call', async () => {
    const bot = await newBot();
    const ac = new AbortController();
    const held = poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, wait: 30 }, 'json', ac.signal).catch((e: Error) => e);
    await heldCalls(1);
    ac.abort();
    expect(await held).toBeInstanceOf(Error);
    await heldCalls(0);
  });

  it('wait is clamped to 0..30 and must be an integer (binder error 100)', async () => {
    const bot = await newBot();
    const neg = await poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, wait: -5 });
    expect(neg.body.result).toEqual({ events: [], nextOffset: 0, hasMore: false });
    const bad = await poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, wait: 'forever' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe(100);
  });

  it('is ignored inside batch (a held sub-call would hold the batch)', async () => {
    const bot = await newBot();
    const r = await s.call('batch', { halt: 0, cmd: { ev: `imbot.v2.Event.get?${httpBuildQuery({ botId: bot.id, botToken: bot.token, wait: 30 })}` } });
    expect(r.status).toBe(200);
    expect(r.body.result.result.ev).toEqual({ events: [], nextOffset: 0, hasMore: false });
  });

  it('1,000 concurrent polls on 100 bots, each released by the one message to its bot', async () => {
    // Set-up in parallel: the registrations and messages are not what is under test.
    const bots: Bot[] = await Promise.all(Array.from({ length: 100 }, () => newBot()));
    const person = await newPerson('Broadcaster');
    const polls = bots.flatMap((bot) =>
      Array.from({ length: 10 }, () => poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, wait: 30 }).then((r) => ({ bot, r }))),
    );
    await heldCalls(1000, 30_000);
    const sent = new Map<number, number>();
    const ids = await Promise.all(bots.map((bot) => say(person, bot.id, `for ${bot.id}`)));
    bots.forEach((bot, i) => sent.set(bot.id, ids[i]));
    const answers = await Promise.all(polls);
    for (const { bot, r } of answers) {
      expect(r.status).toBe(200);
      const adds = r.body.result.events.filter((e: any) => e.type === 'ONIMBOTV2MESSAGEADD');
      expect(adds.map((e: any) => e.data.message.id)).toEqual([sent.get(bot.id)]);
      expect(adds[0].data.bot.id).toBe(bot.id);
    }
    expect(p.waiters!.size).toBe(0);
  }, 60_000);

  it('a poll sent together with its message comes back with it, whichever commits first', async () => {
    const bots: Bot[] = await Promise.all(Array.from({ length: 40 }, () => newBot()));
    const person = await newPerson('Racer');
    // Poll and message leave together, so some messages commit before the poll's read, some between its
    // read and its registration, some after; every poll must come back with its message well before
    // the 10 s wait runs out.
    const started = performance.now();
    const answers = await Promise.all(
      bots.map(async (bot) => {
        const [r, id] = await Promise.all([poll(s.hook, 'imbot.v2.Event.get', { botId: bot.id, botToken: bot.token, wait: 10 }), say(person, bot.id, 'race')]);
        return { r, id };
      }),
    );
    for (const { r, id } of answers) {
      const adds = r.body.result.events.filter((e: any) => e.type === 'ONIMBOTV2MESSAGEADD');
      expect(adds.map((e: any) => e.data.message.id)).toEqual([id]);
    }
    expect(performance.now() - started).toBeLessThan(9_000);
    expect(p.waiters!.size).toBe(0);
  }, 30_000);
});

describe('im.v2.Event.get wait', () => {
  it("holds the user's poll until a message reaches a chat they are in", async () => {
    const reader = await newPerson('Reader');
    expect((await s.call('im.v2.Event.subscribe', {}, 'json', reader.hook)).status).toBe(200);
    const writer = await newPerson('Writer');
    const held = poll(reader.hook, 'im.v2.Event.get', { wait: 20 }, 'form');
    await heldCalls(1);
    const id = await say(writer, reader.id, 'ping');
    const r = await held;
    expect(r.status).toBe(200);
    expect(r.body.result.events.map((e: any) => [e.type, e.data.message.id])).toEqual([['ONIMV2MESSAGEADD', id]]);
  });

  it('times out with the empty page', async () => {
    const reader = await newPerson('Idle');
    const r = await poll(reader.hook, 'im.v2.Event.get', { wait: 1, offset: 7 });
    expect(r.body.result).toEqual({ events: [], nextOffset: 7, hasMore: false });
    expect(r.body.time.operating).toBe(0);
  });
});
