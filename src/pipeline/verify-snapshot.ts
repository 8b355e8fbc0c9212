import { randomBytes } from 'node:crypto';
import {
  GatewayError,
  qualifiedName,
  sameTable,
  type DatabaseSchema,
  type Logger,
  type RowBatch,
  type Selection,
  type SinkConnector,
  type SinkSession,
  type SourceConnector,
  type SourceSession,
  type TableInfo,
  type TableRef,
  type TargetReader,
} from '../core/index.js';
import type { ColumnAdvisor, Detection } from '../detection/index.js';
import type { Plan, Policy } from '../policy/index.js';
import {
  DEFAULT_MAX_SLOTS,
  describeProblems,
  kAnonymityFailures,
  kAnonymityFigure,
  LeakIndex,
  leakStats,
  planIntegrity,
  planVerification,
  roleOfEntity,
  SourceTableIndexer,
  TargetTableScanner,
  utilityFigure,
  verificationStatus,
  type ColumnRole,
  type IntegrityCheck,
  type KAnonymityFigure,
  type KeptPersonalColumns,
  type LeakCount,
  type LeakIndexStats,
  type UtilityFigure,
  type VerificationResult,
  type VerifiedTable,
} from '../verify/index.js';
import { readBackWorkersFor, scanTableInParallel } from './parallel-copy.js';
import { checkSavedPlan, planFromScan, planSnapshot } from './plan-snapshot.js';
import { decisionOf, scanSource } from './scan-source.js';
import type { SnapshotListener } from './snapshot-events.js';

export interface VerifySnapshotInput {
  readonly source: SourceSession;
  readonly target: TargetReader;
  readonly plan: Plan;
  /** The source schema the plan was made for. */
  readonly schema: DatabaseSchema;
  readonly selection: Selection;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  /** Kept columns a scan found personal (see findKeptPersonalColumns): indexed and checked too. */
  readonly keptPersonal?: KeptPersonalColumns;
  /**
   * Both sides hold exactly the same rows (inside the snapshot: filters and subsets restrict the source
   * reads too), so row and NULL counts compare exactly; otherwise only tables copied whole are compared.
   */
  readonly sameRows: boolean;
  /**
   * Rows the snapshot copied per table (`schema.table`), when known (inside the snapshot; a manifest's
   * record on demand): spares counting the source again, and is what the target's count must equal.
   */
  readonly sourceRows?: ReadonlyMap<string, number>;
  readonly logger?: Logger;
  /** Values one pass indexes at most (default: what the 128 MB index holds); tests force passes with it. */
  readonly leakScanCapacity?: number;
  /** The source side, indexed before the load, and the tables whose rows were scanned as they were written. */
  readonly prepared?: PreparedLeakScan;
  /** What a leak scan begun before the load measured before its index outgrew its budget: sizes the passes. */
  readonly measured?: LeakScanMeasure;
  /** The read-back's first pass, its source side read ahead (see readAheadSource). */
  readonly readAhead?: ReadBackSource;
  /**
   * Worker threads that search a large table read back (as for the load's transform workers: by default
   * one per core, at most 4, for tables estimated at 20,000 rows or more; 0: none, this thread searches).
   */
  readonly transformWorkers?: number;
  /** Told the rows read so far from a table of either side, batch by batch (progress; counts only). */
  readonly onRows?: ReadProgress;
  /** Told when the reads are done and the integrity checks begin (progress). */
  readonly onChecks?: () => void;
  /**
   * The target holds a subset of the source's rows though the plan has no `subset:` section (a plan read
   * back from a manifest that records one): as with that section, counts compare only where rows match.
   */
  readonly subset?: boolean;
}

/** Rows read so far from one table of the source or the target (progress: counts only). */
export type ReadProgress = (side: 'source' | 'target', table: TableRef, rowsSoFar: number) => void;

/**
 * A one-pass leak scan begun before the load (see prepareLeakScan): the source's identifying values are
 * indexed, and tables the load writes through a transform are searched in the data path, row batch by row
 * batch as they are written (by the transform workers where there are any), rather than read back after.
 */
export interface PreparedLeakScan {
  readonly index: LeakIndex;
  /** The source side's readers, by table (`schema.table`): row counts and figures. */
  readonly indexers: ReadonlyMap<string, SourceTableIndexer>;
  /** Kept columns a scan found personal: checked like substituted ones on the target side too. */
  readonly keptPersonal: KeptPersonalColumns;
  /** Milliseconds the source pass took. */
  readonly sourceMs: number;
  /** Tables searched as they were written (filled during the load): their scanner and searched columns. */
  readonly scanned: Map<string, { readonly scanner: TargetTableScanner; readonly columns: string }>;
}

/**
 * What the source side of a leak scan begun before the load measured when its index outgrew its budget:
 * the values indexed until then and, per table (`schema.table`), the rows read, the rows indexed before the
 * budget ran out and the values they added. The read-back projects the source's values from these rather
 * than from planner estimates (see projectedValues). Counts only.
 */
export interface LeakScanMeasure {
  readonly values: number;
  readonly tables: ReadonlyMap<string, TableMeasure>;
}

interface TableMeasure {
  /** Every row of the table (the reader reads them all, index or not). */
  rows: number;
  indexedRows: number;
  values: number;
}

/**
 * The source side of a one-pass leak scan, fed by whoever reads the source: `reads` names, per table
 * (`schema.table`), the columns it needs and the rows to read; `addBatch` takes rows holding them at
 * `positions`. The index is let go as soon as it outgrows its budget (`overflowed`): later batches are only
 * counted. `finish` gives the prepared scan, or what was measured before the index was let go.
 */
export interface LeakScanStart {
  readonly reads: ReadonlyMap<
    string,
    { readonly table: TableRef; readonly where: string | null; readonly columns: readonly string[] }
  >;
  addBatch(table: string, batch: RowBatch, positions?: readonly number[]): void;
  readonly overflowed: boolean;
  /** Call once every row of every table in `reads` was given to addBatch. */
  finish(): LeakScanOutcome;
}

export type LeakScanOutcome =
  | { readonly prepared: PreparedLeakScan; readonly measured?: undefined }
  | { readonly prepared?: undefined; readonly measured: LeakScanMeasure };

/**
 * Values the index built before the load holds at most. The load runs transform worker threads beside it
 * (each with its own heap), so the index it searches while writing gets a budget rather than the 128 MB a
 * read-back pass may use after the load: ~27 MB once frozen for the load (up to ~48 MB of open slots while it
 * is built, before the workers start). The 1M-people bench source holds
 * ~1.94 M values (prepared); the 5M-people one 8.7 M (read back, in one pass).
 */
export const PREPARED_LEAK_SCAN_BUDGET = 4_000_000;

/**
 * Begins the leak scan before the load, so the load can search rows as it writes them and verification
 * need not read them back. Always tried (planner estimates overstate the values ~3×: 25 M estimated, 8.7 M
 * indexed on the 5M-people bench): a source that outgrows the budget lets its index go at once, and the
 * target is then read back after the load in passes sized from what was measured here.
 */
export function startLeakScan(input: {
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly keptPersonal: KeptPersonalColumns;
  readonly leakScanCapacity?: number;
  /**
   * Values the index may hold before it is let go. Default: the load's budget (PREPARED_LEAK_SCAN_BUDGET,
   * or `leakScanCapacity` if smaller); `lookalike verify`, which runs no load beside it, gives it a pass's.
   */
  readonly budget?: number;
  /**
   * Freeze the built index into its compact form for the load's workers (default true). Freezing holds
   * both forms for a moment: `lookalike verify`, whose index is up to a whole pass, searches the open one.
   */
  readonly freeze?: boolean;
}): LeakScanStart {
  // The source side only: target columns are decided per table when its copy starts (inStreamScanOf).
  const { tables } = planVerification(input.plan, input.schema, input.schema, input.keptPersonal);
  const budget = budgetOf(input);
  const reads = new Map<string, { table: TableRef; where: string | null; columns: string[] }>();
  for (const table of tables) {
    if (table.sourceColumns.length === 0) continue;
    reads.set(table.name, {
      table: table.table,
      where: table.where,
      columns: table.sourceColumns.map((c) => c.name),
    });
  }
  // The index lives only in `state` (no other binding keeps it): dropping state lets it go.
  let state: { index: LeakIndex; indexers: Map<string, SourceTableIndexer> } | undefined = indexOf(
    tables,
    budget,
  );
  const estimates = new Map(tables.map((t) => [t.name, estimatedRows(t, input.schema)]));
  const measures = new Map<string, TableMeasure>();
  let measuredValues = 0;
  let ms = 0;
  return {
    reads,
    addBatch(table, batch, positions) {
      const started = performance.now();
      let measure = measures.get(table);
      if (measure === undefined) {
        measure = { rows: 0, indexedRows: 0, values: 0 };
        measures.set(table, measure);
      }
      measure.rows += batch.length;
      const indexer = state?.indexers.get(table);
      if (state !== undefined && indexer !== undefined) {
        const before = state.index.stats();
        indexer.addBatch(batch, positions);
        const after = state.index.stats();
        measure.indexedRows += batch.length;
        // Dropped values count too: the projection must not fall short of what the source holds.
        measure.values += after.values + after.dropped - (before.values + before.dropped);
        if (
          after.dropped > 0 ||
          after.values > budget ||
          (measure.indexedRows >= MIN_PROJECTED_ROWS &&
            projectedSoFar(measures, measure, estimates.get(table) ?? 0) > budget * EARLY_OVERFLOW)
        ) {
          measuredValues = after.values + after.dropped;
          state = undefined;
        }
      }
      ms += performance.now() - started;
    },
    get overflowed() {
      return state === undefined;
    },
    finish() {
      const built = state;
      state = undefined;
      if (built !== undefined) {
        // Built: the load's workers search it in its compact form (FingerprintSet.freeze).
        if (input.freeze !== false) built.index.freeze();
        return {
          prepared: { ...built, keptPersonal: input.keptPersonal, sourceMs: ms, scanned: new Map() },
        };
      }
      return { measured: { values: measuredValues, tables: measures } };
    },
  };
}

/** How far the planner's projection of a source's values may stand above what it holds (see above). */
const PLANNER_OVERSTATES_VALUES = 3;

/** The values startLeakScan's index may hold (see its `budget`). */
function budgetOf(input: { readonly leakScanCapacity?: number; readonly budget?: number }): number {
  return (
    input.budget ?? Math.min(PREPARED_LEAK_SCAN_BUDGET, input.leakScanCapacity ?? PREPARED_LEAK_SCAN_BUDGET)
  );
}

/**
 * Whether the planner's projection of the source's values (its rows times the values a row adds, as a
 * read-back projects a table never read) may fit startLeakScan's budget: it overstates them ~3× (repeated
 * values count once), so up to 3× the budget. A subset's run indexes the whole source in the value pass
 * only then: far past the budget that read would be wasted (the subset's rows are indexed instead), and
 * an attempt that overflows stops reading the extra columns at the next table.
 */
export function sourceMayFitLeakScan(input: {
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly keptPersonal: KeptPersonalColumns;
  readonly leakScanCapacity?: number;
  readonly budget?: number;
}): boolean {
  const { tables } = planVerification(input.plan, input.schema, input.schema, input.keptPersonal);
  const projected = tables.reduce((n, t) => n + estimatedRows(t, input.schema) * estimatedValuesPerRow(t), 0);
  return projected <= budgetOf(input) * PLANNER_OVERSTATES_VALUES;
}

/** Rows of a table indexed before its projection may let the index go early (see projectedSoFar). */
const MIN_PROJECTED_ROWS = 100_000;
/**
 * How far past the budget the tables read so far must project to let the index go before it is full.
 * A prefix projects high (later rows repeat more values), so a source near the budget is not given up
 * early; one far past it is: on the 5M-people bench, filling the 4 M-value budget left ~50 MB of slots
 * that lingered into the load (value pass peak 343 MB, 254 MB when let go after 100,000 rows), for a
 * figure 100,000 rows measure well enough (2.0 values a row, 1.74 over all 5 M).
 */
const EARLY_OVERFLOW = 2;

/**
 * The values of the tables read so far, the one being read (`current`) projected to its estimated rows
 * (or the rows read, if more). Tables not yet read are left out: they can only add to it.
 */
function projectedSoFar(
  measures: ReadonlyMap<string, TableMeasure>,
  current: TableMeasure,
  estimatedRows: number,
): number {
  let values = 0;
  for (const measure of measures.values())
    values +=
      measure === current
        ? (measure.values / measure.indexedRows) * Math.max(measure.rows, estimatedRows)
        : measure.values;
  return values;
}

function indexOf(
  tables: readonly VerifiedTable[],
  budget: number,
): { index: LeakIndex; indexers: Map<string, SourceTableIndexer> } {
  // Slots for the budget at the set's 70% load; addBatch lets the index go once it holds more.
  const index = new LeakIndex({ maxSlots: Math.max(1024, Math.ceil(budget / 0.7)) });
  const indexers = new Map<string, SourceTableIndexer>();
  for (const table of tables)
    if (table.sourceColumns.length > 0) indexers.set(table.name, new SourceTableIndexer(table, index));
  return { index, indexers };
}

/**
 * startLeakScan with its own read of the source (the rows the load will read: call it after a subset).
 * Every row is read even once the index is let go: a COPY stopped midway leaves the source session
 * unusable, and the counted rows make the read-back's projection exact where it can be.
 */
export async function prepareLeakScan(input: {
  readonly source: SourceSession;
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly keptPersonal: KeptPersonalColumns;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly leakScanCapacity?: number;
  /** See startLeakScan. */
  readonly budget?: number;
  readonly freeze?: boolean;
  readonly onRows?: ReadProgress;
}): Promise<LeakScanOutcome> {
  const scan = startLeakScan(input);
  for (const [name, read] of scan.reads) {
    const request = {
      table: read.table,
      columns: [...read.columns],
      ...(read.where === null ? {} : { where: read.where }),
      batchRows: input.batchRows,
    };
    let rows = 0;
    for await (const batch of input.source.readRows(request, input.signal)) {
      scan.addBatch(name, batch);
      rows += batch.length;
      input.onRows?.('source', read.table, rows);
    }
  }
  return scan.finish();
}

/**
 * How the load searches one table's written rows: the table's verification (its target columns as the
 * target now holds them) and where each sits in a written row. Undefined when some target column is not
 * in the written rows (a generated column): that table is read back after the load.
 */
export function inStreamScanOf(
  prepared: PreparedLeakScan,
  plan: Plan,
  schema: DatabaseSchema,
  targetSchema: DatabaseSchema,
  table: TableRef,
  writtenColumns: readonly string[],
): { table: VerifiedTable; positions: number[]; scanner: TargetTableScanner; index: LeakIndex } | undefined {
  const planned = plan.tables.find((t) => sameTable(t.table, table));
  if (planned === undefined) return undefined;
  const verified = planVerification(
    { ...plan, tables: [planned] },
    schema,
    targetSchema,
    prepared.keptPersonal,
  ).tables[0];
  if (verified === undefined || verified.targetColumns.length === 0) return undefined;
  const positions = verified.targetColumns.map((c) => writtenColumns.indexOf(c.name));
  if (positions.some((p) => p < 0)) return undefined;
  const scanner = new TargetTableScanner(verified, prepared.index, positions);
  prepared.scanned.set(verified.name, { scanner, columns: columnNames(verified) });
  return { table: verified, positions, scanner, index: prepared.index };
}

/**
 * Verifies a target against its source: (1) every identifying value of the source's personal columns is
 * read into a keyed fingerprint index (no values kept); (2) the target's corresponding columns and every text
 * or JSON column are streamed and searched (whole values, JSON leaves, tokens and 1–4-word n-grams);
 * (3) row counts, foreign keys, unique sets, constraints and NULL counts are checked. Both sides are read in
 * bounded batches; memory is the index (8 bytes a slot) plus one batch.
 */
export async function verifySnapshot(input: VerifySnapshotInput): Promise<VerificationResult> {
  const started = performance.now();
  const { target, plan, schema } = input;
  const targetSchema = await target.introspect(input.selection);
  const verification = planVerification(plan, schema, targetSchema, input.keptPersonal);

  // On demand (`lookalike verify`), one read of the source indexes it when its values fit one pass and
  // measures them when they do not, so the passes follow the source, not planner estimates (which
  // overstate it ~3×: 25 M estimated, 8.7 M indexed on the 5M-people bench).
  const outcome: LeakScanOutcome =
    input.prepared !== undefined
      ? { prepared: input.prepared }
      : input.measured !== undefined
        ? { measured: input.measured }
        : await prepareLeakScan({
            source: input.source,
            plan,
            schema,
            keptPersonal: input.keptPersonal ?? new Map(),
            batchRows: input.batchRows,
            signal: input.signal,
            budget: input.leakScanCapacity ?? MEASURED_LEAK_SCAN_CAPACITY,
            freeze: false,
            ...(input.onRows === undefined ? {} : { onRows: input.onRows }),
          });

  // Memory is one index, whatever the source's size: more values than it holds are covered in passes,
  // each holding one keyed share of them. A pass that still overflows starts the scan again with more.
  const capacity = input.leakScanCapacity ?? MEASURED_LEAK_SCAN_CAPACITY;
  let passes = 1;
  let scan: LeakScan;
  if (outcome.prepared !== undefined) {
    // A read-ahead it will not use is let go before this scan (it may hold up to 128 MB).
    input.readAhead?.take();
    scan = await finishPreparedScan(
      input,
      outcome.prepared,
      verification.tables,
      input.prepared !== undefined,
    );
  } else {
    const projected = projectedValues(verification.tables, schema, outcome.measured);
    // Read ahead for the same source columns (it plans them as this does): its pass count stands.
    const ahead =
      input.readAhead !== undefined && sameSourceColumns(input.readAhead, verification.tables)
        ? input.readAhead
        : undefined;
    if (ahead === undefined) input.readAhead?.take();
    passes = ahead?.passes ?? passesFor(projected, capacity);
    input.logger?.info('leak_scan_passes', {
      passes,
      projectedValues: Math.round(projected),
      measuredValues: outcome.measured.values,
      readAhead: ahead !== undefined,
    });
    scan = await leakScan(input, verification.tables, passes, capacity, ahead);
  }
  while (scan.stats.dropped > 0 && passes < MAX_LEAK_SCAN_PASSES) {
    passes = Math.min(MAX_LEAK_SCAN_PASSES, passes * 2);
    input.logger?.info('leak_scan_repartitioned', { passes });
    scan = await leakScan(input, verification.tables, passes, capacity);
  }
  const { leaks, indexers, scanners } = scan;
  const targetDone = performance.now();
  input.onChecks?.();

  const checks = await integrityChecks(input, targetSchema, verification.tables, indexers, scanners);
  const utility = utilityFigures(verification.tables, indexers, scanners);
  const kAnonymity = await kAnonymityFigures(input);
  const done = performance.now();
  const seconds = (from: number, to: number): number => Math.round(to - from) / 1000;
  // A prepared scan indexed the source before the load: that pass counts as verification's source time. A
  // read-ahead counts what the run waited for it, plus this function's own time before its first pass.
  const sourceMs =
    scan.sourceMs === undefined
      ? scan.sourceDone - started
      : scan.readAheadMs === undefined
        ? scan.sourceMs
        : scan.sourceMs + (scan.sourceDone - started);
  return {
    status: verificationStatus(leaks, checks, kAnonymity),
    leakScan: {
      ...leakStats(scan.stats),
      passes,
      sourceColumns: verification.tables.reduce((n, t) => n + t.sourceColumns.length, 0),
      targetColumns: verification.tables.reduce((n, t) => n + t.targetColumns.length, 0),
      targetRows: scan.targetRows,
      ...(scan.scannedWhileWriting === undefined
        ? {}
        : { tablesScannedWhileWriting: scan.scannedWhileWriting }),
      ...(scan.readAheadMs === undefined ? {} : { sourceReadAhead: true }),
      lookups: scan.lookups,
      totalLeaks: leaks.reduce((n, l) => n + l.count, 0),
      leaks,
      keptPersonalColumns: [...(input.keptPersonal?.keys() ?? [])],
    },
    integrity: { passed: checks.every((c) => c.status === 'passed'), checks },
    utility,
    kAnonymity,
    seconds: {
      source: seconds(0, sourceMs),
      target: seconds(scan.sourceDone, targetDone),
      integrity: seconds(targetDone, done),
      ...(scan.writingMs === undefined ? {} : { whileWriting: seconds(0, scan.writingMs) }),
      ...(scan.readAheadMs === undefined ? {} : { sourceReadAhead: seconds(0, scan.readAheadMs) }),
      total: seconds(0, sourceMs + (scan.writingMs ?? 0) + (done - scan.sourceDone)),
    },
  };
}

/**
 * Equivalence classes over each table's declared quasi-identifiers, counted by GROUP BY in the target (and
 * in the source, for comparison, over the rows the load read): only counts leave the databases. A
 * partitioned table is counted over all its partitions.
 */
async function kAnonymityFigures(input: VerifySnapshotInput): Promise<KAnonymityFigure[]> {
  const figures: KAnonymityFigure[] = [];
  for (const planned of input.plan.tables) {
    const spec = planned.kAnonymity;
    if (spec === undefined || (!planned.copyRows && planned.kind !== 'partitioned')) continue;
    const request = {
      table: planned.table,
      columns: spec.quasiIdentifiers,
      withPartitions: planned.kind === 'partitioned',
      minClassSize: spec.k ?? 0,
    };
    const target = await input.target.countEquivalenceClasses(request);
    const source =
      (await input.source.countEquivalenceClasses?.(
        { ...request, ...(planned.where === null ? {} : { where: planned.where }) },
        input.signal,
      )) ?? null;
    const figure = kAnonymityFigure(qualifiedName(planned.table), spec, target, source);
    if (figure.reached === false) {
      input.logger?.warn('k_anonymity_not_reached', {
        table: figure.table,
        columns: figure.quasiIdentifiers.join(','),
        k: spec.k ?? 0,
        smallestClass: figure.target.smallestClass,
        rowsBelowK: figure.target.rowsBelowK,
        mode: spec.mode,
      });
    }
    figures.push(figure);
  }
  return figures;
}

/**
 * Values one read-back pass indexes: ~11.7 M values fit 128 MB (see FingerprintSet), less a small margin,
 * since the passes follow a measured projection, which extrapolates distinct values per row from the
 * first rows while later rows repeat more of them (names' first words, shared phone numbers), so it errs
 * high. 8.7 M values (5M-people bench) fit one pass.
 */
const MEASURED_LEAK_SCAN_CAPACITY = Math.floor(DEFAULT_MAX_SLOTS * 0.7 * 0.95);
const MAX_LEAK_SCAN_PASSES = 64;
/**
 * Fingerprints a source cell adds, by its column's role (a name adds its first word; text its emails/phones).
 * A name's first word is mostly a first name, repeated across rows, so a name counts one: with two, the
 * 5M-people bench estimated 25 M values where 8.7 M were indexed.
 */
const VALUES_PER_CELL: Readonly<Record<ColumnRole, number>> = {
  email: 1,
  phone: 1,
  full_name: 1,
  identifier: 1,
  shape: 1,
  encrypted: 2,
  text: 1,
  json: 4,
  first_name: 0,
  last_name: 0,
  quiet: 0,
};

function passesFor(values: number, capacity: number): number {
  return Math.min(MAX_LEAK_SCAN_PASSES, Math.max(1, Math.ceil(values / capacity)));
}

function estimatedRows(table: VerifiedTable, schema: DatabaseSchema): number {
  return Math.max(0, schema.tables.find((t) => sameTable(t.ref, table.table))?.estimatedRows ?? 0);
}

function estimatedValuesPerRow(table: VerifiedTable): number {
  // A first + last name pair adds the name and its first word: one, as for a full name.
  return (
    table.sourceColumns.reduce((n, c) => n + VALUES_PER_CELL[c.role], 0) + (table.sourcePair === null ? 0 : 1)
  );
}

/**
 * The source's values, projected from a measure: per table, the values per row its indexed rows added, times
 * its counted rows; a table never indexed falls back to the estimate per row, a table never read to the
 * planner's rows. Values repeated across tables were counted once, by the first.
 */
function projectedValues(
  tables: readonly VerifiedTable[],
  schema: DatabaseSchema,
  measured: LeakScanMeasure,
): number {
  let values = 0;
  for (const table of tables) {
    if (table.sourceColumns.length === 0) continue;
    const measure = measured.tables.get(table.name);
    const rows = measure === undefined ? estimatedRows(table, schema) : measure.rows;
    const perRow =
      measure !== undefined && measure.indexedRows > 0
        ? measure.values / measure.indexedRows
        : estimatedValuesPerRow(table);
    values += rows * perRow;
  }
  return values;
}

interface LeakScan {
  readonly leaks: LeakCount[];
  /** The first pass's readers: their row counts and figures feed the integrity and utility checks. */
  readonly indexers: Map<string, SourceTableIndexer>;
  readonly scanners: Map<string, TargetTableScanner>;
  readonly stats: LeakIndexStats;
  readonly lookups: number;
  readonly targetRows: number;
  readonly sourceDone: number;
  /** Prepared scans: the source pass ran before the load and took this long. */
  readonly sourceMs?: number;
  /** Prepared scans: milliseconds spent searching rows while they were written (all threads). */
  readonly writingMs?: number;
  /** Prepared scans: tables searched as they were written, not read back. */
  readonly scannedWhileWriting?: number;
  /** The first pass's source side was read ahead and took this long (sourceMs: what the run waited). */
  readonly readAheadMs?: number;
}

/**
 * Indexes the source and searches the target once per partition; leak counts add up over the passes. The
 * first pass's source side may have been read ahead (`ahead`, with the same passes).
 */
async function leakScan(
  input: VerifySnapshotInput,
  tables: readonly VerifiedTable[],
  passes: number,
  capacity: number,
  ahead?: ReadBackSource,
): Promise<LeakScan> {
  const counts = new Map<string, LeakCount>();
  let indexers = new Map<string, SourceTableIndexer>();
  const scanners = new Map<string, TargetTableScanner>();
  let stats: LeakIndexStats = { values: 0, dropped: 0, bytes: 0, falsePositiveRate: 0 };
  let lookups = 0;
  let targetRows = 0;
  let sourceDone = performance.now();
  // One random key for every pass: the partitions are shares of one keyed split, covering each value once.
  const key = ahead?.key ?? randomBytes(8);
  let usedAhead = false;
  for (let pass = 0; pass < passes; pass++) {
    const taken = pass === 0 ? ahead?.take() : undefined;
    if (taken !== undefined) usedAhead = true;
    const read =
      taken ?? (await indexSourcePass(input, input.source, tables, { key, pass, passes, capacity }));
    const { index } = read;
    if (pass === 0) indexers = read.indexers;
    if (pass === 0) sourceDone = performance.now();
    for (const table of tables) {
      if (table.targetColumns.length === 0) continue;
      const scanner = new TargetTableScanner(table, index);
      await readBack(input, table, index, scanner, passes === 1);
      for (const leak of scanner.leaks()) {
        const key = `${leak.table}\u0000${leak.column}\u0000${leak.path ?? ''}\u0000${leak.kind}`;
        const seen = counts.get(key);
        counts.set(key, seen === undefined ? leak : { ...seen, count: seen.count + leak.count });
      }
      lookups += scanner.lookups;
      if (pass === 0) {
        targetRows += scanner.rows;
        scanners.set(table.name, scanner);
      }
    }
    const passStats = index.stats();
    stats = {
      values: stats.values + passStats.values,
      dropped: stats.dropped + passStats.dropped,
      bytes: Math.max(stats.bytes, passStats.bytes),
      falsePositiveRate: Math.max(stats.falsePositiveRate, passStats.falsePositiveRate),
    };
    // The first pass's readers and scanners are kept for their counts and figures, not its index: one
    // pass's index at a time.
    if (pass === 0) {
      for (const indexer of indexers.values()) indexer.release();
      for (const scanner of scanners.values()) scanner.release();
    }
  }
  const found = { leaks: [...counts.values()], indexers, scanners, stats, lookups, targetRows, sourceDone };
  // Verification's source time is what the run waited for; the whole overlapped read is reported beside.
  return ahead === undefined || !usedAhead
    ? found
    : { ...found, sourceMs: ahead.waitedMs ?? ahead.sourceMs, readAheadMs: ahead.sourceMs };
}

/**
 * The source side of one read-back pass: the pass's keyed share of the identifying values (all of them in
 * one pass), read into a fresh index, with each table's reader (its row count and figures).
 */
async function indexSourcePass(
  input: { readonly batchRows: number; readonly signal: AbortSignal; readonly onRows?: ReadProgress },
  source: SourceSession,
  tables: readonly VerifiedTable[],
  pass: {
    readonly key: Uint8Array;
    readonly pass: number;
    readonly passes: number;
    readonly capacity: number;
  },
): Promise<{ index: LeakIndex; indexers: Map<string, SourceTableIndexer> }> {
  const index = new LeakIndex({
    key: pass.key,
    // Room for `capacity` values at the set's 70% load; a pass that needs more reports them dropped.
    maxSlots: Math.max(1024, Math.ceil(pass.capacity / 0.7)),
    ...(pass.passes === 1 ? {} : { partition: { index: pass.pass, count: pass.passes } }),
  });
  const indexers = new Map<string, SourceTableIndexer>();
  for (const table of tables) {
    if (table.sourceColumns.length === 0) continue;
    const indexer = new SourceTableIndexer(table, index);
    let rows = 0;
    for await (const batch of source.readRows(
      readOf(table, table.sourceColumns, input.batchRows),
      input.signal,
    )) {
      indexer.addBatch(batch);
      rows += batch.length;
      input.onRows?.('source', table.table, rows);
    }
    indexers.set(table.name, indexer);
  }
  return { index, indexers };
}

/**
 * The first read-back pass's source side, read before verification starts (see readAheadSource): its
 * index and readers, the passes and the key that splits them, and which source columns it read.
 */
export interface ReadBackSource {
  readonly passes: number;
  readonly key: Uint8Array;
  /** The index and its readers, handed over once: whoever holds this no longer keeps the index alive. */
  take(): { index: LeakIndex; indexers: Map<string, SourceTableIndexer> } | undefined;
  /** Per table read (`schema.table`), its source columns: verification uses it only for the same ones. */
  readonly columns: ReadonlyMap<string, string>;
  /** Milliseconds the read took. */
  readonly sourceMs: number;
  /**
   * Milliseconds whoever started it waited for it once their own work was done (the snapshot: after its
   * post-data): what the read added to the run. Unset: the whole read.
   */
  readonly waitedMs?: number;
}

/**
 * Reads the source side of a read-back's first pass ahead of verification — in the snapshot, while the
 * target adds its indexes and constraints (another connection, another server process, and this thread
 * idle), so the source read no longer adds to the run's time. For a leak scan that measured the source
 * before the load (`measured`): the passes are planned from that measure, as verification plans them.
 */
export async function readAheadSource(input: {
  readonly source: SourceSession;
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly keptPersonal: KeptPersonalColumns;
  readonly measured: LeakScanMeasure;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly leakScanCapacity?: number;
}): Promise<ReadBackSource> {
  const started = performance.now();
  const { tables } = planVerification(input.plan, input.schema, input.schema, input.keptPersonal);
  const capacity = input.leakScanCapacity ?? MEASURED_LEAK_SCAN_CAPACITY;
  const passes = passesFor(projectedValues(tables, input.schema, input.measured), capacity);
  const key = randomBytes(8);
  let read: { index: LeakIndex; indexers: Map<string, SourceTableIndexer> } | undefined =
    await indexSourcePass(input, input.source, tables, { key, pass: 0, passes, capacity });
  const columns = new Map<string, string>();
  for (const table of tables)
    if (table.sourceColumns.length > 0) columns.set(table.name, sourceColumnNames(table));
  return {
    passes,
    key,
    take() {
      const taken = read;
      read = undefined;
      return taken;
    },
    columns,
    sourceMs: performance.now() - started,
  };
}

function sourceColumnNames(table: VerifiedTable): string {
  return table.sourceColumns.map((c) => `${c.name}:${c.role}`).join('\u0000');
}

/** Whether a read-ahead read exactly the source columns verification plans to index. */
function sameSourceColumns(ahead: ReadBackSource, tables: readonly VerifiedTable[]): boolean {
  const planned = tables.filter((t) => t.sourceColumns.length > 0);
  return (
    planned.length === ahead.columns.size &&
    planned.every((t) => ahead.columns.get(t.name) === sourceColumnNames(t))
  );
}

/**
 * The rest of a prepared scan: tables searched as they were written give their findings; every other
 * table with columns to search (copied unchanged, or holding a generated column) is read back. A scan
 * verification prepared itself (`beforeLoad` false: no load ran) has no time of its own to report.
 */
async function finishPreparedScan(
  input: VerifySnapshotInput,
  prepared: PreparedLeakScan,
  tables: readonly VerifiedTable[],
  beforeLoad: boolean,
): Promise<LeakScan> {
  const started = performance.now();
  const leaks: LeakCount[] = [];
  const scanners = new Map<string, TargetTableScanner>();
  let lookups = 0;
  let targetRows = 0;
  for (const table of tables) {
    if (table.targetColumns.length === 0) continue;
    const scanned = prepared.scanned.get(table.name);
    // Scanned while written only if the columns searched then are the ones verification plans now.
    let scanner = scanned?.columns === columnNames(table) ? scanned.scanner : undefined;
    if (scanner === undefined) {
      scanner = new TargetTableScanner(table, prepared.index);
      await readBack(input, table, prepared.index, scanner, true);
    }
    leaks.push(...scanner.leaks());
    lookups += scanner.lookups;
    targetRows += scanner.rows;
    scanners.set(table.name, scanner);
  }
  const common = {
    leaks,
    indexers: new Map(prepared.indexers),
    scanners,
    stats: prepared.index.stats(),
    lookups,
    targetRows,
    sourceDone: started,
  };
  // Its source read then counts from verification's start, as leakScan's does.
  if (!beforeLoad) return common;
  return {
    ...common,
    sourceMs: prepared.sourceMs,
    writingMs: [...prepared.scanned.values()].reduce((ms, s) => ms + s.scanner.ms, 0),
    scannedWhileWriting: [...scanners.keys()].filter(
      (name) => scanners.get(name) === prepared.scanned.get(name)?.scanner,
    ).length,
  };
}

/**
 * Searches one table's rows as the target holds them with `scanner`: in scan workers when the table is
 * large, the index can be shared (one pass) and the reader hands over encoded rows (the workers' findings
 * are absorbed into `scanner`); in this thread otherwise.
 */
async function readBack(
  input: VerifySnapshotInput,
  table: VerifiedTable,
  index: LeakIndex,
  scanner: TargetTableScanner,
  shareable: boolean,
): Promise<void> {
  const { target, signal } = input;
  const read = {
    table: table.table,
    columns: table.targetColumns.map((c) => c.name),
    batchRows: input.batchRows,
  };
  const workers =
    shareable && target.readEncoded !== undefined && target.encodedFormat !== undefined
      ? readBackWorkersFor(estimatedRows(table, input.schema), input.transformWorkers)
      : 0;
  const onRows =
    input.onRows === undefined
      ? undefined
      : (rows: number): void => input.onRows?.('target', table.table, rows);
  if (workers === 0) {
    let rows = 0;
    for await (const batch of target.readRows(read, signal)) {
      scanner.scanBatch(batch);
      rows += batch.length;
      onRows?.(rows);
    }
    return;
  }
  input.logger?.info('read_back_workers', { table: table.name, workers });
  const request = { reader: target, read, table, index, workers, signal };
  for (const state of await scanTableInParallel(onRows === undefined ? request : { ...request, onRows }))
    scanner.absorb(state);
}

function columnNames(table: VerifiedTable): string {
  return table.targetColumns.map((c) => c.name).join('\u0000');
}

function readOf(
  table: VerifiedTable,
  columns: readonly { readonly name: string }[],
  batchRows: number,
): { table: TableRef; columns: string[]; where?: string; batchRows: number } {
  return {
    table: table.table,
    columns: columns.map((c) => c.name),
    ...(table.where === null ? {} : { where: table.where }),
    batchRows,
  };
}

/** Whether the target holds a subset of the source's rows (see VerifySnapshotInput.subset). */
function isSubset(input: { readonly plan: Plan; readonly subset?: boolean | undefined }): boolean {
  return input.plan.subset !== undefined || input.subset === true;
}

/**
 * What a read outside the load will hold, for its progress (counts only): the planner's estimate of each
 * planned table (`schema.table`), 0 for a filtered one (the estimate is the whole table's).
 */
export function readEstimates(plan: Plan, schema: DatabaseSchema): Map<string, number> {
  const estimated = new Map(schema.tables.map((t) => [qualifiedName(t.ref), t.estimatedRows]));
  return new Map(
    plan.tables.map((t) => {
      const name = qualifiedName(t.table);
      return [name, t.where === null ? (estimated.get(name) ?? 0) : 0];
    }),
  );
}

async function integrityChecks(
  input: VerifySnapshotInput,
  targetSchema: DatabaseSchema,
  tables: readonly VerifiedTable[],
  indexers: ReadonlyMap<string, SourceTableIndexer>,
  scanners: ReadonlyMap<string, TargetTableScanner>,
): Promise<IntegrityCheck[]> {
  const { plan, schema, target, source, signal } = input;
  const integrity = planIntegrity(plan, schema, targetSchema, {
    sameRows: input.sameRows,
    subset: isSubset(input),
    knownCounts: new Set(input.sourceRows?.keys() ?? []),
  });
  const checks: IntegrityCheck[] = [...integrity.missingConstraints];
  for (const ref of integrity.emptyTables) {
    const found = await target.countRows(ref);
    checks.push({
      check: 'row_count',
      table: qualifiedName(ref),
      status: found === 0 ? 'passed' : 'failed',
      method: 'count',
      expected: 0,
      found,
    });
  }
  for (const ref of integrity.rowCounts) {
    const name = qualifiedName(ref);
    const planned = plan.tables.find((t) => sameTable(t.table, ref));
    const expected =
      input.sourceRows?.get(name) ??
      indexers.get(name)?.rows ??
      (await countSourceRows(source, schema, ref, planned?.where ?? null, input.batchRows, signal));
    const found = await target.countRows(ref);
    checks.push({
      check: 'row_count',
      table: name,
      status: found === expected ? 'passed' : 'failed',
      method: 'count',
      expected,
      found,
    });
  }
  for (const fk of integrity.foreignKeys) {
    const table = qualifiedName(fk.table);
    if (fk.enforced) {
      checks.push({
        check: 'foreign_key',
        table,
        constraint: fk.constraint,
        columns: fk.columns,
        status: 'passed',
        method: 'constraint',
      });
      continue;
    }
    const orphans = await target.countOrphans(fk.table, fk.columns, fk.references);
    checks.push({
      check: 'foreign_key',
      table,
      constraint: fk.constraint,
      columns: fk.columns,
      status: orphans === 0 ? 'passed' : 'failed',
      method: 'query',
      expected: 0,
      found: orphans,
    });
  }
  for (const unique of integrity.uniques) {
    const table = qualifiedName(unique.table);
    if (unique.enforced) {
      checks.push({
        check: 'unique',
        table,
        columns: unique.columns,
        status: 'passed',
        method: 'constraint',
      });
      continue;
    }
    const duplicates = await target.countDuplicates(unique.table, unique.columns);
    checks.push({
      check: 'unique',
      table,
      columns: unique.columns,
      status: duplicates === 0 ? 'passed' : 'failed',
      method: 'query',
      expected: 0,
      found: duplicates,
    });
  }
  // NULLs: the source columns read for the leak index, where the action keeps NULLs and rows are the same.
  for (const table of tables) {
    const comparable = input.sameRows || (table.where === null && !isSubset(input));
    const indexer = indexers.get(table.name);
    const scanner = scanners.get(table.name);
    if (!comparable || indexer === undefined || scanner === undefined) continue;
    table.sourceColumns.forEach((column, i) => {
      if (!column.keepsNulls) return;
      const t = table.targetColumns.findIndex((c) => c.name === column.name);
      const sourceNulls = indexer.figures[i]?.nulls;
      const targetNulls = t < 0 ? undefined : scanner.figures[t]?.nulls;
      if (sourceNulls === undefined || targetNulls === undefined) return;
      checks.push({
        check: 'null_count',
        table: table.name,
        columns: [column.name],
        status: sourceNulls === targetNulls ? 'passed' : 'failed',
        method: 'count',
        expected: sourceNulls,
        found: targetNulls,
      });
    });
  }
  return checks;
}

async function countSourceRows(
  source: SourceSession,
  schema: DatabaseSchema,
  ref: TableRef,
  where: string | null,
  batchRows: number,
  signal: AbortSignal,
): Promise<number> {
  const info = schema.tables.find((t) => sameTable(t.ref, ref));
  const column = info?.columns.find((c) => !c.isGenerated) ?? info?.columns[0];
  if (column === undefined) return 0;
  let rows = 0;
  const read = { table: ref, columns: [column.name], ...(where === null ? {} : { where }), batchRows };
  for await (const batch of source.readRows(read, signal)) rows += batch.length;
  return rows;
}

function utilityFigures(
  tables: readonly VerifiedTable[],
  indexers: ReadonlyMap<string, SourceTableIndexer>,
  scanners: ReadonlyMap<string, TargetTableScanner>,
): UtilityFigure[] {
  const figures: UtilityFigure[] = [];
  for (const table of tables) {
    const indexer = indexers.get(table.name);
    const scanner = scanners.get(table.name);
    if (indexer === undefined || scanner === undefined) continue;
    table.sourceColumns.forEach((column, i) => {
      if (column.action.kind !== 'substitute' && column.action.kind !== 'generalize') return;
      const t = table.targetColumns.findIndex((c) => c.name === column.name);
      const sourceSide = indexer.figures[i];
      const targetSide = t < 0 ? undefined : scanner.figures[t];
      if (sourceSide == null || targetSide == null) return;
      figures.push(
        utilityFigure(
          table.name,
          column.name,
          column.action,
          sourceSide,
          targetSide,
          column.role === 'email',
        ),
      );
    });
  }
  return figures;
}

/** Kinds whose verbatim presence identifies someone: a kept column of one of them is checked as personal. */
const KEPT_PERSONAL_ROLES: ReadonlySet<ColumnRole> = new Set(['email', 'phone', 'full_name', 'identifier']);

/**
 * Kept columns the scan classifies as a high-entropy personal kind (email, phone, full name, username,
 * street, national id, card, IP, …). First names, last names, cities and other low-entropy kinds that a
 * policy keeps on purpose (actors' credited names) are trusted.
 */
export async function findKeptPersonalColumns(
  source: SourceSession,
  plan: Plan,
  selection: Selection,
  detection: Detection,
  signal: AbortSignal,
): Promise<Map<string, ColumnRole>> {
  const kept = new Map<string, ColumnRole>();
  const keptColumns = new Set(
    plan.tables.flatMap((t) =>
      t.copyRows
        ? t.columns.filter((c) => c.action.kind === 'keep').map((c) => `${qualifiedName(t.table)}.${c.name}`)
        : [],
    ),
  );
  if (keptColumns.size === 0) return kept;
  // Partitions are classified with their partitioned table: a table's kept columns and its partitions'.
  // Grouped once (by the table itself and by its parent), not searched per table: schemas run to
  // thousands of partitions.
  let grouped: Map<string, TableRef[]> | undefined;
  const plannedUnder = (table: TableInfo, schema: DatabaseSchema): readonly TableRef[] => {
    if (grouped === undefined) {
      const groups = new Map<string, TableRef[]>();
      const add = (name: string, ref: TableRef): void => {
        const list = groups.get(name);
        if (list === undefined) groups.set(name, [ref]);
        else list.push(ref);
      };
      const parents = new Map(schema.tables.map((t) => [qualifiedName(t.ref), t.parent] as const));
      for (const { table: ref } of plan.tables) {
        add(qualifiedName(ref), ref);
        const parent = parents.get(qualifiedName(ref)) ?? null;
        if (parent !== null) add(qualifiedName(parent), ref);
      }
      grouped = groups;
    }
    return grouped.get(qualifiedName(table.ref)) ?? [];
  };
  // Only kept columns are sampled and classified: the others are transformed whatever they hold.
  const only = (table: TableInfo, schema: DatabaseSchema): Set<string> => {
    const planned = plannedUnder(table, schema).map(qualifiedName);
    return new Set(
      table.columns.map((c) => c.name).filter((c) => planned.some((p) => keptColumns.has(`${p}.${c}`))),
    );
  };
  const { classified, schema } = await scanSource(source, selection, detection, signal, { only });
  for (const entry of classified) {
    const { classification } = entry;
    if (classification.category === null || decisionOf(classification) !== 'personal') continue;
    const kind = detection.substituteKind(classification.category);
    if (kind === null) continue;
    const role = roleOfEntity(kind);
    if (!KEPT_PERSONAL_ROLES.has(role)) continue;
    const table = schema.tables.find((t) => sameTable(t.ref, entry.table));
    for (const planned of table === undefined ? [] : plannedUnder(table, schema)) {
      const key = `${qualifiedName(planned)}.${entry.column}`;
      if (keptColumns.has(key)) kept.set(key, role);
    }
  }
  return kept;
}

export interface VerifyRequest {
  readonly source: SourceConnector;
  readonly target: SinkConnector;
  /** A policy to plan with, or a saved plan; with neither, a scan decides which columns are personal. */
  readonly policy?: Policy;
  readonly plan?: Plan;
  readonly detection: Detection;
  readonly advisor?: ColumnAdvisor;
  readonly selection: Selection;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** See VerifySnapshotInput.leakScanCapacity. */
  readonly leakScanCapacity?: number;
  /** See VerifySnapshotInput.transformWorkers. */
  readonly transformWorkers?: number;
  /** See VerifySnapshotInput.subset. */
  readonly subset?: boolean;
  /** Rows per table (`schema.table`) the run that made the target recorded (a manifest's `rowCounts`). */
  readonly recordedRows?: ReadonlyMap<string, number>;
  /**
   * Told what the run does, as a snapshot tells it (names and counts only): the phases `introspect`, `plan`
   * and `verify`, and `read_progress` of every read of either side, against the planner's estimate of the
   * table (nothing for a filtered table, nor for a subset's target, whose rows it cannot know).
   */
  readonly onEvent?: SnapshotListener;
}

/** `lookalike verify`: a committed target against its source, on demand. Reads both; writes neither. */
export async function runVerification(request: VerifyRequest): Promise<VerificationResult> {
  const { signal, logger } = request;
  const emit = request.onEvent ?? (() => undefined);
  let source: SourceSession | undefined;
  let sink: SinkSession | undefined;
  try {
    emit({ type: 'phase', phase: 'introspect' });
    source = await request.source.openSource(signal);
    emit({ type: 'phase', phase: 'plan' });
    const { schema, plan } =
      request.plan !== undefined
        ? await checkSavedPlan(source, request.plan, request.selection)
        : request.policy !== undefined
          ? await planSnapshot(source, request.policy, request.selection)
          : await planFromScan(source, request.detection, request.selection, signal, {
              ...(request.advisor === undefined ? {} : { advisor: request.advisor }),
            });
    const keptPersonal =
      request.plan === undefined && request.policy === undefined
        ? new Map<string, ColumnRole>()
        : await findKeptPersonalColumns(source, plan, request.selection, request.detection, signal);
    sink = await request.target.openSink(signal);
    emit({ type: 'phase', phase: 'verify' });
    // A subset's target holds fewer rows than its source: its reads are told against no estimate.
    const subset = isSubset({ plan, subset: request.subset });
    const estimates = readEstimates(plan, schema);
    const result = await verifySnapshot({
      source,
      target: readerOf(sink),
      plan,
      schema,
      selection: request.selection,
      batchRows: request.batchRows,
      signal,
      keptPersonal,
      sameRows: false,
      logger,
      ...(request.onEvent === undefined
        ? {}
        : {
            onRows: (side, table, rows) => {
              const whole = side === 'source' || !subset;
              const estimatedRows = whole ? (estimates.get(qualifiedName(table)) ?? 0) : 0;
              emit({ type: 'read_progress', phase: 'verify', side, table, rows, estimatedRows });
            },
            onChecks: () => emit({ type: 'phase', phase: 'integrity' }),
          }),
      ...(request.leakScanCapacity === undefined ? {} : { leakScanCapacity: request.leakScanCapacity }),
      ...(request.transformWorkers === undefined ? {} : { transformWorkers: request.transformWorkers }),
      ...(request.recordedRows === undefined ? {} : { sourceRows: request.recordedRows }),
      subset,
    });
    logger.info('verification_completed', {
      status: result.status,
      leaks: result.leakScan.totalLeaks,
      seconds: result.seconds.total,
    });
    return result;
  } finally {
    await sink?.close().catch(() => undefined);
    await source?.close().catch(() => undefined);
  }
}

export function readerOf(sink: SinkSession): TargetReader {
  if (sink.reader === undefined) {
    throw new GatewayError(
      'verification_failed',
      'this target cannot be read back, so it cannot be verified',
    );
  }
  return sink.reader();
}

/** Turns a failed verification into the error that stops the snapshot (names and counts only). */
export function verificationError(result: VerificationResult): GatewayError {
  const items = describeProblems(result);
  if (result.status === 'leak_found') {
    return new GatewayError(
      'leak_found',
      `verification found ${result.leakScan.totalLeaks} real value(s) in the target; the snapshot was not delivered`,
      { items },
    );
  }
  if (result.status === 'k_anonymity_failed') {
    const failed = kAnonymityFailures(result.kAnonymity ?? []);
    return new GatewayError(
      'verification_failed',
      `k-anonymity not reached: ${failed.map((f) => `${f.table} (${f.quasiIdentifiers.join(', ')}): smallest class ${f.target.smallestClass} < k=${f.k ?? 0}`).join('; ')}; the snapshot was not delivered`,
      { items },
    );
  }
  return new GatewayError(
    'verification_failed',
    `verification found ${items.length} integrity problem(s); the snapshot was not delivered`,
    { items },
  );
}

/**
 * Kept columns to check as personal: with a policy or a saved plan, a scan of the source finds kept columns
 * that hold identifying values (`email: keep` is refused); a plan made from a scan has none by construction.
 */
export async function keptPersonalFor(
  source: SourceSession,
  plan: Plan,
  request: {
    readonly policy?: Policy;
    readonly plan?: Plan;
    readonly detection?: Detection;
    readonly selection: Selection;
    readonly signal: AbortSignal;
  },
): Promise<KeptPersonalColumns> {
  const fromScan = request.plan === undefined && request.policy === undefined;
  return fromScan || request.detection === undefined
    ? new Map<string, ColumnRole>()
    : await findKeptPersonalColumns(source, plan, request.selection, request.detection, request.signal);
}

/**
 * The snapshot's own verification, on the sink's open transaction: the source session reads the same rows
 * the load read (filters and subset included), so counts compare exactly. With a policy or a saved plan,
 * a scan of the source first finds kept columns that hold identifying values (`email: keep` is refused).
 */
export async function verifyBeforeCommit(
  source: SourceSession,
  sink: SinkSession,
  plan: Plan,
  schema: DatabaseSchema,
  tables: readonly { readonly table: string; readonly rows: number }[],
  request: {
    readonly selection: Selection;
    readonly batchRows: number;
    readonly signal: AbortSignal;
    readonly logger: Logger;
    /** See keptPersonalFor. */
    readonly keptPersonal: KeptPersonalColumns;
    /** How long finding them took (reported with the verification's own time). */
    readonly keptScanMs?: number;
    readonly prepared?: PreparedLeakScan;
    readonly measured?: LeakScanMeasure;
    readonly leakScanCapacity?: number;
    /** See VerifySnapshotInput.transformWorkers. */
    readonly transformWorkers?: number;
    readonly readAhead?: ReadBackSource;
    readonly onRows?: ReadProgress;
    readonly onChecks?: () => void;
    /**
     * Whether the source side read the rows the load copied (default). Not so for a subset indexed with
     * the whole source: counts then compare with the rows written, NULL counts not at all.
     */
    readonly sameRows?: boolean;
  },
): Promise<VerificationResult> {
  const { keptPersonal } = request;
  const result = await verifySnapshot({
    source,
    target: readerOf(sink),
    plan,
    schema,
    selection: request.selection,
    batchRows: request.batchRows,
    signal: request.signal,
    keptPersonal,
    sameRows: request.sameRows ?? true,
    sourceRows: new Map(tables.map((t) => [t.table, t.rows])),
    logger: request.logger,
    ...(request.prepared === undefined ? {} : { prepared: request.prepared }),
    ...(request.measured === undefined ? {} : { measured: request.measured }),
    ...(request.leakScanCapacity === undefined ? {} : { leakScanCapacity: request.leakScanCapacity }),
    ...(request.transformWorkers === undefined ? {} : { transformWorkers: request.transformWorkers }),
    ...(request.readAhead === undefined ? {} : { readAhead: request.readAhead }),
    ...(request.onRows === undefined ? {} : { onRows: request.onRows }),
    ...(request.onChecks === undefined ? {} : { onChecks: request.onChecks }),
  });
  request.logger.info('verification_completed', {
    status: result.status,
    leaks: result.leakScan.totalLeaks,
    seconds: result.seconds.total,
    // With the scan for kept personal columns, which ran before the load.
    totalSeconds: Math.round(result.seconds.total * 1000 + (request.keptScanMs ?? 0)) / 1000,
  });
  return result;
}
