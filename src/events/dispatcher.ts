import type { Logger } from 'pino';
import { backoffMs, deliveryOptionsForBot, signatureHeaders } from '../domain/delivery-options.js';
import type { Platform } from '../domain/platform.js';
import { isoDate } from '../util/time.js';
import type { DeliveryRow } from '../store/repos/events.js';
import type { DeliveryTable } from '../store/schema.js';
import type { Updateable } from 'kysely';
import { postBody } from './http-delivery.js';

/**
 * Posts recorded webhook deliveries, one POST per bot event, never on the request path. Each attempt
 * is recorded (status, latency, response excerpt). Like the cloud, a failed delivery is not retried,
 * unless the bot (or its application) has delivery options (domain/delivery-options.ts): then a failed
 * POST stays pending with its next attempt time in the row, so a restart resumes the schedule, and
 * each attempt may carry an HMAC signature. Deliveries pending at start are sent (or rescheduled) then.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Attempt results not yet written: one transaction writes them all (see record). */
  private results: { id: number; patch: Updateable<DeliveryTable> }[] = [];
  private written: Promise<void> | null = null;

  constructor(
    private readonly p: Platform,
    private readonly log: Logger,
  ) {}

  kick(ids: number[]): void {
    for (const id of ids) this.track(this.deliver(id));
  }

  /** Rows just committed by the pipeline: posted as they are, without reading them back. */
  post(rows: DeliveryRow[]): void {
    for (const row of rows) this.track(this.deliver(row.id, row));
  }

  async resumePending(): Promise<void> {
    const pending = await this.p.store.events.pendingDeliveries();
    this.kick(pending.map((d) => d.id));
  }

  private track(job: Promise<void>) {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  /** Runs `deliver(id)` again after `ms` (a retry's backoff); dropped on close, the row keeps the due time. */
  private later(id: number, ms: number) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.kick([id]);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private async deliver(id: number, fresh?: DeliveryRow): Promise<void> {
    if (this.closed) return;
    const store = this.p.store;
    try {
      const row = fresh ?? (await store.events.delivery(id));
      if (!row || row.status !== 'pending') return;
      const due = (row.next_attempt_at ?? 0) - Date.now();
      if (due > 0) return this.later(id, due);
      const options = await deliveryOptionsForBot(this.p, row.bot_id);
      const headers = options?.hmacSecret ? signatureHeaders(options.hmacSecret, row.payload) : undefined;
      // Through the console when it runs: it records the attempt and applies injected delivery faults.
      const timeout = this.p.config.deliveryTimeoutMs;
      const result = this.p.observer
        ? await this.p.observer.deliver(row, timeout, row.url, false, headers)
        : await postBody(row.url, row.payload, timeout, headers);
      if (this.closed) return;
      const attempts = row.attempts + 1;
      if (!result.ok && options && attempts <= options.retries && retryable(result.status)) {
        const delay = backoffMs(options, attempts);
        await this.record(id, {
          attempts,
          response_status: result.status,
          response_excerpt: result.responseExcerpt,
          latency_ms: result.latencyMs,
          error: result.error ?? '',
          next_attempt_at: Date.now() + delay,
        });
        return this.later(id, delay);
      }
      await this.record(id, {
        status: result.ok ? 'done' : 'failed',
        attempts,
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

  /**
   * Writes an attempt's result to the delivery log; resolves once it is committed. Results are written
   * together, RESULT_BATCH_MS after the first of them: the log is a record, not on any bot's path, and one
   * transaction per result was a COMMIT per webhook. A crash inside that window leaves the delivery
   * pending, so it is posted again at the next start (at least once, as with retries).
   */
  private record(id: number, patch: Updateable<DeliveryTable>): Promise<void> {
    this.results.push({ id, patch });
    this.written ??= new Promise<void>((resolve) => setTimeout(resolve, RESULT_BATCH_MS)).then(() => {
      const batch = this.results;
      this.results = [];
      this.written = null;
      return this.p.store.transaction(async (tx) => {
        for (const r of batch) await tx.events.updateDelivery(r.id, r.patch);
      });
    });
    return this.written;
  }

  /** Waits for posts under way (bounded by the delivery timeout), then stops. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    this.closed = true;
  }
}

/** How long attempt results wait to be written with the ones that follow them. */
const RESULT_BATCH_MS = 20;

/** Worth another attempt: no answer (refused, reset, timeout), 408, 429 or a server error; other 4xx are final. */
const retryable = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;
