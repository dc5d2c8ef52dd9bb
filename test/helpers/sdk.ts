import fs from 'node:fs';
import https from 'node:https';
import { ApiVersion, B24Hook, Logger } from '@bitrix24/b24jssdk';

/** Client-side throttling and retries off, so tests see the server's answers as they are. */
export const NO_THROTTLE = {
  rateLimit: { burstLimit: 1_000_000, drainRate: 1_000_000, adaptiveEnabled: false },
  operatingLimit: { windowMs: 600_000, limitMs: 1e12, heavyPercent: 100 },
  adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
  maxRetries: 1,
  retryDelay: 0,
  retryOnNetworkError: false,
};

/** The official SDK in webhook mode over HTTPS, trusting the server's self-signed certificate. */
export function sdkHook(httpsWebhookUrl: string, certPath: string): B24Hook {
  const agent = new https.Agent({ ca: fs.readFileSync(certPath, 'utf8') });
  const b24 = B24Hook.fromWebhookUrl(httpsWebhookUrl, { restrictionParams: NO_THROTTLE });
  for (const v of [ApiVersion.v2, ApiVersion.v3]) b24.getHttpClient(v).ajaxClient.defaults.httpsAgent = agent;
  b24.offClientSideWarning();
  b24.setLogger(Logger.create('test'));
  return b24;
}

/** `result` of a call through the SDK; throws on an error answer. */
export async function sdkCall<T = any>(b24: B24Hook, method: string, params: Record<string, unknown> = {}): Promise<T> {
  const r = await b24.actions.v2.call.make({ method, params });
  if (!r.isSuccess) throw new Error(`${method}: ${r.getErrorMessages().join('; ')}`);
  return (r.getData() as { result: T }).result;
}
