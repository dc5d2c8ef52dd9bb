import type { AuthContext } from '../domain/auth.js';
import type { ApiError } from '../domain/errors.js';
import { type DeliveryResult, postBody } from '../events/http-delivery.js';
import type { DeliveryRow } from '../store/repos/events.js';
import { DELIVERY_FAULTS, FaultBook } from './faults.js';
import { botIdOfParams, Inspector } from './inspector.js';
import type { CallFacts, PlatformObserver } from './observer.js';

/** The console's side of the API path: records into the inspector and applies injected faults. */
export class ConsoleObserver implements PlatformObserver {
  readonly faults = new FaultBook();

  constructor(readonly inspector: Inspector) {}

  callFault(method: string, _auth: AuthContext, params: Record<string, unknown>): ApiError | undefined {
    return this.faults.forCall(method, botIdOfParams(params));
  }

  call(facts: CallFacts): void {
    this.inspector.call(facts);
  }

  queued(
    fetch: readonly { bot_id: number; type: string; data: string }[],
    outbox: readonly { bot_id: number; event: string; url: string; payload: string }[],
    deliveryIds: readonly number[],
  ): void {
    if (!this.inspector.enabled) return;
    for (const q of fetch) this.inspector.event({ botId: q.bot_id, type: q.type, mode: 'fetch', body: q.data });
    outbox.forEach((o, i) => this.inspector.event({ botId: o.bot_id, type: o.event, mode: 'webhook', body: o.payload, url: o.url, deliveryId: deliveryIds[i] }));
  }

  async deliver(row: DeliveryRow, timeoutMs: number, url = row.url, replay = false, headers?: Record<string, string>): Promise<DeliveryResult> {
    const at = Date.now();
    const fault = replay ? undefined : this.faults.forDelivery(row.event, row.bot_id);
    const result: DeliveryResult = fault
      ? { ok: false, status: 0, responseExcerpt: '', latencyMs: 0, error: DELIVERY_FAULTS[fault](timeoutMs) }
      : await postBody(url, row.payload, timeoutMs, headers);
    this.inspector.attempt(
      row.id,
      { at, url, ok: result.ok, status: result.status, latencyMs: result.latencyMs, responseExcerpt: result.responseExcerpt, error: result.error, replay: replay || undefined, fault },
      { botId: row.bot_id, type: row.event, mode: 'webhook', body: row.payload, url: row.url, deliveryId: row.id },
    );
    return result;
  }
}
