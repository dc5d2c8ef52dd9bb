/** A time for a message or a list entry: the clock today, the date before. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

export const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('') || '?';

/** Dialog ids as the API speaks them: a user id, or `chat<N>`. */
export const dialogHash = (dialogId: string) => `#/dialog/${dialogId}`;
export const dialogFromHash = (hash: string) => /^#\/dialog\/(\d+|chat\d+)$/.exec(hash)?.[1] ?? null;
