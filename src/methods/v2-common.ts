import { z } from 'zod';
import { normalizeBoolean } from '../util/bool.js';
import { ownerKey, requireOwnedBot } from '../domain/bots/owner.js';
import { ApiError } from '../domain/errors.js';
import { resolveDialog } from '../domain/messenger/chats.js';
import type { Emit } from '../domain/messenger/events.js';
import { MessageAccess } from '../domain/messenger/reads.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { Store } from '../store/store.js';
import type { BareBotRow, BotRow } from '../store/repos/bots.js';
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
export async function ownedBot(ctx: MethodContext, params: Record<string, unknown>): Promise<{ bot: BareBotRow; key: string }> {
  const key = ownerKey(ctx.auth, params);
  const bot = await requireOwnedBot(ctx.platform.store, key, params);
  return { bot, key };
}

/**
 * The chat `dialogId` names for the bot, which must be a member of it (Chat.Message.read, InputAction.notify,
 * TextField.enabled: `ACCESS_DENIED` "Access denied"). A private dialog is created on first use.
 */
export async function botMemberChat(tx: Store, emit: Emit, botId: number, dialogId: unknown): Promise<ChatRow> {
  const chat = await resolveDialog(tx, emit, botId, dialogId);
  if (!(await tx.chats.member(chat.id, botId))) throw MessageAccess.chatDenied();
  return chat;
}

/** `fields` of v2 methods: camelCase names, or UPPER_SNAKE (the platform converts the top level). */
export function field<T = unknown>(fields: Record<string, unknown> | undefined, camel: string): T | undefined {
  if (!fields) return undefined;
  if (fields[camel] !== undefined) return fields[camel] as T;
  let upper = UPPER_NAMES.get(camel);
  if (upper === undefined) UPPER_NAMES.set(camel, (upper = camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()));
  return fields[upper] as T | undefined;
}

/** camelCase → UPPER_SNAKE of the field names methods ask for (a fixed, small set). */
const UPPER_NAMES = new Map<string, string>();

/** v2 booleans: normalizeBooleanVariable (one definition, in util/bool.ts). */
export const v2bool = normalizeBoolean;

/** A PHP `bool` action argument bound by the controller: any scalar, cast as PHP does (so "N" is true). */
export function phpBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '' && v !== '0';
  return false;
}

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * A PHP `int` action argument as the controller's binder reads it: numbers and numeric strings are
 * accepted (and truncated); an absent required argument or any other value is the binder's error 100.
 */
export function intArg(params: Record<string, unknown>, name: string, fallback?: number): number {
  const v = params[name];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new ApiError('100', `Could not find value for parameter {${name}}`, { error: 100 });
  }
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && NUMERIC.test(v)) return Math.trunc(Number(v));
  const shown = typeof v === 'string' ? v : JSON.stringify(v);
  throw new ApiError('100', `Invalid value ${shown} to match with parameter {${name}}. Should be value of type int.`, { error: 100 });
}

/** A required PHP `string` action argument: scalars become their text; absent is the binder's error 100. */
export function stringArg(params: Record<string, unknown>, name: string): string {
  const v = params[name];
  if (v === undefined || v === null) throw new ApiError('100', `Could not find value for parameter {${name}}`, { error: 100 });
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return typeof v === 'boolean' ? (v ? '1' : '') : String(v);
  throw new ApiError('100', `Invalid value ${JSON.stringify(v)} to match with parameter {${name}}. Should be value of type string.`, { error: 100 });
}
