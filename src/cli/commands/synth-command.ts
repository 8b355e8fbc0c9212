import { readFile } from 'node:fs/promises';
import { loadSecret, type Settings } from '../../config/index.js';
import { GatewayError, type Logger, type SinkConnector } from '../../core/index.js';
import { createFileTarget, createSource, createTarget, isFileUrl } from '../../compose.js';
import {
  fitSynthesis,
  runSynthesis,
  runSynthReport,
  sampleSynthesis,
  type SynthSummary,
} from '../../pipeline/index.js';
import { loadPolicy, type Policy } from '../../policy/index.js';
import {
  parseScenario,
  parseSynthesisModel,
  parseWhereOptions,
  renderReportHtml,
  type QualityReport,
  type ScenarioSpec,
} from '../../synthesis/index.js';
import { say, writeJson, type CliIo, type OutputFormat } from '../cli-output.js';
import {
  countOption,
  MAX_BATCH_ROWS,
  outputFormat,
  requireOption,
  selectionFrom,
  type CommonOptions,
} from '../cli-options.js';
import { EXIT_OK } from '../exit-codes.js';
import { assertWritable, writeOutputFile } from '../output-file.js';
import { advisorOption, loadDetection } from '../detection-setup.js';

export interface SynthOptions extends CommonOptions {
  readonly source?: string;
  readonly target?: string;
  readonly policy?: string;
  readonly scale?: string;
  readonly seed?: string;
  readonly rareMin?: string;
  readonly sampleRows?: string;
  readonly batchRows?: string;
  readonly out?: string;
  readonly model?: string;
  /** `--where "<table>: <condition>"`, repeatable. */
  readonly where?: readonly string[];
  readonly scenario?: string;
  /** `--epsilon <e>`: differential privacy for the model's counts (`synth`, `synth fit`). */
  readonly epsilon?: string;
  /** The key that made the policy's subset suppression hashes (`synth`, `synth fit`). */
  readonly secretFile?: string;
}

export interface SynthReportOptions {
  readonly real?: string;
  readonly synthetic?: string;
  readonly holdout?: string;
  readonly out?: string;
  readonly format?: string;
  readonly sampleRows?: string;
  readonly policy?: string;
  readonly includeBookkeeping?: boolean;
}

const SCALES = new Set([0.1, 1, 10]);

function scaleOf(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!SCALES.has(value)) throw new GatewayError('usage', '--scale must be 0.1, 1 or 10');
  return value;
}

/** `--epsilon`: absent, nothing changes; else a positive finite number. */
function epsilonOf(options: SynthOptions): { epsilon?: number } {
  if (options.epsilon === undefined) return {};
  const value = Number(options.epsilon);
  if (!(value > 0) || !Number.isFinite(value))
    throw new GatewayError('usage', '--epsilon must be a positive number (e.g. 1)');
  return { epsilon: value };
}

function common(options: SynthOptions, settings: Settings) {
  return {
    seed: options.seed ?? '1',
    rareCategoryMin: countOption(options.rareMin, 5, '--rare-min'),
    maxSampleRows: countOption(options.sampleRows, 100_000, '--sample-rows'),
    batchRows: countOption(options.batchRows, settings.batchRows, '--batch-rows', MAX_BATCH_ROWS),
  };
}

async function planInputs(options: SynthOptions, settings: Settings) {
  const policy = options.policy === undefined ? undefined : await loadPolicy(options.policy);
  // A policy `subset:` makes the model learn from the subset; its suppression hashes need the key.
  const needsKey = policy?.subset?.suppress.some((s) => s.hashes.length > 0) === true;
  return {
    ...(policy === undefined ? { detection: await loadDetection(), ...advisorOption(settings) } : { policy }),
    // Copied reference tables are scanned for personal values before their rows enter the model.
    ...(policy !== undefined && copiesTables(policy) ? { detection: await loadDetection() } : {}),
    ...(needsKey
      ? { secret: await loadSecret({ secretFile: options.secretFile, environmentValue: settings.secret }) }
      : {}),
    selection: selectionFrom(options),
  };
}

/** A `file:` target takes the files' format from `--format` (the summary is then text); a database, the summary's. */
function synthTarget(options: SynthOptions): { target: SinkConnector; format: OutputFormat } {
  const url = requireOption(options.target, '--target');
  if (isFileUrl(url)) return { target: createFileTarget(url, options.format), format: 'text' };
  return { target: createTarget(url), format: outputFormat(options) };
}

/** `--scenario` and `--where`, parsed (syntax and shape only; the model checks names and values). */
async function scenarioInputs(options: SynthOptions): Promise<{ scenario?: ScenarioSpec[] }> {
  const specs: ScenarioSpec[] = [];
  if (options.scenario !== undefined) {
    let text: string;
    try {
      text = await readFile(options.scenario, 'utf8');
    } catch {
      throw new GatewayError('usage', `cannot read the scenario file ${options.scenario}`, {
        file: options.scenario,
      });
    }
    specs.push(parseScenario(text, options.scenario));
  }
  if (options.where !== undefined && options.where.length > 0)
    specs.push({ slices: parseWhereOptions(options.where) });
  return specs.length === 0 ? {} : { scenario: specs };
}

/** `lookalike synth`: fit from the source and load synthetic rows into the empty target (atomic). */
export async function synthCommand(
  options: SynthOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
  logger: Logger,
): Promise<number> {
  const { target, format } = synthTarget(options);
  const conditions = await scenarioInputs(options);
  const summary = await runSynthesis({
    ...conditions,
    source: createSource(requireOption(options.source, '--source'), settings),
    target,
    ...(await planInputs(options, settings)),
    ...common(options, settings),
    ...epsilonOf(options),
    scale: scaleOf(options.scale),
    signal,
    logger,
  });
  report(io, format, summary);
  return EXIT_OK;
}

/** `lookalike synth fit`: the model file (statistics and the schema's DDL, no rows). */
export async function synthFitCommand(
  options: SynthOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
  logger: Logger,
): Promise<number> {
  const out = requireOption(options.out, '--out');
  await assertWritable(out, '--out');
  const model = await fitSynthesis({
    source: createSource(requireOption(options.source, '--source'), settings),
    ...(await planInputs(options, settings)),
    ...common(options, settings),
    ...epsilonOf(options),
    signal,
    logger,
  });
  await writeOutputFile(out, '--out', `${JSON.stringify(model, null, 1)}\n`, { mode: 0o600 });
  say(
    io,
    `model written: ${model.tables.length} tables (statistics only${model.privacy === undefined ? '' : `, counts with ε = ${model.privacy.epsilon}`})` +
      (model.copiedTables === undefined
        ? ''
        : `; reference tables copied as they are (policy synth: copy), their rows in the model: ${model.copiedTables.join(', ')}`),
  );
  if (outputFormat(options) === 'json') writeJson(io, { status: 'completed', tables: model.tables.length });
  return EXIT_OK;
}

/** `lookalike synth sample`: load a model's rows into the empty target; `--source` turns on the filters. */
export async function synthSampleCommand(
  options: SynthOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
  logger: Logger,
): Promise<number> {
  const path = requireOption(options.model, '--model');
  // The model fixed the tables and what it stored; sampling reads only the source's rows to filter.
  const ignored = [
    ...(options.tables === undefined ? [] : ['--tables']),
    ...(options.schemas === undefined ? [] : ['--schemas']),
    ...(options.rareMin === undefined ? [] : ['--rare-min']),
    ...(options.sampleRows !== undefined && options.source === undefined ? ['--sample-rows'] : []),
  ];
  if (ignored.length > 0)
    throw new GatewayError(
      'usage',
      `synth sample takes its tables and statistics from the model: ${ignored.join(', ')} would change nothing` +
        (ignored.includes('--sample-rows') ? ' (--sample-rows applies to the --source filters)' : ''),
    );
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new GatewayError('usage', `cannot read the model file ${path}`);
  }
  const model = parseSynthesisModel(text, path);
  const { target, format } = synthTarget(options);
  const conditions = await scenarioInputs(options);
  const summary = await sampleSynthesis(model, {
    ...conditions,
    target,
    ...(options.source === undefined ? {} : { source: createSource(options.source, settings) }),
    ...common(options, settings),
    scale: scaleOf(options.scale),
    signal,
    logger,
  });
  report(io, format, summary);
  return EXIT_OK;
}

/** `lookalike synth report`: quality and privacy of a synthetic database against the real one. */
export async function synthReportCommand(
  options: SynthReportOptions,
  io: CliIo,
  settings: Settings,
  signal: AbortSignal,
): Promise<number> {
  const format = outputFormat(options);
  if (options.out !== undefined) await assertWritable(options.out, '--out');
  const result: QualityReport = await runSynthReport({
    real: createSource(requireOption(options.real, '--real'), settings),
    synthetic: createSource(requireOption(options.synthetic, '--synthetic'), settings),
    ...(options.holdout === undefined ? {} : { holdout: createSource(options.holdout, settings) }),
    maxRows: countOption(options.sampleRows, 20_000, '--sample-rows'),
    ...(options.policy === undefined ? {} : { policy: await loadPolicy(options.policy) }),
    includeBookkeeping: options.includeBookkeeping === true,
    signal,
  });
  if (options.out !== undefined) {
    await writeOutputFile(options.out, '--out', renderReportHtml(result));
    say(io, `report written: ${options.out}`);
  }
  if (format === 'json') writeJson(io, result);
  else {
    say(
      io,
      [
        `overall ${fmt(result.overall)} (all pairs: ${fmt(result.overallAllPairs)})`,
        `  column shapes ${fmt(result.columnShapes)}, pair trends ${fmt(result.columnPairTrends)} (all pairs ${fmt(result.columnPairTrendsAllPairs)}), cardinality ${fmt(result.cardinality)}, intertable trends ${fmt(result.intertableTrends)} (all pairs ${fmt(result.intertableTrendsAllPairs)})`,
        `  exact-match rate ${fmt(result.privacy.exactMatchRate)}, closer-to-training share ${fmt(result.privacy.closerToTrainingShare)}`,
        ...(result.copiedTables.length === 0
          ? []
          : [
              `  copied as they are (policy synth: copy), not scored: ${result.copiedTables.map((t) => `${t.table} (${t.identical === null ? 'read in part' : t.identical ? 'identical' : 'differs'})`).join(', ')}`,
            ]),
        ...(result.bookkeeping.excluded.length === 0
          ? []
          : [
              `  intertable trends leave out ${result.bookkeeping.excluded.length} bookkeeping column(s) (--include-bookkeeping scores them): ${result.bookkeeping.excluded.map((c) => `${c.table}.${c.column}`).join(', ')}`,
            ]),
      ].join('\n'),
    );
  }
  return EXIT_OK;
}

function fmt(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

function report(io: CliIo, format: 'text' | 'json', summary: SynthSummary): void {
  if (format === 'json') {
    writeJson(io, summary);
    return;
  }
  say(
    io,
    [
      `synthesis complete: ${summary.tables.length} tables, ${summary.totalRows.toLocaleString('en-US')} rows (scale ${summary.scale}, seed ${summary.seed}) — fit ${summary.fitSeconds.toFixed(1)}s, sample ${summary.sampleSeconds.toFixed(1)}s`,
      `  exact-match filter: ${summary.privacyFilters.exactMatchFilter ? 'on' : 'off (no source)'}; fakes checked against real values: ${summary.privacyFilters.realValueCheck ? 'yes' : 'no'}`,
      ...(summary.subset === undefined
        ? []
        : [
            `  learned from a subset: ${summary.subset.totalRows.toLocaleString('en-US')} source rows (policy subset:)`,
          ]),
      ...(summary.tables.some((t) => t.copied === true)
        ? [
            `  copied as they are (policy synth: copy): ${summary.tables
              .filter((t) => t.copied === true)
              .map((t) => `${t.table} (${t.rows} rows)`)
              .join(', ')}`,
          ]
        : []),
      ...summary.tables
        .filter((t) => t.conditionedRows > 0)
        .map(
          (t) =>
            `  ${t.table}: ${t.conditionedRows} rows generated under conditions` +
            (t.exactMatchesKept > 0
              ? ` (${t.exactMatchesKept} equal a real row: the condition fixes them)`
              : ''),
        ),
      ...summary.uncheckedConstraints.map(
        (c) =>
          `  ${c.table}: CHECK constraint ${c.constraint} not checked against the conditions (left to the database)`,
      ),
      ...summary.tables
        .filter((t) => t.droppedRows > 0 || t.exactMatchesRedrawn > 0 || t.exactMatchFilter === 'saturated')
        .map(
          (t) =>
            `  ${t.table}: ${t.exactMatchesRedrawn} exact matches redrawn, ${t.droppedRows} rows dropped, filter ${t.exactMatchFilter}`,
        ),
    ].join('\n'),
  );
}

function copiesTables(policy: Policy): boolean {
  return Object.values(policy.tables).some((table) => table.synth === 'copy');
}
