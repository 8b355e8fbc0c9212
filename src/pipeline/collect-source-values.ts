import { sameTable, type DatabaseSchema, type SourceSession } from '../core/index.js';
import { mayCoincideWithRealValues, ValueBloomFilter } from '../fake-values/index.js';
import type { Plan, PlannedTable } from '../policy/index.js';

/**
 * Before the load, reads every substituted column once and remembers its values per substitution scope
 * in a Bloom filter (no values kept). Substitution then never emits a fake that equals a real value of
 * the scope: a real name, address or email cannot reappear in the target, not even as someone else's.
 * Array columns are substituted per element and are not collected. Only kinds drawn from word lists
 * are collected (see mayCoincideWithRealValues), and each filter is capped, so memory stays flat
 * however large the tables are: beyond the cap the filter over-reports, which only costs redraws.
 */
/** Values per filter at a 1% false-positive rate: ~2.4 MB each. Word-list kinds rarely have more distinct values. */
const MAX_FILTER_VALUES = 2_000_000;

export async function collectSourceValues(
  source: SourceSession,
  plan: Plan,
  schema: DatabaseSchema,
  batchRows: number,
  signal: AbortSignal,
): Promise<Map<string, ValueBloomFilter>> {
  // One read per table, of just its substituted columns; each column feeds its scope's filter.
  const reads: { table: PlannedTable; columns: string[]; scopes: string[] }[] = [];
  const expectedByScope = new Map<string, number>();
  for (const planned of plan.tables) {
    if (!planned.copyRows) continue;
    const info = schema.tables.find((t) => sameTable(t.ref, planned.table));
    const read = { table: planned, columns: [] as string[], scopes: [] as string[] };
    for (const column of planned.columns) {
      if (!column.copied || column.action.kind !== 'substitute') continue;
      if (!mayCoincideWithRealValues(column.action.entity)) continue;
      const columnInfo = info?.columns.find((c) => c.name === column.name);
      if (columnInfo === undefined || columnInfo.category === 'array') continue;
      const scope = column.action.scope ?? column.action.entity;
      read.columns.push(column.name);
      read.scopes.push(scope);
      expectedByScope.set(scope, (expectedByScope.get(scope) ?? 0) + (info?.estimatedRows ?? 0));
    }
    if (read.columns.length > 0) reads.push(read);
  }
  const filters = new Map<string, ValueBloomFilter>();
  for (const [scope, expected] of expectedByScope) {
    filters.set(scope, new ValueBloomFilter(Math.min(expected, MAX_FILTER_VALUES)));
  }
  for (const { table, columns, scopes } of reads) {
    const targets = scopes.map((scope) => filters.get(scope) as ValueBloomFilter);
    const batches = source.readRows(
      { table: table.table, columns, ...(table.where === null ? {} : { where: table.where }), batchRows },
      signal,
    );
    for await (const batch of batches) {
      for (const row of batch) {
        for (let i = 0; i < targets.length; i++) {
          const value = row[i];
          if (value !== null && value !== undefined && value !== '')
            (targets[i] as ValueBloomFilter).add(value);
        }
      }
    }
  }
  return filters;
}
