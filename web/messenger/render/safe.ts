import type { ColorToken } from './types.js';

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);
const HEX_RE = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: '\u00a0' };

/**
 * A URL fit for `href`/`src`: http(s), mailto, tel or a path on this portal (`/…`, `?…`, `#…`);
 * a bare `www.host/…` gets `http://` as Bitrix24's parser does. Anything else (javascript:, data:,
 * control characters that browsers strip inside a scheme) gives undefined and the caller renders text.
 */
export function safeUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const url = raw.trim();
  if (url === '' || /[\u0000-\u001f\u007f\s]/.test(url)) return undefined;
  if (/^[/?#]/.test(url)) return url.startsWith('//') ? `https:${url}` : url;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme) return SAFE_SCHEMES.has(scheme[1].toLowerCase()) ? url : undefined;
  if (/^www\.[^/]/i.test(url)) return `http://${url}`;
  return undefined;
}

/** Only for images: same rules, minus mailto/tel. */
export function safeImageUrl(raw: unknown): string | undefined {
  const url = safeUrl(raw);
  return url && !/^(?:mailto|tel):/i.test(url) ? url : undefined;
}

/** `#rgb` / `#rrggbb` or undefined: colours go into inline styles, so nothing else passes. */
export function safeColor(raw: unknown): string | undefined {
  return typeof raw === 'string' && HEX_RE.test(raw.trim()) ? raw.trim() : undefined;
}

export const COLOR_TOKENS: readonly ColorToken[] = ['primary', 'secondary', 'alert', 'base'];

export function colorToken(raw: unknown): ColorToken {
  return typeof raw === 'string' && (COLOR_TOKENS as readonly string[]).includes(raw) ? (raw as ColorToken) : 'base';
}

/**
 * The colour of an attach or a GRID value: a non-base COLOR_TOKEN is the current way to colour
 * (attachments/index.md), a HEX COLOR the compatible one; `transparent` hides the attach bar.
 */
export function tokenOrColor(token: unknown, color: unknown): { token?: ColorToken; color?: string; transparent?: boolean } {
  const t = colorToken(token);
  if (t !== 'base') return { token: t };
  if (typeof color === 'string' && color.toLowerCase() === 'transparent') return { transparent: true };
  const hex = safeColor(color);
  return hex ? { color: hex } : {};
}

/** Keyboard LINKs and menu TEXT/LINKs are stored through htmlspecialchars; show them as typed. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+\d*);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower in ENTITIES) return ENTITIES[lower];
    if (lower.startsWith('#x')) return codePoint(parseInt(lower.slice(2), 16)) ?? whole;
    if (lower.startsWith('#')) return codePoint(parseInt(lower.slice(1), 10)) ?? whole;
    return whole;
  });
}

function codePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : undefined;
}

/** A positive integer from stored JSON (numbers may arrive as strings), else undefined. */
export function positiveInt(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
