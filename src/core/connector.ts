import type { RowBatch } from './rows.js';
import type { DatabaseSchema, Selection, TableRef } from './schema.js';
import type { SubsetClosure, SubsetRequest } from './subset.js';

/**
 * The contract every store implements. A connector sees only `src/core`; the pipeline sees only this.
 * Sessions own their connections and must release them in `close()`, which is safe to call twice.
 */

export interface ReadRequest {
  readonly table: TableRef;
  /** Columns to read, in this order; every row has exactly these values. */
  readonly columns: readonly string[];
  /** Row filter from the policy (a trusted SQL predicate written by the data team). */
  readonly where?: string;
  /** Upper bound on rows per yielded batch. */
  readonly batchRows: number;
  /**
   * Read a bounded sample instead of every row (detection reads a few hundred values per column):
   * at most `rows` rows, from a block sample of about `percent` % of the table when given.
   */
  readonly sample?: { readonly rows: number; readonly percent?: number };
}

export type DdlSection = 'pre_data' | 'post_data';

/** A read-only view of the source at one point in time: every read sees the same snapshot. */
export interface SourceSession {
  introspect(selection: Selection): Promise<DatabaseSchema>;
  /**
   * Schema as statements the sink can run: `pre_data` creates types, tables, functions and views;
   * `post_data` adds indexes, constraints and triggers after the load.
   */
  schemaDdl(section: DdlSection, selection: Selection): Promise<string>;
  /** Streams rows in bounded batches; stops reading when the consumer stops pulling or `signal` aborts. */
  readRows(request: ReadRequest, signal: AbortSignal): AsyncIterable<RowBatch>;
  /**
   * Optional capability: the same rows as opaque encoded chunks (for PostgreSQL, COPY text), for tables
   * whose every column is kept. The pipeline uses it only when the sink declares `writeEncoded` too.
   */
  readEncoded?(request: ReadRequest, signal: AbortSignal): AsyncIterable<Buffer>;
  /**
   * Optional capability: computes a referentially complete subset inside this session's snapshot, keeping
   * the kept rows' keys in the source (never in the process). Calling it again replaces the previous
   * subset. Once it resolves, reads of every table in `request.tables` (and their partitions) return only
   * the kept rows.
   */
  computeSubset?(request: SubsetRequest, signal: AbortSignal): Promise<SubsetClosure>;
  close(): Promise<void>;
}

/**
 * A target written inside one transaction: nothing is visible until `commit()`, and a failed or cancelled
 * run rolls back, so a target never looks complete unless it is.
 */
export interface SinkSession {
  /** Throws `target_not_empty` if the target holds any user table, view, type or function. */
  assertEmpty(): Promise<void>;
  begin(): Promise<void>;
  applyDdl(sql: string, label: string): Promise<void>;
  /** Removes a column from a (root) table before the load: the policy's `drop` action. */
  dropColumn(table: TableRef, column: string): Promise<void>;
  writeRows(
    table: TableRef,
    columns: readonly string[],
    batches: AsyncIterable<RowBatch>,
    signal: AbortSignal,
  ): Promise<number>;
  /**
   * Optional capability, the counterpart of `SourceSession.readEncoded`; returns the rows written and
   * reports the count so far to `onRows` (only the connector knows how rows are delimited).
   */
  writeEncoded?(
    table: TableRef,
    columns: readonly string[],
    chunks: AsyncIterable<Buffer>,
    signal: AbortSignal,
    onRows?: (rowsSoFar: number) => void,
  ): Promise<number>;
  setSequence(sequence: TableRef, lastValue: string, isCalled: boolean): Promise<void>;
  /** Fills materialized views (created empty by the schema copy) from the loaded data; returns how many. */
  refreshMaterializedViews(): Promise<number>;
  countRows(table: TableRef): Promise<number>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

export interface SourceConnector {
  readonly kind: string;
  openSource(signal: AbortSignal): Promise<SourceSession>;
}

export interface SinkConnector {
  readonly kind: string;
  openSink(signal: AbortSignal): Promise<SinkSession>;
}
