import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKey } from '../src/domain/messenger/chats.js';
import type { Platform } from '../src/domain/platform.js';
import { createApp } from '../src/domain/apps.js';
import { installApp } from '../src/events/app-install.js';
import { type Bot, expectError, fixtures, type Person, uniq } from './helpers/fixtures.js';
import { fetchJson, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// imbot.v2/files/{index,file-upload,file-download}.md, im.v2/files/{index,file-upload,file-download}.md,
// entities.md#file, chats/messages/im-dialog-messages-get.md (files), imbot.v2/events/events.md (MESSAGEADD),
// platform-behaviour.md §4 (OutputFilter: no URLs in a bot's file objects). Decisions: docs/bots.md "Files".

let s: TestServer;
let p: Platform;

beforeAll(async () => {
  s = await testServer();
  p = s.server.platform;
});
afterAll(() => s?.close());

const { newBot, asBot, newPerson, asUser, groupChat } = fixtures(() => s, { botName: 'File Bot' });

/** Random bytes with runs of zeros in them (a NUL-terminated-string bug would cut them short). */
function binary(size: number): Buffer {
  const b = crypto.randomBytes(size);
  b.fill(0, 0, 64);
  b.fill(0, size >> 1, (size >> 1) + 1000);
  return b;
}

/** GET with nothing but the URL: no cookie, no token, no webhook. */
async function download(url: string) {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A PNG header of width×height (image readers need no more; the CRCs are not checked). */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, Buffer.from('0000000049454e44ae426082', 'hex')]);
}

/** Events of a fetch bot (imbot.v2.Event.get), acknowledged. */
async function drain(bot: Bot) {
  const r = await asBot(bot, 'imbot.v2.Event.get', { limit: 1000 });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await asBot(bot, 'imbot.v2.Event.get', { offset: r.body.result.nextOffset });
  return r.body.result.events as { type: string; data: any }[];
}

const BOT_FILE_KEYS = ['id', 'chatId', 'date', 'type', 'name', 'extension', 'size', 'image', 'status', 'progress', 'authorId', 'authorName', 'isTranscribable', 'isVideoNote', 'isVoiceNote'];
const USER_FILE_KEYS = [
  'id', 'chatId', 'date', 'type', 'name', 'extension', 'size', 'image', 'status', 'progress', 'authorId', 'authorName',
  'urlPreview', 'urlShow', 'urlDownload', 'viewerAttrs', 'mediaUrl', 'isTranscribable', 'isVideoNote', 'isVoiceNote',
];

describe('imbot.v2.File.upload / File.download: the documented examples', () => {
  it('uploads report.pdf with a message into chat<N> and returns {file, messageId, chatId, dialogId}', async () => {
    const bot = await newBot();
    const owner = await newPerson('Owner');
    const chatId = (await groupChat(owner.id, [bot.id])).id;
    const r = await asBot(bot, 'imbot.v2.File.upload', {
      dialogId: `chat${chatId}`,
      fields: { name: 'report.pdf', content: 'SGVsbG8gV29ybGQh', message: 'Here is the report' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(isTimeObject(r.body.time)).toBe(true);
    const res = r.body.result;
    expect(Object.keys(res)).toEqual(['file', 'messageId', 'chatId', 'dialogId']);
    expect(res).toMatchObject({ chatId, dialogId: `chat${chatId}` });
    // entities.md#file, without the URL fields (the imbot.v2 output filter).
    expect(Object.keys(res.file)).toEqual(BOT_FILE_KEYS);
    expect(res.file).toMatchObject({
      chatId, type: 'file', name: 'report.pdf', extension: 'pdf', size: 12, image: false,
      authorId: bot.id, authorName: 'File Bot', isTranscribable: false, isVideoNote: false, isVoiceNote: false,
    });
    expect(res.file.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(Number.isInteger(res.file.id) && res.file.id > 0).toBe(true);

    // The message carries the file (params FILE_ID) and the text; the owner sees it in im.dialog.messages.get.
    const list = await asUser(owner, 'im.dialog.messages.get', { DIALOG_ID: `chat${chatId}` });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const msg = list.body.result.messages.find((m: any) => m.id === res.messageId);
    expect(msg).toMatchObject({ author_id: bot.id, text: 'Here is the report', params: { FILE_ID: [res.file.id] } });
    expect(list.body.result.files).toHaveLength(1);
    expect(Object.keys(list.body.result.files[0])).toEqual(USER_FILE_KEYS);
    expect(list.body.result.files[0]).toMatchObject({ id: res.file.id, name: 'report.pdf', size: 12, authorName: 'File Bot' });
    // The person's urlDownload works as it is.
    const viaList = await download(list.body.result.files[0].urlDownload);
    expect(viaList.status).toBe(200);
    expect(viaList.bytes.toString()).toBe('Hello World!');

    // File.download: a link that works without auth.
    const d = await asBot(bot, 'imbot.v2.File.download', { fileId: res.file.id });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(Object.keys(d.body.result)).toEqual(['downloadUrl']);
    expect(d.body.result.downloadUrl).toMatch(new RegExp(`^${s.server.publicUrl}/rest/download\\.json\\?token=imbot%7C`));
    const got = await download(d.body.result.downloadUrl);
    expect(got.status).toBe(200);
    expect(got.bytes.toString()).toBe('Hello World!');
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-length')).toBe('12');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    const head = await fetch(d.body.result.downloadUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('12');
    expect(head.headers.get('content-type')).toBe('application/pdf');
  });

  it('accepts PHP form bodies (http_build_query) and UPPER_SNAKE field names', async () => {
    const bot = await newBot();
    const owner = await newPerson('Owner');
    const chatId = (await groupChat(owner.id, [bot.id])).id;
    const r = await asBot(bot, 'imbot.v2.File.upload', { dialogId: `chat${chatId}`, fields: { NAME: 'a.txt', CONTENT: 'YWJj' } }, 'form');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.file).toMatchObject({ name: 'a.txt', extension: 'txt', size: 3 });
    const d = await asBot(bot, 'imbot.v2.File.download', { fileId: String(r.body.result.file.id) }, 'form');
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect((await download(d.body.result.downloadUrl)).bytes.toString()).toBe('abc');
    // Without a message text the file message has empty text and is no "deleted" stub.
    const stored = await p.store.messages.byId(r.body.result.messageId);
    expect(stored!.text).toBe('');
    expect(JSON.parse(stored!.params)).toEqual({ FILE_ID: [r.body.result.file.id] });
  });

  it('a file message emptied of its text by Chat.Message.update keeps its file (it is not "completely empty")', async () => {
    const bot = await newBot();
    const person = await newPerson('Ute');
    const up = await asBot(bot, 'imbot.v2.File.upload', { dialogId: String(person.id), fields: { name: 'a.txt', content: 'YWJj', message: 'caption' } });
    const u = await asBot(bot, 'imbot.v2.Chat.Message.update', { messageId: up.body.result.messageId, fields: { message: '' } });
    expect(u.status, JSON.stringify(u.body)).toBe(200);
    const stored = await p.store.messages.byId(up.body.result.messageId);
    expect(stored!.text).toBe('');
    expect(JSON.parse(stored!.params)).toMatchObject({ FILE_ID: [up.body.result.file.id] });
  });

  it('accepts the content as a multipart file part (the protocol layer turns it into [name, base64])', async () => {
    const bot = await newBot();
    const owner = await newPerson('Owner');
    const chatId = (await groupChat(owner.id, [bot.id])).id;
    const bytes = binary(50_000);
    const form = new FormData();
    form.set('botId', String(bot.id));
    form.set('botToken', bot.token);
    form.set('dialogId', `chat${chatId}`);
    form.set('fields[content]', new Blob([bytes]), 'upload name.bin');
    const res = await fetch(`${s.hook}imbot.v2.File.upload`, { method: 'POST', body: form });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.result.file).toMatchObject({ name: 'upload name.bin', size: bytes.length, extension: 'bin' });
    const d = await asBot(bot, 'imbot.v2.File.download', { fileId: body.result.file.id });
    expect((await download(d.body.result.downloadUrl)).bytes.equals(bytes)).toBe(true);
  });
});

describe('round trips between a bot and a person, byte-identical', () => {
  it('a bot uploads into its private dialog; the person downloads it with im.v2.File.download and a plain GET', async () => {
    const bot = await newBot();
    const person = await newPerson('Anna');
    const bytes = binary(300_000);
    const up = await asBot(bot, 'imbot.v2.File.upload', { dialogId: String(person.id), fields: { name: 'data.bin', content: bytes.toString('base64') } });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    // The bot's view of a private dialog names the other party.
    expect(up.body.result.dialogId).toBe(String(person.id));
    expect(up.body.result.file.size).toBe(bytes.length);

    const d = await asUser(person, 'im.v2.File.download', { dialogId: String(bot.id), fileId: up.body.result.file.id });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body.result.downloadUrl).toMatch(/\/rest\/download\.json\?token=im%7C/);
    const got = await download(d.body.result.downloadUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(Number(got.headers.get('content-length'))).toBe(bytes.length);
    expect(got.bytes.equals(bytes)).toBe(true);
    // The link is not single-use here (reuse "is not guaranteed", so allowing it breaks no client).
    expect((await download(d.body.result.downloadUrl)).bytes.equals(bytes)).toBe(true);
  });

  it('a person uploads into a fetch bot dialog: the bot hears ONIMBOTV2MESSAGEADD with FILE_ID and downloads the same bytes', async () => {
    const bot = await newBot();
    const person = await newPerson('Boris');
    await drain(bot);
    const bytes = binary(200_000);
    const up = await asUser(person, 'im.v2.File.upload', {
      dialogId: String(bot.id),
      fields: { name: 'photo dump.raw', content: bytes.toString('base64'), message: 'see attached' },
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const res = up.body.result;
    expect(Object.keys(res)).toEqual(['file', 'messageId', 'chatId', 'dialogId']);
    expect(res.dialogId).toBe(String(bot.id));
    // A person's File object has the viewer fields with working links (im.v2/files/file-upload.md).
    expect(Object.keys(res.file)).toEqual(USER_FILE_KEYS);
    expect(res.file).toMatchObject({ authorId: person.id, authorName: 'Boris Tester', status: 'done', progress: 100, urlPreview: '' });
    expect(res.file.viewerAttrs).toMatchObject({ objectId: String(res.file.id), imChatId: res.chatId, title: 'photo dump.raw', viewerType: 'code' });
    expect((await download(res.file.urlDownload)).bytes.equals(bytes)).toBe(true);

    const evs = (await drain(bot)).filter((e) => e.type === 'ONIMBOTV2MESSAGEADD');
    expect(evs).toHaveLength(1);
    expect(evs[0].data.message).toMatchObject({ id: res.messageId, authorId: person.id, text: 'see attached', params: { FILE_ID: [res.file.id] } });
    expect(evs[0].data.chat.dialogId).toBe(String(person.id));

    const d = await asBot(bot, 'imbot.v2.File.download', { fileId: evs[0].data.message.params.FILE_ID[0] });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    const got = await download(d.body.result.downloadUrl);
    expect(got.bytes.equals(bytes)).toBe(true);
  });

  it('keeps a name with spaces and non-ASCII characters exact, and sends it as RFC 5987 filename*', async () => {
    const bot = await newBot();
    const person = await newPerson('Clara');
    const name = 'Отчёт за 2026 год — «финал» (v2) 100%.txt';
    const bytes = Buffer.from('Zeilen\u0000mit\u0000Nullen\n');
    const up = await asUser(person, 'im.v2.File.upload', { dialogId: String(bot.id), fields: { name, content: bytes.toString('base64') } }, 'form');
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.result.file).toMatchObject({ name, extension: 'txt', size: bytes.length });
    const d = await asBot(bot, 'imbot.v2.File.download', { fileId: up.body.result.file.id });
    const got = await download(d.body.result.downloadUrl);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe('text/plain');
    const cd = got.headers.get('content-disposition')!;
    expect(cd.startsWith('attachment; filename="')).toBe(true);
    const star = /filename\*=UTF-8''(.+)$/.exec(cd);
    expect(decodeURIComponent(star![1])).toBe(name);
    // The ASCII fallback holds no raw non-ASCII bytes and no quote that would end it early.
    expect(/filename="([\x20-\x7e]*)";/.exec(cd)?.[1]).not.toMatch(/["\\]/);
  });

  it('an image gets type image with its size, and urlShow shows it inline', async () => {
    const bot = await newBot();
    const person = await newPerson('Dora');
    const chatId = (await groupChat(person.id, [bot.id])).id;
    const image = png(72, 61);
    const up = await asUser(person, 'im.v2.File.upload', { dialogId: `chat${chatId}`, fields: { name: 'image.PNG', content: image.toString('base64') } });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.result.file).toMatchObject({ type: 'image', extension: 'png', image: { height: 61, width: 72 } });
    expect(up.body.result.file.urlPreview).not.toBe('');
    const shown = await download(up.body.result.file.urlShow);
    expect(shown.headers.get('content-type')).toBe('image/png');
    expect(shown.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(shown.bytes.equals(image)).toBe(true);
    // The bot in the chat gets the same bytes through its own link.
    const d = await asBot(bot, 'imbot.v2.File.download', { fileId: up.body.result.file.id });
    expect((await download(d.body.result.downloadUrl)).bytes.equals(image)).toBe(true);
  });
});

describe('OAuth', () => {
  it('an application (scopes imbot, im) uploads as its bot and as the installing user, no botToken needed', async () => {
    const { app } = await createApp(p.store, p, { name: uniq('App'), scopes: ['imbot', 'im'] });
    const auth = (await installApp(p, app.client_id)).payload.auth as Record<string, string>;
    const call = (method: string, params: Record<string, unknown>) =>
      fetchJson(auth.client_endpoint + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: auth.access_token }) });
    const reg = await call('imbot.v2.Bot.register', { fields: { code: uniq('oauth'), properties: { name: 'App Bot' } } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const botId = reg.body.result.bot.id;
    const installer = Number(auth.user_id);
    const byBot = await call('imbot.v2.File.upload', { botId, dialogId: String(installer), fields: { name: 'a.txt', content: 'YWJj' } });
    expect(byBot.status, JSON.stringify(byBot.body)).toBe(200);
    const byUser = await call('im.v2.File.upload', { dialogId: String(botId), fields: { name: 'b.txt', content: 'ZGVm' } });
    expect(byUser.status, JSON.stringify(byUser.body)).toBe(200);
    expect(byUser.body.result.file.authorId).toBe(installer);
    const d = await call('imbot.v2.File.download', { botId, fileId: byUser.body.result.file.id });
    expect((await download(d.body.result.downloadUrl)).bytes.toString()).toBe('def');
    const d2 = await call('im.v2.File.download', { dialogId: String(botId), fileId: byBot.body.result.file.id });
    expect((await download(d2.body.result.downloadUrl)).bytes.toString()).toBe('abc');
  });
});

describe('download links', () => {
  it('a tampered, foreign or missing token is refused with 403 and a clear body', async () => {
    const bot = await newBot();
    const person = await newPerson('Emil');
    const up = await asBot(bot, 'imbot.v2.File.upload', { dialogId: String(person.id), fields: { name: 'x.txt', content: 'eHl6' } });
    const d = await asBot(bot, 'imbot.v2.File.download', { fileId: up.body.result.file.id });
    const url = new URL(d.body.result.downloadUrl);
    const token = url.searchParams.get('token')!;
    // Point the signed payload at another file id: the MAC no longer matches.
    const [signed, mac] = [token.slice(0, token.lastIndexOf('.')), token.slice(token.lastIndexOf('.') + 1)];
    const [scope, payload] = signed.split('|');
    const [, expires] = Buffer.from(payload, 'base64url').toString().split('.');
    const forged = `${scope}|${Buffer.from(`${up.body.result.file.id + 1}.${expires}`).toString('base64url')}.${mac}`;
    for (const bad of [forged, `${token}x`, 'imbot|abc.def', '']) {
      const res = await fetch(`${s.url}/rest/download.json?token=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'FILE_LINK_INVALID', error_description: 'The download link is not valid' });
    }
    const none = await fetch(`${s.url}/rest/download.json`);
    expect(none.status).toBe(403);
  });

  it('an expired link is refused (fileLinkTtlSeconds)', async () => {
    const short = await testServer({ fileLinkTtlSeconds: 0.3 });
    const onShort = fixtures(() => short, { botName: 'File Bot' });
    try {
      const bot = await onShort.newBot();
      const person = await onShort.newPerson('Fritz');
      const up = await onShort.asBot(bot, 'imbot.v2.File.upload', { dialogId: String(person.id), fields: { name: 'x.txt', content: 'eHl6' } });
      expect(up.status, JSON.stringify(up.body)).toBe(200);
      const d = await onShort.asBot(bot, 'imbot.v2.File.download', { fileId: up.body.result.file.id });
      await new Promise((r) => setTimeout(r, 600));
      const res = await fetch(d.body.result.downloadUrl);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'FILE_LINK_EXPIRED', error_description: 'The download link has expired: ask File.download for a new one' });
      // A fresh link works again.
      const again = await onShort.asBot(bot, 'imbot.v2.File.download', { fileId: up.body.result.file.id });
      expect((await download(again.body.result.downloadUrl)).bytes.toString()).toBe('xyz');
    } finally {
      await short.close();
    }
  });
});

// FILE_TOO_LARGE (100 MB + 1 byte) is in v2-files-large.test.ts: its two 140 MB bodies need a file of their own.
describe('imbot.v2.File.upload errors', () => {
  it('the four BotController errors, on both methods', async () => {
    const bot = await newBot();
    const other = await newBot();
    for (const method of ['imbot.v2.File.upload', 'imbot.v2.File.download']) {
      const params = { dialogId: '1', fileId: 1, fields: { name: 'a.txt', content: 'YQ==' } };
      expectError(await s.call(method, { botId: bot.id, ...params }), 'BOT_TOKEN_NOT_SPECIFIED', 'Bot token is not specified');
      expectError(await s.call(method, { botToken: bot.token, ...params }), 'BOT_ID_REQUIRED', 'Bot ID is required');
      expectError(await s.call(method, { botId: 999_999, botToken: bot.token, ...params }), 'BOT_NOT_FOUND', 'Bot not found');
      expectError(await s.call(method, { botId: other.id, botToken: bot.token, ...params }), 'BOT_OWNERSHIP_ERROR', 'Bot is registered by another application');
    }
  });

  it('FILE_EMPTY, FILE_INVALID_CONTENT, FILE_FOLDER_ERROR, FILE_SEND_FAILED', async () => {
    const bot = await newBot();
    const person = await newPerson('Gert');
    const dialogId = String(person.id);
    const up = (fields: unknown, d: unknown = dialogId) => asBot(bot, 'imbot.v2.File.upload', { dialogId: d, fields });
    const empty = 'File name or content is empty';
    expectError(await up(undefined), 'FILE_EMPTY', empty);
    expectError(await up({ name: 'a.txt' }), 'FILE_EMPTY', empty);
    expectError(await up({ content: 'YWJj' }), 'FILE_EMPTY', empty);
    expectError(await up({ name: '', content: 'YWJj' }), 'FILE_EMPTY', empty);
    expectError(await up({ name: 'a.txt', content: '' }), 'FILE_EMPTY', empty);
    for (const garbage of ['not base64!', 'data:text/plain;base64,YWJj', 'YWJjZ', 'YW=Jj', 'YWJj====', 'YW-_', 42, { a: { b: 1 } }]) {
      expectError(await up({ name: 'a.txt', content: garbage }), 'FILE_INVALID_CONTENT', 'Invalid base64 content');
    }
    // Whitespace and missing padding are fine (PHP's strict base64_decode skips the one and allows the other).
    const ok = await up({ name: 'a.txt', content: 'YW\nJj ZA' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.result.file.size).toBe(4);

    expectError(await up({ name: 'a.txt', content: 'YWJj' }, 'chat999999'), 'FILE_FOLDER_ERROR', 'Failed to get chat folder');
    expectError(await up({ name: 'a.txt', content: 'YWJj' }, 'nonsense'), 'FILE_FOLDER_ERROR');
    expectError(await up({ name: 'a.txt', content: 'YWJj' }, '999999'), 'FILE_FOLDER_ERROR');
    const foreignChat = (await groupChat(person.id, [])).id;
    expectError(await up({ name: 'a.txt', content: 'YWJj' }, `chat${foreignChat}`), 'FILE_SEND_FAILED', 'Failed to send message');
    // Nothing was stored by the refused uploads.
    const list = await asUser(person, 'im.dialog.messages.get', { DIALOG_ID: `chat${foreignChat}` });
    expect(list.body.result.files).toEqual([]);
  });
});

describe('imbot.v2.File.download errors', () => {
  it('FILE_NOT_FOUND, FILE_ACCESS_ERROR and the binder error for a missing fileId', async () => {
    const bot = await newBot();
    const outsider = await newBot();
    const person = await newPerson('Ida');
    const up = await asBot(bot, 'imbot.v2.File.upload', { dialogId: String(person.id), fields: { name: 'a.txt', content: 'YWJj' } });
    expectError(await asBot(bot, 'imbot.v2.File.download', { fileId: 999_999 }), 'FILE_NOT_FOUND', 'File not found');
    expectError(await asBot(bot, 'imbot.v2.File.download', { fileId: 0 }), 'FILE_NOT_FOUND');
    expectError(await asBot(outsider, 'imbot.v2.File.download', { fileId: up.body.result.file.id }), 'FILE_ACCESS_ERROR', 'File access error');
    expectError(await asBot(bot, 'imbot.v2.File.download', {}), 100);
  });
});

describe('im.v2.File.upload / im.v2.File.download errors', () => {
  it('upload: FILE_EMPTY, FILE_INVALID_CONTENT, CHAT_NOT_FOUND, ACCESS_DENIED; scope im required', async () => {
    const a = await newPerson('Jan');
    const b = await newPerson('Kai');
    const up = (fields: unknown, dialogId: unknown = String(b.id), who = a) => asUser(who, 'im.v2.File.upload', { dialogId, fields });
    expectError(await up({ name: 'a.txt' }), 'FILE_EMPTY', 'File name and content are required');
    expectError(await up({ content: 'YWJj' }), 'FILE_EMPTY');
    expectError(await up({ name: 'a.txt', content: '%%%' }), 'FILE_INVALID_CONTENT', 'Invalid base64 content');
    expectError(await up({ name: 'a.txt', content: 'YWJj' }, 'chat999999'), 'CHAT_NOT_FOUND', 'CHAT_NOT_FOUND');
    expectError(await up({ name: 'a.txt', content: 'YWJj' }, '999999'), 'CHAT_NOT_FOUND');
    const closed = (await groupChat(b.id, [])).id;
    expectError(await up({ name: 'a.txt', content: 'YWJj' }, `chat${closed}`), 'ACCESS_DENIED', 'Access denied');
    const ok = await up({ name: 'a.txt', content: 'YWJj', message: 'for you' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.result.dialogId).toBe(String(b.id));
    // Only a caller with scope im.
    const noIm = await newPerson('Lena', ['user']);
    const r = await up({ name: 'a.txt', content: 'YWJj' }, String(b.id), noIm);
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('insufficient_scope');
  });

  it('download: FILE_NOT_FOUND (also for a file of another chat) and ACCESS_DENIED', async () => {
    const a = await newPerson('Mia');
    const b = await newPerson('Nils');
    const c = await newPerson('Olga');
    const up = await asUser(a, 'im.v2.File.upload', { dialogId: String(b.id), fields: { name: 'a.txt', content: 'YWJj' } });
    const fileId = up.body.result.file.id;
    const dl = (who: Person, dialogId: unknown, id: unknown = fileId) => asUser(who, 'im.v2.File.download', { dialogId, fileId: id });
    const okA = await dl(a, String(b.id));
    expect(okA.status, JSON.stringify(okA.body)).toBe(200);
    const okB = await dl(b, String(a.id), String(fileId));
    expect(okB.status, JSON.stringify(okB.body)).toBe(200);
    expectError(await dl(a, String(b.id), 999_999), 'FILE_NOT_FOUND', 'File not found');
    const other = (await groupChat(a.id, [c.id])).id;
    expectError(await dl(a, `chat${other}`), 'FILE_NOT_FOUND');
    // c is in no dialog with a file: no access to the chat named, or no such chat.
    expectError(await dl(c, `chat${up.body.result.chatId}`), 'ACCESS_DENIED', 'Access denied');
    expectError(await dl(c, 'chat999999'), 'ACCESS_DENIED');
    expectError(await dl(c, String(b.id)), 'ACCESS_DENIED');
    expectError(await dl(a, String(b.id), null), 100);
  });
});

describe('storage in the data folder', () => {
  let dir: string;
  let disk: TestServer;
  const onDisk = fixtures(() => disk, { botName: 'File Bot' });
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-files-'));
    disk = await testServer({ data: path.join(dir, 'portal.sqlite') });
  });
  afterAll(async () => {
    await disk?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the bytes under <dataDir>/files and serves them back', async () => {
    const bot = await onDisk.newBot();
    const person = await onDisk.newPerson('Paul');
    const bytes = binary(120_000);
    const up = await onDisk.asBot(bot, 'imbot.v2.File.upload', { dialogId: String(person.id), fields: { name: 'disk.bin', content: bytes.toString('base64') } });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const stored = fs.readdirSync(path.join(dir, 'files'));
    expect(stored).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, 'files', stored[0])).equals(bytes)).toBe(true);
    const d = await onDisk.asUser(person, 'im.v2.File.download', { dialogId: String(bot.id), fileId: up.body.result.file.id });
    expect((await download(d.body.result.downloadUrl)).bytes.equals(bytes)).toBe(true);
  });

  it('FILE_UPLOAD_FAILED / UPLOAD_FAILED when the bytes cannot be written, and nothing is half-stored', async () => {
    const bot = await onDisk.newBot();
    const person = await onDisk.newPerson('Quinn');
    const filesDir = path.join(dir, 'files');
    const moved = `${filesDir}.moved`;
    if (fs.existsSync(filesDir)) fs.renameSync(filesDir, moved);
    fs.writeFileSync(filesDir, 'a file where the folder should be');
    try {
      expectError(
        await onDisk.asBot(bot, 'imbot.v2.File.upload', { dialogId: String(person.id), fields: { name: 'a.txt', content: 'YWJj' } }),
        'FILE_UPLOAD_FAILED',
        'File upload failed',
      );
      expectError(await onDisk.asUser(person, 'im.v2.File.upload', { dialogId: String(bot.id), fields: { name: 'a.txt', content: 'YWJj' } }), 'UPLOAD_FAILED');
      // The private dialog the refused uploads would have opened was rolled back with them, messages and all.
      const store = disk.server.platform.store;
      const chat = await store.chats.byPrivateKey(privateKey(bot.id, person.id));
      expect(chat ? await store.messages.count(chat.id) : 0).toBe(0);
    } finally {
      fs.rmSync(filesDir, { force: true });
      if (fs.existsSync(moved)) fs.renameSync(moved, filesDir);
    }
  });

  it('serves stored avatars at the URL the avatar field holds', async () => {
    const image = png(10, 10);
    const bot = await onDisk.newBot({}, { avatar: image.toString('base64') });
    const r = await onDisk.asBot(bot, 'imbot.v2.Bot.get', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const avatar = r.body.result.users?.[0]?.avatar ?? (await disk.server.platform.store.users.byId(bot.id))!.avatar;
    expect(avatar).toMatch(/\/avatars\/\d+\.png$/);
    const got = await download(avatar);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.bytes.equals(image)).toBe(true);
    const missing = await fetch(`${disk.url}/avatars/424242.png`);
    expect(missing.status).toBe(404);
    const traversal = await fetch(`${disk.url}/avatars/..%2Fportal.sqlite`);
    expect(traversal.status).toBe(404);
  });
});
