/**
 * The few DOM calls the menu makes, typed here: the test program (tsconfig.test.json) compiles
 * without lib.dom, and these files are part of it through test/web-render.test.ts.
 */
export interface DomElement {
  focus(): void;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  contains(other: unknown): boolean;
}

export const asDom = (el: unknown): DomElement | null => (el as DomElement | null) ?? null;

export function nextFrame(fn: () => void): void {
  const raf = (globalThis as { requestAnimationFrame?: (f: () => void) => number }).requestAnimationFrame;
  if (raf) raf(fn);
  else setTimeout(fn, 0);
}

/** Listens on the whole document (capture phase) until the returned function is called. */
export function onDocument(type: string, handler: (e: { target: unknown }) => void): () => void {
  const doc = (globalThis as { document?: { addEventListener(t: string, h: unknown, c: boolean): void; removeEventListener(t: string, h: unknown, c: boolean): void } }).document;
  if (!doc) return () => {};
  doc.addEventListener(type, handler, true);
  return () => doc.removeEventListener(type, handler, true);
}
