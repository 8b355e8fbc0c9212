import type { DatabaseSchema, ErrorCode, ErrorDetails, ReadRequest, TableRef } from '../core/index.js';
import type { Plan } from '../policy/index.js';

/**
 * Messages between the pipeline and its transform workers (node:worker_threads). The main thread moves
 * bytes (reads the source, writes the sink); a worker rebuilds the run's transform state from the same
 * snapshot, then turns slabs of encoded rows into slabs of transformed encoded rows.
 */

/** Everything a worker needs, sent once as `workerData` (in memory; never logged, never on a command line). */
export interface WorkerSetup {
  /** The run's secret key: the worker derives the same keyed seeder. */
  readonly key: Uint8Array;
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly table: TableRef;
  readonly batchRows: number;
  /** Whether the run finds spans in text (redact_text, json): the worker loads detection too. */
  readonly detection: boolean;
  /** Where the worker imports the source's and sink's row codec from (`EncodedRowFormat.codecModule`). */
  readonly codecModule: string;
}

/** A failure, by code and message (messages name things, never values). */
export interface WorkerFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: ErrorDetails;
}

export type ToWorker =
  /** Encoded whole rows answering the worker's read `id`; the worker says `pull` for the next slab. */
  | { readonly type: 'read_rows'; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: 'read_end'; readonly id: number }
  | { readonly type: 'read_failed'; readonly id: number; readonly failure: WorkerFailure }
  /** Encoded whole rows of the table being copied, to transform. */
  | { readonly type: 'slab'; readonly seq: number; readonly bytes: Uint8Array };

export type FromWorker =
  /** The worker's state rebuild reads the source (the same snapshot) through the main thread. */
  | { readonly type: 'read'; readonly id: number; readonly request: ReadRequest }
  | { readonly type: 'pull'; readonly id: number }
  | { readonly type: 'ready' }
  | { readonly type: 'slab_done'; readonly seq: number; readonly bytes: Uint8Array; readonly rows: number }
  | { readonly type: 'failed'; readonly failure: WorkerFailure };
