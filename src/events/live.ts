import type { DomainEvent } from '../domain/messenger/events.js';

export type LiveListener = (events: readonly DomainEvent[]) => void;

/**
 * In-process fan-out of committed domain events: the web messenger's WebSocket pushes, long-poll
 * wake-ups and the console's live tail listen here. Published only after the transaction that caused
 * the events has committed (or, for ephemeral signals such as typing, right away), so a listener never
 * sees a change that could still roll back. Listeners must be cheap and must not throw into the API path.
 */
export class LiveBus {
  private readonly listeners = new Set<LiveListener>();

  on(fn: LiveListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  publish(events: readonly DomainEvent[]): void {
    if (!events.length) return;
    for (const fn of this.listeners) {
      try {
        fn(events);
      } catch {
        // A broken listener must not fail the call that caused the events.
      }
    }
  }
}
