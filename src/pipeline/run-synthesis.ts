import { randomBytes } from 'node:crypto';
import {
  GatewayError,
  qualifiedName,
  type Logger,
  type Secret,
  type Selection,
  type SinkConnector,
  type SinkSession,
  type SourceConnector,
  type SourceSession,
  type TableRef,
} from '../core/index.js';
import type { ValueBloomFilter } from '../fake-values/index.js';
import type { ColumnAdvisor, Detection } from '../detection/index.js';
import { schemaFingerprint } from '../introspection/index.js';
import type { Plan, Policy } from '../policy/index.js';
import {
  fitSynthesisModel,
  MAX_COPIED_ROWS,
  privatizeModel,
  resolveScenario,
  seededRandom,
  type ResolvedScenario,
  type ScenarioSpec,
  type SynthesisModel,
  type TableOutcome,
  type TableSample,
} from '../synthesis/index.js';
import type { SubsetEstimate, SubsetOverrides } from '../subset/index.js';
import { computeSubset } from './compute-subset.js';
import type { LoadUnit, LoadUnitDispatcher } from './load-units.js';
import { dropRunState, putRunState } from './sealed-run-state.js';
import {
  encodeSynthUnitState,
  planSynthUnits,
  sequencesOf,
  SYNTH_UNIT_STATE_BLOB,
  synthesisSampler,
  writeSynthTable,
} from './synth-units.js';
import { findKeptPersonalColumns } from './verify-snapshot.js';
import { assertPlanRunnable, planFromScan, planSnapshot } from './plan-snapshot.js';
import {
  collectPersonalValues,
  copiedTables,
  readSynthSample,
  realTuplesFromSamples,
  synthesisTables,
  treatmentsFromPlan,
} from './synth-source.js';

export interface SynthFitRequest {
  readonly source: SourceConnector;
  /** Which columns are personal: from the policy, or (without one) from a scan like `snapshot`'s. */
  readonly policy?: Policy;
  readonly detection?: Detection;
  readonly advisor?: ColumnAdvisor;
  readonly selection: Selection;
  readonly seed: string;
  /** Categories (and conditional cells) with fewer rows are never stored (k, default 5). */
  readonly rareCategoryMin: number;
  /** Rows read per table for fitting (a bounded sample). */
  readonly maxSampleRows: number;
  /** Differential privacy budget for the model's counts (`--epsilon`); absent: exact counts. */
  readonly epsilon?: number;
  /** Subset settings over the policy's `subset:`: the model then learns from the subset's rows only. */
  readonly subset?: SubsetOverrides;
  /** The key that made the policy's suppression hashes (needed only when it lists hashes). */
  readonly secret?: Secret;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

export interface SynthSampleRequest {
  readonly target: SinkConnector;
  /** Conditions (`--where`, `--scenario`): checked against the model before anything is written. */
  readonly scenario?: readonly ScenarioSpec[];
  readonly scale: number;
  readonly seed: string;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Split a large run into units of work, one per table, that other processes load (gateway runs). */
  readonly units?: SynthUnitSettings;
}

export interface SynthSummary {
  readonly status: 'completed';
  readonly tables: readonly TableOutcome[];
  readonly totalRows: number;
  readonly scale: number;
  readonly seed: string;
  readonly fitSeconds: number;
  readonly sampleSeconds: number;
  readonly schemaFingerprint: string;
  /** Whether fakes were checked against the source's real values and rows against its training rows. */
  readonly privacyFilters: { readonly realValueCheck: boolean; readonly exactMatchFilter: boolean };
  /** CHECK constraints on conditioned columns that conditions were not checked against (the database checks them). */
  readonly uncheckedConstraints: readonly { readonly table: string; readonly constraint: string }[];
  /** Present when the model learned from a subset: its counts and pulls (names and counts only). */
  readonly subset?: SubsetEstimate;
}

/** What a fit keeps in memory for a sample in the same process: never written to the model. */
interface FitResult {
  readonly model: SynthesisModel;
  readonly samples: ReadonlyMap<string, TableSample>;
  /** The subset the samples were read from, or null when they come from whole tables. */
  readonly subset: SubsetEstimate | null;
}

/** `synth fit`: plan (policy or scan), read bounded samples and the schema DDL, fit. Reads the source only. */
export async function fitSynthesis(request: SynthFitRequest): Promise<SynthesisModel> {
  let source: SourceSession | undefined;
  try {
    source = await request.source.openSource(request.signal);
    return (await fitFromSession(source, request)).model;
  } finally {
    await source?.close().catch(() => undefined);
  }
}

async function fitFromSession(source: SourceSession, request: SynthFitRequest): Promise<FitResult> {
  const { signal, selection } = request;
  const { schema, plan, drafted } =
    request.policy !== undefined
      ? await planSnapshot(source, request.policy, selection)
      : await planFromScan(source, requireDetection(request.detection), selection, signal, {
          ...(request.advisor === undefined ? {} : { advisor: request.advisor }),
        });
  assertPlanRunnable(plan, request.policy === undefined ? 'scan' : 'policy');
  // Reference tables the policy (or the scan's draft) marks `synth: copy`: read whole, their rows go into
  // the model as they are.
  const copied = copiedTables(request.policy ?? drafted, plan, schema);
  if (copied.size > 0) await refuseCopiedPersonalColumns(source, plan, copied, request, signal);
  // A subset (the policy's `subset:`): computed in the source, after which this session reads only its
  // rows, so the model learns from a referentially complete slice (suppressed people never reach it).
  const subset = await computeSubset(source, schema, plan, request.subset, request.secret ?? null, signal);
  if (subset !== null)
    request.logger.info('synth_subset_computed', { rows: subset.totalRows, bytes: subset.totalBytes });
  const preData = await source.schemaDdl('pre_data', selection);
  const postData = await source.schemaDdl('post_data', selection);
  const samples = new Map<string, TableSample>();
  // A table larger than the sample is counted from the planner's estimate; in a subset, from the subset.
  const subsetRows = new Map(subset?.tables.map((t) => [t.table, t.rows]) ?? []);
  for (const table of synthesisTables(schema)) {
    if (signal.aborted) throw new GatewayError('cancelled', 'synthesis cancelled');
    const name = qualifiedName(table.ref);
    const counted = subset === null ? table : { ...table, estimatedRows: subsetRows.get(name) ?? 0 };
    const maxRows = copied.has(name) ? MAX_COPIED_ROWS : request.maxSampleRows;
    const sample = await readSynthSample(source, counted, maxRows, request.batchRows, signal);
    if (copied.has(name) && sample.complete === false)
      throw new GatewayError(
        'policy_invalid',
        `${name}: synth: copy is for small reference tables; this one has more than ${MAX_COPIED_ROWS} rows`,
        { table: name },
      );
    samples.set(name, sample);
  }
  const fitted = fitSynthesisModel({
    schema,
    samples,
    treatment: treatmentsFromPlan(plan),
    rareCategoryMin: request.rareCategoryMin,
    seed: request.seed,
    schemaFingerprint: schemaFingerprint(schema),
    ddl: { preData, postData },
    copied,
  });
  if (copied.size > 0) request.logger.info('synth_tables_copied', { tables: copied.size });
  // The noise is drawn from fresh random bytes, never from the (public, repeatable) seed.
  const model =
    request.epsilon === undefined
      ? fitted
      : privatizeModel(fitted, {
          epsilon: request.epsilon,
          random: seededRandom(randomBytes(32).toString('hex')),
        });
  request.logger.info('synth_model_fitted', { tables: model.tables.length });
  return { model, samples, subset };
}

/**
 * `synth`: fit from the source and load synthetic rows into the empty target in one transaction (schema
 * from the source's pre-data DDL, rows in foreign-key order, sequences, post-data, materialized views,
 * counts checked, commit). Fakes are checked against the source's real values and rows against the
 * training rows (exact-match filter). Any failure rolls back: the target stays empty — except for a run split
 * into units (`units`), whose committed schema and units' rows stay for the caller to drop (its sealed state is
 * dropped).
 */
export async function runSynthesis(request: SynthFitRequest & SynthSampleRequest): Promise<SynthSummary> {
  let source: SourceSession | undefined;
  let fitted: FitResult;
  let realValues: Map<string, ValueBloomFilter>;
  let scenario: ResolvedScenario | undefined;
  let units: LoadUnit[] | undefined;
  const started = performance.now();
  try {
    source = await request.source.openSource(request.signal);
    fitted = await fitFromSession(source, request);
    scenario = scenarioFor(fitted.model, request);
    if (fitted.subset !== null) {
      // The subset session reads only the subset; fakes are checked against every real value.
      await source.close().catch(() => undefined);
      source = await request.source.openSource(request.signal);
    }
    realValues = await collectPersonalValues(source, fitted.model, request.batchRows, request.signal);
    if (request.units !== undefined) units = await synthUnitsOf(source, fitted.model, request, request.units);
  } finally {
    await source?.close().catch(() => undefined);
  }
  const fitSeconds = (performance.now() - started) / 1000;
  const realTuples = realTuplesFromSamples(fitted.model, fitted.samples);
  const summary = await sampleIntoTarget(
    fitted.model,
    request,
    { realValues, realTuples, scenario },
    fitSeconds,
    units === undefined || request.units === undefined ? undefined : { units, settings: request.units },
  );
  return fitted.subset === null ? summary : { ...summary, subset: fitted.subset };
}

/**
 * `synth sample`: load a model's synthetic rows into the empty target. With `source`, fakes are checked
 * against its real values and rows against its first rows (the exact-match filter); without, both are off.
 */
export async function sampleSynthesis(
  model: SynthesisModel,
  request: SynthSampleRequest & { readonly source?: SourceConnector; readonly maxSampleRows: number },
): Promise<SynthSummary> {
  let realValues: Map<string, ValueBloomFilter> | undefined;
  let realTuples: Map<string, Set<string>> | undefined;
  const scenario = scenarioFor(model, request);
  if (request.source !== undefined) {
    const source = await request.source.openSource(request.signal);
    try {
      const schema = await source.introspect({ schemas: [], tables: model.tables.map((t) => t.table) });
      if (schemaFingerprint(schema) !== model.schemaFingerprint)
        request.logger.warn('synth_source_schema_differs', { tables: model.tables.length });
      const samples = new Map<string, TableSample>();
      for (const table of synthesisTables(schema)) {
        samples.set(
          qualifiedName(table.ref),
          await readSynthSample(source, table, request.maxSampleRows, request.batchRows, request.signal),
        );
      }
      realTuples = realTuplesFromSamples(model, samples);
      realValues = await collectPersonalValues(source, model, request.batchRows, request.signal);
    } finally {
      await source.close().catch(() => undefined);
    }
  }
  return sampleIntoTarget(model, request, { realValues, realTuples, scenario }, 0);
}

/** The units of a split run, sized from the source's tables (none when the source cannot size them). */
async function synthUnitsOf(
  source: SourceSession,
  model: SynthesisModel,
  request: SynthSampleRequest,
  settings: SynthUnitSettings,
): Promise<LoadUnit[]> {
  if (source.tableBlocks === undefined) return [];
  const blocks = new Map<string, number>();
  for (const table of model.tables) {
    if (request.signal.aborted) throw new GatewayError('cancelled', 'synthesis cancelled');
    blocks.set(qualifiedName(table.table), await source.tableBlocks(table.table));
  }
  return planSynthUnits(model, request.scale, blocks, settings.blocksPerUnit);
}

/** The request's conditions resolved against the model (throws `usage` naming the problem), or undefined. */
function scenarioFor(model: SynthesisModel, request: SynthSampleRequest): ResolvedScenario | undefined {
  if (request.scenario === undefined || request.scenario.length === 0) return undefined;
  return resolveScenario(model, request.scenario);
}

/** A gateway run's choice to split its load into units of work (see synth-units.ts). */
export interface SynthUnitSettings {
  /** The output is split when it is larger than this many pages (estimated from the source's, times the scale). */
  readonly blocksPerUnit: number;
  readonly dispatch: LoadUnitDispatcher;
  /** Seals the run's state in the target (Bloom filters of real values, real tuples). */
  readonly secret: Secret;
  /** The lookalike build planning the run (version + code digest): a unit of another build refuses to load. */
  readonly version?: string;
}

async function sampleIntoTarget(
  model: SynthesisModel,
  request: SynthSampleRequest,
  guards: {
    readonly realValues: ReadonlyMap<string, ValueBloomFilter> | undefined;
    readonly realTuples: ReadonlyMap<string, ReadonlySet<string>> | undefined;
    readonly scenario: ResolvedScenario | undefined;
  },
  fitSeconds: number,
  split?: { readonly units: readonly LoadUnit[]; readonly settings: SynthUnitSettings },
): Promise<SynthSummary> {
  const { signal, logger } = request;
  if (model.ddl === null)
    throw new GatewayError(
      'usage',
      'the model carries no schema DDL; fit it again with "lookalike synth fit"',
    );
  const started = performance.now();
  const { realValues, realTuples, scenario } = guards;
  const sampler = synthesisSampler(model, {
    ...guards,
    scale: request.scale,
    seed: request.seed,
    batchRows: request.batchRows,
  });
  let sink: SinkSession | undefined;
  try {
    sink = await request.target.openSink(signal);
    await sink.assertEmpty();
    await sink.begin();
    await sink.applyDdl(model.ddl.preData, 'the schema (pre-data)');
    for (const table of model.tables) {
      for (const column of table.droppedColumns) {
        if (table.partitionOf === null) await sink.dropColumn(table.table, column);
      }
    }
    const outcomes: TableOutcome[] = [];
    const sequences: { sequence: TableRef; lastValue: string }[] = [];
    if (split !== undefined && split.units.length > 0) {
      const loaded = await sampleInUnits(sink, model, request, guards, split);
      outcomes.push(...loaded.outcomes);
      sequences.push(...loaded.sequences);
    } else {
      for (const table of model.tables) {
        if (signal.aborted) throw new GatewayError('cancelled', 'synthesis cancelled');
        const outcome = await writeSynthTable(sink, sampler, table, signal);
        outcomes.push(outcome);
        sequences.push(...sequencesOf(model, sampler, table.table));
        logger.info('synth_table_loaded', { table: outcome.table, rows: outcome.rows });
      }
    }
    // Per sequence, the largest end reported: each partition of a partitioned table reports its own.
    const ends = new Map<string, { sequence: TableRef; last: number }>();
    for (const { sequence, lastValue } of sequences) {
      const known = ends.get(qualifiedName(sequence));
      if (known === undefined || Number(lastValue) > known.last)
        ends.set(qualifiedName(sequence), { sequence, last: Number(lastValue) });
    }
    for (const { sequence, last } of ends.values()) {
      if (last > 0) await sink.setSequence(sequence, String(last), true);
    }
    await sink.applyDdl(model.ddl.postData, 'indexes, constraints and triggers (post-data)');
    await sink.refreshMaterializedViews();
    for (const outcome of outcomes) {
      const table = model.tables.find((t) => qualifiedName(t.table) === outcome.table);
      if (table === undefined) continue;
      const count = await sink.countRows(table.table);
      if (count !== outcome.rows) {
        throw new GatewayError(
          'verification_failed',
          `${outcome.table}: target holds ${count} rows, ${outcome.rows} were written`,
          { table: outcome.table },
        );
      }
    }
    if (signal.aborted) throw new GatewayError('cancelled', 'synthesis cancelled');
    await sink.commit();
    const summary: SynthSummary = {
      status: 'completed',
      tables: outcomes,
      totalRows: outcomes.reduce((sum, t) => sum + t.rows, 0),
      scale: request.scale,
      seed: request.seed,
      fitSeconds,
      sampleSeconds: (performance.now() - started) / 1000,
      schemaFingerprint: model.schemaFingerprint,
      privacyFilters: {
        realValueCheck: realValues !== undefined,
        exactMatchFilter: realTuples !== undefined,
      },
      uncheckedConstraints: scenario?.uncheckedConstraints ?? [],
    };
    logger.info('synth_completed', { tables: outcomes.length, rows: summary.totalRows });
    return summary;
  } catch (error) {
    logger.error('synth_failed', { code: error instanceof GatewayError ? error.code : 'internal' });
    await sink?.rollback().catch(() => undefined);
    // A split run committed its schema and sealed state: the state never outlives a failed run, even where
    // the caller cannot drop the target (the gateway drops it).
    const area = split !== undefined && split.units.length > 0 ? sink?.runArea?.() : undefined;
    if (sink !== undefined && area !== undefined) await dropRunState(sink, area).catch(() => undefined);
    throw error;
  } finally {
    await sink?.close().catch(() => undefined);
  }
}

/**
 * The load of a split run: the empty schema and the run's sealed state are committed, the units (one per
 * table) are dispatched, and their outcomes gathered; returns in a new transaction with the run area dropped,
 * for the sequences, post-data, counts and the commit that delivers.
 */
async function sampleInUnits(
  sink: SinkSession,
  model: SynthesisModel,
  request: SynthSampleRequest,
  guards: {
    readonly realValues: ReadonlyMap<string, ValueBloomFilter> | undefined;
    readonly realTuples: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  },
  split: { readonly units: readonly LoadUnit[]; readonly settings: SynthUnitSettings },
): Promise<{ outcomes: TableOutcome[]; sequences: { sequence: TableRef; lastValue: string }[] }> {
  const { signal, logger } = request;
  const area = sink.runArea?.();
  if (area === undefined)
    throw new GatewayError('internal', 'this target cannot take a run split into units of work');
  await area.create();
  const sealed = encodeSynthUnitState(
    {
      model,
      scale: request.scale,
      seed: request.seed,
      scenario: request.scenario,
      realValues: guards.realValues,
      realTuples: guards.realTuples,
    },
    split.settings.secret,
    split.settings.version,
  );
  await putRunState(area, SYNTH_UNIT_STATE_BLOB, sealed);
  await sink.commit();
  logger.info('load_units', { units: split.units.length, tables: split.units.length });
  const byTable = new Map<string, TableOutcome>();
  const sequences: { sequence: TableRef; lastValue: string }[] = [];
  const reported = new Set<string>();
  const outcomes: TableOutcome[] = [];
  // Synthetic rows join no source snapshot.
  await split.settings.dispatch({ snapshot: '', units: split.units }, signal, (result) => {
    if (result.synth === undefined || reported.has(result.id)) return;
    reported.add(result.id);
    for (const outcome of result.synth.outcomes) {
      byTable.set(outcome.table, outcome);
      logger.info('synth_table_loaded', { table: outcome.table, rows: outcome.rows });
    }
    sequences.push(...result.synth.sequences);
  });
  if (signal.aborted) throw new GatewayError('cancelled', 'synthesis cancelled');
  const missing = split.units.find((u) => !reported.has(u.id));
  if (missing !== undefined)
    throw new GatewayError('internal', `the unit of ${qualifiedName(missing.table)} reported no outcome`);
  for (const table of model.tables) {
    const outcome = byTable.get(qualifiedName(table.table));
    if (outcome === undefined)
      throw new GatewayError('internal', `no unit reported ${qualifiedName(table.table)}`);
    outcomes.push(outcome);
  }
  await sink.begin();
  // The units' bookkeeping goes in the transaction that completes the target.
  await area.drop();
  return { outcomes, sequences };
}

/**
 * A copied table's rows go into the model file as they are, so a column the policy keeps must not hold
 * personal values: the source scan that snapshots use for `keep` (emails, phones, full names, identifiers)
 * looks at the copied tables, and one such column refuses the run, naming it.
 */
async function refuseCopiedPersonalColumns(
  source: SourceSession,
  plan: Plan,
  copied: ReadonlySet<string>,
  request: { readonly detection?: Detection },
  signal: AbortSignal,
): Promise<void> {
  if (request.detection === undefined)
    throw new GatewayError(
      'usage',
      'synth: copy needs detection to check that the copied tables hold no personal values',
    );
  const copiedPlan = { ...plan, tables: plan.tables.filter((t) => copied.has(qualifiedName(t.table))) };
  // Only the copied tables are sampled and classified: nothing else is copied.
  const onlyCopied = { schemas: [], tables: copiedPlan.tables.map((t) => t.table) };
  const kept = await findKeptPersonalColumns(source, copiedPlan, onlyCopied, request.detection, signal);
  const [column] = [...kept.keys()];
  if (column !== undefined)
    throw new GatewayError(
      'policy_invalid',
      `${column}: synth: copy would put this column's values into the model file, but a scan finds personal values in it (${kept.get(column) ?? 'identifying'}); substitute it, or synthesize the table`,
      { column },
    );
}

function requireDetection(detection: Detection | undefined): Detection {
  if (detection === undefined)
    throw new GatewayError('usage', 'synthesis needs --policy or detection for a scan');
  return detection;
}
