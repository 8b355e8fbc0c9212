import type { DatabaseSchema, ErrorCode, ErrorDetails, TableRef } from '../core/index.js';
import type { CatalogueFile, SharedKnownEntities, SharedTextResources } from '../detection/index.js';
import type { SharedBloomFilter } from '../fake-values/index.js';
import type { Plan } from '../policy/index.js';
import type { SharedLeakIndex, TargetScanState, VerifiedTable } from '../verify/index.js';

/**
 * Messages between the pipeline and its transform workers (node:worker_threads). The main thread moves
 * bytes (reads the source, writes the sink) and builds the run's transform state once; a worker receives
 * that state in shared memory, then turns slabs of encoded rows into slabs of transformed encoded rows.
 */

/** Everything a worker needs, sent once as `workerData` (in memory; never logged, never on a command line). */
export interface WorkerSetup {
  /** The run's secret key: the worker derives the same keyed seeder. */
  readonly key: Uint8Array;
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly table: TableRef;
  /** The Bloom filters of real values per substitution scope (shared memory, read-only). */
  readonly sourceValues: readonly (readonly [string, SharedBloomFilter])[];
  /** The source's known personal values (shared memory, read-only), when the run finds spans in text. */
  readonly knownEntities: SharedKnownEntities | undefined;
  /**
   * Detection's word tables as this thread built them (shared memory, read-only), set with `knownEntities`:
   * a worker that built its own would import every faker locale (~20 MB and ~0.5 s a worker).
   */
  readonly textResources: SharedTextResources | undefined;
  /**
   * The entity catalogue as this thread loaded and validated it (plain data), set with `knownEntities`: the
   * worker compiles it without loading the YAML parser and zod (~3.6 MB of heap a worker).
   */
  readonly catalogue: CatalogueFile | undefined;
  /** Where the worker imports the source's and sink's row codec from (`EncodedRowFormat.codecModule`). */
  readonly codecModule: string;
  /** Set when the run's leak scan searches this table's rows as they are written (see InStreamLeakScan). */
  readonly leakScan?: {
    readonly table: VerifiedTable;
    /** The source's identifying values as keyed fingerprints (shared memory, read-only). */
    readonly index: SharedLeakIndex;
    /** Where each of `table.targetColumns` sits in a written row. */
    readonly positions: readonly number[];
  };
}

/** What a scan worker needs (see scan-worker.ts), sent once as `workerData`: no key, no values. */
export interface ScanWorkerSetup {
  /** The table as verification planned it: rows hold its `targetColumns`, in order. */
  readonly table: VerifiedTable;
  /** The source's identifying values as keyed fingerprints (shared memory, read-only). */
  readonly index: SharedLeakIndex;
  readonly codecModule: string;
}

/** A failure, by code and message (messages name things, never values). */
export interface WorkerFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: ErrorDetails;
}

/** Encoded whole rows of the table being copied, to transform; then `finish`, after the last slab. */
export type ToWorker =
  { readonly type: 'slab'; readonly seq: number; readonly bytes: Uint8Array } | { readonly type: 'finish' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'slab_done'; readonly seq: number; readonly bytes: Uint8Array; readonly rows: number }
  /** The answer to `finish`: what the worker's leak scan found in the rows it wrote (counts only). */
  | { readonly type: 'finished'; readonly scan: TargetScanState | null }
  | { readonly type: 'failed'; readonly failure: WorkerFailure };
