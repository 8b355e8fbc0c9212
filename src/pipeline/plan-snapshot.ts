import { GatewayError, type DatabaseSchema, type Selection, type SourceSession } from '../core/index.js';
import { schemaFingerprint } from '../introspection/index.js';
import type { Detection } from '../detection/index.js';
import { parsePolicy, planErrors, planTransforms, type Plan, type Policy } from '../policy/index.js';
import { draftPolicy } from './draft-policy.js';
import { introspectSelection } from './introspect-selection.js';
import { scanSource, type ScanOptions } from './scan-source.js';
import { outputConstraints } from '../transform/index.js';

export interface PlannedSnapshot {
  readonly schema: DatabaseSchema;
  readonly plan: Plan;
  /** The policy a scan drafted, when planned from one (synthesis reads its `synth: copy`). */
  readonly drafted?: Policy;
}

/** Introspects the source and plans it with the policy. Pure apart from the catalog read. */
export async function planSnapshot(
  source: SourceSession,
  policy: Policy,
  selection: Selection,
): Promise<PlannedSnapshot> {
  const schema = await introspectSelection(source, selection);
  const plan = planTransforms(schema, policy, { selection, outputConstraints });
  return { schema, plan };
}

/** A saved plan runs only against the schema it was made for. */
export async function checkSavedPlan(
  source: SourceSession,
  plan: Plan,
  selection: Selection,
): Promise<PlannedSnapshot> {
  const schema = await introspectSelection(source, selection);
  const fingerprint = schemaFingerprint(schema);
  if (fingerprint !== plan.schemaFingerprint) {
    throw new GatewayError(
      'plan_stale',
      'the source schema changed since the plan was made (schema fingerprint differs); run "lookalike plan" again',
    );
  }
  return { schema, plan };
}

/**
 * Plans from a fresh scan instead of a policy file: the scan's draft policy (the text `scan --write-policy`
 * writes) is parsed and planned like any policy, so undecided columns stop the run (fail closed).
 */
export async function planFromScan(
  source: SourceSession,
  detection: Detection,
  selection: Selection,
  signal: AbortSignal,
  options: ScanOptions = {},
): Promise<PlannedSnapshot> {
  const { schema, classified } = await scanSource(source, selection, detection, signal, options);
  const policy = parsePolicy(
    draftPolicy(schema, classified, detection, 'policy drafted by a scan'),
    '(scan)',
  );
  const plan = planTransforms(schema, policy, { selection, outputConstraints });
  return { schema, plan, drafted: policy };
}

/**
 * Stops before any data moves: uncovered columns need a decision (exit 3), other errors fail pre-flight.
 * `origin` words the message: a policy that misses columns, or a scan that could not decide them.
 */
export function assertPlanRunnable(plan: Plan, origin: 'policy' | 'scan' = 'policy'): void {
  const errors = planErrors(plan);
  // A misspelt table or column explains the uncovered columns that follow from it: report it first.
  for (const code of ['policy_unknown_table', 'policy_unknown_column'] as const) {
    const unknown = errors.filter((f) => f.code === code);
    if (unknown.length > 0) {
      throw new GatewayError(code, unknown.map((f) => f.message).join('; '), {
        items: unknown.map((f) => f.message),
      });
    }
  }
  if (plan.uncovered.length > 0 && plan.strict) {
    throw new GatewayError(
      'uncovered_columns',
      origin === 'policy'
        ? `${plan.uncovered.length} column(s) match no rule; add them to the policy (keep must be explicit)`
        : `${plan.uncovered.length} column(s) could not be classified; decide them in a policy (draft one with "lookalike scan --write-policy")`,
      { items: plan.uncovered.map((u) => `${u.table}.${u.column}`) },
    );
  }
  if (errors.length > 0) {
    throw new GatewayError('preflight_failed', `pre-flight found ${errors.length} problem(s)`, {
      items: errors.map((f) => `${f.code}: ${f.message}`),
    });
  }
}
