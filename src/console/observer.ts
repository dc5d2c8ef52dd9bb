import type { AuthContext } from '../domain/auth.js';
import type { ApiError } from '../domain/errors.js';
import type { DeliveryResult } from '../events/http-delivery.js';
import type { DeliveryRow } from '../store/repos/events.js';

/** A REST call as the gateway saw it; the objects are references, serialised only when read. */
export interface CallFacts {
  method: string;
  /** Absent when the call failed before its caller was known (bad credentials). */
  auth?: AuthContext;
  params?: Record<string, unknown>;
  /** The `result` of a success, or the error. */
  outcome: { result: unknown } | { error: ApiError };
  status: number;
  startMs: number;
  finishMs: number;
  /** A sub-call of `batch`, or a call made through `/_imbot/as/{userId}/…`. */
  via?: 'batch' | 'as';
}

/**
 * What the console (src/console) is told by the API path. The recording hooks are synchronous and cheap: they keep
 * references in a ring and return; turning them into JSON happens when someone reads. `deliver` wraps the POST itself.
 */
export interface PlatformObserver {
  /** A fault injected for this call, to be raised instead of running it. */
  callFault(method: string, auth: AuthContext, params: Record<string, unknown>): ApiError | undefined;
  call(facts: CallFacts): void;
  /** Bot events written in a committed (or committing) transaction. */
  queued(fetch: readonly { bot_id: number; type: string; data: string }[], outbox: readonly { bot_id: number; event: string; url: string; payload: string }[], deliveryIds: readonly number[]): void;
  /** Posts one delivery (or fails it on purpose) and records the attempt; `headers` carry the optional HMAC signature. */
  deliver(row: DeliveryRow, timeoutMs: number, url?: string, replay?: boolean, headers?: Record<string, string>): Promise<DeliveryResult>;
}
