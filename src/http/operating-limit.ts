import type { OperatingStats } from './time.js';

const WINDOW_MS = 600_000;
const BASKET_MS = 60_000;

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

  private live(key: string, nowMs: number): Basket[] {
    const list = (this.baskets.get(key) ?? []).filter((b) => b.firstAt + WINDOW_MS > nowMs);
    if (list.length) this.baskets.set(key, list);
    else this.baskets.delete(key);
    return list;
  }

  stats(callerKey: string, method: string, nowMs = Date.now()): OperatingStats {
    const list = this.live(`${callerKey}|${method}`, nowMs);
    const operating = list.reduce((s, b) => s + b.seconds, 0);
    const oldest = list[0]?.firstAt ?? nowMs;
    return { operating, operatingResetAt: Math.floor((oldest + WINDOW_MS) / 1000) };
  }

  blocked(callerKey: string, method: string, nowMs = Date.now()): boolean {
    return this.stats(callerKey, method, nowMs).operating > this.limitSeconds;
  }

  record(callerKey: string, method: string, seconds: number, nowMs = Date.now()): void {
    if (seconds < this.minSeconds) return;
    const key = `${callerKey}|${method}`;
    const list = this.live(key, nowMs);
    const last = list[list.length - 1];
    if (last && nowMs - last.firstAt < BASKET_MS) last.seconds += seconds;
    else list.push({ firstAt: nowMs, seconds });
    this.baskets.set(key, list);
  }

  reset(): void {
    this.baskets.clear();
  }
}
