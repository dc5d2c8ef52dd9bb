import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { B24Hook } from '@bitrix24/b24jssdk';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { sdkCall, sdkHook } from './helpers/sdk.js';
import { deliveriesSettled, fetchJson, testServer, type TestServer } from './helpers/server.js';

// Issue 3's acceptance scenario: echo bots in fetch and webhook mode, driven by the official JS SDK,
// talking to a person who writes with im.message.add and presses a keyboard button.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface QueuedEvent {
  eventId: number;
  type: string;
  date: string;
  data: any;
}

/** A fetch-mode bot's worker: polls Event.get, acknowledging what it has read. */
class FetchWorker {
  private offset = 0;
  readonly seen: QueuedEvent[] = [];
  constructor(
    private readonly sdk: B24Hook,
    readonly botId: number,
    readonly token: string,
  ) {}

  async poll(): Promise<QueuedEvent[]> {
    const r = await sdkCall(this.sdk, 'imbot.v2.Event.get', { botId: this.botId, botToken: this.token, offset: this.offset, limit: 100 });
    this.offset = r.nextOffset;
    this.seen.push(...r.events);
    return r.events;
  }

  async waitFor(pred: (e: QueuedEvent) => boolean, timeoutMs = 5000): Promise<QueuedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.seen.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event for bot ${this.botId}; saw ${this.seen.map((e) => e.type).join(',')}`);
      await this.poll();
      await sleep(20);
    }
  }
}

async function registerBot(sdk: B24Hook, code: string, token: string, extra: Record<string, unknown> = {}) {
  const r = await sdkCall(sdk, 'imbot.v2.Bot.register', { fields: { code, botToken: token, properties: { name: code }, ...extra } });
  return r.bot.id as number;
}

describe('echo bots driven by @bitrix24/b24jssdk', () => {
  let s: TestServer;
  let sdk: B24Hook;
  let alice: { id: number; base: string };
  let receiver: http.Server;
  let receiverUrl: string;
  const posts: { contentType: string; body: any }[] = [];
  const FETCH_TOKEN = 'fetch_echo_token';
  const HOOK_TOKEN = 'hook_echo_token';

  beforeAll(async () => {
    s = await testServer({ httpsPort: -1 });
    sdk = sdkHook(s.server.adminWebhook.https!, s.server.certPath!);
    const p = s.server.platform;
    const user = await createUser(p.store, { name: 'Alice', lastName: 'Doe', email: 'alice@example.com' });
    const hook = await createWebhook(p.store, p.box, { userId: user.id, scopes: ['im', 'user'] });
    alice = { id: user.id, base: `${s.url}/rest/${user.id}/${hook.secret}/` };

    // The webhook bot: a real HTTP handler that answers every message through the SDK.
    receiver = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = qs.parse(raw, { depth: 10 }) as any;
        posts.push({ contentType: req.headers['content-type'] ?? '', body });
        res.end('ok');
        if (body.event === 'ONIMBOTV2MESSAGEADD') {
          void sdkCall(sdk, 'imbot.v2.Chat.Message.send', {
            botId: Number(body.data.bot.id),
            botToken: HOOK_TOKEN,
            dialogId: body.data.chat.dialogId,
            fields: { message: `webhook echo: ${body.data.message.text}` },
          });
        }
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/bot`;
  });
  afterAll(async () => {
    await s?.close();
    receiver?.close();
  });

  const aliceSays = (dialogId: string | number, text: string) => s.call('im.message.add', { DIALOG_ID: dialogId, MESSAGE: text }, 'json', alice.base);

  it('fetch mode: the bot reads the message, replies with a keyboard, and hears the button press', async () => {
    const botId = await registerBot(sdk, 'echo_fetch', FETCH_TOKEN, { eventMode: 'fetch' });
    await sdkCall(sdk, 'imbot.v2.Command.register', { botId, botToken: FETCH_TOKEN, fields: { command: 'again', title: { en: 'Again' } } });
    const worker = new FetchWorker(sdk, botId, FETCH_TOKEN);

    const sent = await aliceSays(botId, 'hello bot');
    expect(sent.status).toBe(200);
    const join = await worker.waitFor((e) => e.type === 'ONIMBOTV2JOINCHAT');
    expect(join.data.dialogId).toBe(String(alice.id));
    const add = await worker.waitFor((e) => e.type === 'ONIMBOTV2MESSAGEADD');
    expect(add.data.message.text).toBe('hello bot');
    expect(add.data.message.id).toBe(sent.body.result);
    expect(add.data.chat.dialogId).toBe(String(alice.id));
    expect(add.data.user).toMatchObject({ id: alice.id, name: 'Alice Doe', bot: false });
    expect(add.data.bot).toMatchObject({ id: botId, code: 'echo_fetch', eventMode: 'fetch' });

    const reply = await sdkCall(sdk, 'imbot.v2.Chat.Message.send', {
      botId,
      botToken: FETCH_TOKEN,
      dialogId: add.data.chat.dialogId,
      fields: { message: `echo: ${add.data.message.text}`, keyboard: [{ TEXT: 'Again', COMMAND: 'again', COMMAND_PARAMS: 'x' }] },
    });
    expect(reply.id).toBeGreaterThan(add.data.message.id);

    // Alice sees the reply, with its keyboard, in her dialog with the bot.
    const history = await s.call('im.dialog.messages.get', { DIALOG_ID: botId }, 'json', alice.base);
    expect(history.status).toBe(200);
    const echoed = history.body.result.messages.find((m: any) => m.id === reply.id);
    expect(echoed.text).toBe('echo: hello bot');
    expect(echoed.params.KEYBOARD[0]).toMatchObject({ TEXT: 'Again', COMMAND: 'again', COMMAND_PARAMS: 'x' });

    // She presses the button: the bot gets the command with the keyboard context, not a message.
    const press = await s.call('im.message.command', { MESSAGE_ID: reply.id, BOT_ID: botId, COMMAND: 'again', COMMAND_PARAMS: 'x' }, 'json', alice.base);
    expect(press.status).toBe(200);
    const cmd = await worker.waitFor((e) => e.type === 'ONIMBOTV2COMMANDADD');
    expect(cmd.data.command).toMatchObject({ command: '/again', params: 'x', context: 'keyboard' });
    expect(cmd.data.user.id).toBe(alice.id);
    expect(worker.seen.filter((e) => e.type === 'ONIMBOTV2MESSAGEADD')).toHaveLength(1);
  });

  it('webhook mode: form-encoded POST per event, the handler answers through the SDK', async () => {
    const botId = await registerBot(sdk, 'echo_hook', HOOK_TOKEN, { eventMode: 'webhook', webhookUrl: receiverUrl });
    const sent = await aliceSays(botId, 'hi webhook');
    expect(sent.status).toBe(200);

    // The reply arrives in Alice's dialog.
    let echoed: any;
    for (let i = 0; i < 100 && !echoed; i++) {
      await sleep(30);
      const h = await s.call('im.dialog.messages.get', { DIALOG_ID: botId }, 'json', alice.base);
      echoed = h.body.result.messages.find((m: any) => m.text === 'webhook echo: hi webhook');
    }
    expect(echoed).toBeTruthy();

    const add = posts.find((p) => p.body.event === 'ONIMBOTV2MESSAGEADD')!;
    expect(add.contentType).toContain('application/x-www-form-urlencoded');
    expect(add.body.data.bot.id).toBe(String(botId));
    expect(add.body.data.bot.code).toBe('echo_hook');
    expect(add.body.data.message.text).toBe('hi webhook');
    // Every scalar is a string, booleans as "1"/"0" (entities.md, webhook mode).
    expect(add.body.data.message.isSystem).toBe('0');
    expect(add.body.data.user.bot).toBe('0');
    expect(add.body.data.user.active).toBe('1');
    expect(add.body.auth.application_token).toBe(`custom${HOOK_TOKEN}`);
    expect(add.body.auth.client_endpoint).toBe(`${s.url}/rest/`);
    expect(posts.some((p) => p.body.event === 'ONIMBOTV2JOINCHAT' && p.body.data.bot.id === String(botId))).toBe(true);

    // Each attempt is in the delivery log (results are written in batches, shortly after the POST).
    await deliveriesSettled(s);
    const log = await s.server.platform.store.events.deliveries(botId);
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every((d) => d.status === 'done' && d.response_status === 200)).toBe(true);
  });

  it('group chat: only the mentioned bot and the supervisor bot hear a message', async () => {
    const mentionedId = await registerBot(sdk, 'g_mentioned', 'g_tok_1');
    const supervisorId = await registerBot(sdk, 'g_supervisor', 'g_tok_2', { type: 'supervisor' });
    const silentId = await registerBot(sdk, 'g_silent', 'g_tok_3');
    const workers = {
      mentioned: new FetchWorker(sdk, mentionedId, 'g_tok_1'),
      supervisor: new FetchWorker(sdk, supervisorId, 'g_tok_2'),
      silent: new FetchWorker(sdk, silentId, 'g_tok_3'),
    };
    const chat = await s.call('im.chat.add', { TITLE: 'Team', USERS: [mentionedId, supervisorId, silentId] }, 'json', alice.base);
    expect(chat.status).toBe(200);
    const dialogId = `chat${chat.body.result}`;
    for (const w of Object.values(workers)) {
      const j = await w.waitFor((e) => e.type === 'ONIMBOTV2JOINCHAT');
      expect(j.data.dialogId).toBe(dialogId);
    }

    await aliceSays(dialogId, `[USER=${mentionedId}]g_mentioned[/USER] ping`);
    await aliceSays(dialogId, 'nobody in particular');
    const m1 = await workers.mentioned.waitFor((e) => e.type === 'ONIMBOTV2MESSAGEADD');
    expect(m1.data.message.text).toContain('ping');
    expect(m1.data.chat.dialogId).toBe(dialogId);
    await workers.supervisor.waitFor((e) => e.type === 'ONIMBOTV2MESSAGEADD' && e.data.message.text === 'nobody in particular');
    for (const w of Object.values(workers)) await w.poll();
    expect(workers.supervisor.seen.filter((e) => e.type === 'ONIMBOTV2MESSAGEADD')).toHaveLength(2);
    expect(workers.mentioned.seen.filter((e) => e.type === 'ONIMBOTV2MESSAGEADD')).toHaveLength(1);
    expect(workers.silent.seen.filter((e) => e.type === 'ONIMBOTV2MESSAGEADD')).toHaveLength(0);
  });
});

describe('kill and restart', () => {
  const procs: ChildProcess[] = [];
  afterAll(() => procs.forEach((p) => p.kill('SIGKILL')));
  const repo = path.resolve(import.meta.dirname, '..');

  async function start(dataFile: string): Promise<{ proc: ChildProcess; url: string }> {
    const proc = spawn(process.execPath, ['bin/imbot-server.js', '--data', dataFile, '--port', '0', '--https-port', '0', '--webhook-token', 'restart_admin', '--log-level', 'silent', '--rate-limit', 'off'], { cwd: repo });
    procs.push(proc);
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15_000);
      proc.stdout!.on('data', (d) => {
        out += d;
        const m = out.match(/HTTP\s+(http:\/\/\S+)/);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
    });
    return { proc, url };
  }

  it('unacknowledged fetch events survive SIGKILL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-restart-'));
    const data = path.join(dir, 'imbot.sqlite');
    const first = await start(data);
    const admin = `${first.url}/rest/1/restart_admin/`;
    const reg = await fetchJson(`${admin}imbot.v2.Bot.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { code: 'durable', botToken: 'durable_token', properties: { name: 'Durable' } } }),
    });
    const botId = reg.body.result.bot.id;
    // The administrator writes to the bot: three messages, each answered 200 before the kill.
    for (const text of ['one', 'two', 'three']) {
      const r = await fetchJson(`${admin}im.message.add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ DIALOG_ID: botId, MESSAGE: text }) });
      expect(r.status).toBe(200);
    }
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));

    const second = await start(data);
    const ev = await fetchJson(`${second.url}/rest/1/restart_admin/imbot.v2.Event.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ botId, botToken: 'durable_token' }),
    });
    expect(ev.status).toBe(200);
    const texts = ev.body.result.events.filter((e: any) => e.type === 'ONIMBOTV2MESSAGEADD').map((e: any) => e.data.message.text);
    expect(texts).toEqual(['one', 'two', 'three']);
    second.proc.kill('SIGTERM');
  });
});
