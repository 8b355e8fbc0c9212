import type { ErrorCode } from '../core/index.js';

/** 0 ok, 1 failed (including a leak), 2 usage, 3 needs a decision. Exhaustive over error codes. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_NEEDS_DECISION = 3;

export const EXIT_CODE_BY_ERROR: { readonly [C in ErrorCode]: number } = {
  usage: EXIT_USAGE,
  config_invalid: EXIT_USAGE,
  secret_missing: EXIT_USAGE,
  secret_invalid: EXIT_USAGE,
  policy_unreadable: EXIT_USAGE,
  policy_invalid: EXIT_USAGE,
  policy_unknown_table: EXIT_USAGE,
  policy_unknown_column: EXIT_USAGE,
  plan_invalid: EXIT_USAGE,
  uncovered_columns: EXIT_NEEDS_DECISION,
  preflight_failed: EXIT_NEEDS_DECISION,
  plan_stale: EXIT_NEEDS_DECISION,
  source_unreachable: EXIT_FAILED,
  target_unreachable: EXIT_FAILED,
  auth_failed: EXIT_FAILED,
  target_not_empty: EXIT_FAILED,
  source_read_failed: EXIT_FAILED,
  target_write_failed: EXIT_FAILED,
  schema_copy_failed: EXIT_FAILED,
  tool_missing: EXIT_FAILED,
  tool_version_mismatch: EXIT_FAILED,
  verification_failed: EXIT_FAILED,
  leak_found: EXIT_FAILED,
  transform_failed: EXIT_FAILED,
  cancelled: EXIT_FAILED,
  unauthorized: EXIT_FAILED,
  forbidden: EXIT_FAILED,
  not_found: EXIT_FAILED,
  conflict: EXIT_FAILED,
  rate_limited: EXIT_FAILED,
  payload_too_large: EXIT_FAILED,
  unavailable: EXIT_FAILED,
  internal: EXIT_FAILED,
};
