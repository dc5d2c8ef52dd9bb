import type { z } from 'zod';
import type { AuthContext } from '../domain/auth.js';
import type { Platform } from '../domain/platform.js';

export interface MethodContext {
  platform: Platform;
  auth: AuthContext;
  /** The `start` paging parameter (stripped from params, as Bitrix does). */
  start: number;
  registry: MethodRegistry;
  /** True inside a batch sub-call. */
  inBatch: boolean;
  /** Aborts when the client disconnects; given to methods that hold the call (`holds`). */
  signal?: AbortSignal;
  /** Reports time spent held waiting (long poll), which the operating-time limit does not count. */
  idle?(ms: number): void;
  /** Runs another method as the same caller, with all the per-call checks (used by batch). */
  subCall(name: string, params: Record<string, unknown>, start: number): Promise<SubCallResult>;
}

export interface SubCallResult {
  result: unknown;
  total?: number;
  next?: number;
  startMs: number;
  finishMs: number;
  processingMs: number;
  operating: { operating: number; operatingResetAt: number };
}

/** A page of a list method: the envelope lifts `next` and `total` to the top level. */
export class ListPage<T = unknown> {
  constructor(
    readonly items: T[],
    readonly total: number,
    readonly next?: number,
  ) {}

  /** Slices `all` at `start` into a page of `size` (Bitrix LIST_LIMIT = 50). */
  static of<T>(all: T[], start: number, size = 50): ListPage<T> {
    const offset = Math.max(0, start);
    const items = all.slice(offset, offset + size);
    const next = offset + items.length < all.length ? offset + items.length : undefined;
    return new ListPage(items, all.length, next);
  }
}

export interface MethodDef<S extends z.ZodType = z.ZodType> {
  /** Canonical name, as the docs spell it (`imbot.v2.Bot.register`). Matched case-insensitively. */
  name: string;
  /** Permission scope; `basic` for system methods every caller may use. */
  scope: string;
  params: S;
  handler: (ctx: MethodContext, params: z.output<S>) => unknown;
  /** `oauth`: only applications may call it; webhooks get WRONG_AUTH_TYPE. */
  auth?: 'any' | 'oauth';
  /** false: refused under the web messenger's session auth with WRONG_AUTH_TYPE (pages that say so). */
  session?: boolean;
  /** false: refused inside batch with ERROR_BATCH_METHOD_NOT_ALLOWED. */
  batch?: boolean;
  /** v1 methods read top-level parameter names case-insensitively (array_change_key_case CASE_UPPER). */
  upperCaseParams?: boolean;
  /**
   * A v2 controller action (imbot.v2.*, im.v2.*): RestManager reports every error the action raises
   * as a 400, ACCESS_DENIED and BOT_NOT_FOUND included.
   */
  controller?: boolean;
  /** HTTP statuses this method's page documents where they differ from the general table. */
  errorStatus?: Record<string, number>;
  /** May hold the call open waiting for events (long poll): gets `ctx.signal` for client disconnects. */
  holds?: boolean;
  /** The page in b24restdocs that specifies it (for the coverage table). */
  docs?: string;
}

export function defineMethod<S extends z.ZodType>(def: MethodDef<S>): MethodDef<S> {
  return def;
}

export class MethodRegistry {
  private readonly byKey = new Map<string, MethodDef>();

  constructor(defs: Iterable<MethodDef<any>> = []) {
    for (const d of defs) this.add(d);
  }

  add(def: MethodDef<any>): void {
    const key = def.name.toLowerCase();
    if (this.byKey.has(key)) throw new Error(`method ${def.name} declared twice`);
    this.byKey.set(key, def);
  }

  find(name: string): MethodDef | undefined {
    return this.byKey.get(name.toLowerCase());
  }

  all(): MethodDef[] {
    return [...this.byKey.values()];
  }
}
