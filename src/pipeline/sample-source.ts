import {
  qualifiedName,
  sameTable,
  type DatabaseSchema,
  type SourceSession,
  type TableInfo,
  type TableRef,
} from '../core/index.js';

/** What detection sees of one column: a bounded sample, in the store's text form. */
export interface ColumnSample {
  readonly column: string;
  /** Non-null sampled values, each cut to `maxValueChars`. */
  readonly values: readonly string[];
  readonly nullCount: number;
  /** Distinct values among the sampled ones. */
  readonly distinctCount: number;
}

export interface TableSample {
  readonly table: TableRef;
  readonly rowsSampled: number;
  readonly columns: readonly ColumnSample[];
}

export interface SampleOptions {
  /** Rows read per table; detection needs hundreds, not millions. */
  readonly rowsPerTable: number;
  /** Longer values are cut: prose detection needs a paragraph, not a whole document. */
  readonly maxValueChars: number;
}

export const DEFAULT_SAMPLE_OPTIONS: SampleOptions = { rowsPerTable: 1000, maxValueChars: 4000 };

/**
 * Reads a bounded sample of one table in one read. Large tables are block-sampled (about three times the
 * rows wanted, then capped) so the cost does not grow with the table. A partitioned table is sampled
 * through its leaf partitions. The values stay in memory only while detection runs.
 */
export async function sampleTable(
  source: SourceSession,
  schema: DatabaseSchema,
  table: TableInfo,
  options: SampleOptions,
  signal: AbortSignal,
  /** Read only these columns (default: all that a detector can read). */
  only?: ReadonlySet<string>,
): Promise<TableSample> {
  // Generated columns repeat other columns; bytea is binary (nothing a detector reads).
  const columns = table.columns
    .filter((c) => !c.isGenerated && c.baseType !== 'bytea' && (only?.has(c.name) ?? true))
    .map((c) => c.name);
  const leaves = table.kind === 'partitioned' ? leafPartitions(schema, table.ref) : [table];
  const values: string[][] = columns.map(() => []);
  const nulls: number[] = columns.map(() => 0);
  let rows = 0;
  const perLeaf = Math.max(50, Math.ceil(options.rowsPerTable / Math.max(1, leaves.length)));
  for (const leaf of columns.length === 0 ? [] : leaves) {
    const read = async (percent: number | undefined): Promise<number> => {
      let count = 0;
      const batches = source.readRows(
        {
          table: leaf.ref,
          columns,
          batchRows: 500,
          sample: percent === undefined ? { rows: perLeaf } : { rows: perLeaf, percent },
        },
        signal,
      );
      for await (const batch of batches) {
        for (const row of batch) {
          count++;
          for (let i = 0; i < columns.length; i++) {
            const value = row[i];
            if (value === null || value === undefined) (nulls[i] as number)++;
            else (values[i] as string[]).push(value.slice(0, options.maxValueChars));
          }
        }
      }
      return count;
    };
    const percent = leaf.estimatedRows > perLeaf * 10 ? (100 * perLeaf * 3) / leaf.estimatedRows : undefined;
    let count = await read(percent);
    // Statistics can be stale: a block sample that came back short is topped up by a plain bounded read.
    if (percent !== undefined && count < perLeaf / 4) count += await read(undefined);
    rows += count;
    if (rows >= options.rowsPerTable) break;
  }
  return {
    table: table.ref,
    rowsSampled: rows,
    columns: columns.map((column, i) => {
      const list = values[i] as string[];
      return { column, values: list, nullCount: nulls[i] as number, distinctCount: new Set(list).size };
    }),
  };
}

function leafPartitions(schema: DatabaseSchema, root: TableRef): TableInfo[] {
  const children = schema.tables.filter((t) => t.parent !== null && sameTable(t.parent, root));
  return children.flatMap((child) =>
    child.kind === 'partitioned' ? leafPartitions(schema, child.ref) : [child],
  );
}

/** Tables classified on their own, in name order: partitions take their partitioned table's decisions. */
export function classifiedTables(schema: DatabaseSchema): readonly TableInfo[] {
  return [...schema.tables]
    .filter((t) => t.kind !== 'partition')
    .sort((a, b) => qualifiedName(a.ref).localeCompare(qualifiedName(b.ref)));
}
