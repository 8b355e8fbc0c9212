import { readFile } from 'node:fs/promises';
import { readKeyFile, type Settings } from '../../config/index.js';
import { GatewayError, type Logger, type Selection } from '../../core/index.js';
import { createSource, createTarget } from '../../compose.js';
import {
  parsePublicKey,
  planOfManifest,
  verifyManifestText,
  type SnapshotManifest,
} from '../../manifest/index.js';
import { runVerification } from '../../pipeline/index.js';
import type { Plan } from '../../policy/index.js';
import { loadPolicy } from '../../policy/index.js';
import { describeProblems, kAnonymityLines, type VerificationResult } from '../../verify/index.js';
import { say, writeJson, type CliIo } from '../cli-output.js';
import {
  countOption,
  MAX_BATCH_ROWS,
  outputFormat,
  requireOption,
  selectionFrom,
  type CommonOptions,
} from '../cli-options.js';
import { advisorOption, loadDetection } from '../detection-setup.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { loadPlanFile } from '../plan-file.js';
import { createProgressRenderer } from '../progress-renderer.js';

export interface VerifyOptions extends CommonOptions {
  readonly source?: string;
  readonly target?: string;
  readonly policy?: string;
  readonly plan?: string;
  readonly manifest?: string;
  /** With --manifest: check its signature first. */
  readonly publicKey?: string;
  readonly batchRows?: string;
}

/** `lookalike verify`: nothing real left, nothing broken. Exit 0 clean, 1 leak or broken integrity. */
export async function verifyCommand(
  options: VerifyOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
  logger: Logger,
): Promise<number> {
  const format = outputFormat(options);
  const given = [options.policy, options.plan, options.manifest].filter((x) => x !== undefined);
  if (given.length > 1)
    throw new GatewayError('usage', 'give at most one of --policy, --plan and --manifest');
  if (options.publicKey !== undefined && options.manifest === undefined)
    throw new GatewayError('usage', "--public-key checks a manifest's signature: give --manifest <file> too");
  const fromFile =
    options.plan !== undefined ? '--plan' : options.manifest !== undefined ? '--manifest' : null;
  if (fromFile !== null && (options.schemas !== undefined || options.tables !== undefined))
    throw new GatewayError(
      'usage',
      `--schemas/--tables come from the ${fromFile.slice(2)} file when ${fromFile} is given`,
    );
  const batchRows = countOption(options.batchRows, settings.batchRows, '--batch-rows', MAX_BATCH_ROWS);
  let plan: Plan | undefined;
  let selection: Selection = selectionFrom(options);
  /** A manifest records a subset without its rules: its plan has no `subset:` section to say so. */
  let subset = false;
  /** A manifest's row counts: what the target must hold, filtered and subset tables included. */
  let recordedRows: Map<string, number> | undefined;
  if (options.plan !== undefined) {
    const saved = await loadPlanFile(options.plan);
    plan = saved.plan;
    selection = saved.selection;
  } else if (options.manifest !== undefined) {
    const manifest = await loadManifest(options.manifest, options.publicKey);
    plan = planOfManifest(manifest);
    selection = manifest.selection;
    subset = manifest.subset !== undefined;
    recordedRows = recordedRowsOf(manifest, options.manifest);
    if (options.publicKey === undefined)
      say(
        io,
        "warning: the manifest's signature was not checked (give --public-key): its plan is trusted as written",
      );
  }
  const policy = options.policy === undefined ? undefined : await loadPolicy(options.policy);
  const result = await runVerification({
    source: createSource(requireOption(options.source, '--source'), settings),
    target: createTarget(requireOption(options.target, '--target')),
    ...(policy === undefined ? {} : { policy }),
    ...(plan === undefined ? {} : { plan }),
    detection: await loadDetection(),
    ...advisorOption(settings),
    selection,
    batchRows,
    subset,
    ...(recordedRows === undefined ? {} : { recordedRows }),
    signal,
    logger,
    onEvent: createProgressRenderer(io.stderr, {
      verify: 'verifying the target against the source (leak scan, integrity)',
    }),
  });
  if (format === 'json') writeJson(io, result);
  say(io, describeVerification(result));
  return result.status === 'clean' ? EXIT_OK : EXIT_FAILED;
}

async function loadManifest(file: string, publicKeyFile: string | undefined): Promise<SnapshotManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new GatewayError(
      'usage',
      `manifest "${file}" cannot be read (${typeof code === 'string' ? code : 'error'})`,
      {
        file,
      },
    );
  }
  if (publicKeyFile !== undefined) {
    const key = parsePublicKey(
      await readKeyFile(publicKeyFile, '--public-key'),
      `--public-key "${publicKeyFile}"`,
    );
    const check = await verifyManifestText(text, key);
    if (!check.valid)
      throw new GatewayError('verification_failed', `manifest "${file}": ${check.message}`, { file });
    return check.manifest;
  }
  let parsed: { manifest?: SnapshotManifest } | null = null;
  try {
    parsed = JSON.parse(text) as { manifest?: SnapshotManifest } | null;
  } catch {
    // Reported below with the other shapes that are not a manifest.
  }
  const manifest = parsed?.manifest;
  // Unsigned, the file is only as good as its shape: what the plan is rebuilt from must be there.
  if (
    manifest?.kind !== 'lookalike.manifest' ||
    !Array.isArray(manifest.tables) ||
    !Array.isArray(manifest.sequences) ||
    typeof manifest.source?.schemaFingerprint !== 'string' ||
    typeof manifest.policy?.digest !== 'string' ||
    typeof manifest.selection !== 'object' ||
    manifest.selection === null
  )
    throw new GatewayError('usage', `"${file}" is not a lookalike manifest`, { file });
  return manifest;
}

/** Human summary: counts and names, then one line per problem. */
export function describeVerification(result: VerificationResult): string {
  const scan = result.leakScan;
  const passed = result.integrity.checks.filter((c) => c.status === 'passed').length;
  const lines = [
    `verification: ${result.status} (${result.seconds.total.toFixed(1)}s)`,
    `  leak scan: ${scan.indexedValues.toLocaleString('en-US')} identifying source values held as keyed fingerprints (false-positive rate ${scan.falsePositiveRate.toExponential(1)} per lookup${scan.passes > 1 ? `; in ${scan.passes} passes over keyed shares` : ''}${scan.droppedValues > 0 ? `; ${scan.droppedValues} not held: index full` : ''}); ${scan.targetColumns} target columns, ${scan.targetRows.toLocaleString('en-US')} rows searched; ${scan.totalLeaks} leak(s)`,
    `  integrity: ${passed} of ${result.integrity.checks.length} checks passed`,
  ];
  if (scan.keptPersonalColumns.length > 0)
    lines.push(`  kept by the policy but personal by the scan: ${scan.keptPersonalColumns.join(', ')}`);
  for (const line of kAnonymityLines(result.kAnonymity ?? [])) lines.push(`  ${line}`);
  for (const problem of describeProblems(result)) lines.push(`  - ${problem}`);
  return lines.join('\n');
}

/** The manifest's row counts, checked: an unsigned file is only as good as its shape. */
function recordedRowsOf(manifest: SnapshotManifest, file: string): Map<string, number> {
  const counts: unknown = manifest.rowCounts;
  const entries = typeof counts === 'object' && counts !== null ? Object.entries(counts) : null;
  if (entries === null || !entries.every(([, n]) => Number.isSafeInteger(n) && (n as number) >= 0))
    throw new GatewayError('usage', `"${file}": rowCounts must map each table to a row count`, { file });
  return new Map(entries as [string, number][]);
}
