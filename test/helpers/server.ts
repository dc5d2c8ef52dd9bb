import { afterAll, beforeAll } from 'vitest';
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

/** One test server for the whole file: started before its tests, closed after them; the getter gives it. */
export function useTestServer(opts: Partial<ServerOptions> = {}): () => TestServer {
  let s: TestServer | undefined;
  beforeAll(async () => {
    s = await testServer(opts);
  });
  afterAll(async () => {
    await s?.close();
  });
  return () => {
    if (!s) throw new Error('the test server is not started yet');
    return s;
  };
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

/** One form-encoded POST a {@link FormReceiver} got: the path, its query, and the body parsed as PHP does. */
export interface ReceivedPost {
  path: string;
  query: URLSearchParams;
  contentType: string;
  /** Request headers, lower-cased (the optional X-Imbot-Signature pair of delivery options). */
  headers: import('node:http').IncomingHttpHeaders;
  raw: string;
  body: any;
}

/**
 * A real event handler on loopback (node:http, ephemeral port) that records every POST, parsing the
 * PHP-style form body with `qs` as $_POST would (numeric keys stay map keys). `onPost` may act on
 * each one after the 200 answer is sent.
 */
export class FormReceiver {
  readonly posts: ReceivedPost[] = [];
  onPost?: (post: ReceivedPost) => unknown;
  /** How to answer a POST (recorded first): an HTTP status, or 'close' to drop the connection unanswered. Default 200. */
  answer?: (post: ReceivedPost) => number | 'close';
  private server?: import('node:http').Server;
  private base = '';

  async start(): Promise<this> {
    const http = await import('node:http');
    const qs = (await import('qs')).default;
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const post: ReceivedPost = {
          path: u.pathname,
          query: u.searchParams,
          contentType: String(req.headers['content-type'] ?? ''),
          headers: req.headers,
          raw,
          body: qs.parse(raw, { depth: 20, parseArrays: false, parameterLimit: 100_000 }),
        };
        this.posts.push(post);
        const answer = this.answer?.(post) ?? 200;
        if (answer === 'close') {
          req.socket.destroy();
          return;
        }
        res.statusCode = answer;
        res.end(answer < 300 ? 'ok' : 'failed');
        if (this.onPost) void Promise.resolve().then(() => this.onPost!(post));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  url(path: string): string {
    return this.base + path;
  }

  /** Waits for a POST matching `pred` (checked against every POST so far). */
  async waitFor(pred: (p: ReceivedPost) => boolean, timeoutMs = 5000): Promise<ReceivedPost> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.posts.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching POST; got ${this.posts.map((p) => `${p.path}:${p.body?.event}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Waits until the server has posted every recorded webhook delivery (none left pending). */
export async function deliveriesSettled(s: TestServer, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await s.server.platform.store.events.pendingDeliveries(1)).length) {
    if (Date.now() > deadline) throw new Error('webhook deliveries still pending');
    await new Promise((r) => setTimeout(r, 10));
  }
}
