import type { Row, RowBatch, TableInfo } from '../core/index.js';
import type { KeyedSeeder } from '../fake-values/index.js';
import type { PlannedTable } from '../policy/index.js';
import { compileTransform, type ValueTransform } from '../transform/index.js';

export interface TableTransform {
  /** Columns to read from the source and write to the target, in row order. */
  readonly columns: readonly string[];
  /** Transforms a batch in place; returns it. */
  apply(batch: RowBatch): RowBatch;
  readonly transformedColumns: number;
}

/** Compiles a planned table into one batch function; identity columns cost nothing. */
export function compileTableTransform(
  planned: PlannedTable,
  table: TableInfo,
  seeder: KeyedSeeder,
): TableTransform {
  const copied = planned.columns.filter((c) => c.copied);
  const columns = copied.map((c) => c.name);
  const columnIndexByName = new Map(columns.map((name, index) => [name, index]));
  const primaryKey = table.constraints.find((c) => c.kind === 'primary_key');
  const rowKeyIndexes = (primaryKey?.columns ?? [])
    .map((name) => columnIndexByName.get(name))
    .filter((index): index is number => index !== undefined);
  const uniqueSingles = new Set(
    table.uniqueColumnSets.filter((set) => set.length === 1).map((set) => set[0]),
  );

  const indexes: number[] = [];
  const functions: ValueTransform[] = [];
  copied.forEach((plannedColumn, index) => {
    if (plannedColumn.action.kind === 'keep') return;
    const column = table.columns.find((c) => c.name === plannedColumn.name);
    if (column === undefined) return;
    indexes.push(index);
    functions.push(
      compileTransform(plannedColumn.action, {
        column,
        seeder,
        isUnique: uniqueSingles.has(column.name),
        columnIndexByName,
        rowKeyIndexes,
      }),
    );
  });

  const count = indexes.length;
  const outputs: (string | null)[] = new Array<string | null>(count);
  const transformRow = (row: Row): void => {
    // Every function sees the original row (shift_date keys off other columns), then all are written.
    for (let k = 0; k < count; k++) {
      const index = indexes[k] as number;
      outputs[k] = (functions[k] as ValueTransform)(row[index] ?? null, row);
    }
    for (let k = 0; k < count; k++) row[indexes[k] as number] = outputs[k] ?? null;
  };
  return {
    columns,
    transformedColumns: count,
    apply(batch: RowBatch): RowBatch {
      if (count === 0) return batch;
      for (const row of batch) transformRow(row);
      return batch;
    },
  };
}
