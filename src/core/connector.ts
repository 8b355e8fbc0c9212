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
  /** Only the rows stored in these pages of the table: one unit of work of a large table. */
  readonly blocks?: BlockRange;
}

/** Pages `from` (inclusive) to `to` (exclusive; null: to the end of the table) of one table's storage. */
export interface BlockRange {
  readonly from: number;
  readonly to: number | null;
}

export type DdlSection = 'pre_data' | 'post_data';

/** Encoded rows a source and a sink can exchange, and where a worker thread finds their codec. */
export interface EncodedRowFormat {
  /** Formats with equal ids are the same bytes: a source's encoded rows can be written by the sink. */
  readonly id: string;
  /** The byte that ends every row and never occurs inside one: chunks are cut into whole rows without decoding. */
  readonly rowEnd: number;
  /** URL of an ES module, importable in a worker thread, exporting `rowCodec: RowCodec`. */
  readonly codecModule: string;
}

/** Decodes whole encoded rows and encodes rows in the same format (what `codecModule` exports). */
export interface RowCodec {
  decodeRows(bytes: Uint8Array): RowBatch;
  encodeRows(rows: RowBatch): Uint8Array;
}

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
   * Optional capability: how `readEncoded` chunks are framed and decoded. With a sink declaring the same
   * format, the pipeline transforms large tables in worker threads.
   */
  readonly encodedFormat?: EncodedRowFormat;
  /**
   * Optional capability: the id under which this session's snapshot is exported while the session is open.
   * Sessions other processes open with `openSource(signal, { snapshot })` read exactly the same rows.
   */
  readonly snapshotId?: string;
  /** Optional capability: how many pages `table` occupies now (to split it into `BlockRange`s). */
  tableBlocks?(table: TableRef): Promise<number>;
  /**
   * Optional capability: another read-only session on this session's snapshot (the same rows, without a
   * computed subset). The caller closes it.
   */
  forkSession?(signal: AbortSignal): Promise<SourceSession>;
  /**
   * Optional capability: computes a referentially complete subset inside this session's snapshot, keeping
   * the kept rows' keys in the source (never in the process). Calling it again replaces the previous
   * subset. Once it resolves, reads of every table in `request.tables` (and their partitions) return only
   * the kept rows.
   */
  computeSubset?(request: SubsetRequest, signal: AbortSignal): Promise<SubsetClosure>;
  /**
   * Optional capability: the equivalence classes of some columns over the rows reads return (the
   * policy's filter and a computed subset included), counted in the source. Counts only.
   */
  countEquivalenceClasses?(
    request: EquivalenceClassRequest,
    signal: AbortSignal,
  ): Promise<EquivalenceClassCounts>;
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
  /** Optional capability: the format `writeEncoded` takes (see `SourceSession.encodedFormat`). */
  readonly encodedFormat?: EncodedRowFormat;
  /**
   * Optional capability: a run whose load is split into units of work, each written and committed by its
   * own session (possibly in another process), keeps its bookkeeping here. Without it a run is one
   * transaction.
   */
  runArea?(): RunArea;
  setSequence(sequence: TableRef, lastValue: string, isCalled: boolean): Promise<void>;
  /** Fills materialized views (created empty by the schema copy) from the loaded data; returns how many. */
  refreshMaterializedViews(): Promise<number>;
  countRows(table: TableRef): Promise<number>;
  /**
   * Optional capability: reads back what the target holds — inside the load transaction before commit (so
   * a leaking snapshot is verified and rolled back, never delivered), or a committed target when no
   * transaction was begun (`lookalike verify`).
   */
  reader?(): TargetReader;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

export interface SourceConnector {
  readonly kind: string;
  /** `snapshot`: join the snapshot another session exported (`SourceSession.snapshotId`), which must be open. */
  openSource(signal: AbortSignal, options?: { readonly snapshot?: string }): Promise<SourceSession>;
}

export interface SinkConnector {
  readonly kind: string;
  openSink(signal: AbortSignal): Promise<SinkSession>;
}

/**
 * The target's private bookkeeping of a run split into units of work: blobs the units need (written once by
 * the run) and which units have committed. It lives in the target until the run's last transaction drops
 * it, so a unit's rows and its "done" mark commit together: a unit retried after a crash is never loaded
 * twice. Blobs hold no value in clear (names, counts, keyed fingerprints, Bloom filters).
 */
export interface RunArea {
  /** Creates the area (in the session's transaction). */
  create(): Promise<void>;
  putBlob(name: string, bytes: Uint8Array): Promise<void>;
  getBlob(name: string): Promise<Uint8Array>;
  /**
   * In a unit's transaction: waits until no other session works on `unit` (a crashed attempt whose
   * transaction the server has not ended yet; `signal` ends the wait), then returns the rows its committed
   * attempt wrote, or null.
   */
  lockUnit(unit: string, signal: AbortSignal): Promise<number | null>;
  /** In a unit's transaction, after its rows: marks it done, committing with them. */
  markUnitDone(unit: string, rows: number): Promise<void>;
  /** Removes the area (in the run's last transaction, before the commit that delivers). */
  drop(): Promise<void>;
  /** After a failed run: removes its blobs, keeping the area (it still marks the target as incomplete). */
  dropBlobs(): Promise<void>;
}

/** What verification reads from a target: its catalog, its rows, and two integrity queries. */
export interface TargetReader {
  introspect(selection: Selection): Promise<DatabaseSchema>;
  readRows(request: ReadRequest, signal: AbortSignal): AsyncIterable<RowBatch>;
  /**
   * Optional capability: the rows of `readRows` as encoded chunks of `encodedFormat` (not row-aligned), so
   * verification can search a large table in worker threads while this reader only moves bytes.
   */
  readEncoded?(request: ReadRequest, signal: AbortSignal): AsyncIterable<Buffer>;
  readonly encodedFormat?: EncodedRowFormat;
  countRows(table: TableRef): Promise<number>;
  /** Rows of `table` whose `columns` are all non-null and match no row of the referenced key (anti-join). */
  countOrphans(
    table: TableRef,
    columns: readonly string[],
    references: { readonly table: TableRef; readonly columns: readonly string[] },
  ): Promise<number>;
  /** Rows whose non-null `columns` repeat an earlier row's (0 when the set is unique). */
  countDuplicates(table: TableRef, columns: readonly string[]): Promise<number>;
  /** The equivalence classes of `columns` (k-anonymity), counted by the store (GROUP BY): counts only. */
  countEquivalenceClasses(request: EquivalenceClassRequest): Promise<EquivalenceClassCounts>;
}

/** Which rows to group by which columns: the classes of rows sharing one combination of values. */
export interface EquivalenceClassRequest {
  readonly table: TableRef;
  /** The grouping columns (a NULL is one value of its own, as in SQL's GROUP BY). */
  readonly columns: readonly string[];
  /** Row filter from the policy, as in `ReadRequest.where`. */
  readonly where?: string;
  /** A partitioned table: group the rows of all its partitions; otherwise the table's own rows only. */
  readonly withPartitions: boolean;
  /** Classes with fewer rows than this are counted in `classesBelow` and `rowsBelow` (0: none are). */
  readonly minClassSize: number;
}

/** Sizes of the equivalence classes of some columns: counts, never a value. */
export interface EquivalenceClassCounts {
  readonly rows: number;
  readonly classes: number;
  /** Rows in the smallest class (the k the rows reach); 0 when there are no rows. */
  readonly smallestClass: number;
  readonly classesBelow: number;
  readonly rowsBelow: number;
}
