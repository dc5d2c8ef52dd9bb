import http from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { installApp } from '../src/events/app-install.js';
import { fetchJson, httpBuildQuery, testServer, type TestServer } from './helpers/server.js';

// settings/oauth/index.md, auto-renewal.md, error-codes.md; settings/app-installation/local-apps/installation-callback.md;
// api-reference/common/events/on-app-install.md; notes/clients.md §1.4, §2.4, §3.5, §4.4, §6.7, §6.9.

interface Received {
  method: string;
  url: string;
  contentType: string;
  body: string;
}

/** A loopback HTTP endpoint standing in for the application's handler: records every request as it arrived. */
async function startReceiver() {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/handler.php`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port on which nothing listens any more. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until just after the next whole second, so a token issued now with a 1 s lifetime is usable for ~1 s. */
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 20);
/** Waits until the Unix second `expires` has been reached. */
const waitPast = (expires: number) => sleep(Math.max(0, expires * 1000 - Date.now()) + 50);

const getJson = fetchJson;

/** `/oauth/token/` with the parameters in the query string, as the docs and the PHP SDK do it. */
const tokenGet = (s: TestServer, params: Record<string, unknown>) => getJson(`${s.url}/oauth/token/?${httpBuildQuery(params)}`);
/** `/oauth/token/` with a form body, as the JS SDK and CRest do it. */
const tokenPost = (s: TestServer, params: Record<string, unknown>) =>
  getJson(`${s.url}/oauth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params as Record<string, string>).toString(),
  });

/** A REST call with `auth=<access_token>` in a JSON body, against the `client_endpoint` the server handed out. */
const restCall = (endpoint: string, method: string, token: string, params: Record<string, unknown> = {}) =>
  getJson(endpoint + method, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...params, auth: token }),
  });

const TOKEN_KEYS = [
  'access_token',
  'refresh_token',
  'expires',
  'expires_in',
  'scope',
  'domain',
  'server_endpoint',
  'client_endpoint',
  'member_id',
  'status',
  'user_id',
];

function expectTokenSet(s: TestServer, t: any, ttl = 3600) {
  for (const k of TOKEN_KEYS) expect(t, k).toHaveProperty(k);
  expect(t.access_token).toMatch(/^[a-z0-9]{20,}$/);
  expect(t.refresh_token).toMatch(/^[a-z0-9]{20,}$/);
  expect(t.access_token).not.toBe(t.refresh_token);
  expect(Number.isInteger(t.expires)).toBe(true);
  expect(t.expires).toBeGreaterThan(Math.floor(Date.now() / 1000) - 1);
  expect(t.expires_in).toBe(ttl);
  expect(t.client_endpoint).toBe(`${s.url}/rest/`);
  expect(t.server_endpoint).toBe(`${s.url}/rest/`);
  expect(t.domain).toBe(new URL(s.url).host);
  expect(t.member_id).toBe(s.server.platform.memberId);
  expect(t.member_id).toMatch(/^[0-9a-f]{32}$/);
  expect(t.status).toBe('L');
  expect(t.user_id).toBe(1);
  expect(t.scope.split(',')).toEqual(expect.arrayContaining(['imbot', 'im']));
}

let s: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  s = await testServer();
  receiver = await startReceiver();
  const p = s.server.platform;
  const created = await createApp(p.store, p, { name: 'OAuth test', handlerUrl: receiver.url, scopes: ['imbot', 'im'] });
  clientId = created.app.client_id;
  clientSecret = created.clientSecret;
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});

/** Runs /oauth/authorize/ and returns the code from the redirect to the handler. */
async function authorize(state = 'st'): Promise<string> {
  const res = await fetch(`${s.url}/oauth/authorize/?${httpBuildQuery({ client_id: clientId, state })}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get('location')!).searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

describe('installation callback (ONAPPINSTALL to the handler)', () => {
  let auth: Record<string, any>;

  it('POSTs a PHP-style form to the handler with event, data, ts and auth', async () => {
    const before = Math.floor(Date.now() / 1000);
    const outcome = await installApp(s.server.platform, clientId);
    expect(outcome.delivery?.ok).toBe(true);
    expect(outcome.delivery?.status).toBe(200);

    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/handler.php');
    expect(req.contentType.split(';')[0].trim()).toBe('application/x-www-form-urlencoded');
    // PHP's $_POST is parse_str of this body: nested keys arrive as auth[access_token]=…
    expect(req.body).toMatch(/(^|&)auth%5Baccess_token%5D=/);
    const form = qs.parse(req.body) as Record<string, any>;

    expect(form.event).toBe('ONAPPINSTALL');
    expect(form.data).toEqual({ VERSION: expect.any(String), ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: expect.any(String) });
    expect(form.data.VERSION).toMatch(/^\d+$/);
    expect(form.data.LANGUAGE_ID).toMatch(/^[a-z]{2}$/);
    expect(form.ts).toMatch(/^\d+$/);
    expect(Number(form.ts)).toBeGreaterThanOrEqual(before);
    expect(Number(form.ts)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    auth = form.auth;
    for (const k of [
      'access_token',
      'refresh_token',
      'expires',
      'expires_in',
      'scope',
      'domain',
      'server_endpoint',
      'client_endpoint',
      'member_id',
      'application_token',
      'user_id',
      'status',
    ]) {
      expect(auth[k], `auth[${k}]`).toBeTypeOf('string');
      expect(auth[k], `auth[${k}]`).not.toBe('');
    }
    expect(auth.access_token).toMatch(/^[a-z0-9]{20,}$/);
    expect(auth.refresh_token).toMatch(/^[a-z0-9]{20,}$/);
    expect(auth.access_token).not.toBe(auth.refresh_token);
    expect(auth.expires_in).toBe('3600');
    expect(Number(auth.expires)).toBeGreaterThanOrEqual(before + 3600);
    expect(auth.client_endpoint).toBe(`${s.url}/rest/`);
    expect(auth.server_endpoint).toBe(`${s.url}/rest/`);
    expect(auth.domain).toBe(new URL(s.url).host);
    expect(auth.member_id).toBe(s.server.platform.memberId);
    expect(auth.application_token).toMatch(/^[0-9a-f]{32}$/);
    expect(auth.user_id).toBe('1');
    expect(auth.status).toBe('L');
    expect(auth.scope.split(',')).toEqual(expect.arrayContaining(['imbot', 'im']));

    // What the server returns is what it posted.
    expect((outcome.payload.auth as any).access_token).toBe(auth.access_token);
  });

  it('the posted access token works against client_endpoint (profile, app.info)', async () => {
    const profile = await restCall(auth.client_endpoint, 'profile', auth.access_token);
    expect(profile.status).toBe(200);
    expect(profile.body.result).toMatchObject({ ID: '1', ADMIN: true });
    expect(profile.body.time).toBeTruthy();

    const info = await restCall(auth.client_endpoint, 'app.info', auth.access_token);
    expect(info.status).toBe(200);
    expect(info.body.result).toMatchObject({ CODE: clientId, STATUS: 'L', INSTALLED: true, PAYMENT_EXPIRED: 'N' });

    // The token also works in the query string, the form the docs show.
    const q = await getJson(`${auth.client_endpoint}profile?auth=${auth.access_token}`);
    expect(q.status).toBe(200);
    expect(q.body.result.ID).toBe('1');
  });

  it('a handler that is down gives a failed delivery, and the app is still installed', async () => {
    const p = s.server.platform;
    const port = await closedPort();
    const down = await createApp(p.store, p, { name: 'Down', handlerUrl: `http://127.0.0.1:${port}/h`, scopes: ['imbot'] });
    const outcome = await installApp(p, down.app.client_id);
    expect(outcome.delivery).toBeDefined();
    expect(outcome.delivery!.ok).toBe(false);
    expect(outcome.delivery!.status).toBe(0);
    expect(outcome.delivery!.error).toBeTruthy();
    // The tokens issued at installation are valid regardless of the failed delivery.
    const a = outcome.payload.auth as Record<string, string>;
    const r = await restCall(a.client_endpoint, 'app.info', a.access_token);
    expect(r.status).toBe(200);
    expect(r.body.result.CODE).toBe(down.app.client_id);
    // And the server is still serving.
    expect((await s.call('server.time')).status).toBe(200);
  });
});

describe('/oauth/authorize/', () => {
  it('redirects (302) to the handler URL with code, state, domain, member_id, scope, server_domain', async () => {
    const res = await fetch(`${s.url}/oauth/authorize/?client_id=${encodeURIComponent(clientId)}&state=JJHgsdgfkdaslg7lbadsfg`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(receiver.url);
    const q = loc.searchParams;
    expect(q.get('code')).toMatch(/^[a-z0-9]{20,}$/);
    expect(q.get('state')).toBe('JJHgsdgfkdaslg7lbadsfg');
    expect(q.get('domain')).toBe(new URL(s.url).host);
    expect(q.get('member_id')).toBe(s.server.platform.memberId);
    expect(q.get('scope')!.split(',')).toEqual(expect.arrayContaining(['imbot', 'im']));
    // "The value arrives URL-encoded, with the comma passed as %2C"
    expect(res.headers.get('location')).toContain('%2C');
    expect(q.get('server_domain')).toBe(new URL(s.url).host);
  });

  it('answers 401 invalid_client for an unknown client_id', async () => {
    const r = await getJson(`${s.url}/oauth/authorize/?client_id=local.nope.1&state=S`, { redirect: 'manual' });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body.error).toBe('invalid_client');
    expect(r.body.error_description).toBeTypeOf('string');
  });
});

describe('/oauth/token/ grant_type=authorization_code', () => {
  it('exchanges a code via GET with a query string (the documented form)', async () => {
    const code = await authorize();
    const r = await tokenGet(s, { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expectTokenSet(s, r.body);
    const profile = await restCall(r.body.client_endpoint, 'profile', r.body.access_token);
    expect(profile.status).toBe(200);
    expect(profile.body.result.ID).toBe('1');
  });

  it('exchanges a code via POST with a form body', async () => {
    const code = await authorize();
    const r = await tokenPost(s, { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code });
    expect(r.status).toBe(200);
    expectTokenSet(s, r.body);
    const info = await restCall(r.body.client_endpoint, 'app.info', r.body.access_token);
    expect(info.status).toBe(200);
    expect(info.body.result.CODE).toBe(clientId);
  });

  it('a code is single-use: the second exchange is 400 invalid_grant', async () => {
    const code = await authorize();
    const params = { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code };
    expect((await tokenGet(s, params)).status).toBe(200);
    const again = await tokenGet(s, params);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect(again.body.error_description).toBeTypeOf('string');
    expect(again.body).not.toHaveProperty('access_token');
  });

  it('a made-up code is 400 invalid_grant, a missing code 400 invalid_request', async () => {
    const bogus = await tokenGet(s, { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code: 'x'.repeat(32) });
    expect(bogus.status).toBe(400);
    expect(bogus.body.error).toBe('invalid_grant');
    const missing = await tokenGet(s, { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });
});

describe('/oauth/token/ grant_type=refresh_token', () => {
  async function freshPair() {
    const r = await tokenGet(s, { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code: await authorize() });
    expect(r.status).toBe(200);
    return r.body as { access_token: string; refresh_token: string };
  }

  for (const [label, send] of [
    ['GET with a query string (PHP SDK)', tokenGet],
    ['POST with a form body (JS SDK)', tokenPost],
  ] as const) {
    it(`renews the pair via ${label}; the old refresh token is then rejected`, async () => {
      const old = await freshPair();
      const r = await send(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: old.refresh_token });
      expect(r.status).toBe(200);
      expectTokenSet(s, r.body);
      expect(r.body.access_token).not.toBe(old.access_token);
      expect(r.body.refresh_token).not.toBe(old.refresh_token);

      const call = await restCall(r.body.client_endpoint, 'profile', r.body.access_token);
      expect(call.status).toBe(200);
      expect(call.body.result.ID).toBe('1');

      const reuse = await send(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: old.refresh_token });
      expect(reuse.status).toBe(400);
      expect(reuse.body.error).toBe('invalid_grant');
      expect(reuse.body).not.toHaveProperty('access_token');

      // The new refresh token renews again.
      const next = await send(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: r.body.refresh_token });
      expect(next.status).toBe(200);
      expect(next.body.refresh_token).not.toBe(r.body.refresh_token);
    });
  }

  it('the refresh token is not an access token and vice versa', async () => {
    const pair = await freshPair();
    const asAccess = await restCall(`${s.url}/rest/`, 'profile', pair.refresh_token);
    expect(asAccess.status).toBe(401);
    const asRefresh = await tokenGet(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: pair.access_token });
    expect(asRefresh.status).toBe(400);
    expect(asRefresh.body.error).toBe('invalid_grant');
  });
});

describe('/oauth/token/ errors (settings/oauth/error-codes.md)', () => {
  let refresh: string;
  beforeAll(async () => {
    const r = await tokenGet(s, { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code: await authorize() });
    refresh = r.body.refresh_token;
  });

  const expectError = (r: { status: number; body: any; headers: Headers }, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body.error).toBe(code);
    expect(r.body.error_description).toBeTypeOf('string');
    expect(r.body).not.toHaveProperty('access_token');
  };

  it('missing grant_type → 400 invalid_request', async () => {
    expectError(await tokenGet(s, { client_id: clientId, client_secret: clientSecret, refresh_token: refresh }), 400, 'invalid_request');
    expectError(await tokenPost(s, { client_id: clientId, client_secret: clientSecret, refresh_token: refresh }), 400, 'invalid_request');
    expectError(await getJson(`${s.url}/oauth/token/`), 400, 'invalid_request');
  });

  it('missing client_id → 400 invalid_request', async () => {
    expectError(await tokenGet(s, { grant_type: 'refresh_token', client_secret: clientSecret, refresh_token: refresh }), 400, 'invalid_request');
  });

  it('wrong or missing client_secret, unknown client_id → 401 invalid_client', async () => {
    expectError(
      await tokenGet(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: `${clientSecret}x`, refresh_token: refresh }),
      401,
      'invalid_client',
    );
    expectError(await tokenPost(s, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refresh }), 401, 'invalid_client');
    expectError(
      await tokenGet(s, { grant_type: 'refresh_token', client_id: 'local.0000.1', client_secret: clientSecret, refresh_token: refresh }),
      401,
      'invalid_client',
    );
    // Another application's secret does not open this one.
    const p = s.server.platform;
    const other = await createApp(p.store, p, { name: 'Other', scopes: ['imbot'] });
    await installApp(p, other.app.client_id);
    expectError(
      await tokenGet(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: other.clientSecret, refresh_token: refresh }),
      401,
      'invalid_client',
    );
    // …and another application cannot redeem this one's refresh token.
    expectError(
      await tokenGet(s, { grant_type: 'refresh_token', client_id: other.app.client_id, client_secret: other.clientSecret, refresh_token: refresh }),
      400,
      'invalid_grant',
    );
  });

  it('an application that is not installed → 401 invalid_client', async () => {
    const p = s.server.platform;
    const fresh = await createApp(p.store, p, { name: 'Not installed', scopes: ['imbot'] });
    expectError(
      await tokenGet(s, { grant_type: 'refresh_token', client_id: fresh.app.client_id, client_secret: fresh.clientSecret, refresh_token: refresh }),
      401,
      'invalid_client',
    );
  });

  it('bogus or missing refresh token → 400 invalid_grant / invalid_request', async () => {
    expectError(
      await tokenGet(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: 'nope1234567890' }),
      400,
      'invalid_grant',
    );
    expectError(await tokenGet(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret }), 400, 'invalid_request');
  });

  it('unknown grant type → 400', async () => {
    for (const grant_type of ['password', 'client_credentials', 'REFRESH_TOKEN']) {
      const r = await tokenGet(s, { grant_type, client_id: clientId, client_secret: clientSecret, refresh_token: refresh });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('unsupported_grant_type');
      expect(r.body).not.toHaveProperty('access_token');
    }
    // None of the failures above consumed the refresh token.
    const ok = await tokenGet(s, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refresh });
    expect(ok.status).toBe(200);
  });
});

describe('access token expiry (accessTokenTtl 1)', () => {
  let short: TestServer;
  beforeAll(async () => {
    short = await testServer({ accessTokenTtl: 1 });
  });
  afterAll(() => short?.close());

  it('an expired token gives 401 expired_token; renewing fixes it', async () => {
    const p = short.server.platform;
    const app = await createApp(p.store, p, { name: 'Short', scopes: ['imbot'] });
    await nextSecond();
    const auth = (await installApp(p, app.app.client_id)).payload.auth as Record<string, any>;
    expect(auth.expires_in).toBe(1);

    const fresh = await restCall(auth.client_endpoint, 'profile', auth.access_token);
    expect(fresh.status).toBe(200);

    await waitPast(auth.expires);
    const expired = await restCall(auth.client_endpoint, 'profile', auth.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: 'expired_token', error_description: 'The access token provided has expired' });
    // Same answer with the token in the query string.
    const q = await getJson(`${auth.client_endpoint}server.time?auth=${auth.access_token}`);
    expect(q.status).toBe(401);
    expect(q.body.error).toBe('expired_token');

    await nextSecond();
    const renewed = await tokenPost(short, {
      grant_type: 'refresh_token',
      client_id: app.app.client_id,
      client_secret: app.clientSecret,
      refresh_token: auth.refresh_token,
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body.expires_in).toBe(1);
    expect(renewed.body.expires).toBeGreaterThan(Math.floor(Date.now() / 1000) - 1);
    expect(renewed.body.access_token).not.toBe(auth.access_token);
    const ok = await restCall(renewed.body.client_endpoint, 'profile', renewed.body.access_token);
    expect(ok.status).toBe(200);
    expect(ok.body.result.ID).toBe('1');
  });
});

describe('secrets at rest', () => {
  it('no stored column holds a raw access token, refresh token, authorization code, client secret or webhook secret', async () => {
    const p = s.server.platform;
    const app = await createApp(p.store, p, { name: 'At rest', scopes: ['imbot'] });
    const installed = (await installApp(p, app.app.client_id)).payload.auth as Record<string, string>;
    const renewed = await tokenGet(s, {
      grant_type: 'refresh_token',
      client_id: app.app.client_id,
      client_secret: app.clientSecret,
      refresh_token: installed.refresh_token,
    });
    expect(renewed.status).toBe(200);
    const hook = await createWebhook(p.store, p.box, { userId: 1, scopes: ['im'] });
    // An authorization code that has not been redeemed yet sits in the database.
    const pendingCode = await authorize();

    const secrets: Record<string, string> = {
      'install access token': installed.access_token,
      'install refresh token': installed.refresh_token,
      'renewed access token': renewed.body.access_token,
      'renewed refresh token': renewed.body.refresh_token,
      'application token': installed.application_token,
      'client secret': app.clientSecret,
      'first client secret': clientSecret,
      'webhook secret': hook.secret,
      'admin webhook secret': s.server.adminWebhook.secret,
      'authorization code': pendingCode,
    };

    const db = p.store.db;
    const tables = await db.introspection.getTables();
    const names = tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['apps', 'oauth_tokens', 'oauth_codes', 'webhooks']));
    let rows = 0;
    for (const table of names) {
      const all = (await db.selectFrom(table as any).selectAll().execute()) as Record<string, unknown>[];
      rows += all.length;
      for (const row of all) {
        for (const [col, value] of Object.entries(row)) {
          const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : String(value);
          for (const [what, secret] of Object.entries(secrets)) {
            expect(text.includes(secret), `${table}.${col} contains the ${what}`).toBe(false);
          }
        }
      }
    }
    expect(rows).toBeGreaterThan(5);
    // The rows are there, only hashed: the tokens still work.
    expect((await restCall(`${s.url}/rest/`, 'profile', renewed.body.access_token)).status).toBe(200);
    expect((await s.call('profile', {}, 'json', `${s.url}/rest/1/${hook.secret}/`)).status).toBe(200);
  });
});
