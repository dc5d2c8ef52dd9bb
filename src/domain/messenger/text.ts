export const MESSAGE_LIMIT = 20_000;
const SUFFIX = ' (...)';

/**
 * Text as the platform stores it: `[BR]`/`#BR#` become newlines, the text is trimmed, and a text
 * over 20,000 characters is cut to 20,000 plus ` (...)` (entities.md: "Longer messages are truncated").
 */
export function normalizeText(input: string): string {
  let text = input.replace(/\[br\]|#br#/gi, '\n').trim();
  if ([...text].length > MESSAGE_LIMIT) text = [...text].slice(0, MESSAGE_LIMIT).join('') + SUFFIX;
  return text;
}

/** User ids mentioned with `[USER=<id>]…[/USER]` (numeric ids only; `[USER=all]` is not a mention of anyone). */
export function mentionedUserIds(text: string): number[] {
  const ids = new Set<number>();
  for (const m of text.matchAll(/\[USER=(\d+)(?:\s[^\]]*)?\]/gi)) ids.add(Number(m[1]));
  return [...ids];
}

/** Slash commands in a text: per line, `/name params` (Command::onCommandAdd), at most 10. */
export function slashCommands(text: string): { command: string; params: string }[] {
  const found: { command: string; params: string }[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^\/(\S+)(?: ?)(.*)$/);
    if (m) found.push({ command: m[1].toLowerCase(), params: m[2].trim() });
    if (found.length === 10) break;
  }
  return found;
}
