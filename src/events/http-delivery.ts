import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import qs from 'qs';

export interface DeliveryResult {
  ok: boolean;
  status: number;
  /** First 2 KB of the handler's answer, for the delivery log. */
  responseExcerpt: string;
  latencyMs: number;
  error?: string;
}

/** Bitrix posts events as PHP-style nested form fields (`auth[access_token]=…`), brackets percent-encoded. */
export function encodeForm(payload: Record<string, unknown>): string {
  return qs.stringify(payload, { arrayFormat: 'indices', encodeValuesOnly: false });
}

export function postForm(url: string, payload: Record<string, unknown>, timeoutMs: number): Promise<DeliveryResult> {
  return postBody(url, encodeForm(payload), timeoutMs);
}

/**
 * Connections to handlers are kept open between events (as fetch does); node:http costs a fraction of
 * fetch's CPU per request, which matters at hundreds of events a second. Idle sockets are dropped after
 * 4 s, before the usual 5 s keep-alive of servers, so that a POST rarely meets a socket closing under it.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: 4000 }),
  'https:': new https.Agent({ keepAlive: true, timeout: 4000 }),
};

/**
 * POSTs an already encoded form body; never throws (a failure is a result to record). `headers` are
 * added to the request (the optional X-Imbot-Signature pair of delivery options). The POST runs on the
 * delivery thread when there is one (see {@link DeliveryThread}), else on this one.
 */
export function postBody(url: string, body: string, timeoutMs: number, headers?: Record<string, string>): Promise<DeliveryResult> {
  deliveryThread ??= DeliveryThread.start() ?? 'here';
  return deliveryThread === 'here' ? postBodyHere(url, body, timeoutMs, headers) : deliveryThread.post(url, body, timeoutMs, headers);
}

/** {@link postBody} on the calling thread (the delivery thread runs this). */
export function postBodyHere(url: string, body: string, timeoutMs: number, headers?: Record<string, string>): Promise<DeliveryResult> {
  const started = performance.now();
  const failed = (error: string): DeliveryResult => ({ ok: false, status: 0, responseExcerpt: '', latencyMs: performance.now() - started, error });
  let target: URL;
  try {
    target = new URL(url);
  } catch (e) {
    return Promise.resolve(failed((e as Error).message));
  }
  const agent = agents[target.protocol as keyof typeof agents];
  if (!agent) return Promise.resolve(failed(`unsupported protocol ${target.protocol}`));
  const payload = Buffer.from(body);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: DeliveryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const send = target.protocol === 'https:' ? https.request : http.request;
    const req = send(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': payload.length,
          'user-agent': 'Bitrix24 Webhook Engine',
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // Only the start is kept for the delivery log; the rest is read and dropped.
          if (size < 8192) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          finish({
            ok: status >= 200 && status < 300,
            status,
            responseExcerpt: Buffer.concat(chunks).toString('utf8').slice(0, 2048),
            latencyMs: performance.now() - started,
          });
        });
        res.on('error', (e) => finish(failed(e.message)));
      },
    );
    const timer = setTimeout(() => {
      finish(failed(`timeout after ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish(failed(e.message)));
    req.end(payload);
  });
}

export interface PostRequest {
  id: number;
  url: string;
  body: string;
  timeoutMs: number;
  headers?: Record<string, string>;
}

export interface PostAnswer {
  id: number;
  result: DeliveryResult;
}

/**
 * Webhook POSTs on a thread of their own. An HTTP client request costs the JS thread more than the
 * request that caused the event (sockets, parser, streams); at hundreds of events a second that was
 * the largest part of the server's CPU. Requests travel in batches, one message per event-loop turn.
 * Without the compiled worker file (sources run by a test runner with no build) POSTs stay on this
 * thread; if the thread dies, the posts it had fail (a retryable result) and later ones stay here.
 */
class DeliveryThread {
  private readonly pending = new Map<number, (r: DeliveryResult) => void>();
  private outbox: PostRequest[] = [];
  private nextId = 1;
  private dead = false;

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (answers: PostAnswer[]) => {
      for (const a of answers) {
        const resolve = this.pending.get(a.id);
        this.pending.delete(a.id);
        resolve?.(a.result);
      }
      if (this.pending.size === 0) worker.unref();
    });
    const fail = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      deliveryThread = 'here';
      for (const resolve of this.pending.values()) resolve({ ok: false, status: 0, responseExcerpt: '', latencyMs: 0, error: why });
      this.pending.clear();
    };
    worker.on('error', (e) => fail(`delivery thread failed: ${e.message}`));
    worker.on('exit', () => fail('delivery thread stopped'));
  }

  static start(): DeliveryThread | null {
    const file = WORKER_FILES.find((f) => fs.existsSync(f));
    if (!file) return null;
    try {
      return new DeliveryThread(new Worker(file));
    } catch {
      return null;
    }
  }

  post(url: string, body: string, timeoutMs: number, headers?: Record<string, string>): Promise<DeliveryResult> {
    if (this.dead) return postBodyHere(url, body, timeoutMs, headers);
    const id = this.nextId++;
    if (this.outbox.length === 0) setImmediate(() => this.flush());
    this.outbox.push({ id, url, body, timeoutMs, headers });
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve) => this.pending.set(id, resolve));
  }

  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length) this.worker.postMessage(batch);
  }
}

/** Not started yet (undefined), started, or 'here': POSTs stay on the calling thread. */
let deliveryThread: DeliveryThread | 'here' | undefined;

/** The compiled worker: beside this file (dist/events), next to the bundle (dist/bundle → dist/events), or built from these sources. */
const WORKER_FILES = ['./delivery-worker.js', '../events/delivery-worker.js', '../../dist/events/delivery-worker.js'].map((rel) =>
  fileURLToPath(new URL(rel, import.meta.url)),
);
