import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import {
  GatewayError,
  qualifiedName,
  sameTable,
  type BlockRange,
  type DatabaseSchema,
  type Secret,
  type RunArea,
  type SinkConnector,
  type SourceConnector,
  type TableRef,
} from '../core/index.js';
import { createKeyedSeeder, ValueBloomFilter, type SharedBloomFilter } from '../fake-values/index.js';
import type { Detection, KnownEntityIndex, SharedKnownEntities } from '../detection/index.js';
import type { Plan } from '../policy/index.js';
import {
  LeakIndex,
  type KeptPersonalColumns,
  type SharedLeakIndex,
  type TargetScanState,
} from '../verify/index.js';
import { copyTable, type CopySettings } from './copy-table.js';
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

const NONCE_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The state as bytes: a structured clone (shared buffers copied out), sealed with AES-256-GCM under a key
 * derived from the run's secret and a random nonce. The Bloom filters are unkeyed and the indexes carry
 * their fingerprint keys, so in clear they would let whoever reads the blob test guessed values; sealed,
 * only a holder of the secret opens it. The nonce leads the bytes and names the run's state (see `stateId`).
 */
export function encodeLoadUnitState(state: LoadUnitState, secret: Secret): Uint8Array {
  const stored: StoredState = {
    plan: state.plan,
    schema: state.schema,
    sourceValues: [...state.sourceValues].map(([scope, filter]) => [scope, filter.share()] as const),
    knownEntities: state.knownEntities?.share(),
    ...(state.leakScan === undefined
      ? {}
      : { leakScan: { ...state.leakScan, index: state.leakScan.index.share() } }),
  };
  const plain = serialize(mapBuffers(stored, (shared) => ({ [SHARED]: new Uint8Array(shared) })));
  const nonce = randomBytes(NONCE_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', stateKey(secret, nonce), iv);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, iv, cipher.getAuthTag(), sealed]);
}

/** The nonce a sealed state starts with: unique per run, so a cache keyed by it never serves another run. */
export function stateId(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, NONCE_BYTES)).toString('hex');
}

function stateKey(secret: Secret, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret.reveal(), nonce, 'lookalike load-unit state', 32));
}

function openState(bytes: Uint8Array, secret: Secret): Buffer {
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const iv = bytes.subarray(NONCE_BYTES, NONCE_BYTES + IV_BYTES);
  const tag = bytes.subarray(NONCE_BYTES + IV_BYTES, NONCE_BYTES + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', stateKey(secret, nonce), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new GatewayError(
      'secret_invalid',
      "the run's state does not open with this process's key: every gateway and worker must share the key",
    );
  }
}

export async function decodeLoadUnitState(bytes: Uint8Array, secret: Secret): Promise<LoadUnitState> {
  const stored = mapBuffers(deserialize(openState(bytes, secret)) as unknown, undefined) as StoredState;
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

const SHARED = '__sharedArrayBuffer';

/**
 * Walks plain data (objects, arrays, Maps): with `out`, replaces each SharedArrayBuffer (which a structured
 * clone to bytes refuses) by what `out` makes of it; without, turns those back into SharedArrayBuffers.
 */
function mapBuffers(value: unknown, out: ((shared: SharedArrayBuffer) => unknown) | undefined): unknown {
  if (value instanceof SharedArrayBuffer) return out === undefined ? value : out(value);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((item) => mapBuffers(item, out));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, mapBuffers(v, out)] as const));
  const record = value as Record<string, unknown>;
  const copied = record[SHARED];
  if (out === undefined && copied instanceof Uint8Array) {
    const shared = new SharedArrayBuffer(copied.byteLength);
    new Uint8Array(shared).set(copied);
    return shared;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, mapBuffers(v, out)]));
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
}

export const LOAD_UNIT_STATE_ID_BLOB = 'load-unit-state-id';

/**
 * The last run's state opened in this process (units of one run mostly follow one another), by the run's
 * state id; released when no unit has used it for a while.
 */
let cachedState: { readonly id: string; readonly state: LoadUnitState; timer: NodeJS.Timeout } | undefined;
const CACHED_STATE_IDLE_MS = 30_000;

async function runState(area: RunArea, secret: Secret): Promise<LoadUnitState> {
  const id = Buffer.from(await area.getBlob(LOAD_UNIT_STATE_ID_BLOB)).toString('utf8');
  if (cachedState?.id !== id) {
    if (cachedState !== undefined) clearTimeout(cachedState.timer);
    cachedState = undefined;
    const state = await decodeLoadUnitState(await area.getBlob(LOAD_UNIT_STATE_BLOB), secret);
    cachedState = { id, state, timer: setTimeout(() => undefined, 0) };
  }
  const cached = cachedState;
  clearTimeout(cached.timer);
  cached.timer = setTimeout(() => {
    if (cachedState === cached) cachedState = undefined;
  }, CACHED_STATE_IDLE_MS);
  cached.timer.unref();
  return cached.state;
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
      const state = await runState(area, request.secret);
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
