import { writeFile } from 'node:fs/promises';
import type { Settings } from '../../config/index.js';
import { createSource } from '../../compose.js';
import { planSnapshot } from '../../pipeline/index.js';
import { formatPlanText, loadPolicy, planErrors } from '../../policy/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import { outputFormat, requireOption, selectionFrom, type CommonOptions } from '../cli-options.js';
import { EXIT_NEEDS_DECISION, EXIT_OK } from '../exit-codes.js';
import { savePlanFile } from '../plan-file.js';

export interface PlanOptions extends CommonOptions {
  readonly source?: string;
  readonly policy?: string;
  readonly out?: string;
  readonly check?: boolean;
}

/** `lookalike plan`: column → action ← rule (reason), and the pre-flight. Reads the catalog only. */
export async function planCommand(
  options: PlanOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
): Promise<number> {
  const format = outputFormat(options);
  const selection = selectionFrom(options);
  const policy = await loadPolicy(requireOption(options.policy, '--policy'));
  const connector = createSource(requireOption(options.source, '--source'), settings);
  const session = await connector.openSource(signal);
  try {
    const { plan } = await planSnapshot(session, policy, selection);
    if (options.out !== undefined) {
      await writeFile(options.out, savePlanFile(plan, selection));
      say(io, `plan written to ${options.out}`);
    }
    if (format === 'json') writeJson(io, plan);
    else say(io, formatPlanText(plan));
    const needsDecision = (plan.strict && plan.uncovered.length > 0) || planErrors(plan).length > 0;
    if (needsDecision && format === 'text') {
      say(
        io,
        `pre-flight: ${plan.uncovered.length} uncovered column(s), ${planErrors(plan).length} error(s)`,
      );
    }
    return options.check === true && needsDecision ? EXIT_NEEDS_DECISION : EXIT_OK;
  } finally {
    await session.close();
  }
}
