import type { TableRef } from './schema.js';

/**
 * What a source computes for a subset, and what it reports back. Names, SQL predicates from the policy,
 * suppression lists and counts only: the kept rows themselves stay in the source (temporary key tables).
 */

/** One table of the closure graph: partitioned tables stand for their partitions. */
export interface SubsetTable {
  readonly table: TableRef;
  readonly kind: 'table' | 'partitioned';
  /** Columns that identify a row (primary key, else a NOT NULL unique set); null: the row's physical id. */
  readonly key: readonly string[] | null;
  /** Partitions read through this table's kept keys. */
  readonly partitions: readonly TableRef[];
  /** The policy's row filter: rows outside it are excluded like suppressed rows (with what references them). */
  readonly where: string | null;
}

/** A reference from `child` rows to `parent` rows: a declared or a policy-declared (virtual) foreign key. */
export interface SubsetRelation {
  /** Constraint name, or `virtual:<child>(<columns>)` for a virtual foreign key. */
  readonly name: string;
  readonly child: TableRef;
  readonly childColumns: readonly string[];
  readonly parent: TableRef;
  readonly parentColumns: readonly string[];
  /** Also pull the rows referencing a parent row that was selected or pulled down (not pulled up). */
  readonly down: boolean;
  /** With `down`: at most this many child rows per parent row, chosen by the seeded order. */
  readonly limit: number | null;
}

export interface SubsetTarget {
  readonly table: TableRef;
  readonly where: string | null;
  /** Share of the matching rows, 0..1, chosen by the seeded order; scaled by `SubsetRequest.scale`. */
  readonly fraction: number;
  /** At most this many rows (the first in the seeded order); scaled by `SubsetRequest.scale`. */
  readonly rows: number | null;
}

export interface SubsetSuppression {
  readonly table: TableRef;
  readonly column: string;
  /** Values in the column's text form. */
  readonly values: readonly string[];
  /** Lower-case hex HMAC-SHA256 of the value's text form under `SubsetRequest.suppressionKey`. */
  readonly hashes: readonly string[];
}

export interface SubsetRequest {
  /** Every table the snapshot copies rows of; tables the closure does not reach are copied empty. */
  readonly tables: readonly SubsetTable[];
  readonly relations: readonly SubsetRelation[];
  readonly targets: readonly SubsetTarget[];
  readonly suppress: readonly SubsetSuppression[];
  /** Seeds the deterministic row order (md5 of seed and key): the same seed picks the same rows. */
  readonly seed: string;
  /** 0..1: multiplies every target's fraction and row count; the budget search moves it. */
  readonly scale: number;
  /** HMAC key for `suppress[].hashes` (derived from the job's key), or null when no hashes are given. */
  readonly suppressionKey: Buffer | null;
}

export interface SubsetTableCount {
  readonly table: TableRef;
  readonly rows: number;
  /** Sum of the kept rows' stored sizes (`pg_column_size` of the row). */
  readonly bytes: number;
}

/** How many rows one relation brought into the subset, first reached through it. */
export interface SubsetPull {
  readonly relation: string;
  /** The table whose kept rows did the pulling. */
  readonly from: TableRef;
  readonly to: TableRef;
  /** `up`: rows referenced by kept rows; `down`: rows referencing kept rows. */
  readonly direction: 'up' | 'down';
  readonly rows: number;
}

export interface SubsetClosure {
  readonly tables: readonly SubsetTableCount[];
  /** Rows chosen by the targets themselves, per table. */
  readonly selected: readonly { readonly table: TableRef; readonly rows: number }[];
  readonly pulls: readonly SubsetPull[];
  /** Rows never copied: suppressed or outside a row filter, plus every row referencing them. */
  readonly excluded: readonly {
    readonly table: TableRef;
    readonly listed: number;
    readonly referencing: number;
  }[];
  /** Fixed-point rounds until no table grew. */
  readonly rounds: number;
}
