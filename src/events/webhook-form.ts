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
const HAS_SUB_DELIMS = /[!'()*]/;
/** Nothing to encode: most keys and many values (ids, codes, dates without spaces). */
const UNRESERVED = /^[A-Za-z0-9_.~-]*$/;
const percent = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
function encode(s: string): string {
  if (UNRESERVED.test(s)) return s;
  const e = encodeURIComponent(s);
  return HAS_SUB_DELIMS.test(e) ? e.replace(SUB_DELIMS, percent) : e;
}

/**
 * One field of {@link webhookBody}: phpScalars and qs's `indices` encoding in a single pass. `key` is
 * already encoded (`data%5Bmessage%5D`): a nested key is encoded once, not again for every leaf under it.
 */
function appendField(out: string[], key: string, value: unknown): void {
  if (value === true) out.push(`${key}=1`);
  else if (value === false) out.push(`${key}=0`);
  else if (value === null || value === undefined) out.push(`${key}=`);
  else if (typeof value === 'string') out.push(`${key}=${encode(value)}`);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(`${key}=${encode(String(value))}`);
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) appendField(out, `${key}%5B${i}%5D`, value[i]);
  else if (typeof value === 'object') for (const k of Object.keys(value)) appendField(out, `${key}%5B${encode(k)}%5D`, (value as Record<string, unknown>)[k]);
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
    for (const k of Object.keys(payload)) appendField(out, encode(k), payload[k]);
    return out.join('&');
  } catch {
    return buildPhpQuery(phpScalars(payload) as Record<string, unknown>);
  }
}
