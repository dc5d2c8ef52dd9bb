import { describe, expect, it } from 'vitest';
import { isoDate } from '../src/util/time.js';

// isoDate keeps the last second it formatted; any other second must be formatted anew.

const offset = (d: Date) => {
  const m = -d.getTimezoneOffset();
  const abs = Math.abs(m);
  return `${m >= 0 ? '+' : '-'}${String(Math.trunc(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

describe('isoDate', () => {
  it("prints local time with a numeric offset, as PHP's date('c')", () => {
    const d = new Date(2026, 10, 22, 9, 5, 7, 450);
    expect(isoDate(d)).toBe(`2026-11-22T09:05:07${offset(d)}`);
  });

  it('gives the same text within one second and the right one for any other, earlier or later', () => {
    const base = new Date(2026, 0, 2, 3, 4, 5, 0).getTime();
    expect(isoDate(new Date(base + 999))).toBe(isoDate(new Date(base)));
    expect(isoDate(new Date(base + 1000))).toMatch(/^2026-01-02T03:04:06[+-]\d\d:\d\d$/);
    expect(isoDate(new Date(base - 1))).toMatch(/^2026-01-02T03:04:04[+-]\d\d:\d\d$/);
    expect(isoDate(new Date(base - 86_400_000))).toMatch(/^2026-01-01T03:04:05[+-]\d\d:\d\d$/);
    expect(isoDate(new Date(base))).toMatch(/^2026-01-02T03:04:05[+-]\d\d:\d\d$/);
  });

  it('formats the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const text = isoDate();
    const after = Math.floor(Date.now() / 1000);
    const at = Math.floor(new Date(text).getTime() / 1000);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
  });
});
