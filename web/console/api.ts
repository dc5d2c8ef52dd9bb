/** The control plane (/_imbot/*) from the console page: the admin's session cookie plus its CSRF token. */

export class ControlError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(`${code}: ${description}`);
  }
}

export interface Me {
  id: number;
  name: string;
  isAdmin: boolean;
}

let csrf = '';

export async function loadSession(): Promise<Me | null> {
  const res = await fetch('/_web/session', { credentials: 'same-origin' });
  const s = (await res.json()) as { user: Me | null; csrf: string | null };
  if (!s.user || !s.csrf) return null;
  csrf = s.csrf;
  return s.user;
}

async function request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-bitrix-csrf-token': csrf };
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/yaml' : 'application/json';
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new ControlError('BAD_RESPONSE', text.slice(0, 200), res.status);
  }
  if (!res.ok || json.error) throw new ControlError(String(json.error ?? 'HTTP_ERROR'), String(json.error_description ?? res.statusText), res.status);
  return json.result as T;
}

export const get = <T = any>(path: string) => request<T>('GET', path);
export const post = <T = any>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});

/** One inspector row (src/console/inspector.ts Inspector.view). */
export interface Row {
  id: number;
  kind: 'call' | 'event';
  time: string;
  method?: string;
  caller?: { kind: string; id?: number | string; userId?: number };
  via?: string;
  status: number | string;
  durationMs?: number;
  error?: { error: string; error_description: string };
  type?: string;
  botId?: number;
  mode?: 'fetch' | 'webhook';
  deliveryId?: number;
  attempts?: { ok: boolean; status: number; latencyMs: number; error?: string; replay?: boolean }[];
  [key: string]: unknown;
}

export interface Filter {
  kind: '' | 'call' | 'event';
  bot: string;
  method: string;
  type: string;
  error: boolean;
}

export function filterQuery(f: Filter): string {
  const q = new URLSearchParams();
  if (f.kind) q.set('kind', f.kind);
  if (f.bot.trim()) q.set('bot', f.bot.trim());
  if (f.method.trim()) q.set('method', f.method.trim());
  if (f.type.trim()) q.set('type', f.type.trim());
  if (f.error) q.set('error', '1');
  return q.toString();
}
