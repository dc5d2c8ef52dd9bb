import { parse } from '@bbob/parser';

/** What @bbob/parser gives back: text, or a tag with its source positions (end absent when never closed). */
export type BbNode = string | BbTag;
export interface BbTag {
  tag: string;
  attrs: Record<string, string>;
  content: BbNode[] | null;
  start?: { from: number; to: number };
  end?: { from: number; to: number };
}

/** The BB-code tree of a text: tags are case-insensitive, `[code]` content is left unparsed. */
export function parseBb(text: string): BbNode[] {
  return parse(text, { caseFreeTags: true, contextFreeTags: ['code'] }) as unknown as BbNode[];
}

/** `[tag=VALUE …]` → VALUE (everything after the first `=`, quotes removed). */
export function mainValue(t: BbTag, src: string): string {
  const raw = t.start ? src.slice(t.start.from + 1, t.start.to - 1) : '';
  const eq = raw.indexOf('=');
  if (eq < 0) return '';
  return raw.slice(eq + 1).trim().replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
}

/** `[icon=URL size=20 title="a b"]` → {'': URL, size: '20', title: 'a b'}. */
export function namedValues(t: BbTag, src: string): Record<string, string> {
  const raw = t.start ? src.slice(t.start.from + 1, t.start.to - 1) : '';
  const out: Record<string, string> = {};
  const first = /^[^\s=]+=("[^"]*"|'[^']*'|\S+)/.exec(raw);
  if (first) out[''] = first[1].replace(/^["']|["']$/g, '');
  const rest = first ? raw.slice(first[0].length) : raw;
  for (const m of rest.matchAll(/([a-z_]+)=("[^"]*"|'[^']*'|\S+)/gi)) out[m[1].toLowerCase()] = m[2].replace(/^["']|["']$/g, '');
  return out;
}

export function plainText(nodes: BbNode[] | null): string {
  return (nodes ?? []).map((n) => (typeof n === 'string' ? n : plainText(n.content))).join('');
}
