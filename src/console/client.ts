import type { InspectorFilter } from './inspector.js';
import type { ActiveFault, FaultSpec } from './faults.js';
import type { SeedDocument, SeedResult } from './seed-schema.js';

/** An error answer of the control plane (or of the REST method called through `as`). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code}: ${description} (HTTP ${status})`);
  }
}

/** Filters of GET /_imbot/inspector: the inspector's own filter, one definition. */
export type InspectorQuery = InspectorFilter;

/** One inspector row as GET /_imbot/inspector returns it (docs/console.md). */
export interface InspectorItem {
  id: number;
  kind: 'call' | 'event';
  time: string;
  [key: string]: unknown;
}

export interface QueuePeek {
  botId: number;
  mode: string;
  depth: number;
  events: { eventId: number; type: string; date: string; data: Record<string, unknown> }[];
}

/**
 * A typed client of `/_imbot/*` for test suites and scripts: `new ControlClient('http://127.0.0.1:8080', adminSecret)`.
 * Every method throws {@link ControlError} on an error answer.
 */
export class ControlClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, raw = false): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | undefined;
    if (typeof body === 'string') {
      headers['content-type'] = 'application/yaml';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch {
      throw new ControlError(res.status, 'INVALID_RESPONSE', text.slice(0, 200));
    }
    if (!res.ok || 'error' in json) throw new ControlError(res.status, String(json.error), String(json.error_description ?? ''));
    return (raw ? json : json.result) as T;
  }

  /** Back to an empty portal (admin user 1 and the admin webhook stay). */
  reset(): Promise<{ tables: number; ms: number }> {
    return this.request('POST', '/_imbot/reset');
  }

  /** Creates users, webhooks, apps, bots and chats; a string is sent as YAML. */
  seed(doc: SeedDocument | string): Promise<SeedResult> {
    return this.request('POST', '/_imbot/seed', doc);
  }

  /** Calls a REST method as that user; resolves with `result`, rejects with the method's error. */
  as<T = any>(userId: number, method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.request('POST', `/_imbot/as/${userId}/${method}`, params);
  }

  /** The whole REST envelope (`result`, `time`, `next`, `total`) of a call as that user. */
  asRaw(userId: number, method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.request('POST', `/_imbot/as/${userId}/${method}`, params, true);
  }

  /** The bot's fetch queue, without acknowledging anything. */
  peek(botId: number, limit = 100): Promise<QueuePeek> {
    return this.request('GET', `/_imbot/bots/${botId}/queue?limit=${limit}`);
  }

  /** Fails the next N matching calls or deliveries. */
  faults(spec: FaultSpec | FaultSpec[]): Promise<ActiveFault[]> {
    return this.request('POST', '/_imbot/faults', spec);
  }

  clearFaults(): Promise<boolean> {
    return this.request('DELETE', '/_imbot/faults');
  }

  async inspector(q: InspectorQuery = {}): Promise<InspectorItem[]> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) qs.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    const r = await this.request<{ items: InspectorItem[] }>('GET', `/_imbot/inspector${qs.size ? `?${qs}` : ''}`);
    return r.items;
  }

  /** Posts a recorded webhook delivery again, to the bot's current handler. */
  replay(deliveryId: number): Promise<{ deliveryId: number; url: string; ok: boolean; status: number; latencyMs: number; responseExcerpt: string; error?: string }> {
    return this.request('POST', `/_imbot/deliveries/${deliveryId}/replay`);
  }
}
