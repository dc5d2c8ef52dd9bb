import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { BASIC_SCOPE } from '../domain/scopes.js';
import { defineMethod, type SubCallResult } from '../methods/registry.js';
import { parsePhpQuery } from '../util/php-params.js';
import { errorBody, toApiError } from './error-status.js';
import { splitParams } from './request-params.js';
import { timeObject } from './time.js';

export const BATCH_MAX_LENGTH = 50;
const NOT_IN_BATCH = new Set(['batch', 'upload', 'download']);

/**
 * PHP truthiness: only false, 0, '0', '' and null turn `halt` off (so 'N' and 'false' halt, as on Bitrix24).
 * JSON `[]` and `{}` both decode to an empty PHP array, which is falsy.
 */
function phpTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || v === '0') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

interface Done {
  result: Record<string, unknown>;
  error: Record<string, unknown>;
  total: Record<string, unknown>;
  next: Record<string, unknown>;
  time: Record<string, unknown>;
}

const REF = /\$(result|next|total|time|error)((?:\[[^\]]*\])+)/g;

/** `$result[key][path]…`: a segment that does not exist stops the descent (CRestUtil batch references). */
function lookup(done: Done, kind: string, path: string): { found: boolean; value: unknown } {
  const segs = [...path.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]);
  const section = kind === 'result' ? done.result : kind === 'next' ? done.next : kind === 'total' ? done.total : kind === 'time' ? done.time : done.error;
  const key = segs.shift()!;
  if (!Object.prototype.hasOwnProperty.call(section, key)) return { found: false, value: undefined };
  let value: unknown = section[key];
  for (const seg of segs) {
    if (value && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, seg)) {
      value = (value as Record<string, unknown>)[seg];
    } else break;
  }
  return { found: true, value };
}

function substitute(value: unknown, done: Done): unknown {
  if (typeof value === 'string') {
    const whole = value.match(/^\$(result|next|total|time|error)((?:\[[^\]]*\])+)$/);
    if (whole) {
      const r = lookup(done, whole[1], whole[2]);
      return r.found ? r.value : value;
    }
    return value.replace(REF, (m, kind: string, path: string) => {
      const r = lookup(done, kind, path);
      if (!r.found) return m;
      if (typeof r.value === 'string' || typeof r.value === 'number') return String(r.value);
      if (typeof r.value === 'boolean') return r.value ? '1' : '';
      return m;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, done));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, done)]));
  }
  return value;
}

/**
 * PHP encodes an array with keys 0..n-1 as a JSON list and anything else as an object; `[]` when empty.
 * That holds whatever shape `cmd` came in: a JSON object keyed "0","1" (the Python SDK) is a PHP list too.
 */
function phpArray(map: Record<string, unknown>): unknown {
  const keys = Object.keys(map);
  if (keys.length === 0) return [];
  if (keys.every((k, i) => k === String(i))) return keys.map((k) => map[k]);
  return map;
}

export const batchMethod = defineMethod({
  name: 'batch',
  scope: BASIC_SCOPE,
  docs: 'settings/how-to-call-rest-api/batch.md',
  upperCaseParams: true,
  batch: false,
  params: z.object({ CMD: z.unknown().optional(), HALT: z.unknown().optional() }).passthrough(),
  async handler(ctx, p) {
    const cmd = p.CMD;
    const entries: [string, unknown][] =
      Array.isArray(cmd) ? cmd.map((v, i) => [String(i), v]) : cmd && typeof cmd === 'object' ? Object.entries(cmd) : [];
    const halt = phpTruthy(p.HALT);
    const done: Done = { result: {}, error: {}, total: {}, next: {}, time: {} };

    let index = 0;
    for (const [key, command] of entries) {
      index++;
      if (index > BATCH_MAX_LENGTH) {
        done.error[key] = { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' };
        continue;
      }
      if (typeof command !== 'string') continue; // skipped but counted, like the platform
      const q = command.indexOf('?');
      const method = (q < 0 ? command : command.slice(0, q)).trim();
      const query = q < 0 ? '' : command.slice(q + 1);
      let outcome: SubCallResult | undefined;
      try {
        if (NOT_IN_BATCH.has(method.toLowerCase()) || ctx.registry.find(method)?.batch === false) {
          throw new ApiError('ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage');
        }
        const { params, start } = splitParams(substitute(parsePhpQuery(query), done) as Record<string, unknown>, {});
        outcome = await ctx.subCall(method, params, start);
      } catch (e) {
        done.error[key] = errorBody(toApiError(e));
        if (halt) break;
        continue;
      }
      done.result[key] = outcome.result;
      if (outcome.total !== undefined) done.total[key] = outcome.total;
      if (outcome.next !== undefined) done.next[key] = outcome.next;
      done.time[key] = timeObject(outcome.startMs, outcome.finishMs, outcome.processingMs, outcome.operating);
    }

    return {
      result: phpArray(done.result),
      result_error: phpArray(done.error),
      result_total: phpArray(done.total),
      result_next: phpArray(done.next),
      result_time: phpArray(done.time),
    };
  },
});

