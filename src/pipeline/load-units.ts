import {
  GatewayError,
  qualifiedName,
  sameTable,
  type BlockRange,
  type DatabaseSchema,
  type Secret,
  type SinkConnector,
  type SourceConnector,
  type TableRef,
} from '../core/index.js';
import { createKeyedSeeder, ValueBloomFilter, type SharedBloomFilter } from '../fake-values/index.js';
import type { Detection, KnownEntityIndex, SharedKnownEntities } from '../detection/index.js';
import type { Plan } from '../policy/index.js';
import type { TableOutcome } from '../synthesis/index.js';
import {
  LeakIndex,
  type KeptPersonalColumns,
  type SharedLeakIndex,
  type TargetScanState,
} from '../verify/index.js';
import { copyTable, type CopySettings } from './copy-table.js';
import { getRunState, openRunState, sealRunState } from './sealed-run-state.js';
import type { SnapshotListener } from './snapshot-events.js';
import { spanFinderOf } from './span-finder.js';
import { uniqueSubstitutionScopes } from './transform-rows.js';
import type { PreparedLeakScan } from './verify-snapshot.js';

/**
 * A load split into units of work. The run that owns the snapshot plans it, builds the transform state
 * once (Bloom filters of real values, known entities), stores that state in the target's run area and
 * commits the empty schema; any process then runs any unit: it joins the run's exported source snapshot,
 * loads one table or one range of a large table's pages through the same transforms, and commits the rows
 * with the unit's "done" mark. Keyed determinism keeps every unit consistent with every other without
 * coordination: the same input and key give the same fake in whichever process runs it.
 */

/** One table, or the rows in a range of its pages. Ids are unique within a run. */
export interface LoadUnit {
  readonly id: string;
  readonly table: TableRef;
  readonly blocks?: BlockRange;
  /**
   * A table of synthetic rows (see synth-units.ts) rather than the source's rows; a partitioned `table`
   * stands for all its partitions.
   */
  readonly synth?: true;
}

export interface LoadUnitResult {
  readonly id: string;
  readonly rows: number;
  readonly seconds: number;
  readonly transformedColumns: number;
  /** An earlier attempt had committed the unit: nothing was loaded this time. */
  readonly alreadyLoaded: boolean;
  /**
   * The leak scan of the rows as they were written (counts and figures, no values), when the run searches
   * rows in the data path: `columns` are the unit's written columns, in order.
   */
  readonly scan?: { readonly columns: readonly string[]; readonly state: TargetScanState };
  /** A synthesis unit's table outcomes (one per partition) and the last values of their sequences. */
  readonly synth?: {
    readonly outcomes: readonly TableOutcome[];
    readonly sequences: readonly { readonly sequence: TableRef; readonly lastValue: string }[];
  };
}

/** Where the units of one run are run: by other processes, which join `snapshot` and write the target. */
export type LoadUnitDispatcher = (
  work: { readonly snapshot: string; readonly units: readonly LoadUnit[] },
  signal: AbortSignal,
  onUnitDone: (result: LoadUnitResult) => void,
) => Promise<void>;

/** A run's choice to split its load (see SnapshotRequest.units). */
export interface LoadUnitSettings {
  /** Tables larger than this many pages are split into ranges of about this many pages. */
  readonly blocksPerUnit: number;
  readonly dispatch: LoadUnitDispatcher;
  /** The lookalike build planning the run (version + code digest): a unit of another build refuses to load. */
  readonly version?: string;
}

/**
 * The units of a plan's load: every copied table one unit, tables of more than `blocksPerUnit` pages one
 * unit per range (the last range open-ended: pages added since the sizing are read too, under the same
 * snapshot). Largest first, so that the longest units start first. Pure.
 */
export function planLoadUnits(
  plan: Plan,
  blocksOf: ReadonlyMap<string, number>,
  blocksPerUnit: number,
): LoadUnit[] {
  if (!Number.isSafeInteger(blocksPerUnit) || blocksPerUnit < 1)
    throw new GatewayError('internal', 'a unit of work needs at least one page');
  const sized: { unit: LoadUnit; blocks: number }[] = [];
  for (const planned of plan.tables) {
    if (!planned.copyRows) continue;
    const name = qualifiedName(planned.table);
    const blocks = blocksOf.get(name) ?? 0;
    const ranges = Math.ceil(blocks / blocksPerUnit);
    if (ranges <= 1) {
      sized.push({ unit: { id: name, table: planned.table }, blocks });
      continue;
    }
    const size = Math.ceil(blocks / ranges);
    for (let i = 0; i < ranges; i++) {
      const from = i * size;
      const to = i === ranges - 1 ? null : (i + 1) * size;
      sized.push({
        unit: { id: `${name}@${from}`, table: planned.table, blocks: { from, to } },
        blocks: (to ?? blocks) - from,
      });
    }
  }
  // Ids carry their position in plan order: unique whatever a table is called.
  return sized
    .map((s, i) => ({ ...s, unit: { ...s.unit, id: `${i + 1}:${s.unit.id}` } }))
    .sort((a, b) => b.blocks - a.blocks)
    .map((s) => s.unit);
}

/** What every unit of a run transforms with: built once by the run, stored in the target's run area. */
export interface LoadUnitState {
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly sourceValues: ReadonlyMap<string, ValueBloomFilter>;
  readonly knownEntities: KnownEntityIndex | undefined;
  /**
   * Set when the run's leak scan searches rows as they are written: the index of the source's values and
   * the target's schema as the run created it (introspected once by the run, not by every unit).
   */
  readonly leakScan?: {
    readonly index: LeakIndex;
    readonly keptPersonal: KeptPersonalColumns;
    readonly targetSchema: DatabaseSchema;
  };
}

interface StoredState {
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly sourceValues: readonly (readonly [string, SharedBloomFilter])[];
  readonly knownEntities: SharedKnownEntities | undefined;
  readonly leakScan?: {
    readonly index: SharedLeakIndex;
    readonly keptPersonal: KeptPersonalColumns;
    readonly targetSchema: DatabaseSchema;
  };
}

export const LOAD_UNIT_STATE_BLOB = 'load-unit-state';

/**
 * The state as sealed bytes (see sealed-run-state.ts): the Bloom filters are unkeyed and the indexes carry
 * their fingerprint keys, so in clear they would let whoever reads the blob test guessed values.
 */
export function encodeLoadUnitState(state: LoadUnitState, secret: Secret, version?: string): Uint8Array {
  const stored: StoredState = {
    plan: state.plan,
    schema: state.schema,
    sourceValues: [...state.sourceValues].map(([scope, filter]) => [scope, filter.share()] as const),
    knownEntities: state.knownEntities?.share(),
    ...(state.leakScan === undefined
      ? {}
      : { leakScan: { ...state.leakScan, index: state.leakScan.index.share() } }),
  };
  return sealRunState(stored, secret, version);
}

export async function decodeLoadUnitState(
  bytes: Uint8Array,
  secret: Secret,
  version?: string,
): Promise<LoadUnitState> {
  return stateOf(openRunState(bytes, secret, version));
}

async function stateOf(plain: unknown): Promise<LoadUnitState> {
  const stored = plain as StoredState;
  // Detection's modules load only for runs that find spans in text.
  const { KnownEntityIndex } =
    stored.knownEntities === undefined
      ? { KnownEntityIndex: undefined }
      : await import('../detection/index.js');
  return {
    plan: stored.plan,
    schema: stored.schema,
    ...(stored.leakScan === undefined
      ? {}
      : {
          leakScan: { ...stored.leakScan, index: LeakIndex.fromShared(stored.leakScan.index) },
        }),
    sourceValues: new Map(
      stored.sourceValues.map(([scope, shared]) => [scope, ValueBloomFilter.fromShared(shared)] as const),
    ),
    knownEntities:
      stored.knownEntities === undefined || KnownEntityIndex === undefined
        ? undefined
        : KnownEntityIndex.fromShared(stored.knownEntities),
  };
}

export interface LoadUnitRequest extends CopySettings {
  readonly source: SourceConnector;
  readonly target: SinkConnector;
  /** The run's exported source snapshot. */
  readonly snapshot: string;
  readonly unit: LoadUnit;
  /** Needed when the run finds spans in text (its state holds known entities); a loader is called only then. */
  readonly detection?: Detection | (() => Promise<Detection>);
  readonly onEvent?: SnapshotListener;
  /** This process's lookalike build (checked against the planner's, see LoadUnitSettings). */
  readonly version?: string;
}

/**
 * Runs one unit in one target transaction: waits out any earlier attempt still holding the unit, returns
 * at once if one committed it, else loads its rows and commits them with the unit's "done" mark.
 */
export async function runLoadUnit(request: LoadUnitRequest): Promise<LoadUnitResult> {
  const { unit, signal } = request;
  const started = performance.now();
  const source = await request.source.openSource(signal, { snapshot: request.snapshot });
  try {
    const sink = await request.target.openSink(signal);
    try {
      const area = sink.runArea?.();
      if (area === undefined)
        throw new GatewayError('internal', 'this target cannot take a load split into units of work');
      await sink.begin();
      const committed = await area.lockUnit(unit.id, signal);
      if (committed !== null) {
        await sink.commit();
        request.logger.info('unit_already_loaded', { unit: unit.id });
        return { id: unit.id, rows: committed, seconds: 0, transformedColumns: 0, alreadyLoaded: true };
      }
      const state = await getRunState(area, LOAD_UNIT_STATE_BLOB, request.secret, request.version, stateOf);
      const { plan, schema, sourceValues, knownEntities, leakScan } = state;
      const planned = plan.tables.find((t) => sameTable(t.table, unit.table));
      const info = schema.tables.find((t) => sameTable(t.ref, unit.table));
      if (planned === undefined || info === undefined)
        throw new GatewayError('plan_invalid', `the run's plan names no table ${qualifiedName(unit.table)}`);
      const detection =
        typeof request.detection === 'function' && knownEntities !== undefined
          ? await request.detection()
          : request.detection;
      const findSpans =
        detection === undefined || typeof detection === 'function' || knownEntities === undefined
          ? undefined
          : spanFinderOf(detection, knownEntities);
      // The unit searches its rows as it writes them, as a one-process run does; the run absorbs the counts.
      const prepared: PreparedLeakScan | undefined =
        leakScan === undefined
          ? undefined
          : {
              index: leakScan.index,
              keptPersonal: leakScan.keptPersonal,
              indexers: new Map(),
              sourceMs: 0,
              scanned: new Map(),
            };
      const summary = await copyTable(
        source,
        sink,
        planned,
        info,
        {
          seeder: createKeyedSeeder(request.secret),
          uniqueScopes: uniqueSubstitutionScopes(plan, schema),
          sourceValues,
          findSpans,
          textCatalogue:
            findSpans === undefined || detection === undefined || typeof detection === 'function'
              ? undefined
              : detection.catalogue.source,
          knownEntities,
          plan,
          schema,
          leakScan:
            prepared === undefined || leakScan === undefined
              ? undefined
              : { prepared, targetSchema: leakScan.targetSchema },
        },
        request,
        request.onEvent ?? (() => undefined),
        unit.blocks,
      );
      await area.markUnitDone(unit.id, summary.rows);
      await sink.commit();
      const scanned = prepared === undefined ? undefined : [...prepared.scanned.values()][0];
      return {
        id: unit.id,
        rows: summary.rows,
        seconds: (performance.now() - started) / 1000,
        transformedColumns: summary.transformedColumns,
        alreadyLoaded: false,
        ...(scanned === undefined
          ? {}
          : { scan: { columns: summary.writtenColumns, state: scanned.scanner.state() } }),
      };
    } catch (error) {
      await sink.rollback().catch(() => undefined);
      throw error;
    } finally {
      await sink.close().catch(() => undefined);
    }
  } finally {
    await source.close().catch(() => undefined);
  }
}
