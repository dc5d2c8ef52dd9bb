import { ApiError, Errors } from '../domain/errors.js';
import { scopeGranted } from '../domain/scopes.js';
import { decodeFailure } from './params.js';
import type { MethodContext, MethodDef } from './registry.js';

/** Validates raw parameters against the method's schema; the first problem becomes the Bitrix error. */
export function parseParams(def: MethodDef, raw: Record<string, unknown>): unknown {
  const input = def.upperCaseParams ? upperCaseKeys(raw) : raw;
  const parsed = def.params.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const coded = decodeFailure(issue.message);
  if (coded) throw new ApiError(coded.code, coded.description);
  const argument = issue.path.map(String).join('.') || '(params)';
  throw Errors.argument(argument, `Argument '${argument}': ${issue.message}`);
}

function upperCaseKeys(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k.toUpperCase()] = v;
  return out;
}

/** The checks every call goes through, top-level or inside batch, before its handler runs. */
export async function invokeMethod(ctx: MethodContext, def: MethodDef, raw: Record<string, unknown>): Promise<unknown> {
  if (def.auth === 'oauth' && ctx.auth.type !== 'oauth') throw Errors.wrongAuthType();
  if (def.session === false && ctx.auth.type === 'session') throw Errors.wrongAuthTypeSession();
  if (!scopeGranted(def.scope, ctx.auth.scopes)) throw Errors.insufficientScope(ctx.auth.type, ctx.inBatch);
  const params = parseParams(def, raw);
  return def.handler(ctx, params);
}
