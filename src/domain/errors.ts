/**
 * A failed call, as Bitrix reports it: an error code and a description. Raised anywhere below the
 * protocol layer; the protocol layer alone decides the HTTP status (see http/error-status.ts).
 * `extra` keys are added to the error body next to `error`/`error_description` (e.g. `argument`).
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly description: string = '',
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${description}`);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

// Errors shared by many methods, with the exact texts Bitrix uses.
export const Errors = {
  noAuth: () => new ApiError('NO_AUTH_FOUND', 'Wrong authorization data'),
  invalidCredentials: () => new ApiError('INVALID_CREDENTIALS', 'Invalid request credentials'),
  expiredToken: () => new ApiError('expired_token', 'The access token provided has expired'),
  insufficientScope: (by: 'webhook' | 'oauth' | 'session', batch = false) =>
    new ApiError(
      'insufficient_scope',
      batch ? '' : `The request requires higher privileges than provided by the ${by === 'webhook' ? 'webhook' : 'access'} token`,
    ),
  methodNotFound: () => new ApiError('ERROR_METHOD_NOT_FOUND', 'Method not found!'),
  accessDenied: (why = '') => new ApiError('ACCESS_DENIED', why ? `Access denied! ${why}` : 'Access denied!'),
  wrongAuthType: () => new ApiError('WRONG_AUTH_TYPE', 'Current authorization type is denied for this method'),
  wrongAuthTypeSession: () => new ApiError('WRONG_AUTH_TYPE', 'Access for this method not allowed by session authorization.'),
  argumentNull: (name: string) =>
    new ApiError('ERROR_ARGUMENT', `Argument '${name}' is null or empty`, { argument: name }),
  argument: (name: string, why: string) => new ApiError('ERROR_ARGUMENT', why, { argument: name }),
  queryLimit: () => new ApiError('QUERY_LIMIT_EXCEEDED', 'Too many requests'),
  operationTimeLimit: () => new ApiError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.'),
  internal: () => new ApiError('INTERNAL_SERVER_ERROR', 'Internal server error'),
  invalidRequest: (why: string) => new ApiError('INVALID_REQUEST', why),
};
