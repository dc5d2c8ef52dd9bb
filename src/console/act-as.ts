import type { AuthContext } from '../domain/auth.js';
import { ApiError } from '../domain/errors.js';
import { type Platform } from '../domain/platform.js';
import { KNOWN_SCOPES } from '../domain/scopes.js';
import type { Gateway } from '../http/gateway.js';
import { executeCall } from '../http/gateway.js';

/**
 * The caller of `/_imbot/as/{userId}/…` and of the seed: that person through an incoming webhook with
 * every scope, as if they had created one (a bot registered this way is owned by its botToken, as a
 * webhook-registered bot is). Not a stored webhook: nothing is left behind.
 */
export async function actAs(p: Platform, userId: number): Promise<AuthContext> {
  const user = Number.isInteger(userId) && userId > 0 ? await p.store.users.byId(userId) : undefined;
  if (!user) throw new ApiError('USER_NOT_FOUND', `User ${userId} not found`);
  if (!user.active) throw new ApiError('USER_NOT_ACTIVE', `User ${userId} is deactivated`);
  return { type: 'webhook', userId: user.id, isAdmin: !!user.is_admin, scopes: [...KNOWN_SCOPES], credential: '', limiterKey: `as:${user.id}` };
}

/** One REST method run as `userId` through the gateway (scope, parameter and ownership checks included). */
export async function callAs(gw: Gateway, userId: number, method: string, params: Record<string, unknown>): Promise<unknown> {
  const def = gw.registry.find(method);
  if (!def) throw new ApiError('ERROR_METHOD_NOT_FOUND', `Method '${method}' not found`);
  const out = await executeCall(gw, await actAs(gw.platform, userId), def, params, 0, false);
  return out.result;
}
