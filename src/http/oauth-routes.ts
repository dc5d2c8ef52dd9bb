import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorizeCode, grantTokens, type TokenRequest } from '../domain/apps.js';
import { isApiError } from '../domain/errors.js';
import { portalDomain } from '../domain/platform.js';
import { ADMIN_USER_ID } from '../domain/portal.js';
import { expandScopes } from '../domain/scopes.js';
import { errorBody, statusOf, toApiError } from './error-status.js';
import type { Gateway } from './gateway.js';

const OAUTH_STATUS: Record<string, number> = { invalid_request: 400, invalid_grant: 400, unsupported_grant_type: 400, invalid_client: 401 };

function fields(req: FastifyRequest): Record<string, string | undefined> {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const b = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  const merged = { ...q, ...b };
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(merged)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

/**
 * The authorization server, which on Bitrix24 lives at oauth.bitrix.info: here it is served by the
 * portal itself, so SDKs whose token URL can be pointed at it (JS serverEndpoint, PHP SDK) refresh locally.
 */
export function registerOAuthRoutes(app: FastifyInstance, gw: Gateway) {
  const token = async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return reply.send(await grantTokens(gw.platform, fields(req) as TokenRequest));
    } catch (e) {
      const err = toApiError(e);
      return reply.code(OAUTH_STATUS[err.code] ?? statusOf(err)).send(errorBody(err));
    }
  };
  app.route({ method: ['GET', 'POST'], url: '/oauth/token', handler: token });

  // No browser session exists yet, so the code is granted for `user_id` (default: the administrator).
  // With a handler URL the user is sent back to it, as Bitrix24 does with the app's redirect URI.
  app.get('/oauth/authorize', async (req, reply) => {
    const f = fields(req);
    try {
      const userId = f.user_id ? Number(f.user_id) : ADMIN_USER_ID;
      const { app: application, code } = await authorizeCode(gw.platform, f.client_id ?? '', userId);
      const back = {
        code,
        state: f.state ?? '',
        domain: portalDomain(gw.platform),
        member_id: gw.platform.memberId,
        scope: expandScopes(application.scopes).join(','),
        server_domain: portalDomain(gw.platform),
      };
      if (!application.handler_url) return reply.send(back);
      const target = new URL(application.handler_url);
      for (const [k, v] of Object.entries(back)) target.searchParams.set(k, v);
      return reply.redirect(target.toString(), 302);
    } catch (e) {
      const err = isApiError(e) ? e : toApiError(e);
      return reply.code(OAUTH_STATUS[err.code] ?? statusOf(err)).send(errorBody(err));
    }
  });
}
