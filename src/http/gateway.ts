import { preciseNowMs } from '../util/clock.js';
import type { AuthContext } from '../domain/auth.js';
import { Errors } from '../domain/errors.js';
import type { Platform } from '../domain/platform.js';
import { invokeMethod } from '../methods/invoke.js';
import { ListPage, type MethodDef, type MethodRegistry } from '../methods/registry.js';
import { statusOf, toApiError } from './error-status.js';
import type { OperatingLimiter } from './operating-limit.js';
import type { LeakyBucketLimiter } from './rate-limit.js';
import type { OperatingStats } from './time.js';

/** What the protocol layer shares between the HTTP and HTTPS listeners of one server. */
export interface Gateway {
  platform: Platform;
  registry: MethodRegistry;
  /** null when started with --rate-limit off. */
  rateLimiter: LeakyBucketLimiter | null;
  operating: OperatingLimiter;
}

export interface CallOutcome {
  result: unknown;
  total?: number;
  next?: number;
  startMs: number;
  finishMs: number;
  processingMs: number;
  operating: OperatingStats;
}

/**
 * One method call with the per-call accounting (operating time), shared by top-level calls and
 * batch sub-calls. Throws ApiError; the caller maps it.
 */
export async function executeCall(
  gw: Gateway,
  auth: AuthContext,
  def: MethodDef,
  raw: Record<string, unknown>,
  start: number,
  inBatch: boolean,
  startMs = preciseNowMs(),
  /** Client disconnect, for methods that hold the call (`holds`). */
  signal?: AbortSignal,
): Promise<CallOutcome> {
  const opKey = def.name.toLowerCase();
  if (gw.operating.blocked(auth.limiterKey, opKey)) throw Errors.operationTimeLimit();
  const t0 = performance.now();
  // Time a long poll spends held waiting for events is not work: it is kept out of the operating time.
  let idleMs = 0;
  const ctx = {
    platform: gw.platform,
    auth,
    start,
    registry: gw.registry,
    inBatch,
    signal,
    idle: (ms: number) => void (idleMs += ms),
    subCall: (name: string, params: Record<string, unknown>, subStart: number) => subCall(gw, auth, name, params, subStart),
  };
  let value: unknown;
  try {
    value = await invokeMethod(ctx, def, raw);
  } finally {
    gw.operating.record(auth.limiterKey, opKey, (performance.now() - t0 - idleMs) / 1000);
  }
  const processingMs = performance.now() - t0;
  const finishMs = preciseNowMs();
  const operating = gw.operating.stats(auth.limiterKey, opKey);
  if (value instanceof ListPage) {
    return { result: value.items, total: value.total, next: value.next, startMs, finishMs, processingMs, operating };
  }
  return { result: value, startMs, finishMs, processingMs, operating };
}

export interface SubCallDeps {
  subCall(name: string, params: Record<string, unknown>, start: number): Promise<CallOutcome>;
}

async function subCall(gw: Gateway, auth: AuthContext, name: string, params: Record<string, unknown>, start: number) {
  const def = gw.registry.find(name);
  if (!def) throw Errors.methodNotFound();
  const observer = gw.platform.observer;
  if (!observer) return executeCall(gw, auth, def, params, start, true);
  // Batch sub-calls are shown in the console's inspector one by one, and injected faults reach them too.
  const startMs = preciseNowMs();
  try {
    const fault = observer.callFault(def.name, auth, params);
    if (fault) throw fault;
    const out = await executeCall(gw, auth, def, params, start, true, startMs);
    observer.call({ method: def.name, auth, params, outcome: { result: out.result }, status: 200, startMs, finishMs: out.finishMs, via: 'batch' });
    return out;
  } catch (e) {
    const err = toApiError(e);
    observer.call({ method: def.name, auth, params, outcome: { error: err }, status: statusOf(err, def), startMs, finishMs: preciseNowMs(), via: 'batch' });
    throw e;
  }
}
