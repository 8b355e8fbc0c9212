import { parseTableName as parseTableRef, qualifiedName } from '../core/index.js';
import type { DatabaseSchema, Selection, TableInfo } from '../core/index.js';
import type { PreflightFinding } from './plan.js';
import { selectionCovers } from './preflight-findings.js';
import type { Policy } from './policy-schema.js';
import type { SubsetPolicy } from './subset-schema.js';
import type { TableColumns } from './references-schema.js';
import type { ColumnReference } from './resolve-column-actions.js';

/**
 * The policy's `references:` as column pairs between the selected tables, composite references split
 * column by column, in policy order. A reference with a side outside the selection, or naming a table or
 * column the source lacks (see referenceNameFindings), is left out.
 */
export function declaredReferences(policy: Policy, tables: readonly TableInfo[]): ColumnReference[] {
  const byName = new Map(tables.map((t) => [qualifiedName(t.ref), t]));
  const references: ColumnReference[] = [];
  (policy.references ?? []).forEach((declared, index) => {
    const table = byName.get(qualifiedName(declared.from.table));
    const targetTable = byName.get(qualifiedName(declared.to.table));
    if (table === undefined || targetTable === undefined) return;
    declared.from.columns.forEach((column, i) => {
      const target = declared.to.columns[i];
      if (target === undefined || !hasColumn(table, column) || !hasColumn(targetTable, target)) return;
      references.push({
        table,
        column,
        targetTable,
        target,
        constraint: `references[${index}]`,
        origin: 'policy',
        ...(declared.reason === undefined ? {} : { reason: declared.reason }),
      });
    });
  });
  return references;
}

/**
 * Errors for `references:` entries naming a table the source lacks, or a column its table lacks. As for
 * entries under `tables:`, a table that exists but is not selected is no error, and from a schema
 * narrowed to the selection a missing table is reported only when the selection would have covered it.
 */
export function referenceNameFindings(
  schema: DatabaseSchema,
  policy: Policy,
  selection: Selection,
  tables: readonly TableInfo[],
): PreflightFinding[] {
  const all = new Map(schema.tables.map((t) => [qualifiedName(t.ref), t]));
  const selected = new Set(tables.map((t) => qualifiedName(t.ref)));
  const isWholeSource = [...all.keys()].some((name) => !selected.has(name));
  const findings: PreflightFinding[] = [];
  (policy.references ?? []).forEach((declared, index) => {
    const sides: readonly ['from' | 'to', TableColumns][] = [
      ['from', declared.from],
      ['to', declared.to],
    ];
    for (const [side, { table: ref, columns }] of sides) {
      const name = qualifiedName(ref);
      const where = `references[${index}].${side}`;
      const table = all.get(name);
      if (table === undefined) {
        if (!isWholeSource && !selectionCovers(selection, ref)) continue;
        findings.push({
          severity: 'error',
          code: 'reference_unknown_table',
          table: name,
          message: `${where} names ${name}, but the source has no such table`,
        });
        continue;
      }
      for (const column of columns) {
        if (hasColumn(table, column)) continue;
        findings.push({
          severity: 'error',
          code: 'reference_unknown_column',
          table: name,
          column,
          message: `${where} names ${name}.${column}, but ${name} has no such column`,
        });
      }
    }
  });
  return findings;
}

function hasColumn(table: TableInfo, column: string): boolean {
  return table.columns.some((c) => c.name === column);
}

/**
 * The policy's `subset:` with its `references:` added to the relations the closure follows (as
 * `virtual_foreign_keys`, unless listed there already): one declaration steers both the substitution
 * and the subset, so a subset that keeps an audit row also keeps the customer its e-mail points at.
 */
export function subsetWithReferences(subset: SubsetPolicy, policy: Policy): SubsetPolicy {
  const references = policy.references ?? [];
  if (references.length === 0) return subset;
  const key = (v: SubsetPolicy['virtual_foreign_keys'][number]): string =>
    JSON.stringify([
      qualifiedName(parseTableRef(v.table)),
      v.columns,
      qualifiedName(parseTableRef(v.references.table)),
      v.references.columns,
    ]);
  const listed = new Set(subset.virtual_foreign_keys.map(key));
  const added = references
    .map((r) => ({
      table: qualifiedName(r.from.table),
      columns: [...r.from.columns],
      references: { table: qualifiedName(r.to.table), columns: [...r.to.columns] },
    }))
    .filter((v) => !listed.has(key(v)));
  return added.length === 0
    ? subset
    : { ...subset, virtual_foreign_keys: [...subset.virtual_foreign_keys, ...added] };
}
