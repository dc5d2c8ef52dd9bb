import type { Logger } from 'pino';
import type { Platform } from '../domain/platform.js';
import { isoDate } from '../util/time.js';
import { postBody } from './http-delivery.js';

/**
 * Posts recorded webhook deliveries, one POST per bot event, never on the request path. Each attempt
 * is recorded (status, latency, response excerpt). Like the cloud, a failed delivery is not retried.
 * Deliveries still pending at start (the process stopped before posting them) are sent then.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly p: Platform,
    private readonly log: Logger,
  ) {}

  kick(ids: number[]): void {
    for (const id of ids) this.track(this.deliver(id));
  }

  async resumePending(): Promise<void> {
    const pending = await this.p.store.events.pendingDeliveries();
    this.kick(pending.map((d) => d.id));
  }

  private track(job: Promise<void>) {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  private async deliver(id: number): Promise<void> {
    if (this.closed) return;
    const store = this.p.store;
    try {
      const row = await store.events.delivery(id);
      if (!row || row.status !== 'pending') return;
      const result = await postBody(row.url, row.payload, this.p.config.deliveryTimeoutMs);
      if (this.closed) return;
      await store.events.updateDelivery(id, {
        status: result.ok ? 'done' : 'failed',
        attempts: row.attempts + 1,
        response_status: result.status,
        response_excerpt: result.responseExcerpt,
        latency_ms: result.latencyMs,
        error: result.error ?? '',
        delivered_at: isoDate(),
      });
    } catch (err) {
      this.log.error({ err, delivery: id }, 'webhook delivery failed');
    }
  }

  /** Waits for posts under way (bounded by the delivery timeout), then stops. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.closed = true;
  }
}
