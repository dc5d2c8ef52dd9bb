import http from 'node:http';
import https from 'node:https';
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
 * added to the request (the optional X-Imbot-Signature pair of delivery options).
 */
export function postBody(url: string, body: string, timeoutMs: number, headers?: Record<string, string>): Promise<DeliveryResult> {
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
