import type { TableRef } from '../core/index.js';

/** What a running snapshot reports: names and counts only. Renderers (terminal, JSON, jobs) subscribe. */
export type SnapshotEvent =
  | { readonly type: 'phase'; readonly phase: SnapshotPhase }
  | { readonly type: 'table_started'; readonly table: TableRef; readonly estimatedRows: number }
  | { readonly type: 'table_progress'; readonly table: TableRef; readonly rows: number }
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
  | 'commit';

export type SnapshotListener = (event: SnapshotEvent) => void;
