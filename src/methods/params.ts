import { z } from 'zod';

/**
 * Schema helpers that read parameters the way Bitrix does: form bodies carry every scalar as a string,
 * JSON bodies carry real types, and both must mean the same thing.
 */

/** Marks a schema failure with a Bitrix error code: `z.string({ error: fail('BOT_CODE_REQUIRED', '…') })`. */
export const fail = (code: string, description: string) => `${code}\u0000${description}`;

export function decodeFailure(message: string): { code: string; description: string } | undefined {
  const i = message.indexOf('\u0000');
  return i > 0 ? { code: message.slice(0, i), description: message.slice(i + 1) } : undefined;
}

const TRUE = new Set(['true', 'y', '1', 'yes', 'on']);
const FALSE = new Set(['false', 'n', '0', 'no', 'off', '']);

/** true/false, Y/N, 1/0 (any case), as JSON or as strings. */
export const flag = (error?: string) =>
  z.preprocess((v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
    }
    return v;
  }, z.boolean(error ? { error } : undefined));

/** Integers from JSON numbers or numeric strings. */
export const int = (error?: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z.number(error ? { error } : undefined).int(error ? { error } : undefined),
  );

/** A string; numbers are accepted and turned into their text, as PHP does. */
export const text = (error?: string) =>
  z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string(error ? { error } : undefined));

/** An object; `[]` (what PHP encodes for an empty map) counts as `{}`. */
export const record = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? {} : v), z.object(shape));

/** A list; form bodies may send `a[0]=…&a[1]=…` (an array) or a PHP map with numeric keys (an object). */
export const list = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.values(v) : v), z.array(item));

export const noParams = z.object({}).passthrough();

/** Any object of fields (`[]` counts as empty), for parameters read key by key. */
export const fieldsObject = () =>
  z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? {} : v), z.record(z.string(), z.unknown()));
