import { z } from 'zod';
import { assertHttpUrl } from '../domain/apps.js';
import type { AuthContext } from '../domain/auth.js';
import { ApiError, Errors } from '../domain/errors.js';
import { scopeGranted } from '../domain/scopes.js';
import { eventScope } from '../events/catalogue.js';
import { isoDate } from '../util/time.js';
import { int, noParams, text } from './params.js';
import { defineMethod } from './registry.js';

const DOCS = 'api-reference/events';

// event.* are application methods (api/event.php): webhooks get WRONG_AUTH_TYPE before anything else.
const bindingParams = z
  .object({
    EVENT: text().optional(),
    HANDLER: text().optional(),
    AUTH_TYPE: z.union([int(), z.literal('')]).optional(),
    EVENT_TYPE: text().optional(),
    OPTIONS: z.unknown().optional(),
  })
  .passthrough();

type BindingParams = z.output<typeof bindingParams>;

function common(auth: AuthContext, p: BindingParams, verb: 'binding' | 'unbinding') {
  let userId = p.AUTH_TYPE === '' || p.AUTH_TYPE === undefined ? 0 : p.AUTH_TYPE;
  if (userId > 0 && !auth.isAdmin && userId !== auth.userId) {
    throw Errors.accessDenied(`Event ${verb} with AUTH_TYPE requires administrator access rights`);
  }
  if (!auth.isAdmin && userId === 0) userId = auth.userId;
  const event = (p.EVENT ?? '').trim().toUpperCase();
  if (!event) throw Errors.argumentNull('EVENT');
  const eventType = (p.EVENT_TYPE ?? 'online').toLowerCase();
  if (eventType !== 'online' && eventType !== 'offline') {
    throw Errors.argument('EVENT_TYPE', 'Value must be one of {online|offline}');
  }
  const offline = eventType === 'offline';
  if (offline && !auth.isAdmin) {
    throw Errors.accessDenied(`Offline events ${verb} requires administrator access rights`);
  }
  const handler = offline ? '' : (p.HANDLER ?? '').trim();
  if (!offline && !handler) throw Errors.argumentNull('HANDLER');
  return { event, offline, handler, userId: offline ? 0 : userId };
}

export const eventBindMethod = defineMethod({
  name: 'event.bind',
  scope: 'basic',
  auth: 'oauth',
  upperCaseParams: true,
  docs: `${DOCS}/event-bind.md`,
  // "Handler already binded" is a RestException(ERROR_CORE) without a status: 400, not the 500 of an SQL error.
  errorStatus: { ERROR_CORE: 400 },
  params: bindingParams,
  async handler(ctx, p) {
    const app = ctx.auth.app!;
    const b = common(ctx.auth, p, 'binding');
    if (!b.offline) assertHttpUrl(b.handler);
    const scope = eventScope(b.event);
    if (!scope || !scopeGranted(scope, ctx.auth.scopes)) throw new ApiError('ERROR_EVENT_NOT_FOUND', 'Event not found');
    const store = ctx.platform.store;
    const dup = await store.eventBindings.find({ appId: app.id, event: b.event, handler: b.handler, userId: b.userId, connectorId: '' });
    if (dup.length) throw new ApiError('ERROR_CORE', 'Unable to set event handler: Handler already binded');
    const options = p.OPTIONS && typeof p.OPTIONS === 'object' ? p.OPTIONS : {};
    await store.eventBindings.insert({
      app_id: app.id,
      event: b.event,
      handler: b.handler,
      user_id: b.userId,
      offline: b.offline ? 1 : 0,
      options: JSON.stringify(options),
      created_at: isoDate(),
    });
    return true;
  },
});

export const eventUnbindMethod = defineMethod({
  name: 'event.unbind',
  scope: 'basic',
  auth: 'oauth',
  upperCaseParams: true,
  docs: `${DOCS}/event-unbind.md`,
  params: bindingParams,
  async handler(ctx, p) {
    const b = common(ctx.auth, p, 'unbinding');
    const explicitUser = p.AUTH_TYPE !== undefined && p.AUTH_TYPE !== '';
    const count = await ctx.platform.store.eventBindings.delete({
      appId: ctx.auth.app!.id,
      event: b.event,
      handler: b.handler,
      offline: b.offline,
      userId: b.offline ? undefined : explicitUser || !ctx.auth.isAdmin ? b.userId : undefined,
    });
    return { count };
  },
});

export const eventGetMethod = defineMethod({
  name: 'event.get',
  scope: 'basic',
  auth: 'oauth',
  docs: `${DOCS}/event-get.md`,
  params: noParams,
  async handler(ctx) {
    const rows = await ctx.platform.store.eventBindings.find({
      appId: ctx.auth.app!.id,
      userId: ctx.auth.isAdmin ? undefined : ctx.auth.userId,
    });
    return rows.map((r) =>
      r.offline
        ? { event: r.event, connector_id: r.connector_id, offline: 1 }
        : { event: r.event, handler: r.handler, auth_type: String(r.user_id), offline: 0 },
    );
  },
});

export const eventMethods = [eventBindMethod, eventUnbindMethod, eventGetMethod];
