/**
 * Permission scopes this server knows (api-reference/scopes/permissions.md). `basic` is the
 * implicit scope of system methods: every caller has it and it is never listed.
 */
export const BASIC_SCOPE = 'basic';

export const KNOWN_SCOPES = [
  'user',
  'user_basic',
  'user_brief',
  'im',
  'imbot',
  'imopenlines',
  'placement',
  'disk',
  'pull',
  'department',
] as const;

/** A method of scope `user` is also open to callers holding `user_basic` or `user_brief` (RestManager::fillAlternativeScope). */
const ALTERNATIVES: Record<string, string[]> = {
  user: ['user_basic', 'user_brief'],
};

export function parseScopeList(input: string | string[] | undefined): string[] {
  const list = Array.isArray(input) ? input : (input ?? '').split(/[\s,]+/);
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

export function scopeGranted(methodScope: string, granted: readonly string[]): boolean {
  if (methodScope === BASIC_SCOPE) return true;
  if (granted.includes(methodScope)) return true;
  return (ALTERNATIVES[methodScope] ?? []).some((s) => granted.includes(s));
}

export function unknownScopes(list: readonly string[]): string[] {
  return list.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s));
}

/** Stored scope lists: comma-separated, or `*` for "every scope this server has" (the admin webhook). */
export function expandScopes(stored: string): string[] {
  return stored.trim() === '*' ? [...KNOWN_SCOPES] : parseScopeList(stored);
}

export function storeScopes(input: string[] | 'all'): string {
  if (input === 'all') return '*';
  const list = parseScopeList(input);
  if (list.includes('*')) return '*';
  return list.join(',');
}
