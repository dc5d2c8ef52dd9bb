import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Platform } from '../src/domain/platform.js';
import { createLoginLink } from '../src/domain/sessions.js';
import { createUser } from '../src/domain/users.js';
import { fetchJson, httpBuildQuery, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// The web messenger's sign-in and session auth (issue 7), the people methods it added
// (im.recent.list/get, im.chat.updateTitle, im.chat.user.list), its helpers under /_web and the live feed.

let s: TestServer;
let p: Platform;
let seq = 0;
const uniq = (x: string) => `${x}${++seq}${Math.random().toString(36).slice(2, 6)}`;

beforeAll(async () => {
  s = await testServer();
  p = s.server.platform;
});
afterAll(() => s?.close());

interface Browser {
  userId: number;
  cookie: string;
  csrf: string;
}

async function person(name: string, extra: { language?: string } = {}): Promise<{ id: number; login: string; password: string }> {
  const login = uniq(name.toLowerCase());
  const u = await createUser(p.store, { name, lastName: 'Tester', login, password: `pw-${login}` });
  if (extra.language) await p.store.users.update(u.id, { language_id: extra.language });
  return { id: u.id, login, password: `pw-${login}` };
}

async function signIn(u: { id: number; login: string; password: string }): Promise<Browser> {
  const r = await fetchJson(`${s.url}/_web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: u.login, password: u.password }) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { userId: u.id, cookie, csrf: r.body.csrf };
}

/** A REST call as the browser makes it: the cookie plus the CSRF header. */
function rest(b: Browser, method: string, params: Record<string, unknown> = {}, o: { csrf?: string | null; form?: boolean } = {}) {
  const headers: Record<string, string> = { cookie: b.cookie, 'content-type': o.form ? 'application/x-www-form-urlencoded' : 'application/json' };
  const csrf = o.csrf === undefined ? b.csrf : o.csrf;
  if (csrf !== null) headers['x-bitrix-csrf-token'] = csrf;
  return fetchJson(`${s.url}/rest/${method}`, { method: 'POST', headers, body: o.form ? httpBuildQuery(params) : JSON.stringify(params) });
}

const webGet = (b: Browser, path: string) => fetchJson(`${s.url}/_web/${path}`, { headers: { cookie: b.cookie, 'x-bitrix-csrf-token': b.csrf } });

function expectError(r: { status: number; body: any }, code: string, status: number, description?: string) {
  expect(r.body.error, JSON.stringify(r.body)).toBe(code);
  expect(r.status).toBe(status);
  if (description) expect(r.body.error_description).toBe(description);
}

async function fetchBot(name = 'Helper Bot') {
  const token = uniq('tok');
  const r = await s.call('imbot.v2.Bot.register', { botToken: token, fields: { code: uniq('bot'), properties: { name } } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { id: r.body.result.bot.id as number, token };
}

describe('sign-in', () => {
  it('refuses a wrong password, signs in with the right one and sets an HttpOnly session cookie', async () => {
    const u = await person('Ann');
    const bad = await fetchJson(`${s.url}/_web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: u.login, password: 'nope' }) });
    expectError(bad, 'INVALID_CREDENTIALS', 401, 'Wrong login or password');
    expect(bad.headers.get('set-cookie')).toBeNull();
    const ok = await fetchJson(`${s.url}/_web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: u.login, password: u.password }) });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ id: u.id, name: 'Ann Tester', login: u.login, isAdmin: false });
    expect(ok.body.csrf).toMatch(/^[a-z0-9]{32}$/);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^imbot_sid=[a-z0-9]{48}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    // The page's bootstrap: who is signed in, and nobody without the cookie.
    const me = await fetchJson(`${s.url}/_web/session`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.body).toEqual(ok.body);
    expect((await fetchJson(`${s.url}/_web/session`)).body).toEqual({ user: null, csrf: null });
  });

  it('a one-time sign-in link works once', async () => {
    const u = await person('Lin');
    const token = await createLoginLink(p.store, u.id);
    const first = await fetchJson(`${s.url}/_web/login/${token}`);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetchJson(`${s.url}/_web/session`, { headers: { cookie } })).body.user.id).toBe(u.id);
    const again = await fetchJson(`${s.url}/_web/login/${token}`);
    expect(again.status).toBe(400);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect((await fetchJson(`${s.url}/_web/login/unknown`)).status).toBe(400);
  });

  it('signing out ends the session', async () => {
    const b = await signIn(await person('Out'));
    expectError(await fetchJson(`${s.url}/_web/logout`, { method: 'POST', headers: { cookie: b.cookie } }), 'session_failed', 401);
    const r = await fetchJson(`${s.url}/_web/logout`, { method: 'POST', headers: { cookie: b.cookie, 'x-bitrix-csrf-token': b.csrf } });
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/^imbot_sid=; .*Max-Age=0/);
    expectError(await rest(b, 'im.recent.list'), 'NO_AUTH_FOUND', 401);
  });
});

describe('session auth on /rest', () => {
  it('calls methods as the signed-in person with the CSRF token in a header or as sessid', async () => {
    const u = await person('Sam');
    const b = await signIn(u);
    const r = await rest(b, 'user.current');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(Number(r.body.result.ID)).toBe(u.id);
    expect(isTimeObject(r.body.time)).toBe(true);
    // PHP-form body with sessid instead of the header.
    const form = await rest(b, 'user.current', { sessid: b.csrf }, { csrf: null, form: true });
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect(Number(form.body.result.ID)).toBe(u.id);
  });

  it('refuses a cookie without the right CSRF token: 401 session_failed, as Bitrix answers a bad sessid', async () => {
    const b = await signIn(await person('Csrf'));
    const none = await rest(b, 'user.current', {}, { csrf: null });
    expectError(none, 'session_failed', 401, 'Sessid check failed');
    expect(none.body.additional).toEqual({ sessid: b.csrf });
    expectError(await rest(b, 'user.current', {}, { csrf: 'x'.repeat(32) }), 'session_failed', 401);
    // No cookie at all is the ordinary missing auth.
    expectError(await fetchJson(`${s.url}/rest/user.current`, { method: 'POST', headers: { 'x-bitrix-csrf-token': b.csrf } }), 'NO_AUTH_FOUND', 401);
  });

  it('keeps the methods the docs close to session auth closed: WRONG_AUTH_TYPE (403)', async () => {
    const b = await signIn(await person('Bot maker'));
    for (const method of ['imbot.register', 'imbot.unregister', 'imbot.update', 'imbot.bot.list']) {
      expectError(await rest(b, method, { CODE: 'x', CLIENT_ID: 'y' }), 'WRONG_AUTH_TYPE', 403, 'Access for this method not allowed by session authorization.');
    }
    // Application-only methods stay application-only.
    expectError(await rest(b, 'event.bind', { event: 'ONAPPINSTALL', handler: 'https://example.com/' }), 'WRONG_AUTH_TYPE', 403);
    // app.info without an application: the documented ACCESS_DENIED, reachable only through a session.
    expectError(await rest(b, 'app.info'), 'ACCESS_DENIED', 400, 'Access denied! Application context required');
  });

  it('forces SYSTEM=Y of im.message.add to N for a person', async () => {
    const b = await signIn(await person('Sys'));
    const other = await person('Rec');
    const r = await rest(b, 'im.message.add', { DIALOG_ID: String(other.id), MESSAGE: 'not system', SYSTEM: 'Y' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await p.store.messages.byId(r.body.result))!.is_system).toBe(0);
  });
});

describe('im.recent.list / im.recent.get', () => {
  it('lists the dialogs newest first with last message, unread counter and the other party (documented shape)', async () => {
    const alice = await person('Alice');
    const bob = await person('Bob');
    const ba = await signIn(alice);
    const bb = await signIn(bob);
    await rest(ba, 'im.message.add', { DIALOG_ID: String(bob.id), MESSAGE: 'hi Bob' });
    await rest(bb, 'im.message.add', { DIALOG_ID: String(alice.id), MESSAGE: 'one' });
    await rest(bb, 'im.message.add', { DIALOG_ID: String(alice.id), MESSAGE: '[b]two[/b]' });
    const chat = await rest(ba, 'im.chat.add', { TITLE: 'Later chat', USERS: [bob.id] });
    const r = await rest(ba, 'im.recent.list', { SKIP_OPENLINES: 'Y', OFFSET: 0, LIMIT: 20 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(Object.keys(r.body.result)).toEqual(['items', 'hasMorePages', 'hasMore', 'copilot', 'messagesAutoDeleteConfigs']);
    const [first, second] = r.body.result.items;
    expect(r.body.result.items).toHaveLength(2);
    expect(first).toMatchObject({ id: `chat${chat.body.result}`, chat_id: chat.body.result, type: 'chat', title: 'Later chat', counter: 0, user: { id: 0 } });
    expect(first.chat).toMatchObject({ id: chat.body.result, name: 'Later chat', owner: alice.id, role: 'OWNER', message_type: 'C', user_counter: 2 });
    expect(Object.keys(second)).toEqual(['id', 'chat_id', 'type', 'avatar', 'title', 'message', 'counter', 'last_id', 'pinned', 'unread', 'has_reminder', 'date_update', 'date_last_activity', 'user', 'chat', 'options']);
    expect(second).toMatchObject({ id: bob.id, type: 'user', title: 'Bob Tester', counter: 2, pinned: false, unread: false, has_reminder: false, options: [] });
    expect(second.avatar).toEqual({ url: '', color: expect.stringMatching(/^#[0-9a-f]{6}$/) });
    expect(second.message).toMatchObject({ text: '[b]two[/b]', author_id: bob.id, file: false, attach: false, sticker: null, status: 'received' });
    expect(second.user).toMatchObject({ id: bob.id, name: 'Bob Tester', bot: false });
    expect(second.chat).toEqual({ text_field_enabled: true, background_id: null, mute_list: [] });
    // Paging and filters.
    const page = await rest(ba, 'im.recent.list', { LIMIT: 1, OFFSET: 1 }, { form: true });
    expect(page.body.result.items.map((i: any) => i.id)).toEqual([bob.id]);
    expect(page.body.result.hasMore).toBe(false);
    expect((await rest(ba, 'im.recent.list', { LIMIT: 1 })).body.result.hasMore).toBe(true);
    expect((await rest(ba, 'im.recent.list', { SKIP_CHAT: 'Y' })).body.result.items.map((i: any) => i.id)).toEqual([bob.id]);
    expect((await rest(ba, 'im.recent.list', { SKIP_DIALOG: 'Y' })).body.result.items.map((i: any) => i.type)).toEqual(['chat']);
    expect((await rest(ba, 'im.recent.list', { UNREAD_ONLY: 'Y' })).body.result.items.map((i: any) => i.id)).toEqual([bob.id]);
    // Bob has read nothing of Alice's yet; his item for her shows no unread (his own last message is newest).
    const bobs = (await rest(bb, 'im.recent.list')).body.result.items.find((i: any) => i.id === alice.id);
    expect(bobs.counter).toBe(0);
    // im.recent.get: the same items as a plain array.
    const got = await rest(ba, 'im.recent.get', { SKIP_OPENLINES: 'Y' });
    expect(got.body.result.map((i: any) => i.id)).toEqual([`chat${chat.body.result}`, bob.id]);
    expect((await rest(ba, 'im.recent.get', { ONLY_OPENLINES: 'Y' })).body.result).toEqual([]);
    expect((await rest(ba, 'im.recent.get', { LAST_SYNC_DATE: '2999-01-01T00:00:00+00:00' })).body.result).toEqual([]);
  });
});

describe('im.chat.updateTitle / im.chat.user.list', () => {
  it('renames a group chat (documented example) and reports each documented error', async () => {
    const owner = await person('Olga');
    const outsider = await signIn(await person('Otto'));
    const b = await signIn(owner);
    const chatId = (await rest(b, 'im.chat.add', { TITLE: 'Old' })).body.result as number;
    const r = await rest(b, 'im.chat.updateTitle', { CHAT_ID: chatId, TITLE: '  Project Chat \n' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toBe(true);
    expect((await p.store.chats.byId(chatId))!.title).toBe('Project Chat');
    const form = await rest(b, 'im.chat.updateTitle', { DIALOG_ID: `chat${chatId}`, TITLE: 'Form title' }, { form: true });
    expect(form.body.result).toBe(true);
    expect((await p.store.chats.byId(chatId))!.title).toBe('Form title');
    expectError(await rest(b, 'im.chat.updateTitle', { TITLE: 'x' }), 'CHAT_ID_EMPTY', 400, "Chat ID can't be empty");
    expectError(await rest(b, 'im.chat.updateTitle', { CHAT_ID: `chat${chatId}`, TITLE: 'x' }), 'CHAT_ID_EMPTY', 400);
    expectError(await rest(b, 'im.chat.updateTitle', { DIALOG_ID: String(outsider.userId), TITLE: 'x' }), 'DIALOG_ID_EMPTY', 400);
    expectError(await rest(b, 'im.chat.updateTitle', { CHAT_ID: chatId, TITLE: ' \n ' }), 'TITLE_EMPTY', 400, "Title can't be empty");
    expectError(await rest(outsider, 'im.chat.updateTitle', { CHAT_ID: chatId, TITLE: 'mine' }), 'ACCESS_ERROR', 403, 'Action unavailable');
    expectError(await rest(b, 'im.chat.updateTitle', { CHAT_ID: 999_999, TITLE: 'x' }), 'ACCESS_ERROR', 403);
    expect((await p.store.chats.byId(chatId))!.title).toBe('Form title');
  });

  it('im.chat.user.list gives the member ids to members only', async () => {
    const a = await person('Ute');
    const c = await person('Uwe');
    const b = await signIn(a);
    const chatId = (await rest(b, 'im.chat.add', { TITLE: 'Members', USERS: [c.id] })).body.result as number;
    const r = await rest(b, 'im.chat.user.list', { CHAT_ID: chatId });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect([...r.body.result].sort((x: number, y: number) => x - y)).toEqual([a.id, c.id].sort((x, y) => x - y));
    expectError(await rest(b, 'im.chat.user.list', {}), 'CHAT_ID_EMPTY', 400);
    expectError(await rest(await signIn(await person('Nope')), 'im.chat.user.list', { CHAT_ID: chatId }), 'ACCESS_ERROR', 403);
  });
});

describe('text panel helpers under /_web', () => {
  it('lists the commands of the dialog’s bots and common ones in the user’s language', async () => {
    const bot = await fetchBot('Lang Bot');
    const other = await fetchBot('Other Bot');
    const call = (b: typeof bot, fields: Record<string, unknown>) => s.call('imbot.v2.Command.register', { botId: b.id, botToken: b.token, fields });
    await call(bot, { command: 'weather', title: { en: 'Weather', de: 'Wetter' }, params: { en: 'city', de: 'Stadt' } });
    await call(bot, { command: 'secret', title: { en: 'Hidden' }, hidden: true });
    await call(other, { command: 'everywhere', title: { en: 'Common one' }, common: true });
    await call(other, { command: 'theirs', title: { en: 'Only with Other Bot' } });
    const de = await signIn(await person('Dora', { language: 'de' }));
    const r = await webGet(de, `commands?dialogId=${bot.id}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.map((c: any) => c.command)).toEqual(['/everywhere', '/weather']);
    expect(r.body.result[1]).toEqual({ id: expect.any(Number), botId: bot.id, botName: 'Lang Bot', command: '/weather', title: 'Wetter', params: 'Stadt', common: false });
    const en = await signIn(await person('Eve'));
    expect((await webGet(en, `commands?dialogId=${bot.id}`)).body.result[1]).toMatchObject({ title: 'Weather', params: 'city' });
    // Without the CSRF header the helpers refuse, as REST does.
    expectError(await fetchJson(`${s.url}/_web/commands?dialogId=${bot.id}`, { headers: { cookie: en.cookie } }), 'session_failed', 401);
  });

  it('gives IFRAME chat apps their documented launch parameters, signed with the registration HASH', async () => {
    const clientId = uniq('client');
    const reg = await s.call('imbot.v2.Bot.register', { botToken: clientId, fields: { code: uniq('appbot'), properties: { name: 'App Bot' } } });
    const botId = reg.body.result.bot.id;
    const hash = 'd1ab17949a572b0979d8db0d5b349cd2';
    const app = await s.call('imbot.app.register', { CLIENT_ID: clientId, BOT_ID: botId, CODE: 'frame', IFRAME: 'https://example.com/frame.php', HASH: hash, CONTEXT: 'BOT', LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Frame app' }] });
    expect(app.status, JSON.stringify(app.body)).toBe(200);
    const u = await person('Ivy');
    const b = await signIn(u);
    const r = await webGet(b, `apps?dialogId=${botId}`);
    const entry = r.body.result.find((a: any) => a.code === 'frame');
    expect(entry).toMatchObject({ title: 'Frame app', botId, js: '', popup: false });
    const url = new URL(entry.iframeUrl);
    expect(url.origin + url.pathname).toBe('https://example.com/frame.php');
    const q = Object.fromEntries(url.searchParams);
    const md5 = (x: string) => crypto.createHash('md5').update(x).digest('hex');
    expect(q).toMatchObject({ BOT_ID: String(botId), APP_ID: String(app.body.result), APP_CODE: 'frame', USER_ID: String(u.id), DIALOG_ID: String(botId), CONTEXT: 'textarea', LANG: 'en', IS_CHROME: 'Y' });
    expect(q.DOMAIN).toBe(s.server.publicUrl);
    expect(q.DOMAIN_HASH).toBe(md5(new URL(s.server.publicUrl).host + hash));
    expect(q.USER_HASH).toBe(md5(String(u.id) + hash));
    expect(JSON.stringify(r.body)).not.toContain(hash);
    // CONTEXT BOT: not offered in a dialog with a person.
    expect((await webGet(b, `apps?dialogId=${(await person('Pia')).id}`)).body.result.some((a: any) => a.code === 'frame')).toBe(false);
  });
});

describe('live feed /_web/ws', () => {
  function connect(b: Browser): Promise<{ events: any[]; ws: WebSocket }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${s.url.replace('http', 'ws')}/_web/ws?sessid=${b.csrf}`, { headers: { cookie: b.cookie } });
      const events: any[] = [];
      ws.on('message', (d) => {
        const e = JSON.parse(String(d));
        if (e.kind === 'hello') resolve({ events, ws });
        else events.push(e);
      });
      ws.on('error', reject);
      ws.on('close', (code) => reject(new Error(`closed ${code}`)));
    });
  }

  it('pushes the events of the person’s own chats only, with the message formatted', async () => {
    const alice = await person('Alma');
    const bob = await person('Bert');
    const carol = await person('Cleo');
    const [ba, bb, bc] = await Promise.all([signIn(alice), signIn(bob), signIn(carol)]);
    const [la, lc] = await Promise.all([connect(ba), connect(bc)]);
    const sent = await rest(bb, 'im.message.add', { DIALOG_ID: String(alice.id), MESSAGE: 'psst' });
    await expect.poll(() => la.events.filter((e) => e.kind === 'message.added').length).toBe(1);
    const added = la.events.find((e) => e.kind === 'message.added');
    expect(added).toMatchObject({ messageId: sent.body.result, authorId: bob.id, message: { id: sent.body.result, text: 'psst', author_id: bob.id } });
    await rest(ba, 'im.message.update', { MESSAGE_ID: sent.body.result, MESSAGE: 'x' }); // not hers: refused, nothing pushed
    await rest(bb, 'im.message.update', { MESSAGE_ID: sent.body.result, MESSAGE: 'psst!' });
    await expect.poll(() => la.events.some((e) => e.kind === 'message.updated' && e.message.text === 'psst!')).toBe(true);
    // Carol is in neither chat: she heard nothing.
    expect(lc.events).toEqual([]);
    la.ws.close();
    lc.ws.close();
  });

  it('refuses a socket without the session’s CSRF token', async () => {
    const b = await signIn(await person('Wes'));
    await expect(connect({ ...b, csrf: 'wrong' })).rejects.toThrow(/closed 4401/);
  });
});
