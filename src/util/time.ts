const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');

/** The last second formatted: a request formats the current time several times (answer, rows, events). */
let lastSecond = NaN;
let lastText = '';

/** ISO-8601 with a numeric offset (`+00:00`, never `Z`), as PHP's date('c') prints it. */
export function isoDate(date: Date = new Date()): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second === lastSecond) return lastText;
  lastText = formatIso(date);
  lastSecond = second;
  return lastText;
}

function formatIso(date: Date): string {
  const offsetMin = -date.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(offsetMin / 60)}:${pad(offsetMin % 60)}`
  );
}

export const unixNow = (): number => Math.floor(Date.now() / 1000);
