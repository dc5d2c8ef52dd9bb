/** PHP's scalar conversions, for parameters read the way the platform's PHP reads them. */

/** intval(): leading digits of a string, truncated numbers, true → 1, anything else 0. */
export function intval(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const m = v.trim().match(/^[+-]?\d+/);
    return m ? Number(m[0]) : 0;
  }
  return 0;
}

/** isset(): present and not null. */
export const isset = (v: unknown) => v !== undefined && v !== null;

/** empty(): null, '', '0', 0, false and empty arrays (an empty decoded map counts too). */
export const phpEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === '0' ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
