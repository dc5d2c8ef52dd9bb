import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';

export type Encoding = 'json' | 'form' | 'query';

/** An in-process server on ephemeral ports with an in-memory portal. */
export async function testServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const server = await startServer({
    port: 0,
    httpsPort: 0,
    data: ':memory:',
    logLevel: 'silent',
    rateLimit: false,
    ...opts,
  });
  return new TestServer(server);
}

/** PHP's http_build_query: brackets percent-encoded, spaces as '+', true/false as 1/0, nulls dropped. */
export function httpBuildQuery(value: unknown, prefix = ''): string {
  const parts: string[] = [];
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const walk = (v: unknown, key: string) => {
    if (v === null || v === undefined) return;
    if (typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, key ? `${key}[${k}]` : k);
      return;
    }
    const s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    parts.push(`${enc(key)}=${enc(s)}`);
  };
  walk(value, prefix);
  return parts.join('&');
}

export interface CallResult {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** fetch without following redirects (REST paths must never redirect); the body parsed when it is JSON. */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<CallResult> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body, text, headers: res.headers };
}

export class TestServer {
  constructor(readonly server: RunningServer) {}

  get url() {
    return this.server.httpUrl;
  }

  /** Base of the admin webhook, ending in '/'. */
  get hook() {
    return this.server.adminWebhook.http;
  }

  /** Calls `method` on `base` (default: the admin webhook) with params in the given encoding. */
  async call(method: string, params: Record<string, unknown> = {}, encoding: Encoding = 'json', base = this.hook): Promise<CallResult> {
    if (encoding === 'json') {
      return fetchJson(base + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    }
    if (encoding === 'form') {
      return fetchJson(base + method, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: httpBuildQuery(params),
      });
    }
    const qs = httpBuildQuery(params);
    return fetchJson(base + method + (qs ? `?${qs}` : ''));
  }

  close() {
    return this.server.close();
  }
}

/** Asserts the Bitrix `time` object: floats, ISO dates with a numeric offset, integer reset time. */
export function isTimeObject(t: any): boolean {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
  return (
    !!t &&
    typeof t.start === 'number' &&
    typeof t.finish === 'number' &&
    typeof t.duration === 'number' &&
    typeof t.processing === 'number' &&
    iso.test(t.date_start) &&
    iso.test(t.date_finish) &&
    typeof t.operating === 'number' &&
    Number.isInteger(t.operating_reset_at)
  );
}
