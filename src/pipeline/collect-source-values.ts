import { sameTable, type DatabaseSchema, type SourceSession } from '../core/index.js';
import { ValueBloomFilter } from '../fake-values/index.js';
import type { Plan } from '../policy/index.js';

/**
 * Before the load, reads every substituted column once and remembers its values per substitution scope
 * in a Bloom filter (no values kept). Substitution then never emits a fake that equals a real value of
 * the scope: a real name, address or email cannot reappear in the target, not even as someone else's.
 * Array columns are substituted per element and are not collected.
 */
export async function collectSourceValues(
  source: SourceSession,
  plan: Plan,
  schema: DatabaseSchema,
  batchRows: number,
  signal: AbortSignal,
): Promise<Map<string, ValueBloomFilter>> {
  const columnsByScope = new Map<
    string,
    { table: (typeof plan.tables)[number]; column: string; rows: number }[]
  >();
  for (const planned of plan.tables) {
    if (!planned.copyRows) continue;
    const info = schema.tables.find((t) => sameTable(t.ref, planned.table));
    for (const column of planned.columns) {
      if (!column.copied || column.action.kind !== 'substitute') continue;
      const columnInfo = info?.columns.find((c) => c.name === column.name);
      if (columnInfo === undefined || columnInfo.category === 'array') continue;
      const scope = column.action.scope ?? column.action.entity;
      const list = columnsByScope.get(scope) ?? [];
      list.push({ table: planned, column: column.name, rows: info?.estimatedRows ?? 0 });
      columnsByScope.set(scope, list);
    }
  }
  const filters = new Map<string, ValueBloomFilter>();
  for (const [scope, columns] of columnsByScope) {
    const filter = new ValueBloomFilter(columns.reduce((sum, c) => sum + c.rows, 0));
    for (const { table, column } of columns) {
      const batches = source.readRows(
        {
          table: table.table,
          columns: [column],
          ...(table.where === null ? {} : { where: table.where }),
          batchRows,
        },
        signal,
      );
      for await (const batch of batches) {
        for (const row of batch) {
          const value = row[0];
          if (value !== null && value !== undefined && value !== '') filter.add(value);
        }
      }
    }
    filters.set(scope, filter);
  }
  return filters;
}
