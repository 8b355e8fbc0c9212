import { createHash } from 'node:crypto';
import {
  GatewayError,
  qualifiedName,
  Secret,
  type Logger,
  type RowBatch,
  type SinkConnector,
  type SinkSession,
  type TableRef,
} from '../core/index.js';
import { createKeyedSeeder, ValueBloomFilter, type SharedBloomFilter } from '../fake-values/index.js';
import {
  resolveScenario,
  SynthesisSampler,
  type ResolvedScenario,
  type ScenarioSpec,
  type SynthesisModel,
  type TableModel,
  type TableOutcome,
} from '../synthesis/index.js';
import type { LoadUnit, LoadUnitResult } from './load-units.js';
import { getRunState, sealRunState } from './sealed-run-state.js';

/**
 * A synthesis run split into units of work: one per table (a partitioned table's partitions together). The
 * run fits the model, builds the checks against real values once, commits the empty schema with that state
 * (sealed, in the target's run area); any process then loads any table. A table's rows are drawn in one
 * seeded sequence that reads the rows drawn for its parents (their keys, the codes children condition on),
 * so a unit first draws — without writing — the tables its own draws read, in generation order; the seed
 * makes those draws the same in every process, so units agree without coordination, and a split run writes
 * what a one-process run writes.
 */

/** What every unit of a synthesis run samples with. */
export interface SynthUnitState {
  readonly model: SynthesisModel;
  readonly scale: number;
  readonly seed: string;
  /** The request's conditions (resolved against the model by each unit). */
  readonly scenario: readonly ScenarioSpec[] | undefined;
  readonly realValues: ReadonlyMap<string, ValueBloomFilter> | undefined;
  readonly realTuples: ReadonlyMap<string, ReadonlySet<string>> | undefined;
}

interface StoredSynthState {
  readonly model: SynthesisModel;
  readonly scale: number;
  readonly seed: string;
  readonly scenario: readonly ScenarioSpec[] | undefined;
  readonly realValues: readonly (readonly [string, SharedBloomFilter])[] | undefined;
  readonly realTuples: ReadonlyMap<string, ReadonlySet<string>> | undefined;
}

export const SYNTH_UNIT_STATE_BLOB = 'synth-unit-state';

/** The state as sealed bytes: real tuples and Bloom filters of real values open only with the run's key. */
export function encodeSynthUnitState(
  state: SynthUnitState,
  secret: Secret,
  version: string | undefined,
): Uint8Array {
  const stored: StoredSynthState = {
    ...state,
    realValues:
      state.realValues === undefined
        ? undefined
        : [...state.realValues].map(([scope, filter]) => [scope, filter.share()] as const),
  };
  return sealRunState(stored, secret, version);
}

function synthStateOf(plain: unknown): Promise<SynthUnitState> {
  const stored = plain as StoredSynthState;
  return Promise.resolve({
    ...stored,
    realValues:
      stored.realValues === undefined
        ? undefined
        : new Map(stored.realValues.map(([scope, shared]) => [scope, ValueBloomFilter.fromShared(shared)])),
  });
}

/**
 * The units of a synthesis run: one per table — a partitioned table's partitions together (their serial
 * keys continue each other's, and they read the same parents) — largest first, sized from the source's
 * pages times the scale (a copied table keeps its size); none when the whole output would fit in one unit.
 * A table is never split: its rows are one seeded sequence (keys, unique sets and parent picks depend on
 * the rows before). Pure.
 */
export function planSynthUnits(
  model: SynthesisModel,
  scale: number,
  sourceBlocks: ReadonlyMap<string, number>,
  blocksPerUnit: number,
): LoadUnit[] {
  if (!Number.isSafeInteger(blocksPerUnit) || blocksPerUnit < 1)
    throw new GatewayError('internal', 'a unit of work needs at least one page');
  const units = new Map<string, { unit: LoadUnit; blocks: number }>();
  model.tables.forEach((table, i) => {
    const ref = table.partitionOf ?? table.table;
    const name = qualifiedName(ref);
    const blocks =
      (sourceBlocks.get(qualifiedName(table.table)) ?? 0) * (table.copy === undefined ? scale : 1);
    const known = units.get(name);
    if (known !== undefined) known.blocks += blocks;
    else units.set(name, { unit: { id: `${i + 1}:${name}`, table: ref, synth: true }, blocks });
  });
  const sized = [...units.values()];
  if (sized.reduce((sum, s) => sum + s.blocks, 0) <= blocksPerUnit) return [];
  return sized.sort((a, b) => b.blocks - a.blocks).map((s) => s.unit);
}

/**
 * What a unit of `table` (a table, or a partitioned table standing for its partitions) does, in generation
 * order: the model's tables it writes, and before and between them the tables their draws read, drawn
 * without writing. Pure.
 */
export function unitDraws(
  model: SynthesisModel,
  table: TableRef,
): { readonly index: number; readonly write: boolean }[] {
  const name = qualifiedName(table);
  const members = new Set<number>();
  model.tables.forEach((t, i) => {
    if (qualifiedName(t.table) === name || (t.partitionOf !== null && qualifiedName(t.partitionOf) === name))
      members.add(i);
  });
  const read = new Set<number>();
  for (const i of members) for (const j of drawnBefore(model, i)) if (!members.has(j)) read.add(j);
  return [...members, ...read].sort((a, b) => a - b).map((index) => ({ index, write: members.has(index) }));
}

/**
 * The tables whose drawn rows the draws of `model.tables[index]` read, in generation order, and theirs in
 * turn: its foreign keys' parents drawn before it; the partitions drawn before it of its own partitioned
 * table and of a partition it references (their row counts, grown by rows children's conditions add, start
 * the serial keys); and the tables drawn before it that reference it (the first to reference a table
 * not drawn yet fixes where its serial keys start). Pure.
 */
export function drawnBefore(model: SynthesisModel, index: number): number[] {
  const position = new Map(model.tables.map((t, i) => [qualifiedName(t.table), i]));
  const siblings = (table: TableModel | undefined): number[] => {
    if (table?.partitionOf == null) return [];
    const root = qualifiedName(table.partitionOf);
    const out: number[] = [];
    model.tables.forEach((other, j) => {
      if (other.partitionOf !== null && qualifiedName(other.partitionOf) === root) out.push(j);
    });
    return out;
  };
  const needed = new Set<number>();
  const visit = (i: number): void => {
    const table = model.tables[i];
    if (table === undefined) return;
    const name = qualifiedName(table.table);
    const reads: number[] = [...siblings(table)];
    for (const fk of table.foreignKeys) {
      const parent = position.get(qualifiedName(fk.parent)) ?? -1;
      reads.push(parent, ...siblings(model.tables[parent]));
    }
    model.tables.forEach((other, j) => {
      if (j < i && other.foreignKeys.some((fk) => qualifiedName(fk.parent) === name)) reads.push(j);
    });
    for (const j of reads) {
      if (j < 0 || j >= i || needed.has(j)) continue;
      needed.add(j);
      visit(j);
    }
  };
  visit(index);
  return [...needed].sort((a, b) => a - b);
}

/** A seed turned into a key for the fakes: synthetic fakes are seeded by row numbers, not by real values. */
function seedSecret(seed: string): Secret {
  const digest = createHash('sha256').update('lookalike synth seed\0').update(seed).digest();
  return new Secret(Buffer.concat([digest, digest]));
}

/** The sampler of a run, with the checks against real values where the run has them. */
export function synthesisSampler(
  model: SynthesisModel,
  options: {
    readonly scale: number;
    readonly seed: string;
    readonly batchRows: number;
    readonly realValues: ReadonlyMap<string, ValueBloomFilter> | undefined;
    readonly realTuples: ReadonlyMap<string, ReadonlySet<string>> | undefined;
    readonly scenario: ResolvedScenario | undefined;
  },
): SynthesisSampler {
  const { realValues, realTuples, scenario } = options;
  return new SynthesisSampler(model, {
    scale: options.scale,
    seed: options.seed,
    seeder: createKeyedSeeder(seedSecret(options.seed)),
    batchRows: options.batchRows,
    ...(realValues === undefined
      ? {}
      : { isRealValue: (scope: string, value: string) => realValues.get(scope)?.has(value) === true }),
    ...(realTuples === undefined ? {} : { realTuples: (table: string) => realTuples.get(table) }),
    ...(scenario === undefined ? {} : { scenario }),
  });
}

/** Draws one table's rows into the target; returns its outcome (rows written checked against it). */
export async function writeSynthTable(
  sink: SinkSession,
  sampler: SynthesisSampler,
  table: TableModel,
  signal: AbortSignal,
): Promise<TableOutcome> {
  const name = qualifiedName(table.table);
  const written = await sink.writeRows(
    table.table,
    table.columns.map((c) => c.name),
    paced(sampler.generate(table), signal),
    signal,
  );
  const outcome = sampler.outcome(name);
  if (outcome === undefined || outcome.rows !== written)
    throw new GatewayError('verification_failed', `${name}: ${written} rows written, generation disagrees`, {
      table: name,
    });
  return outcome;
}

/** Draws a table's rows without writing them (the state later tables read). */
async function drawOnly(sampler: SynthesisSampler, table: TableModel, signal: AbortSignal): Promise<void> {
  for await (const _batch of paced(sampler.generate(table), signal));
}

/** Generation is CPU-bound: between batches, I/O and a cancel get through. */
async function* paced(batches: Iterable<RowBatch>, signal: AbortSignal): AsyncGenerator<RowBatch> {
  for (const batch of batches) {
    yield batch;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal.aborted) throw new GatewayError('cancelled', 'synthesis cancelled');
  }
}

/** The last values of the sequences behind `table`'s serial columns (set by the run's last transaction). */
export function sequencesOf(
  model: SynthesisModel,
  sampler: SynthesisSampler,
  table: TableRef,
): NonNullable<LoadUnitResult['synth']>['sequences'] {
  const name = qualifiedName(table);
  return model.sequences
    .filter((s) => qualifiedName(s.table) === name)
    .map((s) => ({ sequence: s.sequence, lastValue: String(sampler.lastSerial(name, s.column)) }));
}

export interface SynthUnitRequest {
  readonly target: SinkConnector;
  readonly unit: LoadUnit;
  readonly secret: Secret;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** This process's lookalike build (checked against the planner's). */
  readonly version?: string;
}

/**
 * Runs one table of a split synthesis run in one target transaction: waits out an earlier attempt still
 * holding it; draws the tables its rows read; writes its rows and commits them with the unit's done mark. A
 * unit an earlier attempt committed is drawn again without writing (its outcome is the run's summary), and
 * its row count must agree.
 */
export async function runSynthUnit(request: SynthUnitRequest): Promise<LoadUnitResult> {
  const { unit, signal } = request;
  const started = performance.now();
  const sink = await request.target.openSink(signal);
  try {
    const area = sink.runArea?.();
    if (area === undefined)
      throw new GatewayError('internal', 'this target cannot take a run split into units of work');
    const state = await getRunState(
      area,
      SYNTH_UNIT_STATE_BLOB,
      request.secret,
      request.version,
      synthStateOf,
    );
    const { model } = state;
    const draws = unitDraws(model, unit.table);
    const first = draws.findIndex((d) => d.write);
    if (first < 0)
      throw new GatewayError('plan_invalid', `the run's model names no table ${qualifiedName(unit.table)}`);
    const sampler = synthesisSampler(model, {
      ...state,
      batchRows: request.batchRows,
      scenario:
        state.scenario === undefined || state.scenario.length === 0
          ? undefined
          : resolveScenario(model, state.scenario),
    });
    // What the unit's draws read is drawn before its transaction starts: no lock is held meanwhile.
    for (const { index } of draws.slice(0, first))
      await drawOnly(sampler, model.tables[index] as TableModel, signal);
    await sink.begin();
    const committed = await area.lockUnit(unit.id, signal);
    // Committed by an earlier attempt: drawn again, unwritten and outside any transaction, for its outcomes.
    if (committed !== null) await sink.commit();
    const outcomes: TableOutcome[] = [];
    const sequences: NonNullable<LoadUnitResult['synth']>['sequences'][number][] = [];
    for (const { index, write } of draws.slice(first)) {
      const table = model.tables[index] as TableModel;
      if (!write || committed !== null) await drawOnly(sampler, table, signal);
      else await writeSynthTable(sink, sampler, table, signal);
      if (!write) continue;
      outcomes.push(sampler.outcome(qualifiedName(table.table)) as TableOutcome);
      sequences.push(...sequencesOf(model, sampler, table.table));
    }
    const rows = outcomes.reduce((sum, o) => sum + o.rows, 0);
    if (committed !== null) {
      if (rows !== committed)
        throw new GatewayError(
          'verification_failed',
          `${unit.id}: an earlier attempt committed ${committed} rows, generation draws ${rows}`,
          { table: qualifiedName(unit.table) },
        );
      request.logger.info('unit_already_loaded', { unit: unit.id });
    } else {
      await area.markUnitDone(unit.id, rows);
      await sink.commit();
    }
    return {
      id: unit.id,
      rows,
      seconds: (performance.now() - started) / 1000,
      transformedColumns: 0,
      alreadyLoaded: committed !== null,
      synth: { outcomes, sequences },
    };
  } catch (error) {
    await sink.rollback().catch(() => undefined);
    throw error;
  } finally {
    await sink.close().catch(() => undefined);
  }
}
