/**
 * Long polls waiting for their fetch queue (beyond the cloud: `wait` on imbot.v2.Event.get and
 * im.v2.Event.get). A waiter is one small record keyed by the recipients it listens for (a bot's
 * user id, a person's id) plus one timer; the pipeline wakes the recipients it wrote queue rows for,
 * after the commit. Nothing here holds events or requests: a woken call simply reads its queue again.
 */
class Waiter {
  timer: NodeJS.Timeout | undefined;
  constructor(
    readonly ids: readonly number[],
    readonly registry: FeedWaiters,
    readonly resolve: (woken: boolean) => void,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** The client went away (AbortSignal listener object: no closure per waiter). */
  handleEvent(): void {
    this.registry.release(this, false);
  }
}

const expire = (w: Waiter) => w.registry.release(w, false);

export class FeedWaiters {
  private readonly byId = new Map<number, Set<Waiter>>();
  private count = 0;
  /** Bumped on every wake-up: a poll that read an empty queue checks it did not miss one meanwhile. */
  epoch = 0;

  /** Waiting calls (for tests and the console). */
  get size(): number {
    return this.count;
  }

  /**
   * Resolves true when an event for one of `ids` is committed, false after `ms` or when `signal`
   * aborts (client disconnect, server shutdown).
   */
  wait(ids: readonly number[], ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const w = new Waiter(ids, this, resolve, signal);
      for (const id of ids) {
        let set = this.byId.get(id);
        if (!set) this.byId.set(id, (set = new Set()));
        set.add(w);
      }
      this.count++;
      w.timer = setTimeout(expire, ms, w);
      signal?.addEventListener('abort', w, { once: true });
    });
  }

  /** Releases every waiter listening for one of `ids` (called after the commit that queued their events). */
  wake(ids: Iterable<number>): void {
    this.epoch++;
    for (const id of ids) {
      const set = this.byId.get(id);
      if (!set) continue;
      for (const w of [...set]) this.release(w, true);
    }
  }

  /** Lets every waiting call answer now (server shutdown). */
  releaseAll(): void {
    for (const set of [...this.byId.values()]) for (const w of [...set]) this.release(w, false);
  }

  release(w: Waiter, woken: boolean): void {
    let registered = false;
    for (const id of w.ids) {
      const set = this.byId.get(id);
      if (!set?.delete(w)) continue;
      registered = true;
      if (!set.size) this.byId.delete(id);
    }
    if (!registered) return;
    this.count--;
    clearTimeout(w.timer);
    w.signal?.removeEventListener('abort', w);
    w.resolve(woken);
  }
}
