import { ApiError, Errors, isApiError } from '../domain/errors.js';

/**
 * HTTP status of each error code (_includes/system-errors.md and the platform notes). Everything
 * a method raises that is not listed here is a 400, like a RestException without a status.
 */
const STATUS: Record<string, number> = {
  NO_AUTH_FOUND: 401,
  INVALID_CREDENTIALS: 401,
  expired_token: 401,
  invalid_token: 401,
  authorization_error: 401,
  APPLICATION_NOT_FOUND: 401,
  session_failed: 401,
  insufficient_scope: 403,
  ACCESS_DENIED: 403,
  WRONG_AUTH_TYPE: 403,
  user_access_error: 403,
  ERROR_METHOD_NOT_FOUND: 404,
  OPERATION_TIME_LIMIT: 429,
  QUERY_LIMIT_EXCEEDED: 503,
  OVERLOAD_LIMIT: 503,
  INTERNAL_SERVER_ERROR: 500,
  ERROR_CORE: 500,
  ERROR_BATCH_METHOD_NOT_ALLOWED: 405,
  // authorization server (/oauth/token/)
  invalid_client: 401,
};

/** Errors the protocol raises around a method (auth, scope, limits); a controller's own errors are all 400. */
const PROTOCOL_CODES = new Set([
  'NO_AUTH_FOUND', 'INVALID_CREDENTIALS', 'expired_token', 'invalid_token', 'authorization_error', 'APPLICATION_NOT_FOUND', 'session_failed',
  'insufficient_scope', 'WRONG_AUTH_TYPE', 'ERROR_METHOD_NOT_FOUND', 'OPERATION_TIME_LIMIT', 'QUERY_LIMIT_EXCEEDED',
  'INTERNAL_SERVER_ERROR',
]);

export function statusOf(err: ApiError, method?: { errorStatus?: Record<string, number>; controller?: boolean }): number {
  const override = method?.errorStatus?.[err.code];
  if (override) return override;
  if (method?.controller && !PROTOCOL_CODES.has(err.code)) return 400;
  return STATUS[err.code] ?? 400;
}

export function errorBody(err: ApiError): Record<string, unknown> {
  return { error: err.code, error_description: err.description, ...err.extra };
}

/** Anything thrown that is not an ApiError is a bug: report it without leaking a stack. */
export function toApiError(e: unknown): ApiError {
  return isApiError(e) ? e : Errors.internal();
}
