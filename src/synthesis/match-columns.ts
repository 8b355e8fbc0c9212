import type { TableInfo } from '../core/index.js';

/** Categories of key columns synthesis generates itself (serials, fake uuids): they say nothing about a row. */
const GENERATED_KEY_CATEGORIES = new Set(['integer', 'decimal', 'uuid']);

/**
 * The columns the exact-match filter and the report's exact-match rate both compare, from the schema
 * alone so that the two always agree: every written column except foreign-key columns and integer,
 * decimal or uuid columns of the primary key or a unique constraint (generated keys). Other columns of a
 * unique set (a rental's date) stay compared.
 */
export function exactMatchColumns(table: TableInfo, foreignKeyColumns: ReadonlySet<string>): string[] {
  const keyColumns = new Set(table.uniqueColumnSets.flat());
  return table.columns
    .filter((c) => !c.isGenerated)
    .filter((c) => !foreignKeyColumns.has(c.name))
    .filter((c) => !(keyColumns.has(c.name) && GENERATED_KEY_CATEGORIES.has(c.category)))
    .map((c) => c.name);
}
