import {
  sameTable,
  type ActionSpec,
  type DatabaseSchema,
  type Row,
  type RowBatch,
  type TableInfo,
} from '../core/index.js';
import type { KeyedSeeder, ValueBloomFilter } from '../fake-values/index.js';
import type { Plan, PlannedTable } from '../policy/index.js';
import { compileTransform, type SpanFinder, type ValueTransform } from '../transform/index.js';

export interface TableTransform {
  /** Columns to read from the source and write to the target, in row order. */
  readonly columns: readonly string[];
  /** Transforms a batch in place; returns it. */
  apply(batch: RowBatch): RowBatch;
  readonly transformedColumns: number;
}

/** Compiles a planned table into one batch function; kept columns cost nothing. */
export function compileTableTransform(
  planned: PlannedTable,
  table: TableInfo,
  seeder: KeyedSeeder,
  uniqueScopes: ReadonlySet<string>,
  sourceValues: ReadonlyMap<string, ValueBloomFilter>,
  findSpans?: SpanFinder,
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

  // Substituted scalar columns of the row: address parts among them take one fake place.
  const rowSubstitutions = new Map(
    copied.flatMap((c) => {
      if (c.action.kind !== 'substitute') return [];
      if (table.columns.find((t) => t.name === c.name)?.category === 'array') return [];
      const scope = c.action.scope ?? c.action.entity;
      const unique = uniqueSingles.has(c.name) || uniqueScopes.has(scope);
      return [[c.name, { entity: c.action.entity, scope, ...(unique ? { unique } : {}) }] as const];
    }),
  );
  const keptColumns = new Set(copied.filter((c) => c.action.kind === 'keep').map((c) => c.name));

  const isScopeValue = (scope: string, value: string): boolean =>
    sourceValues.get(scope)?.has(value) === true;

  const indexes: number[] = [];
  const functions: ValueTransform[] = [];
  copied.forEach((plannedColumn, index) => {
    if (plannedColumn.action.kind === 'keep') return;
    const column = table.columns.find((c) => c.name === plannedColumn.name);
    if (column === undefined) return;
    indexes.push(index);
    const scope = scopeOf(plannedColumn.action);
    const filter = scope === undefined ? undefined : sourceValues.get(scope);
    functions.push(
      compileTransform(plannedColumn.action, {
        column,
        seeder,
        isUnique: uniqueSingles.has(column.name) || (scope !== undefined && uniqueScopes.has(scope)),
        columnIndexByName,
        rowKeyIndexes,
        ...(filter === undefined ? {} : { isSourceValue: (value: string) => filter.has(value) }),
        isScopeValue,
        isUniqueScope: (s: string) => uniqueScopes.has(s),
        rowSubstitutions,
        keptColumns,
        ...(planned.coherentRows === false ? { buildsFromNames: false } : {}),
        ...(findSpans === undefined ? {} : { findSpans }),
      }),
    );
  });

  // Free-text columns whose spans are found a batch at a time (see SpanFinder.prefetch).
  const prose =
    findSpans?.prefetch === undefined
      ? []
      : indexes.filter((index) => {
          const plannedColumn = copied[index];
          const column = table.columns.find((c) => c.name === plannedColumn?.name);
          return plannedColumn?.action.kind === 'redact_text' && column?.category !== 'array';
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
      // One prefetch for the texts of every prose column: the finder keeps the last batch only.
      if (prose.length > 0 && findSpans?.prefetch !== undefined) {
        const texts: string[] = [];
        for (const index of prose) {
          for (const row of batch) {
            const value = row[index];
            if (value != null && value !== '') texts.push(value);
          }
        }
        findSpans.prefetch(texts);
      }
      for (const row of batch) transformRow(row);
      return batch;
    },
  };
}

/** The substitution scope of an action, or undefined for actions that are not substitutions. */
function scopeOf(action: ActionSpec): string | undefined {
  return action.kind === 'substitute' ? (action.scope ?? action.entity) : undefined;
}

/**
 * Scopes whose fakes must be unique. A unique fake differs from a plain one (it carries a keyed
 * discriminator), so every column of a scope must use the same mode or a foreign key would no longer
 * match its key. A scope is unique when any substituted column in it belongs to a unique column set.
 */
export function uniqueSubstitutionScopes(plan: Plan, schema: DatabaseSchema): Set<string> {
  const scopes = new Set<string>();
  for (const planned of plan.tables) {
    const table = schema.tables.find((t) => sameTable(t.ref, planned.table));
    if (table === undefined) continue;
    for (const column of planned.columns) {
      const scope = scopeOf(column.action);
      if (scope !== undefined && table.uniqueColumnSets.some((set) => set.includes(column.name)))
        scopes.add(scope);
    }
  }
  return scopes;
}
