/** The messenger's colour palette (chat-bots-v2 chats/chat-add.md "Available Colors"), stored as the code. */
export const COLORS: Record<string, string> = {
  red: '#df532d',
  green: '#64a513',
  mint: '#4ba984',
  lightBlue: '#4ba5c3',
  darkBlue: '#3e99ce',
  purple: '#8474c8',
  aqua: '#1eb4aa',
  pink: '#f76187',
  lime: '#58cc47',
  brown: '#ab7761',
  azure: '#29619b',
  khaki: '#728f7a',
  sand: '#ba9c7b',
  marengo: '#556574',
  gray: '#909090',
  graphite: '#5e5f5e',
};

const CODES = Object.keys(COLORS);

/** Accepts `lightBlue`, `LIGHT_BLUE` (v1 style) or `lightblue`; undefined when not a palette colour. */
export function colorCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || !input) return undefined;
  const flat = input.replace(/_/g, '').toLowerCase();
  return CODES.find((c) => c.toLowerCase() === flat);
}

/** A stable palette colour for objects created without one. */
export const autoColor = (id: number) => CODES[id % CODES.length];

export const colorHex = (code: string, id: number) => COLORS[code] ?? COLORS[autoColor(id)];

/** A palette colour's name as people read it in the chat ("Light blue" for lightBlue). */
export function colorLabel(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
