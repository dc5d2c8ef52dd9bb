import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../src/domain/apps.js';
import { ApiError } from '../src/domain/errors.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { flag, int } from '../src/methods/params.js';
import { defineMethod, ListPage } from '../src/methods/registry.js';
import { type CallResult, fetchJson, httpBuildQuery, isTimeObject, testServer, type TestServer } from './helpers/server.js';

// ---------------------------------------------------------------------------------------------
// Test-only methods, served through extraMethods so the protocol layer is exercised over HTTP.
// ---------------------------------------------------------------------------------------------

/** Returns its decoded params exactly as the method received them. */
const echoMethod = defineMethod({
  name: 'test.echo',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: (_ctx, p) => p,
});

/** flag()/int() coercion: what a real method sees of True/False/1/0/true/false. */
const flagsMethod = defineMethod({
  name: 'test.flags',
  scope: 'basic',
  params: z.object({ on: flag(), off: flag(), n: int() }).passthrough(),
  handler: (_ctx, p) => ({ on: p.on, off: p.off, n: p.n }),
});

const ITEMS = Array.from({ length: 120 }, (_, i) => ({ ID: String(i + 1) }));
/** A list method: 120 rows paged 50 at a time by `start`. */
const listMethod = defineMethod({
  name: 'test.list',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: (ctx) => ListPage.of(ITEMS, ctx.start),
});

/** Always fails with a coded error. */
const failMethod = defineMethod({
  name: 'test.fail',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: () => {
    throw new ApiError('TEST_FAILED', 'Failed on purpose');
  },
});

/** A method declared as not allowed inside batch. */
const noBatchMethod = defineMethod({
  name: 'test.nobatch',
  scope: 'basic',
  batch: false,
  params: z.object({}).passthrough(),
  handler: () => 'ran',
});

const EXTRA = [echoMethod, flagsMethod, listMethod, failMethod, noBatchMethod];

// ---------------------------------------------------------------------------------------------
// The four ways clients encode one command row (clients.md 1.3, 2.3, 3.3, 4.3).
// ---------------------------------------------------------------------------------------------

/** @bitrix24/b24jssdk: `method?` + qs.stringify(params) — %5B brackets, %20 spaces, true/false. */
const jsRow = (method: string, params: Record<string, unknown>) => `${method}?${qs.stringify(params)}`;

/** b24phpsdk: `method?` + http_build_query(params) — %5B brackets, '+' spaces, 1/0. */
const phpRow = (method: string, params: Record<string, unknown>) => `${method}?${httpBuildQuery(params)}`;

/** CRest callBatch: the method alone when params are empty, else `method?` + http_build_query(params). */
const crestRow = (method: string, params: Record<string, unknown> = {}) => {
  const q = httpBuildQuery(params);
  return q ? `${method}?${q}` : method;
};

/** Python's urllib.parse.quote_plus: only [A-Za-z0-9_.~-] kept, space as '+', UTF-8 bytes %XX. */
function quotePlus(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** b24pysdk utils/encoding.encode_params: brackets left raw, quote_plus'd keys and values, str(True) = 'True'. */
function pyEncode(values: unknown, outer?: string): string[] {
  if (values === null || typeof values !== 'object') {
    const s = values === null || values === undefined ? '' : typeof values === 'boolean' ? (values ? 'True' : 'False') : String(values);
    return [`${outer}=${s === '' ? '' : quotePlus(s)}`];
  }
  const entries = Object.entries(values as Record<string, unknown>);
  if (outer !== undefined && entries.length === 0) return [`${outer}[]=`];
  return entries.flatMap(([k, v]) => pyEncode(v, outer !== undefined ? `${outer}[${quotePlus(k)}]` : quotePlus(k)));
}
const pyRow = (method: string, params: Record<string, unknown>) => `${method}?${pyEncode(params).join('&')}`;

// ---------------------------------------------------------------------------------------------

let s: TestServer;
let oauthToken: string;
let imHook: string; // webhook of user 1 with scopes ['im'] only
let user2Hook: string; // webhook of a second, non-admin user

beforeAll(async () => {
  s = await testServer({ extraMethods: EXTRA });
  const p = s.server.platform;
  const im = await createWebhook(p.store, p.box, { userId: 1, scopes: ['im'] });
  imHook = `${s.url}/rest/1/${im.secret}/`;
  const u2 = await createUser(p.store, { name: 'Second', login: 'second' });
  const h2 = await createWebhook(p.store, p.box, { userId: u2.id, scopes: 'all' });
  user2Hook = `${s.url}/rest/${u2.id}/${h2.secret}/`;
  const { app } = await createApp(p.store, p, { name: 'Batch app', scopes: ['imbot'] });
  const installed = await installApp(p, app.client_id, 1);
  oauthToken = (installed.payload.auth as { access_token: string }).access_token;
});
afterAll(() => s.close());

const raw = fetchJson;

/** JSON POST of a batch body to the admin webhook (or `url`). */
const batchJson = (body: unknown, url = `${s.hook}batch`) =>
  raw(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Form POST exactly as CRest sends it: `batch.json`, http_build_query over `cmd[k]=<row>&halt=…`. */
const batchCrest = (cmd: Record<string, string> | string[], halt: number | string = 0, base = s.hook, extra: Record<string, unknown> = {}) =>
  raw(`${base}batch.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: httpBuildQuery({ cmd, halt, ...extra }),
  });

/** The five sections every batch response carries. */
function expectBatchEnvelope(r: CallResult) {
  expect(r.status).toBe(200);
  expect(Object.keys(r.body).sort()).toEqual(['result', 'time']);
  expect(isTimeObject(r.body.time)).toBe(true);
  expect(Object.keys(r.body.result)).toEqual(['result', 'result_error', 'result_total', 'result_next', 'result_time']);
  return r.body.result as {
    result: any;
    result_error: any;
    result_total: any;
    result_next: any;
    result_time: any;
  };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

// Params whose decoding differs between encoders: spaces, '+', '&', '=', '%', brackets, UTF-8, nesting, booleans.
const SAMPLE = {
  text: 'Hello world & co = 100% [ok] /x?',
  plus: 'A+B',
  uni: 'Привет, мир',
  fields: { NAME: 'Some name', 'KEY WITH SPACE': 'v', LIST: ['x y', 'z'] },
  on: true,
  off: false,
  n: 7,
};
const DECODED_COMMON = {
  text: 'Hello world & co = 100% [ok] /x?',
  plus: 'A+B',
  uni: 'Привет, мир',
  fields: { NAME: 'Some name', 'KEY WITH SPACE': 'v', LIST: ['x y', 'z'] },
  n: '7',
};

describe('batch: cmd transports', () => {
  it('cmd as a JSON array: results come back as JSON arrays indexed like cmd', async () => {
    const r = await batchJson({ halt: 0, cmd: ['server.time', 'profile', 'test.echo?a=1'] });
    const b = expectBatchEnvelope(r);
    expect(Array.isArray(b.result)).toBe(true);
    expect(b.result).toHaveLength(3);
    expect(b.result[0]).toMatch(ISO);
    expect(b.result[1]).toMatchObject({ ID: '1', ADMIN: true });
    expect(b.result[2]).toEqual({ a: '1' });
    expect(b.result_error).toEqual([]);
    expect(b.result_total).toEqual([]);
    expect(b.result_next).toEqual([]);
    expect(Array.isArray(b.result_time)).toBe(true);
    expect(b.result_time).toHaveLength(3);
    for (const t of b.result_time) expect(isTimeObject(t)).toBe(true);
  });

  it('cmd as a JSON array with a failure: keys are no longer 0..n-1, so sections become objects keyed by index', async () => {
    const r = await batchJson({ halt: 0, cmd: ['server.time', 'no.such.method', 'test.echo?a=2'] });
    const b = expectBatchEnvelope(r);
    expect(Array.isArray(b.result)).toBe(false);
    expect(Object.keys(b.result)).toEqual(['0', '2']);
    expect(b.result['2']).toEqual({ a: '2' });
    expect(b.result_error).toEqual({ 1: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' } });
    expect(Object.keys(b.result_time)).toEqual(['0', '2']);
  });

  it('cmd as a JSON object keyed by name', async () => {
    const r = await batchJson({ halt: 0, cmd: { get_time: 'server.time', me: 'profile', echo: 'test.echo?x=y' } });
    const b = expectBatchEnvelope(r);
    expect(Object.keys(b.result)).toEqual(['get_time', 'me', 'echo']);
    expect(b.result.get_time).toMatch(ISO);
    expect(b.result.me.ID).toBe('1');
    expect(b.result.echo).toEqual({ x: 'y' });
    expect(Object.keys(b.result_time)).toEqual(['get_time', 'me', 'echo']);
  });

  it('a JSON object keyed "0","1" (as the Python SDK sends a list) is a PHP list: results are JSON arrays', async () => {
    const r = await batchJson({ cmd: { 0: pyRow('test.echo', { a: 1 }), 1: 'server.time?' }, halt: false });
    const b = expectBatchEnvelope(r);
    expect(b.result).toEqual([{ a: '1' }, expect.stringMatching(ISO)]);
    expect(Array.isArray(b.result_time)).toBe(true);
    expect(b.result_time).toHaveLength(2);
  });

  it('form cmd[k]=… exactly as CRest sends it (double encoded), to batch.json', async () => {
    const r = await batchCrest({
      user: crestRow('profile'),
      echo: crestRow('test.echo', { fields: { TITLE: 'John&Martin', NOTE: 'a=b c' }, list: ['1', '2'] }),
    });
    const b = expectBatchEnvelope(r);
    expect(b.result.user).toMatchObject({ ID: '1' });
    expect(b.result.echo).toEqual({ fields: { TITLE: 'John&Martin', NOTE: 'a=b c' }, list: ['1', '2'] });
    expect(b.result_error).toEqual([]);
  });

  it('form cmd[0]=…&cmd[1]=… is a PHP list: results are JSON arrays', async () => {
    const r = await batchCrest([crestRow('server.time'), crestRow('test.echo', { q: 'w' })]);
    const b = expectBatchEnvelope(r);
    expect(b.result).toEqual([expect.stringMatching(ISO), { q: 'w' }]);
    expect(b.result_time).toHaveLength(2);
  });

  it('query-string GET batch?cmd[a]=… with the double encoding of data-encoding.md', async () => {
    // The docs' own example URL, with test.echo in place of crm.lead.add.
    const docs = await raw(`${s.hook}batch?cmd[0]=test.echo%3Ffields%5BTITLE%5D%3DJohn%2526Martin`);
    const d = expectBatchEnvelope(docs);
    expect(d.result).toEqual([{ fields: { TITLE: 'John&Martin' } }]);

    const q = httpBuildQuery({ cmd: { a: phpRow('test.echo', { v: '50% off & more' }), b: 'server.time' }, halt: 0 });
    const r = await raw(`${s.hook}batch?${q}`);
    const b = expectBatchEnvelope(r);
    expect(b.result.a).toEqual({ v: '50% off & more' });
    expect(b.result.b).toMatch(ISO);
  });

  it('top-level parameter names are case-insensitive (CMD / HALT)', async () => {
    const r = await batchJson({ HALT: 1, CMD: { a: 'test.fail', b: 'server.time' } });
    const b = expectBatchEnvelope(r);
    expect(b.result).toEqual([]);
    expect(Object.keys(b.result_error)).toEqual(['a']);
  });

  it('method names inside rows are case-insensitive', async () => {
    const r = await batchJson({ cmd: { a: 'SERVER.TIME', b: 'Test.Echo?k=v' } });
    const b = expectBatchEnvelope(r);
    expect(b.result.a).toMatch(ISO);
    expect(b.result.b).toEqual({ k: 'v' });
  });

  it('no cmd at all: an empty batch with all five sections as []', async () => {
    const r = await batchJson({ halt: 0 });
    const b = expectBatchEnvelope(r);
    expect(b).toEqual({ result: [], result_error: [], result_total: [], result_next: [], result_time: [] });
  });

  it('the official JS SDK request shape: POST JSON with bx24_* telemetry in the query', async () => {
    const url = `${s.hook}batch?bx24_request_id=0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0&bx24_sdk_ver=2.2.0&bx24_sdk_type=b24-js-sdk`;
    const r = await raw(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'b24-js-sdk/2.2.0' },
      body: '{"halt":0,"cmd":{"a":"server.time?","b":"profile?"}}',
    });
    const b = expectBatchEnvelope(r);
    expect(b.result.a).toMatch(ISO);
    expect(b.result.b).toMatchObject({ ID: '1', ADMIN: true });
    expect(b.result_error).toEqual([]);
    expect(Object.keys(b.result_time)).toEqual(['a', 'b']);
    for (const k of ['a', 'b']) expect(isTimeObject(b.result_time[k])).toBe(true);
  });
});

describe('batch: command row encodings', () => {
  it('JS SDK rows (qs.stringify: %5B brackets, %20 spaces, true/false) decode exactly', async () => {
    const row = jsRow('test.echo', SAMPLE);
    expect(row).toContain('fields%5BNAME%5D=Some%20name');
    const r = await batchJson({ halt: 0, cmd: { e: row, f: jsRow('test.flags', { on: true, off: false, n: 7 }) } });
    const b = expectBatchEnvelope(r);
    expect(b.result.e).toEqual({ ...DECODED_COMMON, on: 'true', off: 'false' });
    expect(b.result.f).toEqual({ on: true, off: false, n: 7 });
  });

  it('PHP SDK rows (http_build_query: %5B brackets, + spaces, 1/0) decode exactly, with a boolean halt', async () => {
    const row = phpRow('test.echo', SAMPLE);
    expect(row).toContain('fields%5BNAME%5D=Some+name');
    const r = await batchJson({ halt: false, cmd: { 'cmd_0': row, 'cmd_1': phpRow('test.flags', { on: true, off: false, n: 7 }) } });
    const b = expectBatchEnvelope(r);
    expect(b.result.cmd_0).toEqual({ ...DECODED_COMMON, on: '1', off: '0' });
    expect(b.result.cmd_1).toEqual({ on: true, off: false, n: 7 });
  });

  it('Python SDK rows (raw brackets, quote_plus, True/False) decode exactly', async () => {
    const row = pyRow('test.echo', SAMPLE);
    expect(row).toContain('fields[NAME]=Some+name');
    const r = await batchJson({ cmd: { py: row, fl: pyRow('test.flags', { on: true, off: false, n: 7 }) }, halt: false });
    const b = expectBatchEnvelope(r);
    expect(b.result.py).toEqual({ ...DECODED_COMMON, on: 'True', off: 'False' });
    expect(b.result.fl).toEqual({ on: true, off: false, n: 7 });
  });

  it('CRest rows inside a form body decode exactly (1/0 booleans)', async () => {
    const r = await batchCrest({ c: crestRow('test.echo', SAMPLE), f: crestRow('test.flags', { on: true, off: false, n: 7 }) });
    const b = expectBatchEnvelope(r);
    expect(b.result.c).toEqual({ ...DECODED_COMMON, on: '1', off: '0' });
    expect(b.result.f).toEqual({ on: true, off: false, n: 7 });
  });

  it('plain `method` and `method?` rows have no params', async () => {
    const r = await batchJson({ cmd: { a: 'test.echo', b: 'test.echo?', c: 'server.time', d: 'server.time?' } });
    const b = expectBatchEnvelope(r);
    expect(b.result.a).toEqual({});
    expect(b.result.b).toEqual({});
    expect(b.result.c).toMatch(ISO);
    expect(b.result.d).toMatch(ISO);
    expect(b.result_error).toEqual([]);
  });

  it('Y/N and numeric-string flags coerce through flag()/int() in any row encoding', async () => {
    const r = await batchJson({
      cmd: {
        yn: 'test.flags?on=Y&off=N&n=-3',
        caps: 'test.flags?on=TRUE&off=FALSE&n=0',
        bad: 'test.flags?on=maybe&off=0&n=1',
      },
    });
    const b = expectBatchEnvelope(r);
    expect(b.result.yn).toEqual({ on: true, off: false, n: -3 });
    expect(b.result.caps).toEqual({ on: true, off: false, n: 0 });
    expect(b.result_error.bad.error).toBe('ERROR_ARGUMENT');
  });

  it('auth, state and bx24_* in a row are not passed to the method', async () => {
    const r = await batchJson({ cmd: { a: 'test.echo?x=1&auth=zzz&bx24_request_id=q&state=s' } });
    const b = expectBatchEnvelope(r);
    expect(b.result.a).toEqual({ x: '1' });
  });
});

describe('batch: halt', () => {
  const CMD = { a: 'server.time', b: 'test.fail', c: 'test.echo?z=1' };
  const FAIL = { error: 'TEST_FAILED', error_description: 'Failed on purpose' };

  const expectHalted = (b: ReturnType<typeof expectBatchEnvelope>) => {
    expect(Object.keys(b.result)).toEqual(['a']);
    expect(b.result_error).toEqual({ b: FAIL });
    expect(Object.keys(b.result_time)).toEqual(['a']);
  };
  const expectRanAll = (b: ReturnType<typeof expectBatchEnvelope>) => {
    expect(Object.keys(b.result)).toEqual(['a', 'c']);
    expect(b.result.c).toEqual({ z: '1' });
    expect(b.result_error).toEqual({ b: FAIL });
    expect(Object.keys(b.result_time)).toEqual(['a', 'c']);
  };

  it.each([
    ['number 1', 1],
    ['boolean true', true],
    ["string '1'", '1'],
    ["string 'Y'", 'Y'],
    // PHP truthiness, as CRestProvider::methodsBatch tests it: these non-empty strings halt too.
    ["string 'N'", 'N'],
    ["string 'false'", 'false'],
    ["string '0.0'", '0.0'],
    ['number 2', 2],
  ])('JSON halt %s stops after the first error', async (_label, halt) => {
    expectHalted(expectBatchEnvelope(await batchJson({ halt, cmd: CMD })));
  });

  it.each([
    ['number 0', 0],
    ['boolean false', false],
    ["string '0'", '0'],
    ["string ''", ''],
    ['null', null],
    ['empty array', []],
    ['empty object', {}],
    ['absent', undefined],
  ])('JSON halt %s runs every command', async (_label, halt) => {
    const body: Record<string, unknown> = { cmd: CMD };
    if (halt !== undefined) body.halt = halt;
    expectRanAll(expectBatchEnvelope(await batchJson(body)));
  });

  it.each([
    ['1', true],
    ['N', true],
    ['false', true],
    ['0', false],
    ['', false],
  ])('form halt=%s (CRest) halts: %s', async (halt, halts) => {
    const b = expectBatchEnvelope(await batchCrest(CMD, halt));
    if (halts) expectHalted(b);
    else expectRanAll(b);
  });

  it('query-string halt works the same', async () => {
    const q = (halt: string) => `${s.hook}batch?${httpBuildQuery({ cmd: CMD })}&halt=${halt}`;
    expectHalted(expectBatchEnvelope(await raw(q('1'))));
    expectRanAll(expectBatchEnvelope(await raw(q('0'))));
  });

  it('halt stops at the first error even when it is a not-allowed or unknown method', async () => {
    const b = expectBatchEnvelope(await batchJson({ halt: 1, cmd: { a: 'server.time', x: 'batch', y: 'no.such.method' } }));
    expect(Object.keys(b.result)).toEqual(['a']);
    expect(Object.keys(b.result_error)).toEqual(['x']);
  });
});

describe('batch: limits and refused commands', () => {
  it('over 50 commands: the first 50 run, each extra one gets ERROR_BATCH_LENGTH_EXCEEDED', async () => {
    const cmd: Record<string, string> = {};
    for (let i = 0; i < 53; i++) cmd[`c${i}`] = `test.echo?i=${i}`;
    const b = expectBatchEnvelope(await batchJson({ halt: 0, cmd }));
    expect(Object.keys(b.result)).toHaveLength(50);
    expect(b.result.c0).toEqual({ i: '0' });
    expect(b.result.c49).toEqual({ i: '49' });
    expect(b.result.c50).toBeUndefined();
    expect(Object.keys(b.result_time)).toHaveLength(50);
    const exceeded = { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' };
    expect(b.result_error).toEqual({ c50: exceeded, c51: exceeded, c52: exceeded });
  });

  it('over 50 in a JSON array: 50 results as an array, extras keyed by their index', async () => {
    const cmd = Array.from({ length: 52 }, () => 'server.time');
    const b = expectBatchEnvelope(await batchJson({ cmd }));
    expect(Array.isArray(b.result)).toBe(true);
    expect(b.result).toHaveLength(50);
    expect(Object.keys(b.result_error)).toEqual(['50', '51']);
    expect(b.result_error['50'].error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
  });

  it('over 50 and halt=1: the length errors do not stop anything before them', async () => {
    const cmd: Record<string, string> = {};
    for (let i = 0; i < 51; i++) cmd[`k${i}`] = 'server.time';
    const b = expectBatchEnvelope(await batchJson({ halt: 1, cmd }));
    expect(Object.keys(b.result)).toHaveLength(50);
    expect(Object.keys(b.result_error)).toEqual(['k50']);
  });

  it('non-string commands are skipped but still counted toward the 50', async () => {
    const cmd: Record<string, unknown> = { skipped_num: 5, skipped_obj: { method: 'server.time' } };
    for (let i = 0; i < 49; i++) cmd[`k${i}`] = 'server.time';
    const b = expectBatchEnvelope(await batchJson({ cmd }));
    expect(b.result.skipped_num).toBeUndefined();
    expect(b.result_error.skipped_num).toBeUndefined();
    expect(b.result.skipped_obj).toBeUndefined();
    expect(Object.keys(b.result)).toHaveLength(48);
    expect(b.result.k47).toBeDefined();
    expect(b.result_error).toEqual({ k48: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' } });
  });

  it('nested batch (any case), upload, download and batch:false methods get ERROR_BATCH_METHOD_NOT_ALLOWED', async () => {
    const b = expectBatchEnvelope(
      await batchJson({
        cmd: {
          nested: 'batch?cmd[x]=server.time',
          upper: 'BATCH',
          mixed: 'Batch?halt=0',
          up: 'upload',
          down: 'download',
          declared: 'test.nobatch',
          ok: 'server.time',
        },
      }),
    );
    const notAllowed = { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' };
    expect(b.result_error).toEqual({ nested: notAllowed, upper: notAllowed, mixed: notAllowed, up: notAllowed, down: notAllowed, declared: notAllowed });
    expect(Object.keys(b.result)).toEqual(['ok']);
    // The same method outside batch is fine.
    const direct = await s.call('test.nobatch');
    expect(direct.status).toBe(200);
    expect(direct.body.result).toBe('ran');
  });

  it('unknown method inside batch: result_error entry, batch itself HTTP 200', async () => {
    const r = await batchJson({ cmd: { u: 'no.such.method?x=1', ok: 'profile' } });
    const b = expectBatchEnvelope(r);
    expect(b.result_error).toEqual({ u: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' } });
    expect(b.result.ok.ID).toBe('1');
  });

  it('a method that fails inside batch keeps its own code and description, and extra keys', async () => {
    const b = expectBatchEnvelope(await batchJson({ cmd: { f: 'test.fail', bad: 'test.flags?on=1&off=0&n=x' } }));
    expect(b.result_error.f).toEqual({ error: 'TEST_FAILED', error_description: 'Failed on purpose' });
    expect(b.result_error.bad).toMatchObject({ error: 'ERROR_ARGUMENT', argument: 'n' });
    expect(b.result).toEqual([]);
    expect(b.result_time).toEqual([]);
  });
});

describe('batch: auth and scopes', () => {
  it('scope failure inside batch: insufficient_scope with an empty description; batch is 200 with time', async () => {
    const r = await batchJson({ halt: 0, cmd: { me: 'user.current', t: 'server.time' } }, `${imHook}batch`);
    const b = expectBatchEnvelope(r);
    expect(b.result_error).toEqual({ me: { error: 'insufficient_scope', error_description: '' } });
    expect(b.result.t).toMatch(ISO);
    expect(Object.keys(b.result_time)).toEqual(['t']);
    // Outside batch the same call is a 403 with a description.
    const direct = await s.call('user.current', {}, 'json', imHook);
    expect(direct.status).toBe(403);
    expect(direct.body.error).toBe('insufficient_scope');
    expect(direct.body.error_description).not.toBe('');
  });

  it('sub-calls run as the caller of the batch (a second user\'s webhook)', async () => {
    const b = expectBatchEnvelope(await batchJson({ cmd: { me: 'profile', cur: 'user.current' } }, `${user2Hook}batch`));
    expect(b.result.me.ID).not.toBe('1');
    expect(b.result.me.ADMIN).toBe(false);
    expect(b.result.cur.ID).toBe(b.result.me.ID);
  });

  it('OAuth token as `auth` in a JSON body (/rest/batch)', async () => {
    const r = await batchJson({ auth: oauthToken, halt: 0, cmd: { app: 'app.info', me: 'profile', u: 'user.current', e: 'test.echo?k=v' } }, `${s.url}/rest/batch`);
    const b = expectBatchEnvelope(r);
    expect(b.result.app).toMatchObject({ INSTALLED: true, LICENSE: expect.any(String) });
    expect(b.result.me.ID).toBe('1');
    expect(b.result.e).toEqual({ k: 'v' });
    // The app has only the imbot scope.
    expect(b.result_error).toEqual({ u: { error: 'insufficient_scope', error_description: '' } });
  });

  it('OAuth token as `auth` in a CRest form body (/rest/batch.json) and in a GET query', async () => {
    const f = await batchCrest({ app: crestRow('app.info'), e: crestRow('test.echo', { a: 'b c' }) }, 0, `${s.url}/rest/`, { auth: oauthToken });
    const fb = expectBatchEnvelope(f);
    expect(fb.result.app.INSTALLED).toBe(true);
    expect(fb.result.e).toEqual({ a: 'b c' });

    const g = await raw(`${s.url}/rest/batch?${httpBuildQuery({ auth: oauthToken, cmd: { t: 'server.time', e: 'test.echo?a=1' } })}`);
    const gb = expectBatchEnvelope(g);
    expect(gb.result.t).toMatch(ISO);
    expect(gb.result.e).toEqual({ a: '1' });
  });

  it('a batch without any auth is refused as a whole', async () => {
    const r = await batchJson({ cmd: { t: 'server.time' } }, `${s.url}/rest/batch`);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
  });
});

describe('batch: references between commands', () => {
  it('$result whole-value and in-string substitution, deep paths, missing segments, failed and missing commands', async () => {
    const src = phpRow('test.echo', { id: '42', name: 'Bob', list: ['x', 'y'], deep: { a: { b: { c: 'found' } } } });
    const r = await batchJson({
      halt: 0,
      cmd: {
        early: 'test.echo?v=$result[src][id]', // src has not run yet: left as written
        src,
        bad: 'test.fail',
        scalar: 'test.echo?v=$result[src][id]',
        array: 'test.echo?v=$result[src][list]',
        object: 'test.echo?v=$result[src][deep]',
        whole: 'test.echo?v=$result[src]',
        in_string: 'test.echo?v=id-$result[src][id]-name-$result[src][name]!',
        array_in_string: 'test.echo?v=list:$result[src][list]',
        deep: 'test.echo?v=$result[src][deep][a][b][c]',
        index: 'test.echo?v=$result[src][list][1]',
        missing_seg: 'test.echo?v=$result[src][deep][nope][c]',
        missing_seg_str: 'test.echo?v=<$result[src][id][nope]>',
        failed: 'test.echo?v=$result[bad][x]',
        failed_in_string: 'test.echo?v=a$result[bad]b',
        nobody: 'test.echo?v=$result[nobody][x]',
        nested: 'test.echo?fields[ID]=$result[src][id]&fields[L][]=$result[src][list][0]',
        err: 'test.echo?code=$error[bad][error]&desc=$error[bad][error_description]&all=$error[bad]',
        err_ok: 'test.echo?v=$error[src][error]',
      },
    });
    const b = expectBatchEnvelope(r);
    const v = (k: string) => b.result[k].v;
    expect(v('early')).toBe('$result[src][id]');
    expect(v('scalar')).toBe('42');
    expect(v('array')).toEqual(['x', 'y']);
    expect(v('object')).toEqual({ a: { b: { c: 'found' } } });
    expect(v('whole')).toEqual({ id: '42', name: 'Bob', list: ['x', 'y'], deep: { a: { b: { c: 'found' } } } });
    expect(v('in_string')).toBe('id-42-name-Bob!');
    expect(v('array_in_string')).toBe('list:$result[src][list]');
    expect(v('deep')).toBe('found');
    expect(v('index')).toBe('y');
    expect(v('missing_seg')).toEqual({ a: { b: { c: 'found' } } });
    expect(v('missing_seg_str')).toBe('<42>');
    expect(v('failed')).toBe('$result[bad][x]');
    expect(v('failed_in_string')).toBe('a$result[bad]b');
    expect(v('nobody')).toBe('$result[nobody][x]');
    expect(b.result.nested).toEqual({ fields: { ID: '42', L: ['x'] } });
    expect(b.result.err).toEqual({
      code: 'TEST_FAILED',
      desc: 'Failed on purpose',
      all: { error: 'TEST_FAILED', error_description: 'Failed on purpose' },
    });
    expect(v('err_ok')).toBe('$error[src][error]');
  });

  it('$next, $total and $time references, whole (raw numbers) and in strings; start pages a list', async () => {
    const r = await batchJson({
      cmd: {
        p1: 'test.list',
        nt: 'test.echo?next=$next[p1]&total=$total[p1]&s=n$next[p1]/t$total[p1]&dur=$time[p1][duration]&ds=$time[p1][date_start]',
        p2: 'test.list?start=$next[p1]',
        last: 'test.list?start=100',
        no_next: 'test.echo?v=$next[last]',
      },
    });
    const b = expectBatchEnvelope(r);
    expect(b.result.nt.next).toBe(50);
    expect(b.result.nt.total).toBe(120);
    expect(b.result.nt.s).toBe('n50/t120');
    expect(typeof b.result.nt.dur).toBe('number');
    expect(b.result.nt.dur).toBe(b.result_time.p1.duration);
    expect(b.result.nt.ds).toBe(b.result_time.p1.date_start);
    expect(b.result.p2.map((x: { ID: string }) => x.ID)).toEqual(ITEMS.slice(50, 100).map((x) => x.ID));
    expect(b.result.no_next.v).toBe('$next[last]');
  });
});

describe('batch: response sections', () => {
  it('result_total / result_next only for list sub-calls; start inside a row pages the list', async () => {
    const r = await batchJson({
      cmd: { first: 'test.list', second: 'test.list?start=50', third: 'test.list?start=100', neg: 'test.list?start=-1', t: 'server.time' },
    });
    const b = expectBatchEnvelope(r);
    expect(b.result.first).toHaveLength(50);
    expect(b.result.first[0]).toEqual({ ID: '1' });
    expect(b.result.second[0]).toEqual({ ID: '51' });
    expect(b.result.third).toHaveLength(20);
    expect(b.result.third[19]).toEqual({ ID: '120' });
    expect(b.result_total).toEqual({ first: 120, second: 120, third: 120, neg: 120 });
    expect(b.result_next).toEqual({ first: 50, second: 100, neg: 50 });
    expect(Object.keys(b.result_time)).toEqual(['first', 'second', 'third', 'neg', 't']);
  });

  it('start given as a CRest/JSON SDK row param pages the same way', async () => {
    const b = expectBatchEnvelope(
      await batchCrest({ a: crestRow('test.list', { start: 50 }) }),
    );
    expect(b.result.a[0]).toEqual({ ID: '51' });
    expect(b.result_next).toEqual({ a: 100 });
    expect(b.result_total).toEqual({ a: 120 });
  });

  it('all five sections are present and [] when empty; result_time for every success and none for failures', async () => {
    const allFail = expectBatchEnvelope(await batchJson({ cmd: { a: 'test.fail', b: 'no.such' } }));
    expect(allFail.result).toEqual([]);
    expect(allFail.result_total).toEqual([]);
    expect(allFail.result_next).toEqual([]);
    expect(allFail.result_time).toEqual([]);
    expect(Object.keys(allFail.result_error)).toEqual(['a', 'b']);

    const mixed = expectBatchEnvelope(await batchJson({ cmd: { ok1: 'server.time', no: 'test.fail', ok2: 'profile', l: 'test.list?start=100' } }));
    expect(Object.keys(mixed.result)).toEqual(['ok1', 'ok2', 'l']);
    expect(Object.keys(mixed.result_time)).toEqual(['ok1', 'ok2', 'l']);
    for (const k of ['ok1', 'ok2', 'l']) expect(isTimeObject(mixed.result_time[k])).toBe(true);
    expect(mixed.result_total).toEqual({ l: 120 });
    expect(mixed.result_next).toEqual([]); // last page: no next anywhere
  });

  it('keys are kept exactly: UUIDv7 keys, cmd_N, dotted and spaced keys, in JSON and in forms', async () => {
    const keys = ['0190f5c8-7d2a-7c3e-9f10-1a2b3c4d5e6f', '0190f5c8-7d2a-7c3e-9f10-1a2b3c4d5e70', 'cmd_0', 'cmd_1', 'a.b', 'with space'];
    const cmd = Object.fromEntries(keys.map((k, i) => [k, `test.echo?i=${i}`]));
    const j = expectBatchEnvelope(await batchJson({ halt: false, cmd }));
    expect(Object.keys(j.result)).toEqual(keys);
    expect(Object.keys(j.result_time)).toEqual(keys);
    keys.forEach((k, i) => expect(j.result[k]).toEqual({ i: String(i) }));

    const f = expectBatchEnvelope(await batchCrest(cmd));
    expect(Object.keys(f.result)).toEqual(keys);
    // References work with such keys too.
    const ref = expectBatchEnvelope(
      await batchJson({ cmd: { [keys[0]]: 'test.echo?id=7', next: `test.echo?v=$result[${keys[0]}][id]` } }),
    );
    expect(ref.result.next).toEqual({ v: '7' });
  });
});

describe('batch: rate limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await testServer({ extraMethods: EXTRA, rateLimit: true, rateThreshold: 3, rateDrainPerSecond: 0.0001 });
  });
  afterAll(() => limited.close());

  it('a batch counts once: 10 sub-calls pass under a threshold of 3, then whole requests are limited', async () => {
    const cmd = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, 'server.time']));
    const first = await batchJson({ cmd }, `${limited.hook}batch`);
    const b = expectBatchEnvelope(first);
    expect(Object.keys(b.result)).toHaveLength(10);
    expect(b.result_error).toEqual([]);

    // Requests 2 and 3 of the bucket: one more batch of 10 and a plain call.
    const second = expectBatchEnvelope(await batchJson({ cmd }, `${limited.hook}batch`));
    expect(Object.keys(second.result)).toHaveLength(10);
    expect((await limited.call('server.time')).status).toBe(200);

    // The fourth HTTP request is refused, batch or not.
    const refusedBatch = await batchJson({ cmd: { a: 'server.time' } }, `${limited.hook}batch`);
    expect(refusedBatch.status).toBe(503);
    expect(refusedBatch.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    const refusedCall = await limited.call('server.time');
    expect(refusedCall.status).toBe(503);
    expect(refusedCall.body.error).toBe('QUERY_LIMIT_EXCEEDED');
  });
});
