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

export const webhookBody = (payload: Record<string, unknown>) => buildPhpQuery(phpScalars(payload) as Record<string, unknown>);
