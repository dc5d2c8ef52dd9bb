import type { RenderContext } from './types.js';

/**
 * `[timestamp=UNIX format=FORMAT]` (message-formatting.md): the moment in the reader's time zone.
 * FORMAT names Bitrix24's site date formats; each maps to the closest Intl pattern.
 */
const FORMATS: Record<string, Intl.DateTimeFormatOptions> = {
  SHORT_TIME_FORMAT: { hour: '2-digit', minute: '2-digit' },
  LONG_TIME_FORMAT: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  FORMAT_DATE: { year: 'numeric', month: '2-digit', day: '2-digit' },
  SHORT_DATE_FORMAT: { year: 'numeric', month: '2-digit', day: '2-digit' },
  MEDIUM_DATE_FORMAT: { year: 'numeric', month: 'short', day: 'numeric' },
  LONG_DATE_FORMAT: { year: 'numeric', month: 'long', day: 'numeric' },
  FULL_DATE_FORMAT: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' },
  DAY_MONTH_FORMAT: { month: 'long', day: 'numeric' },
  DAY_SHORT_MONTH_FORMAT: { month: 'short', day: 'numeric' },
  DAY_OF_WEEK_MONTH_FORMAT: { weekday: 'long', month: 'long', day: 'numeric' },
  FORMAT_DATETIME: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
};
const DEFAULT: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' };

export function formatTimestamp(unix: number, format: string | undefined, ctx: RenderContext): { iso: string; text: string } {
  const date = new Date(unix * 1000);
  const options = { ...(FORMATS[(format ?? '').toUpperCase()] ?? DEFAULT), timeZone: ctx.timeZone };
  let text: string;
  try {
    text = new Intl.DateTimeFormat(ctx.locale, options).format(date);
  } catch {
    // An unknown time zone or locale from the page: fall back rather than break the message.
    text = date.toISOString();
  }
  return { iso: date.toISOString(), text };
}
