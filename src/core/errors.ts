/**
 * One error class with a closed set of codes. Messages name things (tables, columns, files, paths) and
 * never quote row values, keys, tokens or connection strings. Public responses derive from `code` only.
 */

export const ERROR_CODES = [
  'usage',
  'config_invalid',
  'secret_missing',
  'secret_invalid',
  'policy_unreadable',
  'policy_invalid',
  'policy_unknown_table',
  'policy_unknown_column',
  'uncovered_columns',
  'preflight_failed',
  'plan_invalid',
  'plan_stale',
  'source_unreachable',
  'target_unreachable',
  'auth_failed',
  'target_not_empty',
  'source_read_failed',
  'target_write_failed',
  'schema_copy_failed',
  'tool_missing',
  'tool_version_mismatch',
  'verification_failed',
  'leak_found',
  'transform_failed',
  'cancelled',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'payload_too_large',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Exhaustive: adding a code without a status fails to compile. */
export const HTTP_STATUS_BY_CODE: { readonly [C in ErrorCode]: number } = {
  usage: 400,
  config_invalid: 500,
  secret_missing: 500,
  secret_invalid: 500,
  policy_unreadable: 400,
  policy_invalid: 400,
  policy_unknown_table: 422,
  policy_unknown_column: 422,
  uncovered_columns: 422,
  preflight_failed: 422,
  plan_invalid: 400,
  plan_stale: 409,
  source_unreachable: 502,
  target_unreachable: 502,
  auth_failed: 502,
  target_not_empty: 409,
  source_read_failed: 502,
  target_write_failed: 502,
  schema_copy_failed: 502,
  tool_missing: 500,
  tool_version_mismatch: 500,
  verification_failed: 500,
  leak_found: 422,
  transform_failed: 500,
  cancelled: 499,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
};

/** Identifiers that may accompany an error: names and counts, never values. */
export interface ErrorDetails {
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly file?: string;
  readonly path?: string;
  readonly sqlState?: string;
  readonly items?: readonly string[];
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** Anything that is not already a GatewayError becomes `internal` with a fixed message: causes may hold values. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'unexpected internal error');
}
