import { qualifiedName } from '../core/index.js';
import type { Selection, TableInfo } from '../core/index.js';

/**
 * The tables a selection covers: named tables, or tables in the named schemas, or all when both lists are
 * empty. A partition is selected when its partitioned parent is (recursively, for sub-partitions).
 */
export function selectTables(tables: readonly TableInfo[], selection: Selection): TableInfo[] {
  const byName = new Map(tables.map((t) => [qualifiedName(t.ref), t]));
  const named = new Set(selection.tables.map(qualifiedName));
  const matches = (table: TableInfo): boolean => {
    if (selection.tables.length > 0) return named.has(qualifiedName(table.ref));
    if (selection.schemas.length > 0) return selection.schemas.includes(table.ref.schema);
    return true;
  };
  return tables.filter((table) => {
    const seen = new Set<string>();
    for (let t: TableInfo | undefined = table; t !== undefined;) {
      if (matches(t)) return true;
      seen.add(qualifiedName(t.ref));
      // Up through every level: a sub-partitioned table is itself partitioned and a partition.
      if (t.parent === null || seen.has(qualifiedName(t.parent))) return false;
      t = byName.get(qualifiedName(t.parent));
    }
    return false;
  });
}
