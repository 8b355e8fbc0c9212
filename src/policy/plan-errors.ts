import type { Plan, PreflightFinding } from './plan.js';

/** The findings that stop a run. */
export function planErrors(plan: Plan): PreflightFinding[] {
  return plan.findings.filter((f) => f.severity === 'error');
}
