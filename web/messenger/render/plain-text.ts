import { mainValue, parseBb, plainText, type BbNode } from './bb-parse.js';
import { positiveInt } from './safe.js';
import type { RenderContext } from './types.js';

/** The text of a message without BB-codes, for dialog-list previews and notifications. */
export function bbCodeToPlainText(text: string, ctx: RenderContext = {}): string {
  if (!text) return '';
  const nodes = parseBb(text);
  const walk = (list: BbNode[]): string =>
    list
      .map((n) => {
        if (typeof n === 'string') return n;
        const tag = n.tag.toLowerCase();
        if (tag === 'br') return '\n';
        if (tag === 'user' && !plainText(n.content).trim()) {
          const id = positiveInt(mainValue(n, text).split(/\s+/)[0]);
          return id ? ctx.users?.[id]?.name ?? `User ${id}` : '';
        }
        if (tag === 'icon') return '[icon]';
        if (tag === 'disk') return '[file]';
        if (tag === 'img') return '[image]';
        return walk(n.content ?? []);
      })
      .join('');
  return walk(nodes)
    .replace(/^>>/gm, '')
    .replace(/^-{6,}$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}
