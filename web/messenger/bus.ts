import type { LiveEvent } from './live';

type Listener = (e: LiveEvent) => void;
const listeners = new Set<Listener>();

/** Live events fanned out inside the page: the open dialog and the recent list each listen. */
export const liveBus = {
  on(fn: Listener) {
    listeners.add(fn);
    return () => void listeners.delete(fn);
  },
  emit(e: LiveEvent) {
    for (const fn of listeners) fn(e);
  },
};
