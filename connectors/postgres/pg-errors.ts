import { GatewayError, type ErrorCode, type ErrorDetails } from '../../src/core/index.js';

/**
 * node-postgres errors carry `message`/`detail`/`where` text that can quote row values. Only the SQLSTATE
 * and the object names the server reports (table, column, constraint) survive translation.
 */
interface DatabaseErrorLike {
  code?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  schema?: unknown;
}

export function databaseErrorDetails(error: unknown): ErrorDetails {
  const e = (typeof error === 'object' && error !== null ? error : {}) as DatabaseErrorLike;
  const details: { -readonly [K in keyof ErrorDetails]: ErrorDetails[K] } = {};
  if (typeof e.code === 'string') details.sqlState = e.code;
  if (typeof e.table === 'string') {
    details.table = typeof e.schema === 'string' ? `${e.schema}.${e.table}` : e.table;
  }
  if (typeof e.column === 'string') details.column = e.column;
  if (typeof e.constraint === 'string') details.constraint = e.constraint;
  return details;
}

/** SQLSTATE class names for messages (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const SQLSTATE_MEANING: Readonly<Record<string, string>> = {
  '23502': 'not-null violation',
  '23503': 'foreign key violation',
  '23505': 'unique violation',
  '23514': 'check violation',
  '22001': 'value too long for the column type',
  '22P02': 'invalid text representation',
  '22007': 'invalid datetime format',
  '22008': 'datetime field overflow',
  '22003': 'numeric value out of range',
  '42P01': 'relation does not exist',
  '42703': 'column does not exist',
  '42501': 'insufficient privilege',
  '57014': 'statement cancelled',
  '57P01': 'connection terminated by an administrator',
  '25006': 'read-only transaction',
  '40001': 'serialization failure',
};

export function describeDatabaseError(error: unknown): string {
  const details = databaseErrorDetails(error);
  const parts: string[] = [];
  if (details.sqlState !== undefined) {
    parts.push(
      `SQLSTATE ${details.sqlState}${SQLSTATE_MEANING[details.sqlState] ? ` (${SQLSTATE_MEANING[details.sqlState]})` : ''}`,
    );
  } else if (isConnectionLoss(error)) {
    parts.push('connection lost');
  }
  if (details.constraint !== undefined) parts.push(`constraint "${details.constraint}"`);
  if (details.column !== undefined) parts.push(`column "${details.column}"`);
  return parts.length > 0 ? parts.join(', ') : 'database error';
}

export function isConnectionLoss(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (
    typeof e.code === 'string' &&
    ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', '57P01', '57P02', '57P03'].includes(e.code)
  ) {
    return true;
  }
  return (
    typeof e.message === 'string' && /Connection terminated|connection ended|not queryable/i.test(e.message)
  );
}

export function translateDatabaseError(
  error: unknown,
  code: ErrorCode,
  context: string,
  extra: ErrorDetails = {},
): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError(code, `${context}: ${describeDatabaseError(error)}`, {
    ...databaseErrorDetails(error),
    ...extra,
  });
}

export function translateConnectError(
  error: unknown,
  role: 'source' | 'target',
  label: string,
): GatewayError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === '28P01' || code === '28000') {
    return new GatewayError('auth_failed', `${label}: authentication failed (check user and password)`, {
      sqlState: code,
    });
  }
  if (code === '3D000') {
    return new GatewayError(
      role === 'source' ? 'source_unreachable' : 'target_unreachable',
      `${label} does not exist`,
      { sqlState: code },
    );
  }
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host not found'
        : code === 'ETIMEDOUT'
          ? 'connection timed out'
          : code !== ''
            ? `error ${code}`
            : 'cannot connect';
  return new GatewayError(
    role === 'source' ? 'source_unreachable' : 'target_unreachable',
    `${label} is unreachable: ${reason}`,
    code.length === 5 ? { sqlState: code } : {},
  );
}
