import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { defineMethod } from '../src/methods/registry.js';
import { fetchJson, testServer, type Encoding, type TestServer } from './helpers/server.js';

/** Every protocol-level error: HTTP status and the exact `{error, error_description}` body (no `time`). */

const echo = defineMethod({
  name: 'test.echo',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: (_ctx, p) => p,
});

const LEAK = 'db password is hunter2 at /srv/secret/path.ts';
const boom = defineMethod({
  name: 'test.boom',
  scope: 'basic',
  params: z.object({}).passthrough(),
  handler: () => {
    throw new Error(LEAK);
  },
});

const ENCODINGS: Encoding[] = ['json', 'form', 'query'];

const raw = fetchJson;

const post = (contentType: string, body: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
});

/** Status and exact body: only `error` and `error_description` (and no `time`). */
function expectError(r: { status: number; body: any }, status: number, error: string, description: string) {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error, error_description: description });
}

async function oauthToken(s: TestServer, scopes: string[], userId = 1): Promise<{ token: string; clientId: string }> {
  const p = s.server.platform;
  const { app } = await createApp(p.store, p, { name: `app ${scopes.join(',')}`, scopes });
  const installed = await installApp(p, app.client_id, userId);
  return { token: (installed.payload.auth as { access_token: string }).access_token, clientId: app.client_id };
}

async function expectHealthy(s: TestServer) {
  const r = await s.call('server.time');
  expect(r.status).toBe(200);
  expect(typeof r.body.result).toBe('string');
  expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
}

const NO_AUTH = ['NO_AUTH_FOUND', 'Wrong authorization data'] as const;
const BAD_CREDS = ['INVALID_CREDENTIALS', 'Invalid request credentials'] as const;
const NOT_FOUND = ['ERROR_METHOD_NOT_FOUND', 'Method not found!'] as const;

describe('errors on the default server', () => {
  let s: TestServer;
  let rest: string;
  let secret: string;

  beforeAll(async () => {
    s = await testServer({ extraMethods: [echo, boom] });
    rest = `${s.url}/rest`;
    secret = s.server.adminWebhook.secret;
  });
  afterAll(() => s.close());

  it('401 NO_AUTH_FOUND without any token, in every encoding', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('server.time', {}, enc, `${rest}/`);
      expectError(r, 401, ...NO_AUTH);
    }
  });

  it('401 NO_AUTH_FOUND for an unknown token in auth, access_token and Bearer', async () => {
    for (const enc of ENCODINGS) {
      expectError(await s.call('server.time', { auth: 'deadbeefdeadbeef' }, enc, `${rest}/`), 401, ...NO_AUTH);
      expectError(await s.call('server.time', { access_token: 'deadbeefdeadbeef' }, enc, `${rest}/`), 401, ...NO_AUTH);
    }
    expectError(await raw(`${rest}/server.time`, { headers: { authorization: 'Bearer deadbeefdeadbeef' } }), 401, ...NO_AUTH);
    // the webhook secret is not an access token
    expectError(await raw(`${rest}/server.time?auth=${secret}`), 401, ...NO_AUTH);
  });

  it('401 INVALID_CREDENTIALS for a wrong webhook secret', async () => {
    for (const enc of ENCODINGS) {
      expectError(await s.call('server.time', {}, enc, `${rest}/1/wrongsecret123/`), 401, ...BAD_CREDS);
    }
  });

  it('401 INVALID_CREDENTIALS for the right secret with another user id or login in the path', async () => {
    const p = s.server.platform;
    const other = await createUser(p.store, { name: 'Other', login: 'other-user' });
    expectError(await raw(`${rest}/${other.id}/${secret}/server.time`), 401, ...BAD_CREDS);
    expectError(await raw(`${rest}/other-user/${secret}/server.time`), 401, ...BAD_CREDS);
    expectError(await raw(`${rest}/999/${secret}/server.time`), 401, ...BAD_CREDS);
    // and the other user's own webhook does not open user 1
    const hook = await createWebhook(p.store, p.box, { userId: other.id, scopes: ['user'] });
    expectError(await raw(`${rest}/1/${hook.secret}/server.time`), 401, ...BAD_CREDS);
    expect((await raw(`${rest}/${other.id}/${hook.secret}/server.time`)).status).toBe(200);
  });

  it('403 insufficient_scope: webhook token vs access token descriptions', async () => {
    const p = s.server.platform;
    const hook = await createWebhook(p.store, p.box, { userId: 1, scopes: ['im'] });
    for (const enc of ENCODINGS) {
      const r = await s.call('user.current', {}, enc, `${rest}/1/${hook.secret}/`);
      expectError(r, 403, 'insufficient_scope', 'The request requires higher privileges than provided by the webhook token');
    }
    const { token } = await oauthToken(s, ['im']);
    for (const enc of ENCODINGS) {
      const r = await s.call('user.current', { auth: token }, enc, `${rest}/`);
      expectError(r, 403, 'insufficient_scope', 'The request requires higher privileges than provided by the access token');
    }
    // basic methods stay open to both
    expect((await s.call('server.time', {}, 'json', `${rest}/1/${hook.secret}/`)).status).toBe(200);
    expect((await s.call('server.time', { auth: token }, 'json', `${rest}/`)).status).toBe(200);
  });

  it('403 WRONG_AUTH_TYPE: event.* through a webhook', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('event.get', {}, enc);
      expectError(r, 403, 'WRONG_AUTH_TYPE', 'Current authorization type is denied for this method');
    }
    const bind = await s.call('event.bind', { event: 'ONAPPINSTALL', handler: 'http://127.0.0.1:9/h' });
    expectError(bind, 403, 'WRONG_AUTH_TYPE', 'Current authorization type is denied for this method');
    const unbind = await s.call('event.unbind', { event: 'ONAPPINSTALL', handler: 'http://127.0.0.1:9/h' }, 'form');
    expectError(unbind, 403, 'WRONG_AUTH_TYPE', 'Current authorization type is denied for this method');
  });

  it('403 ACCESS_DENIED: a non-admin binds or unbinds with the AUTH_TYPE of another user', async () => {
    const p = s.server.platform;
    const user = await createUser(p.store, { name: 'Plain' });
    const { app } = await createApp(p.store, p, { name: 'plain app', scopes: ['imbot'] });
    const installed = await installApp(p, app.client_id, user.id);
    const token = (installed.payload.auth as { access_token: string }).access_token;
    const params = { auth: token, event: 'ONAPPINSTALL', handler: 'http://127.0.0.1:9/h', auth_type: 1 };
    for (const enc of ENCODINGS) {
      expectError(
        await s.call('event.bind', params, enc, `${rest}/`),
        403,
        'ACCESS_DENIED',
        'Access denied! Event binding with AUTH_TYPE requires administrator access rights',
      );
    }
    expectError(
      await s.call('event.unbind', params, 'json', `${rest}/`),
      403,
      'ACCESS_DENIED',
      'Access denied! Event unbinding with AUTH_TYPE requires administrator access rights',
    );
    expectError(
      await s.call('event.bind', { auth: token, event: 'ONAPPINSTALL', event_type: 'offline' }, 'json', `${rest}/`),
      403,
      'ACCESS_DENIED',
      'Access denied! Offline events binding requires administrator access rights',
    );
    // its own id is fine
    const own = await s.call('event.bind', { ...params, auth_type: user.id }, 'json', `${rest}/`);
    expect(own.status).toBe(200);
    expect(own.body.result).toBe(true);
  });

  it('404 ERROR_METHOD_NOT_FOUND, also before auth is looked at', async () => {
    for (const enc of ENCODINGS) {
      expectError(await s.call('no.such.method', {}, enc), 404, ...NOT_FOUND);
      expectError(await s.call('no.such.method', {}, enc, `${rest}/`), 404, ...NOT_FOUND);
      expectError(await s.call('no.such.method', {}, enc, `${rest}/1/wrongsecret123/`), 404, ...NOT_FOUND);
      expectError(await s.call('no.such.method', { auth: 'bad' }, enc, `${rest}/`), 404, ...NOT_FOUND);
    }
    expectError(await raw(`${rest}/1/${secret}/`), 404, ...NOT_FOUND);
    expectError(await raw(`${rest}/`), 404, ...NOT_FOUND);
    expectError(await raw(`${rest}`, { method: 'POST' }), 404, ...NOT_FOUND);
  });

  it('500 INTERNAL_SERVER_ERROR for a plain Error, without leaking its message or stack', async () => {
    for (const enc of ENCODINGS) {
      const r = await s.call('test.boom', {}, enc);
      expectError(r, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      const text = JSON.stringify(r.body);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('/srv/');
      expect(text).not.toMatch(/\bat\s+\S+\s+\(/);
    }
  });

  it('400 INVALID_REQUEST for malformed JSON', async () => {
    for (const body of ['{bad', '{"a":1,}', '{"a":']) {
      const r = await raw(`${s.hook}test.echo`, post('application/json', body));
      expect(r.status).toBe(400);
      expect(Object.keys(r.body).sort()).toEqual(['error', 'error_description']);
      expect(r.body.error).toBe('INVALID_REQUEST');
      expect(r.body.error_description).toMatch(/^Request body is not valid JSON/);
    }
    const scalar = await raw(`${s.hook}test.echo`, post('application/json', '"text"'));
    expectError(scalar, 400, 'INVALID_REQUEST', 'A JSON request body must be an object of parameters');
    const list = await raw(`${s.hook}test.echo`, post('application/json', '[1,2]'));
    expectError(list, 400, 'INVALID_REQUEST', 'A JSON request body must be an object of parameters');
    // the empty forms are accepted as "no parameters"
    for (const body of ['', '[]', '{}']) {
      const ok = await raw(`${s.hook}test.echo?q=1`, post('application/json', body));
      expect(ok.status, JSON.stringify(body)).toBe(200);
      expect(ok.body.result).toEqual({ q: '1' });
    }
  });

  it('+json content types are read as JSON', async () => {
    const r = await raw(`${s.hook}test.echo`, post('application/vnd.api+json', '{"a":1}'));
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ a: 1 });
    const bad = await raw(`${s.hook}test.echo`, post('application/vnd.api+json', '{bad'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_REQUEST');
  });

  it('415 for application/xml', async () => {
    const r = await raw(`${s.hook}test.echo`, post('application/xml', '<a>1</a>'));
    expectError(
      r,
      415,
      'INVALID_REQUEST',
      "Unsupported Content-Type 'application/xml': send application/json, application/x-www-form-urlencoded or multipart/form-data",
    );
  });

  it('a text/plain body is parsed as form fields', async () => {
    const r = await raw(`${s.hook}test.echo`, post('text/plain', 'a=1&b[c]=2&d[]=x'));
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ a: '1', b: { c: '2' }, d: ['x'] });
    const charset = await raw(`${s.hook}test.echo`, post('text/plain;charset=UTF-8', 'a=2'));
    expect(charset.status).toBe(200);
    expect(charset.body.result).toEqual({ a: '2' });
    // a string body without an explicit type: fetch labels it text/plain
    const unlabelled = await raw(`${s.hook}test.echo`, { method: 'POST', body: 'z=9' });
    expect(unlabelled.status).toBe(200);
    expect(unlabelled.body.result).toEqual({ z: '9' });
  });

  it('error bodies carry the CORS and JSON headers', async () => {
    const r = await raw(`${rest}/server.time`);
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('stays healthy after all of these', async () => {
    await expectHealthy(s);
    const r = await s.call('test.echo', { after: 'errors' });
    expect(r.body.result).toEqual({ after: 'errors' });
  });
});

describe('401 expired_token', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ accessTokenTtl: 1 });
  });
  afterAll(() => s.close());

  it('an access token past its lifetime is refused', async () => {
    const { token } = await oauthToken(s, ['user']);
    await new Promise((r) => setTimeout(r, 1100));
    for (const enc of ENCODINGS) {
      const r = await s.call('server.time', { auth: token }, enc, `${s.url}/rest/`);
      expectError(r, 401, 'expired_token', 'The access token provided has expired');
    }
    const bearer = await raw(`${s.url}/rest/server.time`, { headers: { authorization: `Bearer ${token}` } });
    expectError(bearer, 401, 'expired_token', 'The access token provided has expired');
    await expectHealthy(s);
  });
});

describe('503 QUERY_LIMIT_EXCEEDED', () => {
  let s: TestServer;
  beforeAll(async () => {
    // A slow drain, so that a slow machine does not drain a unit between the burst and the sixth call.
    s = await testServer({ rateLimit: true, rateThreshold: 5, rateDrainPerSecond: 2 });
  });
  afterAll(() => s.close());

  it('the sixth call in a burst is refused, the bucket drains, and the limit is per webhook', async () => {
    const p = s.server.platform;
    const a = await createWebhook(p.store, p.box, { userId: 1, scopes: ['user'] });
    const b = await createWebhook(p.store, p.box, { userId: 1, scopes: ['user'] });
    const baseA = `${s.url}/rest/1/${a.secret}/`;
    const baseB = `${s.url}/rest/1/${b.secret}/`;
    // warm up the server on its own bucket, then let it drain
    await s.call('server.time');
    await new Promise((r) => setTimeout(r, 600));

    // five at once fill the bucket (sent together, so the 2/s drain has no time to matter)
    const five = await Promise.all(ENCODINGS.concat(['json', 'form']).map((enc) => s.call('server.time', {}, enc, baseA)));
    expect(five.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await s.call('server.time', {}, 'json', baseA);
    expectError(sixth, 503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');

    // another webhook has its own bucket
    const other = await s.call('user.current', {}, 'form', baseB);
    expect(other.status).toBe(200);
    expect(other.body.result.ID).toBe('1');

    // 2 per second drain: after 700 ms there is room again
    await new Promise((r) => setTimeout(r, 700));
    const recovered = await s.call('server.time', {}, 'query', baseA);
    expect(recovered.status).toBe(200);
  });
});

describe('429 OPERATION_TIME_LIMIT', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ operatingLimitSeconds: 0, operatingMinSeconds: 0 });
  });
  afterAll(() => s.close());

  it('blocks the same method after its time is used up; other methods still run', async () => {
    const first = await s.call('server.time');
    expect(first.status).toBe(200);
    expect(first.body.time.operating).toBeGreaterThan(0);

    for (const enc of ENCODINGS) {
      const again = await s.call('server.time', {}, enc);
      expectError(again, 429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.');
    }
    // method names are one key whatever their case
    expectError(await s.call('SERVER.TIME'), 429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.');

    const other = await s.call('profile');
    expect(other.status).toBe(200);
    expect(other.body.result.ID).toBe('1');

    // the account is per caller: another webhook still runs server.time
    const p = s.server.platform;
    const hook = await createWebhook(p.store, p.box, { userId: 1, scopes: ['user'] });
    const fresh = await s.call('server.time', {}, 'json', `${s.url}/rest/1/${hook.secret}/`);
    expect(fresh.status).toBe(200);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});

describe('413 body over bodyLimit', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ bodyLimit: 1024, extraMethods: [echo] });
  });
  afterAll(() => s.close());

  const TOO_BIG = ['INVALID_REQUEST', 'Request body is larger than 1024 bytes'] as const;

  it('JSON, form and text/plain bodies over the limit are 413', async () => {
    const big = 'x'.repeat(2000);
    expectError(await raw(`${s.hook}test.echo`, post('application/json', JSON.stringify({ big }))), 413, ...TOO_BIG);
    expectError(await raw(`${s.hook}test.echo`, post('application/x-www-form-urlencoded', `big=${big}`)), 413, ...TOO_BIG);
    expectError(await raw(`${s.hook}test.echo`, post('text/plain', `big=${big}`)), 413, ...TOO_BIG);
  });

  it('a multipart file over the limit is 413', async () => {
    const fd = new FormData();
    fd.append('FIELDS[NAME]', 'Bot');
    fd.append('FIELDS[PHOTO]', new Blob([new Uint8Array(4096)]), 'big.png');
    expectError(await raw(`${s.hook}test.echo`, { method: 'POST', body: fd }), 413, ...TOO_BIG);
  });

  it('a body under the limit passes, and the server stays healthy', async () => {
    const r = await raw(`${s.hook}test.echo`, post('application/json', JSON.stringify({ small: 'x'.repeat(500) })));
    expect(r.status).toBe(200);
    expect(r.body.result.small).toHaveLength(500);
    await expectHealthy(s);
  });
});
