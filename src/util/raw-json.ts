import { randomBytes } from 'node:crypto';

/**
 * JSON text that goes into a response as it is, instead of being parsed and serialised again: the
 * stored data of queued events. A page of 100 events, or 50 held polls answered with the same event,
 * spent most of their time in JSON.parse and JSON.stringify of text that was JSON to begin with.
 *
 * Anywhere a plain JSON.stringify meets one (a batch answer, the console), it serialises as the value
 * it holds; {@link stringifyWithRaw} splices the text in without parsing it.
 */
export class RawJson {
  constructor(readonly json: string) {}

  toJSON(): unknown {
    if (collecting) {
      collecting.push(this.json);
      return `${MARK}${collecting.length - 1}`;
    }
    return JSON.parse(this.json) as unknown;
  }
}

/** Set while stringifyWithRaw runs (JSON.stringify is synchronous, so nothing else runs meanwhile). */
let collecting: string[] | null = null;

// A placeholder no string of a caller can spell: a NUL (escaped as \u0000 in the output) and a random tag.
const TAG = `raw-${randomBytes(8).toString('hex')}-`;
const MARK = `\u0000${TAG}`;
const PLACEHOLDER = new RegExp(`"\\\\u0000${TAG}(\\d+)"`, 'g');

/** JSON.stringify(value), with the text of every RawJson in it placed as is. */
export function stringifyWithRaw(value: unknown): string {
  const raws: string[] = [];
  collecting = raws;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    collecting = null;
  }
  return raws.length ? text.replace(PLACEHOLDER, (_, i: string) => raws[Number(i)]) : text;
}
