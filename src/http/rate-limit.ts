/**
 * The leaky bucket of limits.md: each request adds 1, the counter drains `drainPerSecond` every
 * second, and a request that would take it past `threshold` is refused (503 QUERY_LIMIT_EXCEEDED).
 * One bucket per webhook and per application.
 */
export class LeakyBucketLimiter {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(
    readonly threshold = 50,
    readonly drainPerSecond = 2,
  ) {}

  /** Counts one request; false when the bucket is full. */
  take(key: string, nowMs = Date.now()): boolean {
    const b = this.buckets.get(key) ?? { level: 0, at: nowMs };
    const level = Math.max(0, b.level - ((nowMs - b.at) / 1000) * this.drainPerSecond);
    if (level + 1 > this.threshold) {
      this.buckets.set(key, { level, at: nowMs });
      return false;
    }
    this.buckets.set(key, { level: level + 1, at: nowMs });
    if (this.buckets.size > 10_000) this.sweep(nowMs);
    return true;
  }

  private sweep(nowMs: number): void {
    for (const [k, b] of this.buckets) {
      if (b.level - ((nowMs - b.at) / 1000) * this.drainPerSecond <= 0) this.buckets.delete(k);
    }
  }

  reset(): void {
    this.buckets.clear();
  }
}
