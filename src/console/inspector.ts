import qs from 'qs';
import { errorBody } from '../http/error-status.js';
import type { CallFacts } from './observer.js';
import { redact } from './redact.js';

export interface Attempt {
  at: number;
  url: string;
  ok: boolean;
  status: number;
  latencyMs: number;
  responseExcerpt: string;
  error?: string;
  /** Set for a replay from the console / control plane. */
  replay?: boolean;
  /** Set when the failure was injected (POST /_imbot/faults). */
  fault?: string;
}

interface CallEntry {
  id: number;
  kind: 'call';
  facts: CallFacts;
}

interface EventEntry {
  id: number;
  kind: 'event';
  at: number;
  botId: number;
  type: string;
  mode: 'fetch' | 'webhook';
  body: string;
  url?: string;
  deliveryId?: number;
  attempts: Attempt[];
}

export type Entry = CallEntry | EventEntry;

export interface InspectorFilter {
  kind?: 'call' | 'event';
  bot?: number;
  /** Substring of the method name, case-insensitive. */
  method?: string;
  /** Substring of the event type, case-insensitive. */
  type?: string;
  /** Only failed calls and events whose last delivery attempt failed. */
  error?: boolean;
  /** Only entries with a larger id (polling a tail). */
  after?: number;
  limit?: number;
}

export type EntryListener = (entry: Entry) => void;

const BOT_PARAM_KEYS = ['botId', 'BOT_ID', 'botid', 'bot_id'];

export function botIdOfParams(params: Record<string, unknown> | undefined): number | undefined {
  if (!params) return undefined;
  for (const k of BOT_PARAM_KEYS) {
    const v = params[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (Number.isInteger(n) && n > 0) return n;
  }
  return undefined;
}

function callerOf(f: CallFacts) {
  const a = f.auth;
  if (!a) return { kind: 'unknown' as const };
  const botId = f.method.toLowerCase().startsWith('imbot') ? botIdOfParams(f.params) : undefined;
  if (botId) return { kind: 'bot' as const, id: botId, userId: a.userId };
  if (f.via === 'as' || a.type === 'session') return { kind: 'user' as const, id: a.userId, userId: a.userId };
  if (a.type === 'oauth') return { kind: 'app' as const, id: a.app?.clientId, userId: a.userId };
  return { kind: 'webhook' as const, id: a.webhookId, userId: a.userId };
}

function parseBody(e: EventEntry): unknown {
  try {
    return e.mode === 'fetch' ? JSON.parse(e.body) : qs.parse(e.body, { depth: 20, parseArrays: false });
  } catch {
    return e.body;
  }
}

function eventStatus(e: EventEntry): string {
  if (e.mode === 'fetch') return 'queued';
  const last = e.attempts.at(-1);
  return !last ? 'pending' : last.ok ? 'delivered' : 'failed';
}

const failed = (e: Entry) => (e.kind === 'call' ? 'error' in e.facts.outcome : e.attempts.length > 0 && !e.attempts.at(-1)!.ok);

/**
 * The console's record of REST calls and bot events: a fixed ring of the last `size` entries. Writers
 * store references (the params and result objects the call already built, the payload text the pipeline
 * already encoded) and return; redaction and JSON shaping happen in {@link Inspector.view}, on read.
 */
export class Inspector {
  private readonly ring: (Entry | undefined)[];
  private seq = 0;
  private readonly byDelivery = new Map<number, EventEntry>();
  private readonly listeners = new Set<EntryListener>();
  private readonly pending = new Set<Entry>();

  constructor(readonly size: number) {
    this.ring = new Array(Math.max(0, size));
  }

  get enabled() {
    return this.size > 0;
  }

  private put(entry: Entry) {
    const slot = (entry.id - 1) % this.size;
    const old = this.ring[slot];
    if (old?.kind === 'event' && old.deliveryId !== undefined) this.byDelivery.delete(old.deliveryId);
    this.ring[slot] = entry;
    this.notify(entry);
  }

  /**
   * Live-tail listeners are called after the current turn (setImmediate), in a batch: a call's response
   * is sent before anyone serialises its entry. An entry updated twice in a batch is sent once.
   */
  private notify(entry: Entry) {
    if (!this.listeners.size) return;
    this.pending.add(entry);
    if (this.pending.size === 1) setImmediate(() => this.flush());
  }

  private flush() {
    const batch = [...this.pending];
    this.pending.clear();
    for (const entry of batch) {
      for (const fn of this.listeners) {
        try {
          fn(entry);
        } catch {
          // A broken tail must not break the others.
        }
      }
    }
  }

  call(facts: CallFacts): void {
    if (!this.enabled) return;
    this.put({ id: ++this.seq, kind: 'call', facts });
  }

  event(e: Omit<EventEntry, 'id' | 'kind' | 'attempts' | 'at'>): void {
    if (!this.enabled) return;
    const entry: EventEntry = { id: ++this.seq, kind: 'event', at: Date.now(), attempts: [], ...e };
    if (entry.deliveryId !== undefined) this.byDelivery.set(entry.deliveryId, entry);
    this.put(entry);
  }

  attempt(deliveryId: number, attempt: Attempt, fallback?: Omit<EventEntry, 'id' | 'kind' | 'attempts' | 'at'>): void {
    if (!this.enabled) return;
    let entry = this.byDelivery.get(deliveryId);
    if (!entry && fallback) {
      // A delivery queued before this process started (or already rotated out of the ring).
      this.event(fallback);
      entry = this.byDelivery.get(deliveryId);
    }
    if (!entry) return;
    entry.attempts.push(attempt);
    this.notify(entry);
  }

  on(fn: EntryListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.byDelivery.clear();
  }

  /** Newest first. */
  list(f: InspectorFilter = {}): Entry[] {
    const out: Entry[] = [];
    const limit = Math.min(Math.max(f.limit ?? 200, 1), this.size || 1);
    for (let id = this.seq; id > 0 && id > this.seq - this.size && out.length < limit; id--) {
      if (f.after !== undefined && id <= f.after) break;
      const e = this.ring[(id - 1) % this.size];
      if (e && e.id === id && Inspector.matches(e, f)) out.push(e);
    }
    return out;
  }

  /** One entry by id, while it is still in the ring. */
  get(id: number): Entry | undefined {
    if (!this.enabled || id < 1 || id > this.seq || id <= this.seq - this.size) return undefined;
    const e = this.ring[(id - 1) % this.size];
    return e?.id === id ? e : undefined;
  }

  static matches(e: Entry, f: InspectorFilter): boolean {
    if (f.kind && e.kind !== f.kind) return false;
    if (f.method && (e.kind !== 'call' || !e.facts.method.toLowerCase().includes(f.method.toLowerCase()))) return false;
    if (f.type && (e.kind !== 'event' || !e.type.toLowerCase().includes(f.type.toLowerCase()))) return false;
    if (f.error && !failed(e)) return false;
    if (f.bot !== undefined) {
      const bot = e.kind === 'event' ? e.botId : callerOf(e.facts).kind === 'bot' ? botIdOfParams(e.facts.params) : undefined;
      if (bot !== f.bot) return false;
    }
    return true;
  }

  get lastId() {
    return this.seq;
  }

  /** The JSON an entry is shown as: secrets redacted, bodies parsed. */
  static view(e: Entry): Record<string, unknown> {
    if (e.kind === 'call') {
      const f = e.facts;
      const o = f.outcome;
      return {
        id: e.id,
        kind: 'call',
        time: new Date(f.startMs).toISOString(),
        method: f.method,
        caller: callerOf(f),
        via: f.via,
        params: redact(f.params ?? {}),
        ...('error' in o ? { error: errorBody(o.error) } : { result: redact(o.result) }),
        status: f.status,
        durationMs: Math.round((f.finishMs - f.startMs) * 1000) / 1000,
      };
    }
    return {
      id: e.id,
      kind: 'event',
      time: new Date(e.at).toISOString(),
      type: e.type,
      botId: e.botId,
      mode: e.mode,
      status: eventStatus(e),
      deliveryId: e.deliveryId,
      url: e.url,
      body: redact(parseBody(e)),
      attempts: e.attempts.map((a) => ({ ...a, time: new Date(a.at).toISOString(), latencyMs: Math.round(a.latencyMs * 10) / 10 })),
    };
  }
}
