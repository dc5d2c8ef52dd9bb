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

/** POSTs an already encoded form body; never throws (a failure is a result to record). */
export async function postBody(url: string, body: string, timeoutMs: number): Promise<DeliveryResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Bitrix24 Webhook Engine' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return {
      ok: res.status >= 200 && res.status < 300,
      status: res.status,
      responseExcerpt: text.slice(0, 2048),
      latencyMs: performance.now() - started,
    };
  } catch (e) {
    const err = e as Error;
    return {
      ok: false,
      status: 0,
      responseExcerpt: '',
      latencyMs: performance.now() - started,
      error: err.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (err.cause as Error)?.message ?? err.message,
    };
  }
}
