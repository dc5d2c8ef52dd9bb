import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTimeObject, testServer, type TestServer } from './helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(() => s.close());

describe('smoke', () => {
  it('answers server.time through the admin webhook in all three encodings', async () => {
    for (const enc of ['json', 'form', 'query'] as const) {
      const r = await s.call('server.time', {}, enc);
      expect(r.status).toBe(200);
      expect(r.body.result).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      expect(isTimeObject(r.body.time)).toBe(true);
    }
  });
});
