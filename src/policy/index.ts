export { followedNames } from './followed-names.js';
export { describePolicyIssues, formatPolicyPath } from './describe-policy-issues.js';
export { formatAction } from './format-action.js';
export { formatPlanText } from './format-plan-text.js';
export { loadPolicy } from './load-policy.js';
export { parsePolicy } from './parse-policy.js';
export type {
  KAnonymitySpec,
  OutputConstraints,
  OutputFit,
  Plan,
  PlannedColumn,
  PlannedTable,
  PlanOptions,
  PreflightFinding,
} from './plan.js';
export { planErrors } from './plan-errors.js';
export { planTransforms } from './plan-transforms.js';
export { policyDigest } from './policy-digest.js';
export { policyJsonSchema } from './policy-json-schema.js';
export type { ColumnAction, Policy, PolicyRule, RuleMatch, TablePolicy } from './policy-schema.js';
export { PolicySchema, SHORTHAND_ACTIONS } from './policy-schema.js';
export { parseByteSize, type SubsetPolicy } from './subset-schema.js';
