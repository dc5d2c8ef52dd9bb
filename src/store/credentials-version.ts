/**
 * A counter bumped after every write to `users` or `webhooks` (whatever database, committed or not).
 * Caches of credentials resolved from those tables keep the value they were filled at and are
 * dropped once it has moved: a change is never served stale, at worst a cache is refilled for nothing.
 */
let version = 0;

export const credentialsVersion = (): number => version;

export function credentialsChanged(): void {
  version++;
}
