import { qualifiedName } from '../core/index.js';
import type { ColumnInfo, TableInfo } from '../core/index.js';
import { formatAction } from './format-action.js';
import type { PreflightFinding } from './plan.js';
import { columnKey } from './resolve-column-actions.js';
import type { ColumnDecision, ColumnReference } from './resolve-column-actions.js';

/** Decisions a suggestion may question: kept by a rule, a `"*"` entry or `strict: false`, not by name. */
const QUESTIONABLE = new Set<ColumnDecision['source']>(['rule', 'table_default', 'not_strict']);

/**
 * Warnings for columns that look like undeclared references to a transformed key: the column's name is the
 * key's table and column (`customer_id` → `customer.customer_id` or `customer.id`, `user_email` →
 * `users.email`), its type is of the same kind, the key is transformed, and the column is kept as is with no
 * foreign key or declared reference — so its values would stop matching the key's. Only tables whose rows
 * are copied (`copiesRows`, qualified names). Names and types only: the planner sees no values. An explicit
 * `keep` entry for the column silences it.
 */
export function referenceSuggestions(
  tables: readonly TableInfo[],
  decisions: ReadonlyMap<string, ColumnDecision>,
  references: readonly ColumnReference[],
  copiesRows: ReadonlySet<string>,
): PreflightFinding[] {
  const referencing = new Set(references.map((r) => columnKey(r.table.ref, r.column)));
  const keys = transformedKeys(tables, decisions);
  const findings: PreflightFinding[] = [];
  for (const table of tables) {
    // Tables that hold no rows here (skip, partitioned parents: their partitions are checked) break nothing.
    if (!copiesRows.has(qualifiedName(table.ref))) continue;
    for (const column of table.columns) {
      const decision = decisions.get(columnKey(table.ref, column.name));
      if (
        decision === undefined ||
        !decision.copied ||
        decision.action.kind !== 'keep' ||
        !QUESTIONABLE.has(decision.source) ||
        referencing.has(columnKey(table.ref, column.name))
      )
        continue;
      for (const key of keys) {
        if (key.table === table || !namesKey(column.name, key) || !sameKind(column, key.column)) continue;
        const from = qualifiedName(table.ref);
        const to = qualifiedName(key.table.ref);
        findings.push({
          severity: 'warning',
          code: 'reference_suggested',
          table: from,
          column: column.name,
          message: `${from}.${column.name} is copied as is (${decision.rule}), but by its name and type it may hold values of ${to}.${key.column.name}, which ${formatAction(key.action.action)} changes; no foreign key or declared reference says so, and such values would no longer match. If it does, declare it: references: [{ from: "${from}(${column.name})", to: "${to}(${key.column.name})" }]; if not, give it an explicit keep entry`,
        });
      }
    }
  }
  return findings;
}

interface TransformedKey {
  readonly table: TableInfo;
  readonly column: ColumnInfo;
  readonly action: ColumnDecision;
  /** The table's name and its singular, lower case: `users`, `user`. */
  readonly stems: readonly string[];
}

/** Single-column primary and unique keys whose values the plan changes, in table then column order. */
function transformedKeys(
  tables: readonly TableInfo[],
  decisions: ReadonlyMap<string, ColumnDecision>,
): TransformedKey[] {
  const keys: TransformedKey[] = [];
  for (const table of tables) {
    const singles = new Set(table.uniqueColumnSets.filter((s) => s.length === 1).map((s) => s[0]));
    const name = table.ref.name.toLowerCase();
    const stems = [...new Set([name, singular(name)])];
    for (const column of table.columns) {
      if (!singles.has(column.name)) continue;
      const decision = decisions.get(columnKey(table.ref, column.name));
      if (decision === undefined || !decision.copied) continue;
      if (decision.action.kind === 'keep' || decision.action.kind === 'drop') continue;
      keys.push({ table, column, action: decision, stems });
    }
  }
  return keys;
}

/** `customer_email` or `customers_email` for `customer.email`; `customer_id` also for `customer.customer_id`. */
function namesKey(name: string, key: TransformedKey): boolean {
  const column = name.toLowerCase();
  const target = key.column.name.toLowerCase();
  return key.stems.some(
    (stem) => column === `${stem}_${target}` || (column === target && target.startsWith(`${stem}_`)),
  );
}

/** `users` → `user`, `companies` → `company`, `addresses` → `address`; other names unchanged. */
function singular(name: string): string {
  if (name.endsWith('ies') && name.length > 3) return `${name.slice(0, -3)}y`;
  if (/(?:ss|sh|ch|x)es$/.test(name)) return name.slice(0, -2);
  if (name.endsWith('s') && !name.endsWith('ss')) return name.slice(0, -1);
  return name;
}

/** Values of one column could be values of the other: the same kind of type, and not arrays or documents. */
function sameKind(a: ColumnInfo, b: ColumnInfo): boolean {
  return a.category === b.category && a.category !== 'array' && a.category !== 'json';
}
