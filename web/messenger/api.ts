/** The signed-in person, as GET /_web/session answers. */
export interface Me {
  id: number;
  name: string;
  firstName: string;
  lastName: string;
  login: string;
  isAdmin: boolean;
  language: string;
}

export interface Session {
  user: Me;
  csrf: string;
}

/** A REST error in the Bitrix shape. */
export class RestError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(`${code}: ${description}`);
  }
}

let csrf = '';

async function readJson(res: Response): Promise<any> {
  const text = await res.text();
  let body: any = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new RestError('BAD_RESPONSE', text.slice(0, 200), res.status);
  }
  if (!res.ok || body.error) throw new RestError(String(body.error ?? 'HTTP_ERROR'), String(body.error_description ?? res.statusText), res.status);
  return body;
}

/** Who is signed in (null: nobody); remembers the CSRF token every later call sends. */
export async function loadSession(): Promise<Session | null> {
  const res = await fetch('/_web/session', { credentials: 'same-origin' });
  const s = (await readJson(res)) as { user: Me | null; csrf: string | null };
  if (!s.user || !s.csrf) return null;
  csrf = s.csrf;
  return s as Session;
}

export async function signIn(login: string, password: string): Promise<Session> {
  const res = await fetch('/_web/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  const s = (await readJson(res)) as Session;
  csrf = s.csrf;
  return s;
}

export async function signOut(): Promise<void> {
  await fetch('/_web/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-bitrix-csrf-token': csrf } });
  csrf = '';
}

export const csrfToken = () => csrf;

/** A REST method as the signed-in person (session auth: the cookie plus the CSRF header). */
export async function call<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`/rest/${method}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-bitrix-csrf-token': csrf },
    body: JSON.stringify(params),
  });
  return (await readJson(res)).result as T;
}

/** One of the messenger's own helpers under /_web (commands, apps, directory). */
export async function web<T = any>(path: string): Promise<T> {
  const res = await fetch(`/_web/${path}`, { credentials: 'same-origin', headers: { 'x-bitrix-csrf-token': csrf } });
  return (await readJson(res)).result as T;
}
