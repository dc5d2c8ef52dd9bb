import { ApiError } from '../errors.js';

export const attachError = () => new ApiError('PARAM_ATTACH_ERROR', 'Incorrect attach params');

const BLOCKS = new Set(['USER', 'LINK', 'RICH_LINK', 'MESSAGE', 'GRID', 'IMAGE', 'FILE', 'DELIMITER', 'HTML']);

/**
 * Validates an attachment (attachments/*.md, CIMMessageParamAttach): a list of blocks, or
 * `{ID?, COLOR?, BLOCKS:[…]}`. Each block has exactly one known key. Stored as `{ID, COLOR, BLOCKS}` in a list.
 */
export function validateAttach(input: unknown): Record<string, unknown>[] {
  if (input === undefined || input === null || input === '') return [];
  const raw = typeof input === 'string' ? safeJson(input) : input;
  if (!raw || typeof raw !== 'object') throw attachError();
  const groups: Record<string, unknown>[] = [];
  const asList = (v: unknown) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []);
  const container = raw as Record<string, unknown>;
  const candidates = 'BLOCKS' in container ? [container] : asList(raw).every((b) => b && typeof b === 'object' && 'BLOCKS' in (b as object)) ? asList(raw) : [{ BLOCKS: asList(raw) }];
  for (const c of candidates as Record<string, unknown>[]) {
    const blocks = asList(c.BLOCKS);
    if (blocks.length === 0) throw attachError();
    for (const block of blocks) {
      if (!block || typeof block !== 'object') throw attachError();
      const keys = Object.keys(block as object);
      if (keys.length !== 1 || !BLOCKS.has(keys[0])) throw attachError();
    }
    groups.push({ ID: c.ID ?? 1, COLOR: typeof c.COLOR === 'string' ? c.COLOR : '', BLOCKS: blocks });
  }
  if (JSON.stringify(groups).length >= 60_000) throw attachError();
  return groups;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw attachError();
  }
}
