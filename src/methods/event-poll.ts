import type { QueuedEventRow } from '../store/repos/events.js';
import type { Store } from '../store/store.js';
import { RawJson } from '../util/raw-json.js';
import { intArg } from './v2-common.js';
import type { MethodContext } from './registry.js';

export interface EventPage {
  /** `[{eventId, type, date, data}, …]`, written from the stored event text (see RawJson). */
  events: RawJson;
  nextOffset: number;
  hasMore: boolean;
}

/** Longest `wait` a poll may ask for, seconds (beyond the cloud). */
export const MAX_WAIT_SECONDS = 30;

/**
 * One page of a fetch queue (EventService::fetchEventsForRest), shared by imbot.v2.Event.get and
 * im.v2.Event.get: `offset > 0` first acknowledges (deletes) the recipients' events below it; then up to
 * `limit` (1..1000, default 100) events with id >= offset, oldest first. `nextOffset` = max(offset,
 * last id + 1), `hasMore` = a full page came back. `recipients` are user ids (a bot's, a person's).
 *
 * Beyond the cloud, `wait` (seconds, 0..30, default 0 = answer at once as the cloud does) holds an
 * empty answer until an event for one of the recipients is committed or the time is up. Inside batch
 * it is ignored: one held sub-call would hold the whole batch.
 */
/**
 * Reads of held polls, shared within one event-loop turn: a commit wakes every poll of a bot at once
 * (thousands may wait on a few bots), and they would all run the same query one after another.
 */
const turnReads = new Map<string, Promise<QueuedEventRow[]>>();

function sharedRead(store: Store, epoch: number, recipients: number[], from: number, limit: number): Promise<QueuedEventRow[]> {
  // The wake-up epoch in the key: a read begun before a commit is never handed to a poll that saw it.
  const key = `${epoch}|${recipients.join(',')}|${from}|${limit}`;
  let rows = turnReads.get(key);
  if (!rows) {
    if (!turnReads.size) setImmediate(() => turnReads.clear());
    rows = store.events.read(recipients, from, limit);
    turnReads.set(key, rows);
  }
  return rows;
}

/**
 * One event of a page as JSON, with its stored data as it is (written by JSON.stringify when queued), once
 * per row object: the polls sharing a read share its rows.
 */
const fragments = new WeakMap<QueuedEventRow, string>();
function eventJson(r: QueuedEventRow): string {
  let json = fragments.get(r);
  if (json === undefined) {
    json = `{"eventId":${r.id},"type":${JSON.stringify(r.type)},"date":${JSON.stringify(r.created_at)},"data":${r.data}}`;
    fragments.set(r, json);
  }
  return json;
}

export async function pollQueue(ctx: MethodContext, recipients: number[], p: Record<string, unknown>): Promise<EventPage> {
  const offset = intArg(p, 'offset', 0);
  const limit = Math.min(1000, Math.max(1, intArg(p, 'limit', 100)));
  const wait = ctx.inBatch ? 0 : Math.min(MAX_WAIT_SECONDS, Math.max(0, intArg(p, 'wait', 0)));
  const { store, waiters } = ctx.platform;
  const from = Math.max(0, offset);
  // Taken before the first read: a commit whose wake-up comes after it may have been missed by that read.
  let epoch = waiters?.epoch ?? 0;
  // Acknowledging and reading in one transaction only when an offset asks for it; without one a poll
  // costs one read. Thousands of polls held at once each pay this once, so it is kept small.
  let rows =
    offset > 0
      ? await store.transaction(async (tx) => {
          await tx.events.acknowledge(recipients, offset);
          return tx.events.read(recipients, from, limit);
        })
      : await store.events.read(recipients, from, limit);
  if (!rows.length && wait > 0 && waiters) {
    const deadline = performance.now() + wait * 1000;
    const heldSince = performance.now();
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0 || ctx.signal?.aborted) break;
      // Sleep only while no wake-up happened since the last read; otherwise read again first.
      if (waiters.epoch === epoch && !(await waiters.wait(recipients, left, ctx.signal))) break;
      epoch = waiters.epoch;
      rows = await sharedRead(store, epoch, recipients, from, limit);
      if (rows.length) break;
    }
    ctx.idle?.(performance.now() - heldSince);
  }
  let nextOffset = offset;
  const events = rows.map((r) => {
    nextOffset = Math.max(nextOffset, r.id + 1);
    return eventJson(r);
  });
  return { events: new RawJson(`[${events.join(',')}]`), nextOffset, hasMore: rows.length >= limit };
}
