import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { defineMethod } from '../src/methods/registry.js';
import { isTimeObject, testServer, type Encoding, type TestServer } from './helpers/server.js';

/**
 * System methods (api-reference/common/system/*, common/users/profile.md, user/user-current.md)
 * and event.bind / event.unbind / event.get (api-reference/events/*).
 */

const mixedCase = defineMethod({
  name: 'Test.MixedCase.Name',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: () => true,
});

const ENCODINGS: Encoding[] = ['json', 'form', 'query'];
const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const ALL_SCOPES = ['user', 'user_basic', 'user_brief', 'im', 'imbot', 'imopenlines', 'placement', 'disk', 'pull', 'department'];
const BASIC_METHODS = ['methods', 'method.get', 'scope', 'server.time', 'profile', 'app.info', 'batch', 'event.bind', 'event.unbind', 'event.get'];

let s: TestServer;
let rest: string;
/** webhook of user 1 with scopes ['im'] */
let imHook: string;
/** OAuth token of an application with ['imbot'] installed by the administrator */
let adminToken: string;
let adminAppId: number;
let adminAppClientId: string;

async function install(scopes: string[], userId: number, name = 'app') {
  const p = s.server.platform;
  const { app } = await createApp(p.store, p, { name, scopes });
  const installed = await installApp(p, app.client_id, userId);
  return { app, token: (installed.payload.auth as { access_token: string }).access_token };
}

/** A call with the OAuth token in `auth`, on /rest/{method}. */
const oauth = (method: string, token: string, params: Record<string, unknown> = {}, enc: Encoding = 'json') =>
  s.call(method, { ...params, auth: token }, enc, `${rest}/`);

beforeAll(async () => {
  s = await testServer({ extraMethods: [mixedCase] });
  rest = `${s.url}/rest`;
  const p = s.server.platform;
  const hook = await createWebhook(p.store, p.box, { userId: 1, scopes: ['im'] });
  imHook = `${rest}/1/${hook.secret}/`;
  const a = await install(['imbot'], 1, 'admin app');
  adminToken = a.token;
  adminAppId = a.app.id;
  adminAppClientId = a.app.client_id;
});
afterAll(() => s.close());

describe('methods', () => {
  it('default: the methods of the caller scopes plus the basic ones, lower-case', async () => {
    for (const enc of ENCODINGS) {
      const admin = await s.call('methods', {}, enc);
      expect(admin.status).toBe(200);
      expect(isTimeObject(admin.body.time)).toBe(true);
      const names: string[] = admin.body.result;
      expect(Array.isArray(names)).toBe(true);
      expect(names).toEqual(expect.arrayContaining([...BASIC_METHODS, 'user.current', 'test.mixedcase.name']));
      for (const n of names) expect(n).toBe(n.toLowerCase());
      expect(new Set(names).size).toBe(names.length);

      const im = await s.call('methods', {}, enc, imHook);
      expect(im.status).toBe(200);
      expect(im.body.result).toEqual(expect.arrayContaining(BASIC_METHODS));
      expect(im.body.result).not.toContain('user.current');
    }
  });

  it('full=true lists every method, whatever the scopes', async () => {
    for (const [enc, full] of [
      ['json', true],
      ['json', 'Y'],
      ['form', true],
      ['query', 'true'],
      ['query', '1'],
    ] as Array<[Encoding, unknown]>) {
      const r = await s.call('methods', { full }, enc, imHook);
      expect(r.status).toBe(200);
      expect(r.body.result, `${enc} ${String(full)}`).toContain('user.current');
      expect(r.body.result).toEqual(expect.arrayContaining([...BASIC_METHODS, 'test.mixedcase.name']));
    }
    // full=false is the default list
    const off = await s.call('methods', { full: false }, 'json', imHook);
    expect(off.body.result).not.toContain('user.current');
  });

  it('scope=user lists the methods of that scope only', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('methods', { scope: 'user' }, enc, imHook);
      expect(r.status).toBe(200);
      expect(r.body.result).toContain('user.current');
      for (const m of BASIC_METHODS) expect(r.body.result).not.toContain(m);
    }
    // upper-case parameter names are the same parameter
    const upper = await s.call('methods', { SCOPE: 'user' });
    expect(upper.body.result).toContain('user.current');
    expect(upper.body.result).not.toContain('server.time');
  });

  it('scope= (empty) lists the basic methods only', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('methods', { scope: '' }, enc);
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual(expect.arrayContaining([...BASIC_METHODS, 'test.mixedcase.name']));
      expect(r.body.result).not.toContain('user.current');
    }
    const raw = await fetch(`${s.hook}methods?scope=`);
    const body = (await raw.json()) as { result: string[] };
    expect(body.result).toContain('server.time');
    expect(body.result).not.toContain('user.current');
  });

  it('an unknown scope lists nothing', async () => {
    const r = await s.call('methods', { scope: 'nosuchscope' });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual([]);
  });

  it('works under OAuth', async () => {
    const r = await oauth('methods', adminToken);
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual(expect.arrayContaining(BASIC_METHODS));
    expect(r.body.result).not.toContain('user.current');
  });
});

describe('method.get', () => {
  it('an existing method available to the caller', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('method.get', { name: 'user.current' }, enc);
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual({ isExisting: true, isAvailable: true });
      expect(isTimeObject(r.body.time)).toBe(true);
    }
    const upper = await s.call('method.get', { name: 'USER.CURRENT' });
    expect(upper.body.result).toEqual({ isExisting: true, isAvailable: true });
    const basic = await s.call('method.get', { name: 'server.time' }, 'json', imHook);
    expect(basic.body.result).toEqual({ isExisting: true, isAvailable: true });
  });

  it('an existing method outside the webhook scopes', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('method.get', { name: 'user.current' }, enc, imHook);
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual({ isExisting: true, isAvailable: false });
    }
    const app = await oauth('method.get', adminToken, { name: 'user.current' });
    expect(app.body.result).toEqual({ isExisting: true, isAvailable: false });
  });

  it('a missing method', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('method.get', { name: 'no.such.method' }, enc);
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual({ isExisting: false, isAvailable: false });
    }
  });

  it('an empty or absent name gives both false', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('method.get', { name: '' }, enc);
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual({ isExisting: false, isAvailable: false });
      const none = await s.call('method.get', {}, enc);
      expect(none.status).toBe(200);
      expect(none.body.result).toEqual({ isExisting: false, isAvailable: false });
    }
  });
});

describe('scope', () => {
  it('lists the webhook scopes', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('scope', {}, enc, imHook);
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual(['im']);
    }
    const p = s.server.platform;
    const two = await createWebhook(p.store, p.box, { userId: 1, scopes: ['user_brief', 'imbot'] });
    const r = await s.call('scope', {}, 'json', `${rest}/1/${two.secret}/`);
    expect([...r.body.result].sort()).toEqual(['imbot', 'user_brief']);
    const admin = await s.call('scope');
    expect([...admin.body.result].sort()).toEqual([...ALL_SCOPES].sort());
    expect(admin.body.result).not.toContain('basic');
  });

  it('lists the application scopes under OAuth', async () => {
    const r = await oauth('scope', adminToken);
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual(['imbot']);
  });

  it('full=true lists every scope', async () => {
    for (const [enc, full] of [
      ['json', true],
      ['form', true],
      ['query', 'Y'],
    ] as Array<[Encoding, unknown]>) {
      const r = await s.call('scope', { full }, enc, imHook);
      expect(r.status).toBe(200);
      expect([...r.body.result].sort()).toEqual([...ALL_SCOPES].sort());
    }
  });
});

describe('server.time', () => {
  it('returns the server time as ISO-8601 with a numeric offset', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('server.time', {}, enc);
      expect(r.status).toBe(200);
      expect(r.body.result).toMatch(ISO_OFFSET);
      expect(Math.abs(Date.parse(r.body.result) - Date.now())).toBeLessThan(60_000);
      expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
    }
    const app = await oauth('server.time', adminToken);
    expect(app.body.result).toMatch(ISO_OFFSET);
  });
});

describe('profile', () => {
  it('the administrator through the admin webhook', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('profile', {}, enc);
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual({ ID: '1', ADMIN: true, NAME: 'Admin', LAST_NAME: '', PERSONAL_GENDER: '', TIME_ZONE: '' });
    }
  });

  it('a plain user, through a webhook and through OAuth', async () => {
    const p = s.server.platform;
    const u = await createUser(p.store, { name: 'Ann', lastName: 'Lee', gender: 'F' });
    const expected = { ID: String(u.id), ADMIN: false, NAME: 'Ann', LAST_NAME: 'Lee', PERSONAL_GENDER: 'F', TIME_ZONE: '' };
    const hook = await createWebhook(p.store, p.box, { userId: u.id, scopes: ['im'] });
    const r = await s.call('profile', {}, 'form', `${rest}/${u.id}/${hook.secret}/`);
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual(expected);
    const { token } = await install(['imbot'], u.id, 'ann app');
    const o = await oauth('profile', token, {}, 'query');
    expect(o.status).toBe(200);
    expect(o.body.result).toEqual(expected);
  });
});

describe('app.info', () => {
  it('under OAuth: the application', async () => {
    for (const enc of ENCODINGS) {
      const r = await oauth('app.info', adminToken, {}, enc);
      expect(r.status).toBe(200);
      const info = r.body.result;
      expect(info).toMatchObject({
        ID: adminAppId,
        CODE: adminAppClientId,
        VERSION: 1,
        STATUS: 'L',
        INSTALLED: true,
        PAYMENT_EXPIRED: 'N',
        DAYS: null,
        LANGUAGE_ID: 'en',
      });
      expect(Number.isInteger(info.ID)).toBe(true);
      expect(typeof info.LICENSE).toBe('string');
      expect(info.LICENSE.length).toBeGreaterThan(0);
      expect(info).toHaveProperty('DAYS', null);
      expect(isTimeObject(r.body.time)).toBe(true);
    }
  });

  it('two applications are told apart', async () => {
    const p = s.server.platform;
    const { app } = await createApp(p.store, p, { name: 'coded', scopes: ['im'], code: 'vendor.coded_app' });
    const installed = await installApp(p, app.client_id, 1);
    const token = (installed.payload.auth as { access_token: string }).access_token;
    const r = await oauth('app.info', token);
    expect(r.body.result.ID).toBe(app.id);
    expect(r.body.result.ID).not.toBe(adminAppId);
    expect(r.body.result.CODE).toBe('vendor.coded_app');
  });

  it('under a webhook: its scopes and the licence', async () => {
    const r = await s.call('app.info', {}, 'json', imHook);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.result).sort()).toEqual(['LICENSE', 'SCOPE']);
    expect(r.body.result.SCOPE).toEqual(['im']);
    expect(typeof r.body.result.LICENSE).toBe('string');
    const admin = await s.call('app.info', {}, 'query');
    expect([...admin.body.result.SCOPE].sort()).toEqual([...ALL_SCOPES].sort());
  });
});

describe('user.current', () => {
  // the doc example's keys; LAST_LOGIN / LAST_ACTIVITY_DATE only appear once the user has been seen
  const DOC_KEYS = [
    'ID',
    'ACTIVE',
    'NAME',
    'LAST_NAME',
    'EMAIL',
    'DATE_REGISTER',
    'IS_ONLINE',
    'PERSONAL_GENDER',
    'PERSONAL_BIRTHDAY',
    'WORK_POSITION',
    'UF_EMPLOYMENT_DATE',
    'UF_DEPARTMENT',
  ];

  it('the caller, with the documented keys and types', async () => {
    const p = s.server.platform;
    const u = await createUser(p.store, { name: 'John', lastName: 'Smith', email: 'john@example.com', workPosition: 'QA', gender: 'M' });
    const hook = await createWebhook(p.store, p.box, { userId: u.id, scopes: ['user'] });
    for (const enc of ENCODINGS) {
      const r = await s.call('user.current', {}, enc, `${rest}/${u.id}/${hook.secret}/`);
      expect(r.status).toBe(200);
      const me = r.body.result;
      for (const k of DOC_KEYS) expect(me, k).toHaveProperty(k);
      expect(me.ID).toBe(String(u.id));
      expect(me.ACTIVE).toBe(true);
      expect(me.NAME).toBe('John');
      expect(me.LAST_NAME).toBe('Smith');
      expect(me.EMAIL).toBe('john@example.com');
      expect(me.WORK_POSITION).toBe('QA');
      expect(me.PERSONAL_GENDER).toBe('M');
      expect(me.PERSONAL_BIRTHDAY).toBe('');
      expect(me.UF_EMPLOYMENT_DATE).toBe('');
      expect(me.IS_ONLINE).toMatch(/^[YN]$/);
      expect(me.DATE_REGISTER).toMatch(ISO_OFFSET);
      expect(Array.isArray(me.UF_DEPARTMENT)).toBe(true);
      for (const d of me.UF_DEPARTMENT) expect(Number.isInteger(d)).toBe(true);
      for (const v of Object.values(me)) expect(v).not.toBeNull();
    }
  });

  it('the administrator through the admin webhook and through OAuth', async () => {
    const r = await s.call('user.current');
    expect(r.body.result.ID).toBe('1');
    expect(r.body.result.NAME).toBe('Admin');
    const { token } = await install(['user'], 1, 'user app');
    const o = await oauth('user.current', token, {}, 'form');
    expect(o.status).toBe(200);
    expect(o.body.result.ID).toBe('1');
    expect(o.body.result).toHaveProperty('EMAIL');
  });

  it('user_brief and user_basic callers', async () => {
    const p = s.server.platform;
    const u = await createUser(p.store, { name: 'Brief', email: 'brief@example.com' });
    const brief = await createWebhook(p.store, p.box, { userId: u.id, scopes: ['user_brief'] });
    const rb = await s.call('user.current', {}, 'json', `${rest}/${u.id}/${brief.secret}/`);
    expect(rb.status).toBe(200);
    expect(rb.body.result.ID).toBe(String(u.id));
    expect(rb.body.result.NAME).toBe('Brief');
    expect(rb.body.result).not.toHaveProperty('EMAIL');
    const basic = await createWebhook(p.store, p.box, { userId: u.id, scopes: ['user_basic'] });
    const rs = await s.call('user.current', {}, 'json', `${rest}/${u.id}/${basic.secret}/`);
    expect(rs.status).toBe(200);
    expect(rs.body.result.EMAIL).toBe('brief@example.com');
  });
});

describe('event.bind / event.unbind / event.get', () => {
  const H1 = 'http://127.0.0.1:9/bot/handler.php';
  const H2 = 'https://bot.example.com/events/';

  it('bind returns true and get lists {event, handler, auth_type, offline}', async () => {
    const { token } = await install(['imbot'], 1, 'events app');
    const empty = await oauth('event.get', token);
    expect(empty.status).toBe(200);
    expect(empty.body.result).toEqual([]);

    const b1 = await oauth('event.bind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1 }, 'json');
    expect(b1.status).toBe(200);
    expect(b1.body.result).toBe(true);
    expect(isTimeObject(b1.body.time)).toBe(true);
    const b2 = await oauth('event.bind', token, { EVENT: 'onImBotJoinChat', HANDLER: H2, AUTH_TYPE: 1 }, 'form');
    expect(b2.status).toBe(200);
    expect(b2.body.result).toBe(true);
    const b3 = await oauth('event.bind', token, { event: 'ONAPPINSTALL', handler: H2, auth_type: '' }, 'query');
    expect(b3.status).toBe(200);
    expect(b3.body.result).toBe(true);

    const got = await oauth('event.get', token, {}, 'query');
    expect(got.status).toBe(200);
    const byEvent = (a: { event: string }, b: { event: string }) => a.event.localeCompare(b.event);
    expect([...got.body.result].sort(byEvent)).toEqual([
      { event: 'ONAPPINSTALL', handler: H2, auth_type: '0', offline: 0 },
      { event: 'ONIMBOTJOINCHAT', handler: H2, auth_type: '1', offline: 0 },
      { event: 'ONIMBOTMESSAGEADD', handler: H1, auth_type: '0', offline: 0 },
    ]);
    for (const e of got.body.result) {
      expect(Object.keys(e).sort()).toEqual(['auth_type', 'event', 'handler', 'offline']);
      expect(typeof e.auth_type).toBe('string');
    }

    // another application does not see them
    const other = await install(['imbot'], 1, 'other app');
    expect((await oauth('event.get', other.token)).body.result).toEqual([]);

    // the same handler for the same event, but another user, is a separate binding
    const again = await oauth('event.bind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1, auth_type: 1 });
    expect(again.status).toBe(200);
    expect((await oauth('event.get', token)).body.result).toHaveLength(4);
  });

  it('a binding of a non-admin user is made on their behalf, and get lists only theirs', async () => {
    const p = s.server.platform;
    const u = await createUser(p.store, { name: 'Plain' });
    const { app } = await createApp(p.store, p, { name: 'shared', scopes: ['imbot'] });
    const userToken = (await installApp(p, app.client_id, u.id)).payload.auth as { access_token: string };
    const adminAuth = (await installApp(p, app.client_id, 1)).payload.auth as { access_token: string };
    expect((await oauth('event.bind', adminAuth.access_token, { event: 'ONIMBOTDELETE', handler: H1 })).body.result).toBe(true);
    expect((await oauth('event.bind', userToken.access_token, { event: 'ONIMBOTMESSAGEADD', handler: H1 })).body.result).toBe(true);
    const mine = await oauth('event.get', userToken.access_token);
    expect(mine.body.result).toEqual([{ event: 'ONIMBOTMESSAGEADD', handler: H1, auth_type: String(u.id), offline: 0 }]);
    const all = await oauth('event.get', adminAuth.access_token);
    expect(all.body.result).toHaveLength(2);
  });

  it('a duplicate binding is 400 ERROR_CORE', async () => {
    const { token } = await install(['imbot'], 1, 'dup app');
    expect((await oauth('event.bind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1 })).status).toBe(200);
    for (const enc of ENCODINGS) {
      const r = await oauth('event.bind', token, { event: 'OnImBotMessageAdd', handler: H1 }, enc);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'ERROR_CORE', error_description: 'Unable to set event handler: Handler already binded' });
    }
    expect((await oauth('event.get', token)).body.result).toHaveLength(1);
  });

  it('an unknown event, or one outside the application scopes, is 400 ERROR_EVENT_NOT_FOUND', async () => {
    for (const enc of ENCODINGS) {
      for (const event of ['ONNOSUCHEVENT', 'ONUSERADD']) {
        const r = await oauth('event.bind', adminToken, { event, handler: H1 }, enc);
        expect(r.status, `${enc} ${event}`).toBe(400);
        expect(r.body).toEqual({ error: 'ERROR_EVENT_NOT_FOUND', error_description: 'Event not found' });
      }
    }
    // ONUSERADD is fine for an application with the user scope
    const { token } = await install(['user'], 1, 'user-scope app');
    const ok = await oauth('event.bind', token, { event: 'ONUSERADD', handler: H1 });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toBe(true);
  });

  it('missing EVENT or HANDLER is 400 ERROR_ARGUMENT', async () => {
    for (const enc of ENCODINGS) {
      const noEvent = await oauth('event.bind', adminToken, { handler: H1 }, enc);
      expect(noEvent.status).toBe(400);
      expect(noEvent.body).toEqual({ error: 'ERROR_ARGUMENT', error_description: "Argument 'EVENT' is null or empty", argument: 'EVENT' });
      const noHandler = await oauth('event.bind', adminToken, { event: 'ONIMBOTDELETE' }, enc);
      expect(noHandler.status).toBe(400);
      expect(noHandler.body).toEqual({
        error: 'ERROR_ARGUMENT',
        error_description: "Argument 'HANDLER' is null or empty",
        argument: 'HANDLER',
      });
      const blank = await oauth('event.bind', adminToken, { event: ' ', handler: H1 }, enc);
      expect(blank.status).toBe(400);
      expect(blank.body.argument).toBe('EVENT');
    }
    const unbind = await oauth('event.unbind', adminToken, { event: 'ONIMBOTDELETE' });
    expect(unbind.status).toBe(400);
    expect(unbind.body.error).toBe('ERROR_ARGUMENT');
    expect(unbind.body.argument).toBe('HANDLER');
  });

  it('a handler that is not a URL is ERROR_WRONG_HANDLER_URL, ftp:// is ERROR_UNSUPPORTED_PROTOCOL', async () => {
    for (const enc of ENCODINGS) {
      const bad = await oauth('event.bind', adminToken, { event: 'ONIMBOTDELETE', handler: 'not a url' }, enc);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'ERROR_WRONG_HANDLER_URL', error_description: 'Wrong handler URL' });
      const ftp = await oauth('event.bind', adminToken, { event: 'ONIMBOTDELETE', handler: 'ftp://example.com/h' }, enc);
      expect(ftp.status).toBe(400);
      expect(ftp.body).toEqual({ error: 'ERROR_UNSUPPORTED_PROTOCOL', error_description: 'Unsupported handler protocol' });
    }
  });

  it('EVENT_TYPE other than online/offline is ERROR_ARGUMENT', async () => {
    for (const enc of ENCODINGS) {
      const r = await oauth('event.bind', adminToken, { event: 'ONIMBOTDELETE', handler: H1, event_type: 'bad' }, enc);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'ERROR_ARGUMENT', error_description: 'Value must be one of {online|offline}', argument: 'EVENT_TYPE' });
    }
  });

  it('unbind returns {count}', async () => {
    const { token } = await install(['imbot'], 1, 'unbind app');
    await oauth('event.bind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1 });
    await oauth('event.bind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1, auth_type: 1 });
    await oauth('event.bind', token, { event: 'ONIMBOTDELETE', handler: H1 });

    const one = await oauth('event.unbind', token, { event: 'ONIMBOTDELETE', handler: H1 }, 'form');
    expect(one.status).toBe(200);
    expect(one.body.result).toEqual({ count: 1 });
    expect(isTimeObject(one.body.time)).toBe(true);
    const none = await oauth('event.unbind', token, { event: 'ONIMBOTDELETE', handler: H1 }, 'query');
    expect(none.status).toBe(200);
    expect(none.body.result).toEqual({ count: 0 });
    const wrongHandler = await oauth('event.unbind', token, { event: 'ONIMBOTMESSAGEADD', handler: H2 });
    expect(wrongHandler.body.result).toEqual({ count: 0 });

    // an administrator without auth_type removes the bindings of every user
    const both = await oauth('event.unbind', token, { event: 'onimbotmessageadd', handler: H1 }, 'json');
    expect(both.body.result).toEqual({ count: 2 });
    expect((await oauth('event.get', token)).body.result).toEqual([]);
  });

  it('unbind with auth_type removes that user binding only', async () => {
    const { token } = await install(['imbot'], 1, 'unbind2 app');
    await oauth('event.bind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1 });
    await oauth('event.bind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1, auth_type: 1 });
    const r = await oauth('event.unbind', token, { event: 'ONIMBOTMESSAGEADD', handler: H1, auth_type: 1 });
    expect(r.body.result).toEqual({ count: 1 });
    expect((await oauth('event.get', token)).body.result).toEqual([
      { event: 'ONIMBOTMESSAGEADD', handler: H1, auth_type: '0', offline: 0 },
    ]);
  });
});
