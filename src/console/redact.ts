/**
 * Keys whose values are credentials: bot tokens, v1 CLIENT_ID owner keys, OAuth tokens, application
 * tokens, passwords. The console shows that a value was sent, never the value.
 */
const SECRET_KEY = /(token|secret|password|^auth$|^client_id$|^clientid$|^access_token$|^refresh_token$)/i;
export const REDACTED = '***';

/** A deep copy of `value` with credential-named keys replaced by `***`; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return '…';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') && v !== '' ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
