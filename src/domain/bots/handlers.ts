import type { AuthContext } from '../auth.js';

/**
 * imbot v1 handler URLs (HandlerHelper::checkCallback): the problem text the platform reports, or
 * undefined for an acceptable URL. A URL needs a host ("Wrong handler URL") and the http or https
 * scheme ("Unsupported handler protocol"). Loopback and dot-less hosts such as localhost are accepted
 * here (local bots are this server's main use), unlike on the platform.
 */
export function handlerUrlProblem(url: unknown): string | undefined {
  const s = typeof url === 'string' ? url.trim() : typeof url === 'number' ? String(url) : '';
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return 'Wrong handler URL';
  }
  // A host as written (WHATWG would read `http:///x` as host `x`; parse_url finds none).
  if (!u.hostname || !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^/?#@]*@)?[^/?#:@]+/.test(s)) return 'Wrong handler URL';
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Unsupported handler protocol';
  return undefined;
}

/**
 * The handler URL as the platform stores it: for a webhook caller (custom CLIENT_ID) `CLIENT_ID=<value>`
 * is appended with `?` or `&`, so the handler can tell which client an event is for; an application's
 * URL is kept as given.
 */
export function handlerUrlFor(auth: AuthContext, params: Record<string, unknown>, url: string): string {
  if (auth.type === 'oauth' && auth.app) return url;
  const client = params.CLIENT_ID === true ? '1' : String(params.CLIENT_ID);
  return `${url}${url.includes('?') ? '&' : '?'}CLIENT_ID=${client}`;
}
