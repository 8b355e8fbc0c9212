import type { z } from 'zod';
import { GatewayError, HTTP_STATUS_BY_CODE, type ErrorCode } from '../core/index.js';

/** Errors raised here with a message written for the caller; any other error's message stays internal. */
const PUBLIC_MESSAGES = new WeakSet<GatewayError>();

export function publicError(
  code: ErrorCode,
  message: string,
  fields?: readonly FieldProblem[],
): GatewayError {
  const error = new GatewayError(
    code,
    message,
    fields === undefined ? {} : { items: fields.map(formatField) },
  );
  PUBLIC_MESSAGES.add(error);
  if (fields !== undefined) FIELD_PROBLEMS.set(error, fields);
  return error;
}

const FIELD_PROBLEMS = new WeakMap<GatewayError, readonly FieldProblem[]>();

export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly request_id?: string;
  readonly errors?: readonly FieldProblem[];
}

/** The problem+json body for an error: built from its code (and our own public message), never its cause. */
export function problemOf(error: GatewayError, requestId: string | undefined): Problem {
  const fields = FIELD_PROBLEMS.get(error);
  return {
    type: `urn:lookalike:error:${error.code}`,
    title: error.code.replaceAll('_', ' '),
    status: HTTP_STATUS_BY_CODE[error.code],
    code: error.code,
    ...(PUBLIC_MESSAGES.has(error) ? { detail: error.message } : {}),
    ...(requestId === undefined ? {} : { request_id: requestId }),
    ...(fields === undefined ? {} : { errors: fields }),
  };
}

/** zod issues → field problems from structured fields only (never the input, which may be anything). */
export function fieldProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    const field = issue.path.map(String).join('.') || '(body)';
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ field: key, problem: 'unknown field' }));
      case 'invalid_type':
        return [{ field, problem: `expected ${issue.expected}` }];
      case 'too_small':
        return [{ field, problem: `too small: at least ${issue.minimum}` }];
      case 'too_big':
        return [{ field, problem: `too big: at most ${issue.maximum}` }];
      case 'invalid_value':
        return [{ field, problem: `expected one of: ${issue.values.map(String).join(', ')}` }];
      case 'invalid_format':
        return [{ field, problem: `expected ${issue.format}` }];
      default:
        return [{ field, problem: issue.message }];
    }
  });
}

function formatField(f: FieldProblem): string {
  return `${f.field}: ${f.problem}`;
}
