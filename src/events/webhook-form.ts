import { buildPhpQuery } from '../util/php-params.js';

/**
 * Scalars as PHP's http_build_query writes them: true → "1", false → "0", null → "" (entities.md,
 * "Data Types in Webhook Mode"). Empty arrays disappear, as in PHP.
 */
export function phpScalars(value: unknown): unknown {
  if (value === true) return '1';
  if (value === false) return '0';
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(phpScalars);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, phpScalars(v)]));
  }
  return value;
}

/** qs encodes these too (RFC 3986 unreserved characters only); encodeURIComponent leaves them. */
const SUB_DELIMS = /[!'()*]/g;
const percent = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
const encode = (s: string) => encodeURIComponent(s).replace(SUB_DELIMS, percent);

/** One field of {@link webhookBody}: phpScalars and qs's `indices` encoding in a single pass. */
function appendField(out: string[], key: string, value: unknown): void {
  if (value === true) out.push(`${encode(key)}=1`);
  else if (value === false) out.push(`${encode(key)}=0`);
  else if (value === null || value === undefined) out.push(`${encode(key)}=`);
  else if (typeof value === 'string') out.push(`${encode(key)}=${encode(value)}`);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(`${encode(key)}=${encode(String(value))}`);
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) appendField(out, `${key}[${i}]`, value[i]);
  else if (typeof value === 'object') for (const k of Object.keys(value)) appendField(out, `${key}[${k}]`, (value as Record<string, unknown>)[k]);
  else throw new TypeError(`cannot encode a ${typeof value}`);
}

/**
 * The form body of a webhook POST: `buildPhpQuery(phpScalars(payload))`, written in one pass (events
 * are encoded on the request path, and the two-step form was a third of a webhook event's cost).
 * Anything the fast path does not handle (a lone surrogate, a function) goes the two-step way.
 */
export function webhookBody(payload: Record<string, unknown>): string {
  try {
    const out: string[] = [];
    for (const k of Object.keys(payload)) appendField(out, k, payload[k]);
    return out.join('&');
  } catch {
    return buildPhpQuery(phpScalars(payload) as Record<string, unknown>);
  }
}
