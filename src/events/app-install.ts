import { applicationToken, findApp, issueTokens, markInstalled, tokenPayload } from '../domain/apps.js';
import type { Platform } from '../domain/platform.js';
import { requireUser } from '../domain/users.js';
import { unixNow } from '../util/time.js';
import { type DeliveryResult, postForm } from './http-delivery.js';

export interface InstallOutcome {
  clientId: string;
  handlerUrl: string;
  /** What was (or would have been) posted to the handler. */
  payload: Record<string, unknown>;
  delivery?: DeliveryResult;
}

/**
 * Installs a local application the way Bitrix24 does for an app with an "initial installation path":
 * the app is marked installed, a token pair is issued for the installing user, and ONAPPINSTALL
 * is posted form-encoded to the handler (settings/app-installation/local-apps/installation-callback.md).
 */
export async function installApp(p: Platform, ref: string, userId = 1): Promise<InstallOutcome> {
  const user = await requireUser(p.store, userId);
  const app = await markInstalled(p, await findApp(p.store, ref));
  const tokens = await issueTokens(p, app, user.id);
  const payload = {
    event: 'ONAPPINSTALL',
    event_handler_id: 0,
    data: { VERSION: String(app.version), ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: app.language_id },
    ts: String(unixNow()),
    auth: { ...tokenPayload(p, app, tokens), application_token: applicationToken(p, app) },
  };
  const outcome: InstallOutcome = { clientId: app.client_id, handlerUrl: app.handler_url, payload };
  if (app.handler_url) outcome.delivery = await postForm(app.handler_url, payload, p.config.deliveryTimeoutMs);
  return outcome;
}
