import { ApiError, Errors } from '../domain/errors.js';

/** Faults for REST calls: each is the error the cloud answers with in that situation. */
export const CALL_FAULTS = {
  QUERY_LIMIT_EXCEEDED: () => Errors.queryLimit(),
  OPERATION_TIME_LIMIT: () => Errors.operationTimeLimit(),
  expired_token: () => Errors.expiredToken(),
  INTERNAL_SERVER_ERROR: () => Errors.internal(),
} as const;

/** Faults for webhook deliveries: the event is not posted and the attempt is recorded as failed. */
export const DELIVERY_FAULTS = {
  handler_timeout: (timeoutMs: number) => `timeout after ${timeoutMs} ms (injected fault)`,
  connection_failure: () => 'connect ECONNREFUSED (injected fault)',
} as const;

export type CallFaultKind = keyof typeof CALL_FAULTS;
export type DeliveryFaultKind = keyof typeof DELIVERY_FAULTS;
export type FaultKind = CallFaultKind | DeliveryFaultKind;
export const FAULT_KINDS = [...Object.keys(CALL_FAULTS), ...Object.keys(DELIVERY_FAULTS)] as FaultKind[];

export interface FaultSpec {
  fault: FaultKind;
  /** How many matching calls or deliveries fail (default 1). */
  count?: number;
  /** Method name for call faults (case-insensitive; a trailing `*` matches a prefix, e.g. `imbot.v2.*`). */
  method?: string;
  /** Event type for delivery faults (e.g. ONIMBOTV2MESSAGEADD; `*` prefix match as for methods). */
  event?: string;
  /** The bot: its deliveries, or calls naming it in botId / BOT_ID. */
  botId?: number;
}

export interface ActiveFault extends Required<Pick<FaultSpec, 'fault'>> {
  id: number;
  remaining: number;
  method?: string;
  event?: string;
  botId?: number;
}

const isCallFault = (k: string): k is CallFaultKind => k in CALL_FAULTS;
const isDeliveryFault = (k: string): k is DeliveryFaultKind => k in DELIVERY_FAULTS;

function nameMatches(pattern: string | undefined, name: string): boolean {
  if (!pattern) return true;
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  return p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : n === p;
}

/** Checks a fault document; answers with a Bitrix-style error naming what is wrong. */
export function parseFaultSpec(raw: unknown): FaultSpec {
  const bad = (msg: string) => new ApiError('INVALID_FAULT', msg);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('A fault is an object: {"fault": "QUERY_LIMIT_EXCEEDED", "count": 1, "method": "…", "botId": …}');
  const r = raw as Record<string, unknown>;
  if (typeof r.fault !== 'string' || !FAULT_KINDS.includes(r.fault as FaultKind)) throw bad(`fault must be one of ${FAULT_KINDS.join(', ')}`);
  const count = r.count === undefined ? 1 : Number(r.count);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw bad('count must be a positive integer');
  const botId = r.botId === undefined || r.botId === null ? undefined : Number(r.botId);
  if (botId !== undefined && (!Number.isInteger(botId) || botId < 1)) throw bad('botId must be a positive integer');
  for (const k of ['method', 'event'] as const) if (r[k] !== undefined && typeof r[k] !== 'string') throw bad(`${k} must be a string`);
  if (isDeliveryFault(r.fault) && r.method !== undefined) throw bad(`${r.fault} applies to webhook deliveries: match them by event or botId, not method`);
  if (isCallFault(r.fault) && r.event !== undefined) throw bad(`${r.fault} applies to REST calls: match them by method or botId, not event`);
  return { fault: r.fault as FaultKind, count, method: r.method as string | undefined, event: r.event as string | undefined, botId };
}

/** Faults waiting for the next matching calls or deliveries, consumed one per match, oldest first. */
export class FaultBook {
  private faults: ActiveFault[] = [];
  private seq = 0;

  add(spec: FaultSpec): ActiveFault {
    const f: ActiveFault = { id: ++this.seq, fault: spec.fault, remaining: spec.count ?? 1, method: spec.method, event: spec.event, botId: spec.botId };
    this.faults.push(f);
    return f;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  private take(match: (f: ActiveFault) => boolean): ActiveFault | undefined {
    if (!this.faults.length) return undefined;
    const f = this.faults.find(match);
    if (!f) return undefined;
    if (--f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  forCall(method: string, botId: number | undefined): ApiError | undefined {
    const f = this.take((f) => isCallFault(f.fault) && nameMatches(f.method, method) && (f.botId === undefined || f.botId === botId));
    return f ? CALL_FAULTS[f.fault as CallFaultKind]() : undefined;
  }

  forDelivery(event: string, botId: number): DeliveryFaultKind | undefined {
    const f = this.take((f) => isDeliveryFault(f.fault) && nameMatches(f.event, event) && (f.botId === undefined || f.botId === botId));
    return f?.fault as DeliveryFaultKind | undefined;
  }
}
