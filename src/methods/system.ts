import { z } from 'zod';
import { findApp } from '../domain/apps.js';
import { Errors } from '../domain/errors.js';
import { BASIC_SCOPE, KNOWN_SCOPES, scopeGranted } from '../domain/scopes.js';
import { requireUser } from '../domain/users.js';
import { profileView } from '../format/user.js';
import { isoDate } from '../util/time.js';
import { flag, noParams, text } from './params.js';
import { defineMethod, type MethodContext } from './registry.js';

const DOCS = 'api-reference/common/system';
const LICENSE = 'en_selfhosted';

/** `methods`: lower-case names; the caller's scopes plus the basic ones, or one scope, or all (`full`). */
export const methodsMethod = defineMethod({
  name: 'methods',
  scope: BASIC_SCOPE,
  docs: `${DOCS}/methods.md`,
  upperCaseParams: true,
  params: z.object({ FULL: flag().optional(), SCOPE: z.string().optional() }).passthrough(),
  handler(ctx, p) {
    const all = ctx.registry.all();
    let chosen;
    if (p.SCOPE !== undefined) {
      const scope = p.SCOPE === '' ? BASIC_SCOPE : p.SCOPE;
      chosen = all.filter((m) => m.scope === scope);
    } else if (p.FULL) {
      chosen = all;
    } else {
      chosen = all.filter((m) => scopeGranted(m.scope, ctx.auth.scopes));
    }
    return chosen.map((m) => m.name.toLowerCase());
  },
});

export const methodGetMethod = defineMethod({
  name: 'method.get',
  scope: BASIC_SCOPE,
  docs: `${DOCS}/method-get.md`,
  params: z.object({ name: text().optional() }).passthrough(),
  handler(ctx, p) {
    const def = p.name ? ctx.registry.find(p.name) : undefined;
    return { isExisting: !!def, isAvailable: !!def && scopeGranted(def.scope, ctx.auth.scopes) };
  },
});

export const scopeMethod = defineMethod({
  name: 'scope',
  scope: BASIC_SCOPE,
  docs: `${DOCS}/scope.md`,
  upperCaseParams: true,
  params: z.object({ FULL: flag().optional() }).passthrough(),
  handler: (ctx, p) => (p.FULL ? [...KNOWN_SCOPES] : [...ctx.auth.scopes]),
});

export const serverTimeMethod = defineMethod({
  name: 'server.time',
  scope: BASIC_SCOPE,
  docs: `${DOCS}/server-time.md`,
  params: noParams,
  handler: () => isoDate(),
});

export const profileMethod = defineMethod({
  name: 'profile',
  scope: BASIC_SCOPE,
  docs: 'api-reference/common/users/profile.md',
  params: noParams,
  async handler(ctx: MethodContext) {
    return profileView(await requireUser(ctx.platform.store, ctx.auth.userId));
  },
});

/**
 * `app.info`: the application behind an OAuth token. A webhook has no application; like the
 * platform (rest_provider.php appInfo) it gets its scopes and the licence instead.
 */
export const appInfoMethod = defineMethod({
  name: 'app.info',
  scope: BASIC_SCOPE,
  docs: `${DOCS}/app-info.md`,
  errorStatus: { ACCESS_DENIED: 400 },
  params: noParams,
  async handler(ctx) {
    if (ctx.auth.type === 'webhook') return { SCOPE: [...ctx.auth.scopes], LICENSE };
    if (!ctx.auth.app) throw Errors.accessDenied('Application context required');
    const app = await findApp(ctx.platform.store, String(ctx.auth.app.id));
    return {
      ID: app.id,
      CODE: app.code,
      VERSION: app.version,
      STATUS: app.status,
      INSTALLED: !!app.installed,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID: app.language_id,
      LICENSE,
      LICENSE_TYPE: 'selfhosted',
      LICENSE_FAMILY: 'selfhosted',
    };
  },
});

export const systemMethods = [methodsMethod, methodGetMethod, scopeMethod, serverTimeMethod, profileMethod, appInfoMethod];
