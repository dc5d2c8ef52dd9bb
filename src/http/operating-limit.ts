import type { OperatingStats } from './time.js';

const WINDOW_MS = 600_000;
const BASKET_MS = 60_000;
const NONE: readonly Basket[] = [];

interface Basket {
  firstAt: number;
  seconds: number;
}

/**
 * Per-method execution time in ten one-minute baskets (limits.md "Resource Intensity Limits",
 * Rest\Engine\Access\LoadLimiter). A call is blocked (429 OPERATION_TIME_LIMIT) while the sum
 * for its (caller, method) exceeds `limitSeconds`. Like the platform, calls faster than
 * `minSeconds` are not counted, so a normal bot sees `operating: 0`.
 */
export class OperatingLimiter {
  private readonly baskets = new Map<string, Basket[]>();

  constructor(
    readonly limitSeconds = 420,
    readonly minSeconds = 0.1,
  ) {}

  /** The key's baskets still inside the window, oldest first; the shared empty list when there are none. */
  private live(key: string, nowMs: number): readonly Basket[] {
    const list = this.baskets.get(key);
    if (!list) return NONE;
    // Baskets are kept in time order: while the oldest is in the window, all are (no copy on the hot path).
    if (list[0].firstAt + WINDOW_MS > nowMs) return list;
    const kept = list.filter((b) => b.firstAt + WINDOW_MS > nowMs);
    if (kept.length) this.baskets.set(key, kept);
    else this.baskets.delete(key);
    return kept;
  }

  stats(callerKey: string, method: string, nowMs = Date.now()): OperatingStats {
    const list = this.live(`${callerKey}|${method}`, nowMs);
    let operating = 0;
    for (const b of list) operating += b.seconds;
    const oldest = list.length ? list[0].firstAt : nowMs;
    return { operating, operatingResetAt: Math.floor((oldest + WINDOW_MS) / 1000) };
  }

  blocked(callerKey: string, method: string, nowMs = Date.now()): boolean {
    const list = this.baskets.get(`${callerKey}|${method}`);
    // Nothing counted for this caller and method: the common case, decided without building stats.
    if (!list) return false;
    return this.stats(callerKey, method, nowMs).operating > this.limitSeconds;
  }

  record(callerKey: string, method: string, seconds: number, nowMs = Date.now()): void {
    if (seconds < this.minSeconds) return;
    const key = `${callerKey}|${method}`;
    const list = this.live(key, nowMs);
    const last = list[list.length - 1];
    if (last && nowMs - last.firstAt < BASKET_MS) last.seconds += seconds;
    else this.baskets.set(key, [...list, { firstAt: nowMs, seconds }]);
  }

  reset(): void {
    this.baskets.clear();
  }
}
