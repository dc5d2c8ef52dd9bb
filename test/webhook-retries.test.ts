import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { getDeliveryOptions, setDeliveryOptions } from '../src/domain/delivery-options.js';
import type { Platform } from '../src/domain/platform.js';
import { installApp } from '../src/events/app-install.js';
import { fixtures, uniq } from './helpers/fixtures.js';
import { runCli } from './helpers/cli.js';
import { deliveriesSettled, fetchJson, FormReceiver, type ReceivedPost, testServer, type TestServer } from './helpers/server.js';

// Beyond the cloud: webhook retries with backoff and an HMAC-SHA256 signature (docs/events.md
// "Webhook delivery options"). The cloud's behaviour (one POST, no signature) stays the default.

const BACKOFF = [0.05, 0.1];
let s: TestServer;
let p: Platform;
let receiver: FormReceiver;

beforeAll(async () => {
  s = await testServer({ deliveryBackoffSeconds: BACKOFF });
  p = s.server.platform;
  receiver = await new FormReceiver().start();
});
afterAll(async () => {
  await s?.close();
  await receiver?.close();
});

/** A webhook-mode bot whose events go to its own path on the receiver. */
async function webhookBot(server = s) {
  const hookPath = `/${uniq('bot')}`;
  const bot = await fixtures(() => server, { botName: 'Hooked' }).newBot({ eventMode: 'webhook', webhookUrl: receiver.url(hookPath) });
  return { id: bot.id, path: hookPath };
}

/** A new person writes to the bot (form-encoded, as PHP clients post); the message id. */
async function personWrites(server: TestServer, botId: number, text: string) {
  const { newPerson, say } = fixtures(() => server);
  return say(await newPerson('Customer'), botId, text, 'form');
}

const messageAdds = (hookPath: string) => receiver.posts.filter((x) => x.path === hookPath && x.body.event === 'ONIMBOTV2MESSAGEADD');

async function deliveryOf(pl: Platform, botId: number, event = 'ONIMBOTV2MESSAGEADD') {
  const rows = await pl.store.events.deliveries(botId);
  return rows.find((d) => d.event === event)!;
}

/** Checks X-Imbot-Signature the way a receiver would. */
function signatureValid(post: ReceivedPost, secret: string): boolean {
  const ts = String(post.headers['x-imbot-timestamp'] ?? '');
  const sent = String(post.headers['x-imbot-signature'] ?? '');
  const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${post.raw}`).digest('hex')}`;
  return /^\d+$/.test(ts) && sent.length === expected.length && crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

/** Fails the first `n` POSTs to `hookPath` (alternating a 503 and a dropped connection), then answers 200. */
function failFirst(hookPath: string, n: number) {
  let seen = 0;
  const before = receiver.answer;
  receiver.answer = (post) => {
    if (post.path !== hookPath || post.body.event !== 'ONIMBOTV2MESSAGEADD') return before?.(post) ?? 200;
    seen++;
    if (seen > n) return 200;
    return seen % 2 === 1 ? 503 : 'close';
  };
}

describe('default: the cloud behaviour', () => {
  it('one POST, no retry after a 5xx, no signature headers', async () => {
    const bot = await webhookBot();
    failFirst(bot.path, 5);
    await personWrites(s, bot.id, 'once');
    await deliveriesSettled(s);
    const row = await deliveryOf(p, bot.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, response_status: 503 });
    expect(messageAdds(bot.path)).toHaveLength(1);
    expect(messageAdds(bot.path)[0].headers).not.toHaveProperty('x-imbot-signature');
    expect(messageAdds(bot.path)[0].headers).not.toHaveProperty('x-imbot-timestamp');
  });
});

describe('per-bot delivery options', () => {
  it('retries after a 503 and a dropped connection, then delivers; every attempt signed', async () => {
    const bot = await webhookBot();
    const secret = 'bot-signing-secret';
    expect(await setDeliveryOptions(p, { botId: bot.id }, { retries: 2, hmacSecret: secret })).toEqual({
      target: { botId: bot.id },
      retries: 2,
      backoffSeconds: [],
      signed: true,
    });
    failFirst(bot.path, 2);
    const id = await personWrites(s, bot.id, 'persist');
    await deliveriesSettled(s);
    const row = await deliveryOf(p, bot.id);
    expect(row).toMatchObject({ status: 'done', attempts: 3, response_status: 200 });
    const posts = messageAdds(bot.path);
    expect(posts).toHaveLength(3);
    // The same event each time, byte for byte, each with a valid signature of its own attempt.
    expect(new Set(posts.map((x) => x.raw)).size).toBe(1);
    expect(posts[0].body.data.message.id).toBe(String(id));
    for (const post of posts) expect(signatureValid(post, secret)).toBe(true);
    expect(signatureValid(posts[0], 'another-secret')).toBe(false);
    // The cloud's own credential is still there.
    expect(posts[0].body.auth.application_token).toBeTruthy();
  });

  it('gives up after the last retry and records the failure', async () => {
    const bot = await webhookBot();
    await setDeliveryOptions(p, { botId: bot.id }, { retries: 1, backoffSeconds: [0.01] });
    failFirst(bot.path, 10);
    await personWrites(s, bot.id, 'never');
    await deliveriesSettled(s);
    expect(await deliveryOf(p, bot.id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(messageAdds(bot.path)).toHaveLength(2);
    // Retries only: no signature was asked for.
    expect(messageAdds(bot.path)[0].headers).not.toHaveProperty('x-imbot-signature');
  });

  it('does not retry an answer that will not change (404)', async () => {
    const bot = await webhookBot();
    await setDeliveryOptions(p, { botId: bot.id }, { retries: 3 });
    const before = receiver.answer;
    receiver.answer = (post) => (post.path === bot.path ? 404 : (before?.(post) ?? 200));
    await personWrites(s, bot.id, 'gone');
    await deliveriesSettled(s);
    expect(await deliveryOf(p, bot.id)).toMatchObject({ status: 'failed', attempts: 1, response_status: 404 });
    receiver.answer = before;
  });

  it('signs without retrying when only a secret is set; turning everything off restores the cloud behaviour', async () => {
    const bot = await webhookBot();
    await setDeliveryOptions(p, { botId: bot.id }, { hmacSecret: 'only-signing' });
    await personWrites(s, bot.id, 'signed');
    await deliveriesSettled(s);
    expect(signatureValid(messageAdds(bot.path)[0], 'only-signing')).toBe(true);
    expect(await setDeliveryOptions(p, { botId: bot.id }, { hmacSecret: null })).toMatchObject({ retries: 0, signed: false });
    expect(await p.store.deliveryOptions.get({ botId: bot.id })).toBeUndefined();
    await personWrites(s, bot.id, 'plain');
    await deliveriesSettled(s);
    expect(messageAdds(bot.path).at(-1)!.headers).not.toHaveProperty('x-imbot-signature');
  });

  it('refuses bad options with a clear error', async () => {
    const bot = await webhookBot();
    await expect(setDeliveryOptions(p, { botId: bot.id }, { retries: -1 })).rejects.toMatchObject({ code: 'INVALID_DELIVERY_OPTIONS' });
    await expect(setDeliveryOptions(p, { botId: bot.id }, { retries: 11 })).rejects.toMatchObject({ code: 'INVALID_DELIVERY_OPTIONS' });
    await expect(setDeliveryOptions(p, { botId: bot.id }, { backoffSeconds: [Number.NaN] })).rejects.toMatchObject({ code: 'INVALID_DELIVERY_OPTIONS' });
    await expect(setDeliveryOptions(p, { botId: bot.id }, { hmacSecret: 'short' })).rejects.toMatchObject({ code: 'INVALID_DELIVERY_OPTIONS' });
    await expect(setDeliveryOptions(p, { botId: 999_999 }, { retries: 1 })).rejects.toMatchObject({ code: 'BOT_NOT_FOUND' });
    await expect(setDeliveryOptions(p, { appId: 999_999 }, { retries: 1 })).rejects.toMatchObject({ code: 'APP_NOT_FOUND' });
    expect(await getDeliveryOptions(p, { botId: bot.id })).toEqual({ target: { botId: bot.id }, retries: 0, backoffSeconds: [], signed: false });
  });
});

describe('per-application delivery options', () => {
  it("apply to the application's bots; a bot's own options win", async () => {
    const { app } = await createApp(p.store, p, { name: uniq('App'), scopes: ['imbot', 'im'] });
    const installed = await installApp(p, app.client_id);
    const auth = installed.payload.auth as Record<string, string>;
    const oauthBase = auth.client_endpoint;
    const register = async () => {
      const hookPath = `/${uniq('appbot')}`;
      const r = await fetchJson(`${oauthBase}imbot.v2.Bot.register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: auth.access_token, fields: { code: uniq('code'), properties: { name: 'AppBot' }, eventMode: 'webhook', webhookUrl: receiver.url(hookPath) } }),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return { id: r.body.result.bot.id as number, path: hookPath };
    };
    const viaApp = await register();
    const ownOptions = await register();
    await setDeliveryOptions(p, { appId: app.id }, { retries: 1, hmacSecret: 'application-secret' });
    await setDeliveryOptions(p, { botId: ownOptions.id }, { hmacSecret: 'the-bots-own-secret' });
    failFirst(viaApp.path, 1);
    await personWrites(s, viaApp.id, 'app level');
    await personWrites(s, ownOptions.id, 'bot level');
    await deliveriesSettled(s);
    expect(await deliveryOf(p, viaApp.id)).toMatchObject({ status: 'done', attempts: 2 });
    for (const post of messageAdds(viaApp.path)) expect(signatureValid(post, 'application-secret')).toBe(true);
    expect(signatureValid(messageAdds(ownOptions.path)[0], 'the-bots-own-secret')).toBe(true);
  });
});

describe('restart', () => {
  it('a retry scheduled before a restart is made by the next process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-retries-'));
    const data = path.join(dir, 'portal.sqlite');
    try {
      const first = await testServer({ data, deliveryBackoffSeconds: [1] });
      const bot = await webhookBot(first);
      await setDeliveryOptions(first.server.platform, { botId: bot.id }, { retries: 1, hmacSecret: 'survives-restarts' });
      failFirst(bot.path, 1);
      await personWrites(first, bot.id, 'across restarts');
      // The first attempt failed and the retry is due in a second: stop before it.
      const deadline = Date.now() + 5000;
      while ((await deliveryOf(first.server.platform, bot.id))?.attempts !== 1) {
        if (Date.now() > deadline) throw new Error('first attempt not recorded');
        await new Promise((r) => setTimeout(r, 10));
      }
      await first.close();
      const pending = messageAdds(bot.path).length;
      expect(pending).toBe(1);

      const second = await testServer({ data, deliveryBackoffSeconds: [1] });
      try {
        await deliveriesSettled(second, 10_000);
        expect(await deliveryOf(second.server.platform, bot.id)).toMatchObject({ status: 'done', attempts: 2 });
        const posts = messageAdds(bot.path);
        expect(posts).toHaveLength(2);
        expect(signatureValid(posts[1], 'survives-restarts')).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('imbot-server bot delivery (CLI)', () => {
  // The real command (`npm test` builds it first), against the file of a running server.
  const cli = (args: string[]) => runCli(args);

  it('turns on retries and signing for a bot of a running server; --off turns them off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-delivery-cli-'));
    const data = path.join(dir, 'portal.sqlite');
    const server = await testServer({ data });
    try {
      const bot = await webhookBot(server);
      const [on, bad] = await Promise.all([
        cli(['bot', 'delivery', String(bot.id), '--retries', '1', '--backoff', '0.05', '--hmac-secret', 'from-the-cli', '--data', data]),
        cli(['bot', 'delivery', String(bot.id), '--retries', 'lots', '--data', data]),
      ]);
      expect(on.stderr).toBe('');
      expect(on.code).toBe(0);
      expect(on.stdout).toBe(`bot ${bot.id}: retries 1 (backoff 0.05 s), signature on (X-Imbot-Signature)\n`);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^INVALID_DELIVERY_OPTIONS: retries is a whole number from 0 to 10/);
      failFirst(bot.path, 1);
      await personWrites(server, bot.id, 'configured from the shell');
      await deliveriesSettled(server);
      expect(await deliveryOf(server.server.platform, bot.id)).toMatchObject({ status: 'done', attempts: 2 });
      for (const post of messageAdds(bot.path)) expect(signatureValid(post, 'from-the-cli')).toBe(true);

      const off = await cli(['bot', 'delivery', String(bot.id), '--off', '--data', data]);
      expect(off.stdout).toBe(`bot ${bot.id}: retries 0 (backoff server default), signature off\n`);
      expect(await getDeliveryOptions(server.server.platform, { botId: bot.id })).toMatchObject({ retries: 0, signed: false });
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
