import { CHAT_APP_UPDATE_FIELDS, registerChatApp, unregisterChatApp, updateChatApp } from '../domain/bots/apps.js';
import { v1OwnerKey } from '../domain/bots/owner.js';
import { imParams } from './im-common.js';
import { defineMethod, type MethodDef } from './registry.js';

const DOCS = 'api-reference/chats/outdated/create-app';

type Params = Record<string, unknown>;

/**
 * imbot v1 chat-application methods (im_rest.php appRegister / appUnRegister / appUpdate): top-level
 * names case-insensitive, nested keys upper case, Y/N flags; errors are 400 except the 403
 * ACCESS_DENIED "Client ID not specified" of a webhook call without CLIENT_ID.
 */
const defineV1 = (def: Omit<MethodDef<typeof imParams>, 'scope' | 'upperCaseParams' | 'params'>) =>
  defineMethod({ scope: 'imbot', upperCaseParams: true, params: imParams, ...def });

export const imbotAppRegister = defineV1({
  name: 'imbot.app.register',
  docs: `${DOCS}/imbot-app-register.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    return registerChatApp(ctx.platform.store, key, p);
  },
});

export const imbotAppUnregister = defineV1({
  name: 'imbot.app.unregister',
  docs: `${DOCS}/imbot-app-unregister.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    await unregisterChatApp(ctx.platform.store, key, p.APP_ID);
    return true;
  },
});

/**
 * The fields of imbot.app.update: `FIELDS` as the platform reads it (and the page's example sends);
 * the page's parameter table lists them at the top level, so top-level ones are taken too, FIELDS winning.
 */
function updateFields(p: Params): Params {
  const out: Params = {};
  for (const k of CHAT_APP_UPDATE_FIELDS) if (p[k] !== undefined) out[k] = p[k];
  const f = p.FIELDS;
  if (f && typeof f === 'object' && !Array.isArray(f)) Object.assign(out, f);
  return out;
}

export const imbotAppUpdate = defineV1({
  name: 'imbot.app.update',
  docs: `${DOCS}/imbot-app-update.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    await updateChatApp(ctx.platform.store, key, p.APP_ID, updateFields(p));
    return true;
  },
});

export const imbotAppMethods = [imbotAppRegister, imbotAppUnregister, imbotAppUpdate];
