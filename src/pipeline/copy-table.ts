import {
  qualifiedName,
  type BlockRange,
  type DatabaseSchema,
  type Logger,
  type RowBatch,
  type Secret,
  type SinkSession,
  type SourceSession,
  type TableInfo,
} from '../core/index.js';
import type { KeyedSeeder, ValueBloomFilter } from '../fake-values/index.js';
import type { CatalogueFile, KnownEntityIndex } from '../detection/index.js';
import type { Plan, PlannedTable } from '../policy/index.js';
import type { SpanFinder } from '../transform/index.js';
import { copyTableInParallel, parallelFormat, transformWorkersFor } from './parallel-copy.js';
import type { SnapshotListener } from './snapshot-events.js';
import { compileTableTransform } from './transform-rows.js';
import { inStreamScanOf, type PreparedLeakScan } from './verify-snapshot.js';

export interface TableSummary {
  readonly table: string;
  readonly rows: number;
  readonly seconds: number;
  readonly transformedColumns: number;
}

/** A copy's summary, with the columns it wrote in row order (what its in-stream leak scan saw). */
export interface CopySummary extends TableSummary {
  readonly writtenColumns: readonly string[];
}

/** How a run copies: the settings of its request that every table's copy uses. */
export interface CopySettings {
  readonly secret: Secret;
  readonly batchRows: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Worker threads per large text table (see SnapshotRequest.transformWorkers). */
  readonly transformWorkers?: number;
}

/** What every table's transforms share within one run. */
export interface SharedTransformState {
  readonly seeder: KeyedSeeder;
  readonly uniqueScopes: ReadonlySet<string>;
  readonly sourceValues: ReadonlyMap<string, ValueBloomFilter>;
  readonly findSpans: SpanFinder | undefined;
  /** The entity catalogue `findSpans` detects with, as plain data for transform workers; set with it. */
  readonly textCatalogue: CatalogueFile | undefined;
  /** Shared with transform workers (see parallel-copy.ts), with the filters above. */
  readonly knownEntities: KnownEntityIndex | undefined;
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  /** Set when the leak scan searches rows as they are written: its index and the target's columns. */
  readonly leakScan:
    { readonly prepared: PreparedLeakScan; readonly targetSchema: DatabaseSchema } | undefined;
}

/**
 * Copies one table (or, with `blocks`, the rows in some of its pages: a unit of work) through its
 * transforms: in worker threads for large text tables, as encoded bytes when nothing changes, else here.
 */
export async function copyTable(
  source: SourceSession,
  sink: SinkSession,
  planned: PlannedTable,
  info: TableInfo,
  shared: SharedTransformState,
  request: CopySettings,
  emit: SnapshotListener,
  blocks?: BlockRange,
): Promise<CopySummary> {
  const started = performance.now();
  const { seeder, uniqueScopes, sourceValues, findSpans } = shared;
  const transform = compileTableTransform(planned, info, seeder, uniqueScopes, sourceValues, findSpans);
  // Tables copied unchanged stream bytes that are never decoded: verification reads those back instead.
  const scan =
    transform.transformedColumns === 0 || shared.leakScan === undefined
      ? undefined
      : inStreamScanOf(
          shared.leakScan.prepared,
          shared.plan,
          shared.schema,
          shared.leakScan.targetSchema,
          planned.table,
          transform.columns,
        );
  emit({ type: 'table_started', table: planned.table, estimatedRows: info.estimatedRows });
  const read = {
    table: planned.table,
    columns: transform.columns,
    ...(planned.where === null ? {} : { where: planned.where }),
    ...(blocks === undefined ? {} : { blocks }),
    batchRows: request.batchRows,
  };
  let written: number;
  const workers =
    transform.transformedColumns === 0 || parallelFormat(source, sink) === undefined
      ? 0
      : transformWorkersFor(
          info.estimatedRows,
          request.transformWorkers,
          shared.findSpans !== undefined &&
            planned.columns.some(
              (c) => c.copied && (c.action.kind === 'redact_text' || c.action.kind === 'json'),
            ),
        );
  if (workers > 0) {
    // Large tables are transformed in worker threads; this thread reads and writes in order.
    request.logger.info('transform_workers', { table: qualifiedName(planned.table), workers });
    written = await copyTableInParallel({
      source,
      sink,
      read,
      plan: shared.plan,
      schema: shared.schema,
      secret: request.secret,
      sourceValues: shared.sourceValues,
      knownEntities: shared.knownEntities,
      catalogue: shared.textCatalogue,
      workers,
      signal: request.signal,
      onRows: (rowsSoFar) => emit({ type: 'table_progress', table: planned.table, rows: rowsSoFar }),
      ...(scan === undefined ? {} : { leakScan: scan }),
    });
  } else if (
    transform.transformedColumns === 0 &&
    source.readEncoded !== undefined &&
    sink.writeEncoded !== undefined
  ) {
    // Nothing to change in this table: its encoded bytes go straight through, never decoded.
    written = await sink.writeEncoded(
      planned.table,
      transform.columns,
      source.readEncoded(read, request.signal),
      request.signal,
      (rowsSoFar) => emit({ type: 'table_progress', table: planned.table, rows: rowsSoFar }),
    );
  } else {
    const batches = source.readRows(read, request.signal);
    let rows = 0;
    async function* transformed(): AsyncGenerator<RowBatch> {
      for await (const batch of batches) {
        transform.apply(batch);
        scan?.scanner.scanBatch(batch);
        yield batch;
        rows += batch.length;
        emit({ type: 'table_progress', table: planned.table, rows });
      }
    }
    written = await sink.writeRows(planned.table, transform.columns, transformed(), request.signal);
  }
  const seconds = (performance.now() - started) / 1000;
  emit({ type: 'table_finished', table: planned.table, rows: written, seconds });
  return {
    table: qualifiedName(planned.table),
    rows: written,
    seconds,
    transformedColumns: transform.transformedColumns,
    writtenColumns: transform.columns,
  };
}
