import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { installApp } from '../src/events/app-install.js';
import { flag, int } from '../src/methods/params.js';
import { defineMethod, ListPage } from '../src/methods/registry.js';
import { type CallResult, fetchJson, httpBuildQuery, isTimeObject, testServer, type Encoding, type TestServer } from './helpers/server.js';

/** The REST protocol layer (URL forms, parameter reading, envelope), through real HTTP. */

const echo = defineMethod({
  name: 'test.echo',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: (_ctx, p) => p,
});

const typed = defineMethod({
  name: 'test.typed',
  scope: 'basic',
  params: z.object({ flag: flag().optional(), num: int().optional() }).passthrough(),
  handler: (_ctx, p) => ({ flag: p.flag ?? 'unset', num: p.num ?? 'unset' }),
});

const ITEMS = Array.from({ length: 120 }, (_, i) => ({ ID: i + 1 }));
const list = defineMethod({
  name: 'test.list',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: (ctx) => ListPage.of(ITEMS, ctx.start),
});

const raw = fetchJson;

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const form = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body,
});

const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const ENCODINGS: Encoding[] = ['json', 'form', 'query'];

let s: TestServer;
let token: string;
let secret: string;
let rest: string;

beforeAll(async () => {
  s = await testServer({ extraMethods: [echo, typed, list] });
  const p = s.server.platform;
  const { app } = await createApp(p.store, p, { name: 'protocol test app', scopes: ['imbot', 'user'] });
  const installed = await installApp(p, app.client_id, 1);
  token = (installed.payload.auth as { access_token: string }).access_token;
  secret = s.server.adminWebhook.secret;
  rest = `${s.url}/rest`;
});
afterAll(() => s.close());

/** A successful server.time answer: 200, an ISO date result and the `time` object. */
function expectServerTime(r: CallResult) {
  expect(r.status).toBe(200);
  expect(r.body.result).toMatch(ISO_OFFSET);
  expect(isTimeObject(r.body.time)).toBe(true);
}

describe('URL forms', () => {
  it('webhook form /rest/{userId}/{secret}/{method} with GET, POST JSON and POST form', async () => {
    expectServerTime(await raw(`${rest}/1/${secret}/server.time`));
    expectServerTime(await raw(`${rest}/1/${secret}/server.time`, json({})));
    expectServerTime(await raw(`${rest}/1/${secret}/server.time`, form('')));
    const me = await raw(`${rest}/1/${secret}/user.current`);
    expect(me.status).toBe(200);
    expect(me.body.result.ID).toBe('1');
  });

  it('webhook form accepts the user login instead of the numeric id', async () => {
    const r = await raw(`${rest}/admin/${secret}/user.current`);
    expect(r.status).toBe(200);
    expect(r.body.result.ID).toBe('1');
  });

  it('/rest/{method} with the token in `auth`: query, JSON body, form body', async () => {
    expectServerTime(await raw(`${rest}/server.time?auth=${token}`));
    expectServerTime(await raw(`${rest}/server.time`, json({ auth: token })));
    expectServerTime(await raw(`${rest}/server.time`, form(httpBuildQuery({ auth: token }))));
  });

  it('/rest/{method} with the token in `access_token`: query, JSON body, form body', async () => {
    expectServerTime(await raw(`${rest}/server.time?access_token=${token}`));
    expectServerTime(await raw(`${rest}/server.time`, json({ access_token: token })));
    expectServerTime(await raw(`${rest}/server.time`, form(httpBuildQuery({ access_token: token }))));
  });

  it('/rest/{method} with Authorization: Bearer, GET and POST', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expectServerTime(await raw(`${rest}/server.time`, { headers: auth }));
    expectServerTime(await raw(`${rest}/server.time`, json({}, auth)));
    expectServerTime(await raw(`${rest}/server.time`, form('', auth)));
    // Bearer takes precedence over a bad `auth` parameter
    expectServerTime(await raw(`${rest}/server.time?auth=not-a-token`, { headers: auth }));
  });

  it('the OAuth token identifies its user', async () => {
    const r = await raw(`${rest}/user.current?auth=${token}`);
    expect(r.status).toBe(200);
    expect(r.body.result.ID).toBe('1');
  });

  it('optional .json suffix on both URL forms', async () => {
    expectServerTime(await raw(`${rest}/1/${secret}/server.time.json`));
    expectServerTime(await raw(`${rest}/1/${secret}/server.time.json`, json({})));
    expectServerTime(await raw(`${rest}/server.time.json?auth=${token}`));
    expectServerTime(await raw(`${rest}/server.time.json`, form(httpBuildQuery({ auth: token }))));
  });

  it('trailing slash on both URL forms', async () => {
    expectServerTime(await raw(`${rest}/1/${secret}/server.time/`));
    expectServerTime(await raw(`${rest}/1/${secret}/server.time/`, json({})));
    expectServerTime(await raw(`${rest}/server.time/?auth=${token}`));
    expectServerTime(await raw(`${rest}/server.time/`, json({ auth: token })));
  });

  it('doubled slashes (JS SDK /rest//method, PHP SDK …//method/)', async () => {
    expectServerTime(await raw(`${rest}//server.time?auth=${token}`));
    expectServerTime(await raw(`${rest}//server.time`, json({ auth: token })));
    const r = await raw(`${rest}/1/${secret}//user.current/`);
    expect(r.status).toBe(200);
    expect(r.body.result.ID).toBe('1');
    const p = await raw(`${rest}/1/${secret}//user.current/`, form(''));
    expect(p.status).toBe(200);
    expect(p.body.result.ID).toBe('1');
  });

  it('method names are case-insensitive', async () => {
    expectServerTime(await raw(`${rest}/1/${secret}/SERVER.TIME`));
    expectServerTime(await raw(`${rest}/Server.Time?auth=${token}`));
    const m = await raw(`${rest}/1/${secret}/Method.Get`, json({ name: 'user.current' }));
    expect(m.status).toBe(200);
    expect(m.body.result).toEqual({ isExisting: true, isAvailable: true });
    const e = await raw(`${rest}/1/${secret}/TEST.Echo?x=1`);
    expect(e.status).toBe(200);
    expect(e.body.result).toEqual({ x: '1' });
  });

  it('never answers a REST path with a redirect', async () => {
    const urls = [
      `${rest}/server.time`,
      `${rest}/server.time/`,
      `${rest}//server.time`,
      `${rest}/server.time.json`,
      `${rest}/1/${secret}/server.time`,
      `${rest}/1/${secret}//server.time/`,
      `${rest}/1/${secret}/server.time.json/`,
      `${rest}/1/${secret}/`,
      `${rest}/1/${secret}`,
      `${rest}/`,
      `${rest}`,
      `${rest}//`,
      `${rest}/no.such.method/`,
    ];
    for (const url of urls) {
      for (const init of [{}, json({}), form('')]) {
        const r = await raw(url, init);
        expect(r.status === 200 || r.status === 401 || r.status === 404, `${url} ${r.status}`).toBe(true);
        expect(r.headers.get('location'), url).toBeNull();
        expect(r.headers.get('content-type'), url).toBe('application/json; charset=utf-8');
      }
    }
  });
});

describe('parameters', () => {
  it('query merged with the body, body wins per top-level key (JSON body)', async () => {
    const r = await raw(
      `${s.hook}test.echo?${httpBuildQuery({ a: 'q', b: 'q', nest: { x: 'q', y: 'q' } })}`,
      json({ b: 'body', c: 3, nest: { y: 'body' } }),
    );
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ a: 'q', b: 'body', c: 3, nest: { y: 'body' } });
  });

  it('query merged with the body, body wins per top-level key (form body)', async () => {
    const r = await raw(
      `${s.hook}test.echo?${httpBuildQuery({ a: 'q', b: 'q', nest: { x: 'q', y: 'q' } })}`,
      form(httpBuildQuery({ b: 'body', c: 3, nest: { y: 'body' } })),
    );
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ a: 'q', b: 'body', c: '3', nest: { y: 'body' } });
  });

  it('JSON types are preserved', async () => {
    const params = { i: 5, f: 1.5, neg: -7, t: true, fa: false, nul: null, s: '05', arr: [1, '2', { k: false }], obj: { k: true, n: 0 } };
    const r = await s.call('test.echo', params, 'json');
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual(params);
  });

  it('form and query scalars are strings (true/false as 1/0, as http_build_query sends them)', async () => {
    for (const enc of ['form', 'query'] as const) {
      const r = await s.call('test.echo', { i: 5, t: true, fa: false, s: 'a b&c=d', u: 'Привет' }, enc);
      expect(r.status, enc).toBe(200);
      expect(r.body.result, enc).toEqual({ i: '5', t: '1', fa: '0', s: 'a b&c=d', u: 'Привет' });
    }
  });

  it('PHP nesting FIELDS[LANG][0][TITLE]=x and a[]=1&a[]=2, percent-encoded brackets', async () => {
    const body = 'FIELDS%5BLANG%5D%5B0%5D%5BTITLE%5D=x&FIELDS%5BNAME%5D=Bot&a%5B%5D=1&a%5B%5D=2';
    const expected = { FIELDS: { LANG: [{ TITLE: 'x' }], NAME: 'Bot' }, a: ['1', '2'] };
    const f = await raw(`${s.hook}test.echo`, form(body));
    expect(f.status).toBe(200);
    expect(f.body.result).toEqual(expected);
    const q = await raw(`${s.hook}test.echo?${body}`);
    expect(q.status).toBe(200);
    expect(q.body.result).toEqual(expected);
  });

  it('PHP nesting with raw brackets', async () => {
    const body = 'FIELDS[LANG][0][TITLE]=x&FIELDS[LANG][1][TITLE]=y&FIELDS[NAME]=Bot&a[]=1&a[]=2&m[k][]=z';
    const expected = { FIELDS: { LANG: [{ TITLE: 'x' }, { TITLE: 'y' }], NAME: 'Bot' }, a: ['1', '2'], m: { k: ['z'] } };
    const f = await raw(`${s.hook}test.echo`, form(body));
    expect(f.status).toBe(200);
    expect(f.body.result).toEqual(expected);
    const q = await raw(`${s.hook}test.echo?${body}`);
    expect(q.status).toBe(200);
    expect(q.body.result).toEqual(expected);
  });

  it('nested structures built with http_build_query round-trip as strings', async () => {
    const params = { FIELDS: { CODE: 'bot', PROPERTIES: { NAME: 'Echo', COLOR: 'RED' }, LIST: ['a', 'b'] } };
    for (const enc of ['form', 'query'] as const) {
      const r = await s.call('test.echo', params, enc);
      expect(r.status, enc).toBe(200);
      expect(r.body.result, enc).toEqual(params);
    }
  });

  it('the last duplicate wins', async () => {
    const r = await raw(`${s.hook}test.echo`, form('a=1&a=2'));
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ a: '2' });
  });

  it('multipart/form-data: nested field names and a file part as [filename, base64]', async () => {
    const fd = new FormData();
    fd.append('FIELDS[NAME]', 'Bot');
    fd.append('FIELDS[LANG][0][TITLE]', 'x');
    fd.append('list[]', '1');
    fd.append('list[]', '2');
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
    fd.append('FIELDS[PHOTO]', new Blob([bytes], { type: 'image/png' }), 'avatar.png');
    const r = await raw(`${s.hook}test.echo?q=1`, { method: 'POST', body: fd });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({
      q: '1',
      FIELDS: { NAME: 'Bot', LANG: [{ TITLE: 'x' }], PHOTO: ['avatar.png', Buffer.from(bytes).toString('base64')] },
      list: ['1', '2'],
    });
  });

  it('multipart/form-data carries the OAuth token in `auth`', async () => {
    const fd = new FormData();
    fd.append('auth', token);
    fd.append('keep', 'yes');
    const r = await raw(`${rest}/test.echo`, { method: 'POST', body: fd });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ keep: 'yes' });
  });

  it('auth, access_token, bx24_*, start and state never reach the method (webhook)', async () => {
    const stripped = {
      auth: 'x',
      access_token: 'y',
      bx24_request_id: 'r1',
      bx24_sdk_ver: '2.2.0',
      bx24_sdk_type: 'b24-js-sdk',
      start: 0,
      state: 'st',
      keep: 'k',
    };
    for (const enc of ENCODINGS) {
      const r = await s.call('test.echo', stripped, enc);
      expect(r.status, enc).toBe(200);
      expect(r.body.result, enc).toEqual({ keep: 'k' });
    }
  });

  it('auth, access_token, bx24_*, start and state never reach the method (OAuth)', async () => {
    const telemetry = 'bx24_request_id=abc&bx24_sdk_ver=2.2.0&bx24_sdk_type=b24-js-sdk';
    const j = await raw(`${rest}/test.echo?${telemetry}`, json({ auth: token, start: 50, state: 's', keep: 1 }));
    expect(j.status).toBe(200);
    expect(j.body.result).toEqual({ keep: 1 });
    const f = await raw(`${rest}/test.echo?${telemetry}`, form(httpBuildQuery({ access_token: token, start: 0, keep: 'k' })));
    expect(f.status).toBe(200);
    expect(f.body.result).toEqual({ keep: 'k' });
    const q = await raw(`${rest}/test.echo?${telemetry}&auth=${token}&state=x&keep=q`);
    expect(q.status).toBe(200);
    expect(q.body.result).toEqual({ keep: 'q' });
    const b = await raw(`${rest}/test.echo?${telemetry}&keep=b`, { headers: { authorization: `Bearer ${token}` } });
    expect(b.status).toBe(200);
    expect(b.body.result).toEqual({ keep: 'b' });
  });

  it('PHP mangles `.` and space in top-level names of form and query params, not nested ones', async () => {
    const body = 'a.b=1&c+d=2&n[x.y]=3';
    const expected = { a_b: '1', c_d: '2', n: { 'x.y': '3' } };
    const f = await raw(`${s.hook}test.echo`, form(body));
    expect(f.status).toBe(200);
    expect(f.body.result).toEqual(expected);
    const q = await raw(`${s.hook}test.echo?${body}`);
    expect(q.status).toBe(200);
    expect(q.body.result).toEqual(expected);
    // a JSON body is decoded as is
    const j = await s.call('test.echo', { 'a.b': 1 }, 'json');
    expect(j.body.result).toEqual({ 'a.b': 1 });
  });

  describe('flag() and int()', () => {
    const cases: Array<[unknown, boolean]> = [
      [true, true],
      [false, false],
      ['Y', true],
      ['N', false],
      ['y', true],
      ['n', false],
      [1, true],
      [0, false],
      ['1', true],
      ['0', false],
      ['true', true],
      ['false', false],
    ];
    it('booleans accept true/false, Y/N, 1/0 as JSON values and strings', async () => {
      for (const [value, expected] of cases) {
        const r = await s.call('test.typed', { flag: value }, 'json');
        expect(r.status, JSON.stringify(value)).toBe(200);
        expect(r.body.result.flag, JSON.stringify(value)).toBe(expected);
      }
    });

    it('booleans accept Y/N, 1/0, true/false in form bodies and query strings', async () => {
      for (const enc of ['form', 'query'] as const) {
        for (const [value, expected] of cases) {
          const r = await s.call('test.typed', { flag: value }, enc);
          expect(r.status, `${enc} ${String(value)}`).toBe(200);
          expect(r.body.result.flag, `${enc} ${String(value)}`).toBe(expected);
        }
      }
    });

    it('integers accept JSON numbers and numeric strings in every encoding', async () => {
      for (const enc of ENCODINGS) {
        for (const value of [42, '42', ' 42 ', '-3']) {
          const r = await s.call('test.typed', { num: value }, enc);
          expect(r.status, `${enc} ${value}`).toBe(200);
          expect(r.body.result.num, `${enc} ${value}`).toBe(Number(value));
        }
      }
    });

    it('a bad integer is 400 ERROR_ARGUMENT naming the argument, without `time`', async () => {
      for (const enc of ENCODINGS) {
        for (const value of ['abc', '1.5', 'Y']) {
          const r = await s.call('test.typed', { num: value }, enc);
          expect(r.status, `${enc} ${value}`).toBe(400);
          expect(r.body.error).toBe('ERROR_ARGUMENT');
          expect(r.body.argument).toBe('num');
          expect(typeof r.body.error_description).toBe('string');
          expect(r.body.error_description).toContain('num');
          expect(r.body).not.toHaveProperty('time');
          expect(r.body).not.toHaveProperty('result');
        }
      }
      const j = await s.call('test.typed', { num: 1.5 }, 'json');
      expect(j.status).toBe(400);
      expect(j.body.error).toBe('ERROR_ARGUMENT');
      expect(j.body.argument).toBe('num');
    });

    it('a value that is not a boolean is 400 ERROR_ARGUMENT', async () => {
      const r = await s.call('test.typed', { flag: 'maybe' }, 'form');
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('ERROR_ARGUMENT');
      expect(r.body.argument).toBe('flag');
    });
  });
});

describe('success envelope', () => {
  it('time: float seconds, ISO dates with numeric offset (never Z), operating, operating_reset_at', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('server.time', {}, enc);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
      const t = r.body.time;
      for (const k of ['start', 'finish', 'duration', 'processing', 'operating']) expect(typeof t[k], k).toBe('number');
      expect(t.start).toBeGreaterThan(1_600_000_000);
      expect(t.finish).toBeGreaterThanOrEqual(t.start);
      expect(t.duration).toBeCloseTo(t.finish - t.start, 5);
      expect(t.processing).toBeGreaterThanOrEqual(0);
      expect(t.processing).toBeLessThanOrEqual(t.duration + 0.001);
      // microtime(true): seconds with a fractional part, not whole seconds or milliseconds
      expect(Math.abs(t.start * 1000 - Date.now())).toBeLessThan(60_000);
      expect(t.date_start).toMatch(ISO_OFFSET);
      expect(t.date_finish).toMatch(ISO_OFFSET);
      expect(t.date_start.endsWith('Z')).toBe(false);
      expect(t.date_finish.endsWith('Z')).toBe(false);
      expect(Math.abs(Date.parse(t.date_start) / 1000 - t.start)).toBeLessThan(1.001);
      expect(Number.isInteger(t.operating_reset_at)).toBe(true);
      expect(t.operating_reset_at).toBeGreaterThan(Math.floor(t.start) - 1);
      expect(isTimeObject(t)).toBe(true);
    }
  });

  it('start and finish are floats, not whole seconds', async () => {
    // one of several calls landing exactly on a whole second is possible; all of them is not
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) starts.push((await s.call('server.time')).body.time.start);
    expect(starts.some((v) => !Number.isInteger(v))).toBe(true);
    expect(starts.some((v) => !Number.isInteger(v * 1000))).toBe(true);
  });

  it('headers: application/json; charset=utf-8 and Access-Control-Allow-Origin: *', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('server.time', {}, enc);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const oauth = await raw(`${rest}/server.time?auth=${token}`);
    expect(oauth.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(oauth.headers.get('access-control-allow-origin')).toBe('*');
    // error answers carry them too
    const err = await raw(`${rest}/server.time`);
    expect(err.status).toBe(401);
    expect(err.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(err.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('list methods lift next and total to the top level, pages of 50 by `start` in every encoding', async () => {
    for (const enc of ENCODINGS) {
      const first = await s.call('test.list', {}, enc);
      expect(first.status).toBe(200);
      expect(first.body.result).toHaveLength(50);
      expect(first.body.result[0]).toEqual({ ID: 1 });
      expect(first.body.next).toBe(50);
      expect(first.body.total).toBe(120);
      expect(Object.keys(first.body).sort()).toEqual(['next', 'result', 'time', 'total']);
      expect(isTimeObject(first.body.time)).toBe(true);

      const second = await s.call('test.list', { start: 50 }, enc);
      expect(second.body.result).toHaveLength(50);
      expect(second.body.result[0]).toEqual({ ID: 51 });
      expect(second.body.next).toBe(100);
      expect(second.body.total).toBe(120);

      const last = await s.call('test.list', { start: 100 }, enc);
      expect(last.body.result).toHaveLength(20);
      expect(last.body.result[19]).toEqual({ ID: 120 });
      expect(last.body).not.toHaveProperty('next');
      expect(last.body.total).toBe(120);
      expect(Object.keys(last.body).sort()).toEqual(['result', 'time', 'total']);
    }
  });

  it('`start` works through the OAuth form too, in the query of a POST', async () => {
    const r = await raw(`${rest}/test.list?start=50`, json({ auth: token }));
    expect(r.status).toBe(200);
    expect(r.body.next).toBe(100);
    expect(r.body.result[0]).toEqual({ ID: 51 });
  });

  it('a non-list method has neither next nor total', async () => {
    const r = await s.call('test.echo', { next: 1 });
    expect(r.body).not.toHaveProperty('next');
    expect(r.body).not.toHaveProperty('total');
    expect(r.body.result).toEqual({ next: 1 });
  });
});

describe('CORS preflight and health', () => {
  it('OPTIONS on /rest/... answers 204 with CORS headers', async () => {
    for (const url of [`${rest}/server.time`, `${rest}/1/${secret}/server.time`, `${rest}//imbot.v2.Bot.list`]) {
      const r = await raw(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(r.status, url).toBe(204);
      expect(r.text).toBe('');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.headers.get('access-control-allow-methods')).toMatch(/\bPOST\b/);
      expect(r.headers.get('access-control-allow-methods')).toMatch(/\bGET\b/);
      expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
      expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    }
  });

  it('GET /healthz is 200', async () => {
    const r = await raw(`${s.url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
  });
});

describe('webhook of another user', () => {
  it('acts as that user', async () => {
    const p = s.server.platform;
    const u = await createUser(p.store, { name: 'Ann', lastName: 'Lee' });
    const { createWebhook } = await import('../src/domain/webhooks.js');
    const hook = await createWebhook(p.store, p.box, { userId: u.id, scopes: ['user'] });
    const r = await raw(`${rest}/${u.id}/${hook.secret}/user.current`);
    expect(r.status).toBe(200);
    expect(r.body.result.ID).toBe(String(u.id));
    expect(r.body.result.NAME).toBe('Ann');
  });
});
