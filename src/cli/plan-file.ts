import { readFile } from 'node:fs/promises';
import { GatewayError, type Selection } from '../core/index.js';
import type { Plan } from '../policy/index.js';

/** plan.json: the plan plus the selection it was made for, so `snapshot --plan` runs exactly it. */
interface PlanFile {
  readonly kind: 'lookalike.plan';
  readonly selection: Selection;
  readonly plan: Plan;
}

export function savePlanFile(plan: Plan, selection: Selection): string {
  const file: PlanFile = { kind: 'lookalike.plan', selection, plan };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export async function loadPlanFile(path: string): Promise<{ plan: Plan; selection: Selection }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : 'error';
    throw new GatewayError('plan_invalid', `plan file "${path}" cannot be read (${reason})`, {
      file: path,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError('plan_invalid', `plan file "${path}" is not valid JSON`, { file: path });
  }
  const file = parsed as Partial<PlanFile> | null;
  const plan = file?.plan as Partial<Plan> | undefined;
  if (
    file?.kind !== 'lookalike.plan' ||
    plan?.formatVersion !== 1 ||
    !Array.isArray(plan.tables) ||
    typeof plan.schemaFingerprint !== 'string' ||
    !Array.isArray(file.selection?.schemas) ||
    !Array.isArray(file.selection?.tables)
  ) {
    throw new GatewayError(
      'plan_invalid',
      `plan file "${path}" is not a lookalike plan (made by "lookalike plan --out")`,
      {
        file: path,
      },
    );
  }
  return { plan: plan as Plan, selection: file.selection };
}
