import { describe, expect, it } from 'vitest';
import { phpScalars, webhookBody } from '../src/events/webhook-form.js';
import { buildPhpQuery } from '../src/util/php-params.js';

// The one-pass encoder must write exactly what qs writes for phpScalars(payload) (PHP's http_build_query).
const payloads: Record<string, unknown>[] = [
  { event: 'ONIMBOTV2MESSAGEADD', event_handler_id: 12, ts: 1763790000 },
  { data: { message: { text: 'Hello, world! (it*s) ~fine~', params: { ATTACH: [{ MESSAGE: 'a&b=c' }] } } } },
  { data: { list: [1, 'two', true, false, null, [], { deep: ['x y', 'ü€😀'] }] } },
  { 'key with space': 'v', 'k[0]': "quote'd", 'emoji 😀': '%20+' },
  { auth: { access_token: 'a1b2', domain: 'localhost:8080', member_id: 'abc.def-ghi_jkl~' }, empty: '', zero: 0, neg: -1.5 },
];

describe('webhook form body', () => {
  it.each(payloads.map((p, i) => [i, p] as const))('payload %i matches qs over phpScalars', (_i, payload) => {
    expect(webhookBody(payload)).toBe(buildPhpQuery(phpScalars(payload) as Record<string, unknown>));
  });

  it('falls back to the two-step encoding for what encodeURIComponent refuses (a lone surrogate)', () => {
    const payload = { text: 'broken \ud800 surrogate' };
    expect(webhookBody(payload)).toBe(buildPhpQuery(phpScalars(payload) as Record<string, unknown>));
  });
});
