import { loadSecret, type Settings } from '../../config/index.js';
import { GatewayError, type Logger } from '../../core/index.js';
import { createSource, createTarget } from '../../compose.js';
import { runSnapshot, type SnapshotSummary } from '../../pipeline/index.js';
import { loadPolicy } from '../../policy/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import {
  countOption,
  MAX_BATCH_ROWS,
  outputFormat,
  requireOption,
  selectionFrom,
  type CommonOptions,
} from '../cli-options.js';
import { EXIT_OK } from '../exit-codes.js';
import { loadPlanFile } from '../plan-file.js';
import { assertWritable } from '../output-file.js';
import { createProgressRenderer } from '../progress-renderer.js';
import { advisorOption, loadDetection } from '../detection-setup.js';
import { subsetOverrides, type SubsetFlags } from '../subset-options.js';
import { subsetSettings } from '../../subset/index.js';
import type { Plan } from '../../policy/index.js';
import { kAnonymityLines } from '../../verify/index.js';
import { loadSigningKey, toolVersion, writeSnapshotManifest } from './manifest-command.js';

export interface SnapshotOptions extends CommonOptions, SubsetFlags {
  readonly source?: string;
  readonly target?: string;
  readonly policy?: string;
  readonly plan?: string;
  readonly secretFile?: string;
  readonly batchRows?: string;
  /** Worker threads for large free-text tables (default: one per core, at most 4). */
  readonly transformWorkers?: string;
  /** Write the signed manifest here (never into the target). */
  readonly manifestOut?: string;
  /** Ed25519 PKCS#8 PEM key that signs the manifest; wins over LOOKALIKE_SIGNING_KEY_FILE. */
  readonly signingKey?: string;
}

/** `lookalike snapshot`: the whole path, fail-closed and atomic. */
export async function snapshotCommand(
  options: SnapshotOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
  logger: Logger,
): Promise<number> {
  const format = outputFormat(options);
  if (options.policy !== undefined && options.plan !== undefined) {
    throw new GatewayError('usage', 'give one of --policy <file> or --plan <plan.json>, not both');
  }
  const secret = await loadSecret({ secretFile: options.secretFile, environmentValue: settings.secret });
  const saved = options.plan === undefined ? undefined : await loadPlanFile(options.plan);
  if (saved !== undefined && (options.schemas !== undefined || options.tables !== undefined)) {
    throw new GatewayError('usage', '--schemas/--tables come from the plan file when --plan is given');
  }
  const policy = options.policy === undefined ? undefined : await loadPolicy(options.policy);
  const batchRows = countOption(options.batchRows, settings.batchRows, '--batch-rows', MAX_BATCH_ROWS);
  const transformWorkers =
    options.transformWorkers === undefined ? undefined : Number(options.transformWorkers);
  if (transformWorkers !== undefined && (!Number.isInteger(transformWorkers) || transformWorkers < 0))
    throw new GatewayError('usage', '--transform-workers must be 0 or a positive integer');

  const subset = subsetOverrides(options);
  if (saved !== undefined && subset !== undefined)
    throw new GatewayError(
      'usage',
      '--max-rows/--max-bytes/--seed come from the plan file when --plan is given',
    );
  // Flags that need the policy's `subset:` section are refused before the value pass reads the source.
  if (subset !== undefined && saved === undefined) subsetSettings(policy?.subset, subset);
  if (options.signingKey !== undefined && options.manifestOut === undefined)
    throw new GatewayError('usage', '--signing-key signs the manifest: give --manifest-out <file> too');
  if (options.manifestOut !== undefined) await assertWritable(options.manifestOut, '--manifest-out');
  const signingKey =
    options.manifestOut === undefined
      ? null
      : await loadSigningKey(options.signingKey ?? settings.signingKeyFile);
  let plan: Plan | undefined;
  const summary = await runSnapshot({
    onPlan: (planned) => {
      plan = planned;
    },
    source: createSource(requireOption(options.source, '--source'), settings),
    target: createTarget(requireOption(options.target, '--target')),
    ...(policy === undefined ? {} : { policy }),
    ...(saved === undefined ? {} : { plan: saved.plan }),
    // Without --policy or --plan, a scan drafts the policy; with any, detection still finds text spans.
    detection: await loadDetection(),
    ...advisorOption(settings),
    selection: saved?.selection ?? selectionFrom(options),
    secret,
    batchRows,
    ...(transformWorkers === undefined ? {} : { transformWorkers }),
    signal,
    logger,
    onEvent: createProgressRenderer(io.stderr),
    ...(subset === undefined ? {} : { subset }),
  });
  if (options.manifestOut !== undefined && plan !== undefined) {
    await writeSnapshotManifest(
      options.manifestOut,
      summary,
      plan,
      saved?.selection ?? selectionFrom(options),
      signingKey,
      await toolVersion(),
      io,
    );
  }
  if (format === 'json') writeJson(io, summary);
  else say(io, describeSummary(summary));
  return EXIT_OK;
}

export function describeSummary(summary: SnapshotSummary): string {
  const rate = summary.seconds > 0 ? Math.round(summary.totalRows / summary.seconds) : summary.totalRows;
  return [
    `snapshot complete: ${summary.tables.length} tables, ${summary.totalRows.toLocaleString('en-US')} rows in ${summary.seconds.toFixed(1)}s (${rate.toLocaleString('en-US')} rows/s)`,
    `  sequences set: ${summary.sequences}, materialized views refreshed: ${summary.materializedViews}, columns dropped: ${summary.droppedColumns}`,
    `  key id: ${summary.keyId}  schema: ${summary.schemaFingerprint.slice(0, 16)}  policy: ${summary.policyDigest.slice(0, 16)}`,
    ...kAnonymityLines(summary.verification.kAnonymity ?? []).map((line) => `  ${line}`),
  ].join('\n');
}
