import type { DatabaseSchema, ErrorCode, ErrorDetails, TableRef } from '../core/index.js';
import type { SharedKnownEntities } from '../detection/index.js';
import type { SharedBloomFilter } from '../fake-values/index.js';
import type { Plan } from '../policy/index.js';

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
  /** Where the worker imports the source's and sink's row codec from (`EncodedRowFormat.codecModule`). */
  readonly codecModule: string;
}

/** A failure, by code and message (messages name things, never values). */
export interface WorkerFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: ErrorDetails;
}

/** Encoded whole rows of the table being copied, to transform. */
export type ToWorker = { readonly type: 'slab'; readonly seq: number; readonly bytes: Uint8Array };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'slab_done'; readonly seq: number; readonly bytes: Uint8Array; readonly rows: number }
  | { readonly type: 'failed'; readonly failure: WorkerFailure };
