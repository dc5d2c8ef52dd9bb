import { z } from 'zod';
import { ownerKey, requireOwnedBot } from '../domain/bots/owner.js';
import type { BotRow } from '../store/repos/bots.js';
import { flag } from './params.js';
import { defineMethod, type MethodContext, type MethodDef } from './registry.js';

/**
 * imbot.v2 bot-auth parameters (BotController): `botId`/`BOT_ID`, `botToken`/`BOT_TOKEN`, and the
 * deprecated `clientId`/`CLIENT_ID`. Every imbot.v2 method schema starts from these.
 */
export const botAuthShape = {
  botId: z.unknown().optional(),
  BOT_ID: z.unknown().optional(),
  botToken: z.unknown().optional(),
  BOT_TOKEN: z.unknown().optional(),
  clientId: z.unknown().optional(),
  CLIENT_ID: z.unknown().optional(),
};

/** v2 booleans (normalizeBooleanVariable): true, "Y", "1", "TRUE" are true; JSON false, "N", "0" false. */
export const v2flag = () => flag().optional();

/** An imbot.v2 action: scope imbot, every error a 400 (RestManager). */
export function defineV2<S extends z.ZodType>(def: Omit<MethodDef<S>, 'scope' | 'controller'> & { scope?: string }): MethodDef<S> {
  return defineMethod({ scope: 'imbot', controller: true, ...def });
}

/** The caller's own bot named by botId, with the documented ownership errors. */
export async function ownedBot(ctx: MethodContext, params: Record<string, unknown>): Promise<{ bot: BotRow; key: string }> {
  const key = ownerKey(ctx.auth, params);
  const bot = await requireOwnedBot(ctx.platform.store, key, params);
  return { bot, key };
}

/** `fields` of v2 methods: camelCase names, or UPPER_SNAKE (the platform converts the top level). */
export function field<T = unknown>(fields: Record<string, unknown> | undefined, camel: string): T | undefined {
  if (!fields) return undefined;
  if (fields[camel] !== undefined) return fields[camel] as T;
  const upper = camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return fields[upper] as T | undefined;
}
