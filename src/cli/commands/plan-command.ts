import { loadSecret, type Settings } from '../../config/index.js';
import { createSource } from '../../compose.js';
import { computeSubset, planFromScan, planSnapshot } from '../../pipeline/index.js';
import { advisorOption, loadDetection } from '../detection-setup.js';
import { formatSubsetText, subsetSettings } from '../../subset/index.js';
import { subsetOverrides, type SubsetFlags } from '../subset-options.js';
import { formatPlanText, loadPolicy, planErrors, type Plan } from '../../policy/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import { outputFormat, requireOption, selectionFrom, type CommonOptions } from '../cli-options.js';
import { EXIT_NEEDS_DECISION, EXIT_OK } from '../exit-codes.js';
import { savePlanFile } from '../plan-file.js';
import { assertWritable, writeOutputFile } from '../output-file.js';

export interface PlanOptions extends CommonOptions, SubsetFlags {
  readonly secretFile?: string;
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
  const overrides = subsetOverrides(options);
  if (options.out !== undefined) await assertWritable(options.out, '--out');
  const policy = options.policy === undefined ? undefined : await loadPolicy(options.policy);
  // Flags that need the policy's `subset:` section are refused before the source is read.
  if (overrides !== undefined) subsetSettings(policy?.subset, overrides);
  const connector = createSource(requireOption(options.source, '--source'), settings);
  const session = await connector.openSource(signal);
  try {
    const planned =
      policy === undefined
        ? await planFromScan(session, await loadDetection(), selection, signal, advisorOption(settings))
        : await planSnapshot(session, policy, selection);
    // With a subset, the plan carries the settings it was estimated with (flags included), and the
    // estimate is computed in the source now, before any data moves.
    const subsetPolicy = subsetSettings(planned.plan.subset, overrides);
    const plan = subsetPolicy === null ? planned.plan : { ...planned.plan, subset: subsetPolicy };
    const secret =
      subsetPolicy?.suppress.some((s) => s.hashes.length > 0) === true
        ? await loadSecret({ secretFile: options.secretFile, environmentValue: settings.secret })
        : null;
    const subset = await computeSubset(session, planned.schema, plan, undefined, secret, signal);
    if (options.out !== undefined) {
      await writeOutputFile(options.out, '--out', savePlanFile(plan, selection));
      say(io, `plan written to ${options.out}`);
    }
    const shown = withoutSuppressedValues(plan);
    if (format === 'json') writeJson(io, subset === null ? shown : { ...shown, subsetEstimate: subset });
    else
      say(
        io,
        subset === null ? formatPlanText(plan) : `${formatPlanText(plan)}\n${formatSubsetText(subset)}`,
      );
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

/**
 * The plan as printed: a suppression list's values (the people who asked to be erased) and keyed hashes
 * are counted, not shown — the saved plan file (`--out`) keeps them, since a run needs them.
 */
function withoutSuppressedValues(plan: Plan): object {
  if (plan.subset === undefined) return plan;
  return {
    ...plan,
    subset: {
      ...plan.subset,
      suppress: plan.subset.suppress.map(({ values, hashes, ...entry }) => ({
        ...entry,
        values: values.length,
        hashes: hashes.length,
      })),
    },
  };
}
