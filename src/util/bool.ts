/** normalizeBooleanVariable: a real boolean as is; otherwise true only for "Y", "1", "TRUE" (any case). */
export function normalizeBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  return typeof v === 'string' && ['Y', '1', 'TRUE'].includes(v.trim().toUpperCase());
}
