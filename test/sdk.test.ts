import fs from 'node:fs';
import https from 'node:https';
import { AjaxError, ApiVersion, B24Hook, B24OAuth, EnumAppStatus, Logger } from '@bitrix24/b24jssdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/domain/apps.js';
import { installApp } from '../src/events/app-install.js';
import { NO_THROTTLE } from './helpers/sdk.js';
import { isTimeObject, testServer, type TestServer } from './helpers/server.js';

// The official JS SDK (@bitrix24/b24jssdk 2.2.0) against the server, unchanged: notes/clients.md §1.


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until just after the next whole second, so a token issued now with a 1 s lifetime is usable for ~1 s. */
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 20);

/** Records the URL of every request the SDK's REST client sends. */
function recordUrls(b24: { getHttpClient(v: ApiVersion): { ajaxClient: any } }): string[] {
  const urls: string[] = [];
  b24.getHttpClient(ApiVersion.v2).ajaxClient.interceptors.request.use((c: any) => {
    urls.push(new URL(c.url, c.baseURL).toString());
    return c;
  });
  return urls;
}

async function expectAjaxError(p: Promise<unknown>, code: string, status: number) {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected AjaxError ${code}`).toBeInstanceOf(AjaxError);
  const e = caught as AjaxError;
  expect(e.code).toBe(code);
  expect(e.status).toBe(status);
  return e;
}

describe('webhook mode over HTTPS (B24Hook.fromWebhookUrl)', () => {
  let s: TestServer;
  let b24: B24Hook;
  let urls: string[];

  beforeAll(async () => {
    s = await testServer({ httpsPort: -1 });
    expect(s.server.certPath).toBeTruthy();
    expect(s.server.adminWebhook.https).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/rest\/1\/[^/]+\/$/);
    const agent = new https.Agent({ ca: fs.readFileSync(s.server.certPath!, 'utf8') });
    b24 = B24Hook.fromWebhookUrl(s.server.adminWebhook.https!, { restrictionParams: NO_THROTTLE });
    for (const v of [ApiVersion.v2, ApiVersion.v3]) b24.getHttpClient(v).ajaxClient.defaults.httpsAgent = agent;
    b24.offClientSideWarning();
    b24.setLogger(Logger.create('test'));
    urls = recordUrls(b24);
  });
  afterAll(() => s?.close());

  it('calls profile, user.current, server.time and methods', async () => {
    const profile = await b24.actions.v2.call.make({ method: 'profile', params: {} });
    expect(profile.isSuccess).toBe(true);
    expect(profile.getData()!.result).toMatchObject({ ID: '1', ADMIN: true });
    expect(isTimeObject(profile.getData()!.time)).toBe(true);

    const me = await b24.actions.v2.call.make<any>({ method: 'user.current', params: {} });
    expect(me.isSuccess).toBe(true);
    expect(me.getData()!.result).toMatchObject({ ID: '1', ACTIVE: true });

    const time = await b24.actions.v2.call.make<string>({ method: 'server.time', params: {} });
    expect(time.isSuccess).toBe(true);
    expect(time.getData()!.result).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);

    const methods = await b24.actions.v2.call.make<string[]>({ method: 'methods', params: {} });
    expect(methods.isSuccess).toBe(true);
    expect(methods.getData()!.result).toEqual(expect.arrayContaining(['profile', 'server.time', 'user.current', 'batch']));

    // The requests really went over https to the webhook path, with the SDK's telemetry query string.
    expect(urls.length).toBeGreaterThanOrEqual(4);
    const first = new URL(urls[0]);
    expect(first.protocol).toBe('https:');
    expect(first.pathname).toBe(`/rest/1/${s.server.adminWebhook.secret}/profile`);
    expect(first.searchParams.get('bx24_sdk_type')).toBe('b24-js-sdk');
  });

  it('an unknown method throws AjaxError ERROR_METHOD_NOT_FOUND with status 404', async () => {
    const e = await expectAjaxError(b24.actions.v2.call.make({ method: 'no.such.method', params: {} }), 'ERROR_METHOD_NOT_FOUND', 404);
    expect(e.message).toContain('Method not found');
  });

  it('event.get through a webhook throws AjaxError WRONG_AUTH_TYPE with status 403', async () => {
    await expectAjaxError(b24.actions.v2.call.make({ method: 'event.get', params: {} }), 'WRONG_AUTH_TYPE', 403);
  });

  it('batch with named calls (object and array forms)', async () => {
    const res = await b24.actions.v2.batch.make<any>({
      calls: { a: { method: 'server.time' }, b: ['user.current', {}], c: { method: 'profile', params: {} } },
      options: { isHaltOnError: true },
    });
    expect(res.isSuccess).toBe(true);
    const data = res.getData() as any;
    expect(Object.keys(data).sort()).toEqual(['a', 'b', 'c']);
    expect(data.a).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(data.b).toMatchObject({ ID: '1', ACTIVE: true, UF_DEPARTMENT: [1] });
    expect(data.c).toMatchObject({ ID: '1', ADMIN: true });
  });

  it('batch with array calls keeps the order', async () => {
    const res = await b24.actions.v2.batch.make<any>({
      calls: [
        ['server.time', {}],
        ['profile', {}],
        ['method.get', { name: 'user.current' }],
      ],
      options: { isHaltOnError: true },
    });
    expect(res.isSuccess).toBe(true);
    const data = res.getData() as any[];
    expect(data).toHaveLength(3);
    expect(data[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(data[1]).toMatchObject({ ID: '1', ADMIN: true });
    expect(data[2]).toEqual({ isExisting: true, isAvailable: true });
  });

  it('batch with isHaltOnError false reports the one failing call and keeps the others', async () => {
    const res = await b24.actions.v2.batch.make<any>({
      calls: { ok: { method: 'server.time' }, bad: ['no.such.method', {}], me: ['user.current', {}] },
      options: { isHaltOnError: false },
    });
    expect(res.isSuccess).toBe(false);
    const errors = res.getErrorsByKey();
    expect(Object.keys(errors)).toEqual(['bad']);
    expect(errors.bad).toBeInstanceOf(AjaxError);
    expect((errors.bad as AjaxError).code).toBe('ERROR_METHOD_NOT_FOUND');
    expect(errors.bad.message).toBe('Method not found!');
    expect(res.getErrorMessages()).toEqual(['Method not found!']);
    const data = res.getData() as any;
    expect(Object.keys(data).sort()).toEqual(['me', 'ok']);
    expect(data.ok).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(data.me.ID).toBe('1');
  });
});

/** Installs an app the way the callback does and returns what the SDK needs from `auth[…]`. */
async function installForSdk(s: TestServer) {
  const p = s.server.platform;
  const { app, clientSecret } = await createApp(p.store, p, { name: 'SDK app', scopes: ['imbot', 'im'] });
  const outcome = await installApp(p, app.client_id);
  expect(outcome.delivery).toBeUndefined();
  const a = outcome.payload.auth as Record<string, any>;
  return { clientId: app.client_id, clientSecret, auth: a };
}

function oauthClient(
  auth: Record<string, any>,
  secret: { clientId: string; clientSecret: string },
  overrides: { expires?: number } = {},
) {
  const o = new B24OAuth(
    {
      applicationToken: auth.application_token,
      userId: Number(auth.user_id),
      memberId: auth.member_id,
      accessToken: auth.access_token,
      refreshToken: auth.refresh_token,
      expires: overrides.expires ?? Number(auth.expires),
      expiresIn: Number(auth.expires_in),
      scope: auth.scope,
      domain: auth.domain,
      clientEndpoint: auth.client_endpoint,
      serverEndpoint: auth.server_endpoint,
      status: EnumAppStatus.Local,
    },
    secret,
    { restrictionParams: NO_THROTTLE },
  );
  o.offClientSideWarning();
  o.setLogger(Logger.create('test'));
  return o;
}

describe('OAuth mode (B24OAuth) over plain http', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(() => s?.close());

  it('calls profile and app.info with the install tokens, through /rest//method', async () => {
    const { clientId, clientSecret, auth } = await installForSdk(s);
    expect(auth.client_endpoint).toBe(`${s.url}/rest/`);
    const o = oauthClient(auth, { clientId, clientSecret });
    const urls = recordUrls(o);

    const profile = await o.actions.v2.call.make<any>({ method: 'profile', params: {} });
    expect(profile.isSuccess).toBe(true);
    expect(profile.getData()!.result).toMatchObject({ ID: '1', ADMIN: true });

    const info = await o.actions.v2.call.make<any>({ method: 'app.info', params: {} });
    expect(info.isSuccess).toBe(true);
    expect(info.getData()!.result).toMatchObject({ CODE: clientId, STATUS: 'L', INSTALLED: true });

    // With the trailing-slash clientEndpoint the SDK asks for /rest//profile, and the server answers it.
    expect(new URL(urls[0]).pathname).toBe('/rest//profile');

    await o.initIsAdmin();
    expect(o.auth.isAdmin).toBe(true);
  });

  it('a bad access token is reported, not silently accepted', async () => {
    const { clientId, clientSecret, auth } = await installForSdk(s);
    const o = oauthClient({ ...auth, access_token: 'x'.repeat(32) }, { clientId, clientSecret });
    let caught: unknown;
    try {
      await o.actions.v2.call.make({ method: 'profile', params: {} });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AjaxError);
    expect((caught as AjaxError).status).toBe(401);
  });
});

describe('OAuth mode: the SDK renews expired tokens through /oauth/token/ (accessTokenTtl 1)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ accessTokenTtl: 1 });
  });
  afterAll(() => s?.close());

  it('renews before the call when it knows the token has expired', async () => {
    const { clientId, clientSecret, auth } = await installForSdk(s);
    expect(auth.expires_in).toBe(1);
    const o = oauthClient(auth, { clientId, clientSecret });
    const refreshed: any[] = [];
    o.setCallbackRefreshAuth(async ({ authData, b24OAuthParams }) => {
      refreshed.push({ authData, params: { ...b24OAuthParams } });
    });

    await sleep(Math.max(0, auth.expires * 1000 - Date.now()) + 50);
    // The old token is really expired on the server.
    const direct = await fetch(`${auth.client_endpoint}profile?auth=${auth.access_token}`);
    expect(direct.status).toBe(401);
    expect(((await direct.json()) as { error: string }).error).toBe('expired_token');

    await nextSecond();
    const r = await o.actions.v2.call.make<any>({ method: 'profile', params: {} });
    expect(r.isSuccess).toBe(true);
    expect(r.getData()!.result.ID).toBe('1');

    expect(refreshed).toHaveLength(1);
    const { authData, params } = refreshed[0];
    expect(authData).not.toBe(false);
    expect(authData.access_token).toMatch(/^[a-z0-9]{20,}$/);
    expect(authData.access_token).not.toBe(auth.access_token);
    expect(authData.refresh_token).not.toBe(auth.refresh_token);
    expect(authData.member_id).toBe(auth.member_id);
    expect(params.clientEndpoint).toBe(`${s.url}/rest/`);
    expect(params.serverEndpoint).toBe(`${s.url}/rest/`);
    expect(params.status).toBe('L');

    // The old refresh token was used up by the SDK's renewal.
    const reuse = await fetch(`${s.url}/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: auth.refresh_token }),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('renews after a 401 expired_token when it believes the token is still valid, and retries once', async () => {
    const { clientId, clientSecret, auth } = await installForSdk(s);
    // The SDK is told the token lives for an hour: only the server's 401 can make it renew.
    const o = oauthClient(auth, { clientId, clientSecret }, { expires: Math.floor(Date.now() / 1000) + 3600 });
    const refreshed: string[] = [];
    o.setCallbackRefreshAuth(async ({ authData }) => {
      refreshed.push(authData ? authData.access_token : 'false');
    });
    const urls = recordUrls(o);

    await sleep(Math.max(0, auth.expires * 1000 - Date.now()) + 50);
    await nextSecond();
    const r = await o.actions.v2.call.make<any>({ method: 'app.info', params: {} });
    expect(r.isSuccess).toBe(true);
    expect(r.getData()!.result.CODE).toBe(clientId);

    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toMatch(/^[a-z0-9]{20,}$/);
    expect(refreshed[0]).not.toBe(auth.access_token);
    // First attempt (401) and the retry, both on /rest//app.info.
    expect(urls.map((u) => new URL(u).pathname)).toEqual(['/rest//app.info', '/rest//app.info']);
  });
});
