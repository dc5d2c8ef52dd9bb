import type { FastifyRequest } from 'fastify';

const AUTH_KEYS = new Set(['auth', 'access_token', 'auth_connector']);

export interface SplitParams {
  params: Record<string, unknown>;
  /** OAuth access token from `Authorization: Bearer`, `auth` or `access_token`, in Bitrix's order. */
  token?: string;
  /** The `start` paging parameter; Bitrix strips it from the method's own parameters. */
  start: number;
}

/**
 * Query merged with body (body wins per top-level key, CRestUtil::getRequestData), with the auth
 * parameters, the SDK telemetry (`bx24_*`), `start` and `state` taken out.
 */
export function splitParams(query: Record<string, unknown>, body: Record<string, unknown>, authHeader?: string): SplitParams {
  const merged: Record<string, unknown> = { ...query, ...body };
  let token: string | undefined;
  const bearer = authHeader?.match(/^Bearer\s+(.+)$/i);
  if (bearer) token = bearer[1].trim();
  for (const key of ['auth', 'access_token']) {
    if (token === undefined && typeof merged[key] === 'string' && merged[key]) token = merged[key] as string;
  }
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(merged)) {
    if (AUTH_KEYS.has(k) || k.startsWith('bx24_') || k === 'start' || k === 'state') continue;
    params[k] = v;
  }
  return { params, token, start: parseStart(merged.start) };
}

function parseStart(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : 0;
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

export function requestParams(req: FastifyRequest): SplitParams {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const body = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : {};
  return splitParams(query, body, req.headers.authorization);
}
