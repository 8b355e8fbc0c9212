import {
  GatewayError,
  qualifiedName,
  sameTable,
  type DatabaseSchema,
  type Logger,
  type Secret,
  type Selection,
  type SinkConnector,
  type SinkSession,
  type SourceConnector,
  type SourceSession,
  type RunArea,
  type TableRef,
} from '../core/index.js';
import { createKeyedSeeder, type ValueBloomFilter } from '../fake-values/index.js';
import { collectSourceValues } from './collect-source-values.js';
import type { ColumnAdvisor, Detection, KnownEntityIndex } from '../detection/index.js';
import { spanFinderOf } from './span-finder.js';
import { computeSubset } from './compute-subset.js';
import type { SubsetEstimate, SubsetOverrides } from '../subset/index.js';
import type { Plan, Policy } from '../policy/index.js';
import { assertPlanRunnable, checkSavedPlan, planFromScan, planSnapshot } from './plan-snapshot.js';
import type { SnapshotListener, SnapshotPhase } from './snapshot-events.js';
import { uniqueSubstitutionScopes } from './transform-rows.js';
import { copyTable, type TableSummary } from './copy-table.js';
import {
  encodeLoadUnitState,
  LOAD_UNIT_STATE_BLOB,
  planLoadUnits,
  type LoadUnitSettings,
} from './load-units.js';
import { dropRunState, putRunState } from './sealed-run-state.js';
import type { TargetScanState, VerificationResult } from '../verify/index.js';
import {
  inStreamScanOf,
  keptPersonalFor,
  prepareLeakScan,
  readAheadSource,
  readEstimates,
  readerOf,
  sourceMayFitLeakScan,
  startLeakScan,
  verifyBeforeCommit,
  verificationError,
  type PreparedLeakScan,
  type ReadBackSource,
} from './verify-snapshot.js';

export interface SnapshotRequest {
  readonly source: SourceConnector;
  readonly target: SinkConnector;
  /** A policy to plan with now, or a saved plan to run exactly; with neither, a scan drafts the policy. */
  readonly policy?: Policy;
  readonly plan?: Plan;
  /** Detection: drafts the policy when none is given, and finds the personal spans redact_text replaces. */
  readonly detection?: Detection;
  /** Asked about columns a scan cannot decide (optional language-model assist; off unless configured). */
  readonly advisor?: ColumnAdvisor;
  readonly selection: Selection;
  readonly secret: Secret;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly onEvent?: SnapshotListener;
  /** Told the plan that runs, once it is runnable (the manifest records the rule behind every column). */
  readonly onPlan?: (plan: Plan) => void;
  /** Subset settings that win over the plan's `subset:` (CLI flags, API fields). */
  readonly subset?: SubsetOverrides;
  /**
   * Worker threads that transform a table (0: this thread only). Default: one per core (at most 4) for
   * tables of 20,000 rows or more whose text is searched for spans, when source and sink support it
   * (see parallel-copy.ts).
   */
  readonly transformWorkers?: number;
  /**
   * Values one leak-index pass holds at most (default: what 128 MB holds). Tests set it low to force the
   * read-back in keyed passes that larger sources take.
   */
  readonly leakScanCapacity?: number;
  /**
   * Values the index built before the load (and searched while writing) may hold. Unset: 4 M
   * (PREPARED_LEAK_SCAN_BUDGET), or `leakScanCapacity` if smaller; set, it is used as given (for a subset's
   * run, to the whole source's values; past it the subset's rows are indexed instead). Tests set it below the
   * capacity to reach the one-pass read-back that a source between the two takes (the 5M-people bench's
   * path).
   */
  readonly leakScanBudget?: number;
  /**
   * Splits the load into units of work that other processes run (see load-units.ts): the schema and the
   * run's transform state are committed first, each unit commits its rows, and sequences, post-data and
   * verification run in a last transaction. The target is then not empty after a failure: the caller
   * (the gateway, which made it for this run) drops it. Needs a source that exports its snapshot and a
   * sink with a run area; a subset run loads in one transaction regardless.
   */
  readonly units?: LoadUnitSettings;
}

export interface SnapshotSummary {
  readonly status: 'completed';
  readonly tables: readonly TableSummary[];
  readonly totalRows: number;
  readonly seconds: number;
  readonly sequences: number;
  readonly materializedViews: number;
  readonly droppedColumns: number;
  readonly keyId: string;
  readonly schemaFingerprint: string;
  readonly policyDigest: string;
  /** The leak scan, integrity checks and utility figures run before the commit (counts, never values). */
  readonly verification: VerificationResult;
  /** Present when a subset was copied: its counts, pulls and budget (names and counts only). */
  readonly subset?: SubsetEstimate;
}

/**
 * Copies the source into an empty target following the plan: schema first (pg_dump pre-data), rows
 * streamed table by table through the transforms, then sequences, indexes/constraints/triggers
 * (post-data) and materialized views, a row-count check, and one commit. Any failure rolls back.
 */
export async function runSnapshot(request: SnapshotRequest): Promise<SnapshotSummary> {
  const started = performance.now();
  const emit = request.onEvent ?? (() => undefined);
  const phase = (name: SnapshotPhase): void => emit({ type: 'phase', phase: name });
  const { signal, logger } = request;
  const checkAbort = (): void => {
    if (signal.aborted) throw new GatewayError('cancelled', 'snapshot cancelled');
  };

  let source: SourceSession | undefined;
  let sink: SinkSession | undefined;
  let split = false;
  try {
    phase('introspect');
    source = await request.source.openSource(signal);
    phase('plan');
    const { schema, plan } =
      request.plan !== undefined
        ? await checkSavedPlan(source, request.plan, request.selection)
        : request.policy !== undefined
          ? await planSnapshot(source, request.policy, request.selection)
          : await planFromScan(source, requireDetection(request.detection), request.selection, signal, {
              ...(request.advisor === undefined ? {} : { advisor: request.advisor }),
            });
    assertPlanRunnable(plan, request.plan === undefined && request.policy === undefined ? 'scan' : 'policy');
    request.onPlan?.(plan);
    checkAbort();
    // Reads outside the load report their rows against what they will read (progress; counts only).
    const estimates = readEstimates(plan, schema);
    const readProgress =
      (during: 'scan_values' | 'index_values' | 'verify', totals: ReadonlyMap<string, number> = estimates) =>
      (side: 'source' | 'target', table: TableRef, rows: number): void => {
        const estimatedRows = totals.get(qualifiedName(table)) ?? 0;
        emit({ type: 'read_progress', phase: during, side, table, rows, estimatedRows });
      };

    phase('read_schema');
    const preData = await source.schemaDdl('pre_data', request.selection);
    const postData = await source.schemaDdl('post_data', request.selection);
    checkAbort();

    // Everything that only reads the source happens before the target is touched.
    phase('scan_values');
    // The leak scan's source side is read in this pass, the whole source — a subset's too when the planner
    // projects it may fit (a kept column of the subset quoting someone outside it still leaks a real value).
    // Indexed before the load when its budget holds it, so the load searches rows as it writes them instead
    // of verification reading them back.
    const subsetting = plan.subset !== undefined || request.subset !== undefined;
    const units = subsetting ? undefined : await unitSplitOf(source, plan, request.units);
    split = units !== undefined;
    const keptScanStarted = performance.now();
    const keptPersonal = await keptPersonalFor(source, plan, request);
    const keptScanMs = performance.now() - keptScanStarted;
    const capacity =
      request.leakScanCapacity === undefined ? {} : { leakScanCapacity: request.leakScanCapacity };
    const leakScanInput = {
      plan,
      schema,
      keptPersonal,
      ...capacity,
      ...(request.leakScanBudget === undefined ? {} : { budget: request.leakScanBudget }),
    };
    // A subset tries the whole source only when the planner's projection says it may fit the budget.
    const leakScanStart =
      !subsetting || sourceMayFitLeakScan(leakScanInput) ? startLeakScan(leakScanInput) : undefined;
    const valueProgress = readProgress('scan_values');
    // knownEntities and the filters are released after the load (the leak index, when one was prepared,
    // lives on into verification). One declaration: a second name for either would keep it alive.
    let { filters: sourceValues, knownEntities } = await collectSourceValues(source, plan, schema, {
      batchRows: request.batchRows,
      signal,
      logger,
      ...(leakScanStart === undefined ? {} : { alsoRead: leakScanStart, alsoReadUntilOverflow: subsetting }),
      onRows: (table, rows) => valueProgress('source', table, rows),
      ...(request.detection === undefined ? {} : { certainInText: certainInTextOf(request.detection) }),
    });
    // Text spans are found only where the plan redacts text (collectSourceValues indexes them then).
    let findSpans =
      request.detection === undefined || knownEntities === undefined
        ? undefined
        : spanFinderOf(request.detection, knownEntities);
    const seeder = createKeyedSeeder(request.secret);
    let outcome = leakScanStart?.finish();
    checkAbort();

    // After the value scan (fakes must avoid every real value, not only the kept ones): from here on,
    // reads return only the subset's rows.
    if (subsetting) phase('subset');
    const subset = await computeSubset(source, schema, plan, request.subset, request.secret, signal);
    if (subset !== null) logger.info('subset_computed', { rows: subset.totalRows, bytes: subset.totalBytes });
    checkAbort();

    // A subset of a source too large for the load's index: the subset's own rows are indexed instead (its
    // verification then reads them back only if they outgrow it too).
    const indexedWhole = outcome?.prepared !== undefined;
    if (subsetting && !indexedWhole) {
      phase('index_values');
      outcome = await prepareLeakScan({
        source,
        plan,
        schema,
        keptPersonal,
        batchRows: request.batchRows,
        signal,
        ...capacity,
        // A subset's rows: no estimate to measure them against.
        onRows: readProgress('index_values', new Map()),
      });
    }
    const prepared = outcome?.prepared;
    const measured = outcome?.measured;
    if (measured !== undefined)
      logger.info('leak_scan_read_back', {
        reason: 'the source holds more values than the index searched during the load may hold',
        measuredValues: measured.values,
      });
    checkAbort();

    sink = await request.target.openSink(signal);
    await sink.assertEmpty();
    await sink.begin();
    phase('create_schema');
    await sink.applyDdl(preData, 'the schema (pre-data)');
    const droppedColumns = await dropColumns(sink, plan, schema);
    logger.info('schema_created', { tables: schema.tables.length, droppedColumns });
    const leakScan =
      prepared === undefined
        ? undefined
        : { prepared, targetSchema: await readerOf(sink).introspect(request.selection) };

    phase('load');
    const tables: TableSummary[] = [];
    if (units !== undefined) {
      tables.push(
        ...(await loadInUnits(sink, units, {
          plan,
          schema,
          secret: request.secret,
          sourceValues,
          knownEntities,
          leakScan,
          signal,
          emit,
          logger,
        })),
      );
    } else {
      const uniqueScopes = uniqueSubstitutionScopes(plan, schema);
      for (const planned of plan.tables) {
        if (!planned.copyRows) continue;
        checkAbort();
        const info = schema.tables.find((t) => sameTable(t.ref, planned.table));
        if (info === undefined)
          throw new GatewayError('plan_invalid', `plan names unknown table ${qualifiedName(planned.table)}`);
        const { writtenColumns: _written, ...summary } = await copyTable(
          source,
          sink,
          planned,
          info,
          {
            seeder,
            uniqueScopes,
            sourceValues,
            findSpans,
            textCatalogue: findSpans === undefined ? undefined : request.detection?.catalogue.source,
            knownEntities,
            plan,
            schema,
            leakScan,
          },
          request,
          emit,
        );
        tables.push(summary);
      }
    }

    // Nothing the load used stays reachable into verification, whose read-back may take 128 MB.
    knownEntities = undefined;
    findSpans = undefined;
    sourceValues = new Map();
    phase('sequences');
    let sequences = 0;
    for (const sequence of schema.sequences) {
      if (sequence.lastValue === null || !plan.sequences.some((s) => sameTable(s, sequence.ref))) continue;
      await sink.setSequence(sequence.ref, sequence.lastValue, sequence.isCalled);
      sequences++;
    }

    phase('constraints');
    checkAbort();
    // A read-back's source side is read now, while the target adds its post-data (its own server process):
    // on the source session, idle since the load, and this thread, idle while the target works.
    const readFrom = source;
    const { materializedViews, readAhead } = await applyPostData(
      sink,
      postData,
      signal,
      logger,
      measured === undefined
        ? undefined
        : (aheadSignal) =>
            readAheadSource({
              source: readFrom,
              plan,
              schema,
              keptPersonal,
              measured,
              batchRows: request.batchRows,
              signal: aheadSignal,
              ...capacity,
            }),
    );

    phase('verify');
    for (const table of tables) {
      const count = await sink.countRows(refOf(table.table, plan));
      if (count !== table.rows) {
        throw new GatewayError(
          'verification_failed',
          `${table.table}: target holds ${count} rows, ${table.rows} were written`,
          { table: table.table },
        );
      }
    }
    // Leak scan and integrity on the uncommitted target: a snapshot that fails them is rolled back.
    const verification = await verifyBeforeCommit(source, sink, plan, schema, tables, {
      ...request,
      keptPersonal,
      keptScanMs,
      ...capacity,
      ...(prepared === undefined ? {} : { prepared }),
      ...(measured === undefined ? {} : { measured }),
      ...(readAhead === undefined ? {} : { readAhead }),
      // A subset indexed with the whole source: its figures (NULL counts) are not the subset's.
      sameRows: !(subsetting && indexedWhole),
      // Verification reads on either side exactly the rows the load copied.
      onRows: readProgress('verify', new Map(tables.map((t) => [t.table, t.rows]))),
      onChecks: () => phase('integrity'),
    });
    if (verification.status !== 'clean') throw verificationError(verification);

    phase('commit');
    checkAbort();
    await sink.commit();
    const summary: SnapshotSummary = {
      status: 'completed',
      tables,
      totalRows: tables.reduce((sum, t) => sum + t.rows, 0),
      seconds: (performance.now() - started) / 1000,
      sequences,
      materializedViews,
      droppedColumns,
      keyId: request.secret.keyId,
      schemaFingerprint: plan.schemaFingerprint,
      policyDigest: plan.policyDigest,
      verification,
      ...(subset === null ? {} : { subset }),
    };
    logger.info('snapshot_completed', {
      tables: tables.length,
      rows: summary.totalRows,
      seconds: summary.seconds,
    });
    return summary;
  } catch (error) {
    logger.error('snapshot_failed', {
      code: error instanceof GatewayError ? error.code : 'internal',
    });
    await sink?.rollback().catch(() => undefined);
    // A split run committed its schema and sealed state: the state never outlives a failed run, even where
    // the caller cannot drop the target (the gateway drops it).
    const area = split ? sink?.runArea?.() : undefined;
    if (sink !== undefined && area !== undefined) await dropRunState(sink, area).catch(() => undefined);
    throw error;
  } finally {
    await sink?.close().catch(() => undefined);
    await source?.close().catch(() => undefined);
  }
}

/** A split load: its settings, the exported snapshot units join, and the copied tables' sizes in pages. */
type UnitSplit = LoadUnitSettings & {
  readonly snapshot: string;
  readonly blocks: ReadonlyMap<string, number>;
};

/**
 * The split the request asks for, when the source can share its snapshot with other processes and the
 * copied tables together exceed one unit (a smaller source loads faster in one process and transaction).
 * Sizing locks the tables against rewrites for the rest of the run (see `SourceSession.tableBlocks`).
 */
async function unitSplitOf(
  source: SourceSession,
  plan: Plan,
  settings: LoadUnitSettings | undefined,
): Promise<UnitSplit | undefined> {
  const { snapshotId } = source;
  if (settings === undefined || snapshotId === undefined || source.tableBlocks === undefined)
    return undefined;
  const blocks = new Map<string, number>();
  for (const planned of plan.tables)
    if (planned.copyRows) blocks.set(qualifiedName(planned.table), await source.tableBlocks(planned.table));
  const total = [...blocks.values()].reduce((sum, n) => sum + n, 0);
  return total <= settings.blocksPerUnit ? undefined : { ...settings, snapshot: snapshotId, blocks };
}

function requireRunArea(sink: SinkSession): RunArea {
  const area = sink.runArea?.();
  if (area === undefined)
    throw new GatewayError('internal', 'this target cannot take a load split into units of work');
  return area;
}

/**
 * The load as units of work: commits the schema and the transform state, has the units run elsewhere,
 * and opens the run's last transaction. Per table: the rows of its units, and the longest unit's time.
 */
async function loadInUnits(
  sink: SinkSession,
  units: UnitSplit,
  run: {
    readonly plan: Plan;
    readonly schema: DatabaseSchema;
    readonly sourceValues: ReadonlyMap<string, ValueBloomFilter>;
    readonly knownEntities: KnownEntityIndex | undefined;
    readonly secret: Secret;
    /** The in-stream leak scan: units search their rows as they write them, and their counts land here. */
    readonly leakScan:
      { readonly prepared: PreparedLeakScan; readonly targetSchema: DatabaseSchema } | undefined;
    readonly signal: AbortSignal;
    readonly emit: SnapshotListener;
    readonly logger: Logger;
  },
): Promise<TableSummary[]> {
  const { plan, schema, signal, emit, leakScan } = run;
  const area = requireRunArea(sink);
  await area.create();
  const sealed = encodeLoadUnitState(
    {
      plan,
      schema,
      sourceValues: run.sourceValues,
      knownEntities: run.knownEntities,
      ...(leakScan === undefined
        ? {}
        : {
            leakScan: {
              index: leakScan.prepared.index,
              keptPersonal: leakScan.prepared.keptPersonal,
              targetSchema: leakScan.targetSchema,
            },
          }),
    },
    run.secret,
    units.version,
  );
  await putRunState(area, LOAD_UNIT_STATE_BLOB, sealed);
  const work = planLoadUnits(plan, units.blocks, units.blocksPerUnit);
  await sink.commit();
  run.logger.info('load_units', { units: work.length, tables: units.blocks.size });

  const tables = new Map<
    string,
    { rows: number; seconds: number; transformedColumns: number; units: number }
  >();
  const unitTable = new Map(work.map((u) => [u.id, qualifiedName(u.table)]));
  for (const planned of plan.tables) {
    if (!planned.copyRows) continue;
    const info = schema.tables.find((t) => sameTable(t.ref, planned.table));
    tables.set(qualifiedName(planned.table), { rows: 0, seconds: 0, transformedColumns: 0, units: 0 });
    emit({ type: 'table_started', table: planned.table, estimatedRows: info?.estimatedRows ?? 0 });
  }
  const refOfName = new Map(work.map((u) => [qualifiedName(u.table), u.table]));
  const unitsOf = new Map<string, number>();
  for (const unit of work) {
    const name = qualifiedName(unit.table);
    unitsOf.set(name, (unitsOf.get(name) ?? 0) + 1);
  }
  // Per table, the units' in-stream scans; a table with a unit that brought none (loaded by an earlier
  // attempt) is read back by verification instead.
  const scans = new Map<string, { columns: readonly string[]; state: TargetScanState }[] | null>();
  await units.dispatch({ snapshot: units.snapshot, units: work }, signal, (result) => {
    const name = unitTable.get(result.id);
    const table = name === undefined ? undefined : tables.get(name);
    const ref = name === undefined ? undefined : refOfName.get(name);
    if (name === undefined || table === undefined || ref === undefined) return;
    const scanned = scans.get(name);
    if (result.scan === undefined) scans.set(name, null);
    else if (scanned !== null) scans.set(name, [...(scanned ?? []), result.scan]);
    table.rows += result.rows;
    table.seconds = Math.max(table.seconds, result.seconds);
    table.transformedColumns = Math.max(table.transformedColumns, result.transformedColumns);
    table.units++;
    if (table.units === unitsOf.get(name))
      emit({ type: 'table_finished', table: ref, rows: table.rows, seconds: table.seconds });
    else emit({ type: 'table_progress', table: ref, rows: table.rows });
  });
  if (signal.aborted) throw new GatewayError('cancelled', 'snapshot cancelled');
  if (leakScan !== undefined)
    for (const [name, states] of scans) {
      const ref = refOfName.get(name);
      const first = states?.[0];
      if (ref === undefined || states === null || states === undefined || first === undefined) continue;
      const scan = inStreamScanOf(leakScan.prepared, plan, schema, leakScan.targetSchema, ref, first.columns);
      for (const { state } of states) scan?.scanner.absorb(state);
    }
  await sink.begin();
  // The units' bookkeeping goes in the transaction that completes the target (verified without it).
  await area.drop();
  return [...tables].map(([table, t]) => ({
    table,
    rows: t.rows,
    seconds: t.seconds,
    transformedColumns: t.transformedColumns,
  }));
}

/** The `certainOf` of the detector the run's span finder builds (same catalogue, default threshold). */
function certainInTextOf(detection: Detection): (type: string) => ((value: string) => boolean) | undefined {
  const detector = detection.textDetector();
  return (type) => detector.certainOf(type);
}

function requireDetection(detection: Detection | undefined): Detection {
  if (detection === undefined) throw new GatewayError('usage', 'a snapshot needs --policy or --plan');
  return detection;
}

function refOf(name: string, plan: Plan): TableRef {
  const table = plan.tables.find((t) => qualifiedName(t.table) === name);
  if (table === undefined) throw new GatewayError('internal', `unknown table ${name}`);
  return table.table;
}

/**
 * `drop` removes the column from root tables; partitions (a sub-partitioned table's intermediate levels
 * too: partitioned and a partition) lose it with their parent.
 */
async function dropColumns(sink: SinkSession, plan: Plan, schema: DatabaseSchema): Promise<number> {
  const partitions = new Set(
    schema.tables.filter((t) => t.parent !== null || t.kind === 'partition').map((t) => qualifiedName(t.ref)),
  );
  let dropped = 0;
  for (const table of plan.tables) {
    if (table.kind === 'partition' || partitions.has(qualifiedName(table.table))) continue;
    for (const column of table.columns) {
      if (column.action.kind !== 'drop') continue;
      await sink.dropColumn(table.table, column.name);
      dropped++;
    }
  }
  return dropped;
}

/**
 * Adds the post-data (indexes, constraints, triggers) and refreshes materialized views, with `readAhead`
 * (verification's source side) running beside them: awaited after them, and stopped and awaited if they
 * fail or the run is cancelled, so it never outlives the step nor rejects unhandled.
 */
async function applyPostData(
  sink: SinkSession,
  postData: string,
  signal: AbortSignal,
  logger: Logger,
  readAhead: ((signal: AbortSignal) => Promise<ReadBackSource>) | undefined,
): Promise<{ materializedViews: number; readAhead: ReadBackSource | undefined }> {
  const ahead = new AbortController();
  const stopAhead = (): void => ahead.abort();
  signal.addEventListener('abort', stopAhead, { once: true });
  const reading = readAhead?.(ahead.signal);
  reading?.catch(() => undefined);
  if (reading !== undefined)
    logger.info('leak_scan_read_ahead', { reason: "verification's source side, read beside the post-data" });
  try {
    await sink.applyDdl(postData, 'indexes, constraints and triggers (post-data)');
    const materializedViews = await sink.refreshMaterializedViews();
    if (reading === undefined) return { materializedViews, readAhead: undefined };
    // What the read added to the run: the time it outlasted the post-data.
    const waitStarted = performance.now();
    const read = await reading;
    const waitedMs = performance.now() - waitStarted;
    logger.info('leak_scan_read_ahead_done', {
      sourceSeconds: Math.round(read.sourceMs) / 1000,
      waitedSeconds: Math.round(waitedMs) / 1000,
    });
    // `take` is an own property of the read: the copy hands over the same index.
    return { materializedViews, readAhead: { ...read, waitedMs } };
  } catch (error) {
    ahead.abort();
    await reading?.catch(() => undefined);
    throw error;
  } finally {
    signal.removeEventListener('abort', stopAhead);
  }
}
