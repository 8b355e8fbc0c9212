import type { TableRef } from '../core/index.js';

/**
 * What a running snapshot reports — and `lookalike verify`, with the phases introspect, plan, verify and
 * integrity: names and counts only. Renderers (terminal, JSON, jobs) subscribe.
 */
export type SnapshotEvent =
  | { readonly type: 'phase'; readonly phase: SnapshotPhase }
  | { readonly type: 'table_started'; readonly table: TableRef; readonly estimatedRows: number }
  | { readonly type: 'table_progress'; readonly table: TableRef; readonly rows: number }
  /**
   * Rows read so far from one table outside the load (which reports `table_progress`): the source read
   * before it (`scan_values`: the value pass; `index_values`: a subset's leak-scan index, when the whole
   * source outgrows the load's) and
   * verification's read-back (`verify`: the target, and the source index of each pass not read ahead —
   * the first pass's source side, read beside the post-data, reports nothing; `lookalike verify` also
   * reports its first read of the source, which indexes or measures it). `estimatedRows`: what the read
   * will hold when known (the planner's estimate, the rows loaded), else 0.
   */
  | {
      readonly type: 'read_progress';
      readonly phase: 'scan_values' | 'index_values' | 'verify';
      readonly side: 'source' | 'target';
      readonly table: TableRef;
      readonly rows: number;
      readonly estimatedRows: number;
    }
  | {
      readonly type: 'table_finished';
      readonly table: TableRef;
      readonly rows: number;
      readonly seconds: number;
    };

export type SnapshotPhase =
  | 'introspect'
  | 'plan'
  | 'read_schema'
  | 'create_schema'
  | 'scan_values'
  | 'subset'
  | 'index_values'
  | 'load'
  | 'sequences'
  | 'constraints'
  | 'verify'
  /** Verification's checks after its reads: row counts, foreign keys, unique sets, NULL counts, k-anonymity. */
  | 'integrity'
  | 'commit';

export type SnapshotListener = (event: SnapshotEvent) => void;
