import crypto from 'node:crypto';
import { isoDate } from '../util/time.js';
import { ApiError } from './errors.js';
import type { Platform } from './platform.js';

/**
 * Webhook delivery options, beyond the cloud and off by default (the cloud posts each event once,
 * unsigned beside `application_token`). Set per bot or per OAuth application (a bot's own options win)
 * from the CLI or the control plane, never through a cloud-documented method.
 */
export type DeliveryTarget = { botId: number } | { appId: number };

export interface DeliveryOptionsInput {
  /** Attempts after the first one (0..10). */
  retries?: number;
  /** Delays before retry 1, 2, … in seconds; the last one repeats. Empty: the server's default (10 s, 60 s). */
  backoffSeconds?: number[];
  /** HMAC-SHA256 key for X-Imbot-Signature; null turns signing off, undefined keeps what is set. */
  hmacSecret?: string | null;
}

export interface DeliveryOptionsView {
  target: DeliveryTarget;
  retries: number;
  backoffSeconds: number[];
  signed: boolean;
}

/** What the dispatcher needs for one POST. */
export interface EffectiveDeliveryOptions {
  retries: number;
  backoffSeconds: number[];
  hmacSecret?: string;
}

export const MAX_RETRIES = 10;
const MAX_BACKOFF_SECONDS = 86_400;
export const DEFAULT_BACKOFF_SECONDS = [10, 60];

const invalid = (what: string) => new ApiError('INVALID_DELIVERY_OPTIONS', what);

async function requireTarget(p: Platform, t: DeliveryTarget): Promise<void> {
  if ('botId' in t) {
    if (!(await p.store.bots.byId(t.botId))) throw new ApiError('BOT_NOT_FOUND', 'Bot not found');
  } else if (!(await p.store.apps.byId(t.appId))) throw new ApiError('APP_NOT_FOUND', 'Application not found');
}

function checkInput(o: DeliveryOptionsInput): void {
  if (o.retries !== undefined && !(Number.isInteger(o.retries) && o.retries >= 0 && o.retries <= MAX_RETRIES)) {
    throw invalid(`retries is a whole number from 0 to ${MAX_RETRIES}`);
  }
  if (o.backoffSeconds !== undefined) {
    const ok = Array.isArray(o.backoffSeconds) && o.backoffSeconds.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0 && s <= MAX_BACKOFF_SECONDS);
    if (!ok) throw invalid(`backoffSeconds is a list of delays from 0 to ${MAX_BACKOFF_SECONDS} seconds`);
  }
  if (typeof o.hmacSecret === 'string' && !(o.hmacSecret.length >= 8 && o.hmacSecret.length <= 256)) {
    throw invalid('hmacSecret is 8 to 256 characters');
  }
}

/** Sets (merges) the options of a bot or an application; all off removes them. */
export async function setDeliveryOptions(p: Platform, target: DeliveryTarget, input: DeliveryOptionsInput): Promise<DeliveryOptionsView> {
  checkInput(input);
  await requireTarget(p, target);
  const old = await p.store.deliveryOptions.get(target);
  const retries = input.retries ?? old?.retries ?? 0;
  const backoff = input.backoffSeconds ?? (old ? (JSON.parse(old.backoff) as number[]) : []);
  const sealed = input.hmacSecret === undefined ? (old?.hmac_secret ?? '') : input.hmacSecret === null ? '' : p.box.seal(input.hmacSecret);
  if (retries === 0 && !sealed) await p.store.deliveryOptions.remove(target);
  else await p.store.deliveryOptions.put(target, { retries, backoff: JSON.stringify(backoff), hmac_secret: sealed, updated_at: isoDate() });
  return getDeliveryOptions(p, target);
}

/** The options of a bot or an application (all off when none are set); the secret is never shown. */
export async function getDeliveryOptions(p: Platform, target: DeliveryTarget): Promise<DeliveryOptionsView> {
  await requireTarget(p, target);
  const row = await p.store.deliveryOptions.get(target);
  return { target, retries: row?.retries ?? 0, backoffSeconds: row ? (JSON.parse(row.backoff) as number[]) : [], signed: !!row?.hmac_secret };
}

/** The options applying to a bot's deliveries (its own, else its application's); undefined = cloud behaviour. */
export async function deliveryOptionsForBot(p: Platform, botId: number): Promise<EffectiveDeliveryOptions | undefined> {
  const row = await p.store.deliveryOptions.forBot(botId);
  if (!row) return undefined;
  const own = JSON.parse(row.backoff) as number[];
  return {
    retries: row.retries,
    backoffSeconds: own.length ? own : (p.config.deliveryBackoffSeconds ?? DEFAULT_BACKOFF_SECONDS),
    hmacSecret: row.hmac_secret ? p.box.open(row.hmac_secret) : undefined,
  };
}

/** Delay before retry `n` (1-based): the n-th backoff entry, the last one repeating. */
export function backoffMs(o: EffectiveDeliveryOptions, n: number): number {
  const list = o.backoffSeconds.length ? o.backoffSeconds : DEFAULT_BACKOFF_SECONDS;
  return Math.round(list[Math.min(n, list.length) - 1] * 1000);
}

export const TIMESTAMP_HEADER = 'x-imbot-timestamp';
export const SIGNATURE_HEADER = 'x-imbot-signature';

/**
 * Headers of a signed POST: `X-Imbot-Timestamp` (unix seconds of this attempt) and
 * `X-Imbot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 */
export function signatureHeaders(secret: string, body: string, unixSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const mac = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: String(unixSeconds), [SIGNATURE_HEADER]: `sha256=${mac}` };
}
