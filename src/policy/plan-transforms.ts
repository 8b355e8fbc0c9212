import { parseTableName, qualifiedName } from '../core/index.js';
import type { DatabaseSchema, Selection, TableInfo, TableRef } from '../core/index.js';
import { loadOrder, schemaFingerprint } from '../introspection/index.js';
import { declaredReferences, referenceNameFindings, subsetWithReferences } from './declared-references.js';
import { coherenceFindings } from './followed-names.js';
import { kAnonymityFindings, kAnonymitySpec } from './k-anonymity-findings.js';
import type { Plan, PlanOptions, PlannedTable } from './plan.js';
import { policyDigest } from './policy-digest.js';
import type { Policy } from './policy-schema.js';
import { preflightFindings } from './preflight-findings.js';
import { columnKey, columnReferences, resolveColumnActions } from './resolve-column-actions.js';
import type { TableEntry } from './resolve-column-actions.js';
import { selectTables } from './select-tables.js';
import { referenceSuggestions } from './suggest-references.js';

/**
 * schema × policy → plan, purely: no I/O, no clock, no randomness; the same inputs give the same plan,
 * byte for byte once serialised.
 *
 * `schema` is the source as introspected — whole, or already narrowed to the selection; the selection is
 * applied here either way. From a whole source the pre-flight can tell a policy entry for a table that does
 * not exist (an error) from one for a table that is merely not selected (ignored); from a narrowed one it
 * reports missing tables that the selection would have covered. `plan.schemaFingerprint` is
 * `schemaFingerprint(schema)` of exactly the schema given, so check a saved plan against the same kind.
 */
export function planTransforms(schema: DatabaseSchema, policy: Policy, options: PlanOptions): Plan {
  const selected = selectTables(schema.tables, options.selection);
  const selectedByName = new Map(selected.map((t) => [qualifiedName(t.ref), t]));
  const tables = loadOrder({ tables: selected, sequences: [] })
    .map((ref) => selectedByName.get(qualifiedName(ref)))
    .filter((t): t is TableInfo => t !== undefined);

  const entries = resolveEntries(schema, policy, tables);
  const declared = declaredReferences(policy, tables);
  const decisions = resolveColumnActions(tables, entries, policy, declared);

  const planned: PlannedTable[] = tables.map((table) => {
    const entry = entries.get(qualifiedName(table.ref));
    return {
      table: table.ref,
      kind: table.kind,
      copyRows: table.kind !== 'partitioned' && entry?.policy.skip !== true,
      where: entry?.policy.where ?? null,
      columns: table.columns.map((column) => {
        const d = decisions.get(columnKey(table.ref, column.name));
        if (d === undefined) throw new Error('planTransforms: a column was left undecided'); // a bug, not input
        const follows =
          d.followed === undefined
            ? {}
            : {
                follows: {
                  column: `${qualifiedName(d.followed.targetTable.ref)}.${d.followed.target}`,
                  reference: d.followed.constraint,
                },
              };
        return {
          name: column.name,
          action: d.action,
          rule: d.rule,
          reason: d.reason,
          copied: d.copied,
          ...follows,
        };
      }),
      ...(entry?.policy.coherent_rows === false ? { coherentRows: false as const } : {}),
      ...(entry === undefined ? {} : kAnonymitySpec(entry)),
    };
  });

  const uncovered = tables.flatMap((table) =>
    table.columns
      .filter((c) => {
        const source = decisions.get(columnKey(table.ref, c.name))?.source;
        return source === 'uncovered' || source === 'not_strict';
      })
      .map((c) => ({ table: qualifiedName(table.ref), column: c.name })),
  );

  const copiesRows = new Set(planned.filter((t) => t.copyRows).map((t) => qualifiedName(t.table)));
  const findings = [
    ...preflightFindings({
      schema,
      policy,
      selection: options.selection,
      tables,
      entries,
      decisions,
      copiesRows,
      outputConstraints: options.outputConstraints,
      declaredReferences: declared,
    }),
    ...coherenceFindings(planned),
    ...referenceNameFindings(schema, policy, options.selection, tables),
    ...referenceSuggestions(tables, decisions, [...columnReferences(tables), ...declared], copiesRows),
    ...kAnonymityFindings(planned, tables),
  ];

  return {
    formatVersion: 1,
    schemaFingerprint: schemaFingerprint(schema),
    policyDigest: policyDigest(policy),
    strict: policy.strict,
    tables: planned,
    sequences: selectSequences(schema, tables, options.selection),
    uncovered,
    findings,
    ...(policy.subset === undefined ? {} : { subset: subsetWithReferences(policy.subset, policy) }),
  };
}

/** Each table's own entry, or for a partition without one, the nearest partitioned ancestor's. */
function resolveEntries(
  schema: DatabaseSchema,
  policy: Policy,
  tables: readonly TableInfo[],
): Map<string, TableEntry> {
  const own = new Map<string, string>();
  for (const key of Object.keys(policy.tables)) own.set(qualifiedName(parseTableName(key)), key);
  const all = new Map(schema.tables.map((t) => [qualifiedName(t.ref), t]));
  const entries = new Map<string, TableEntry>();
  for (const table of tables) {
    const seen = new Set<string>();
    let current: TableInfo | undefined = table;
    while (current !== undefined && !seen.has(qualifiedName(current.ref))) {
      const name = qualifiedName(current.ref);
      seen.add(name);
      const key = own.get(name);
      const tablePolicy = key === undefined ? undefined : policy.tables[key];
      if (key !== undefined && tablePolicy !== undefined) {
        entries.set(qualifiedName(table.ref), {
          key,
          policy: tablePolicy,
          viaParent: current === table ? null : current.ref,
        });
        break;
      }
      // Up through every level: a sub-partitioned table is itself partitioned and a partition.
      current = current.parent !== null ? all.get(qualifiedName(current.parent)) : undefined;
    }
  }
  return entries;
}

/**
 * Sequences to carry over. When `schema` is already just the selection (a connector introspected it that
 * way, choosing sequences by owner), all of its sequences. From a whole source, with a table list —
 * `SequenceInfo` does not say which table owns a sequence — only the names PostgreSQL gives serial and
 * identity sequences (`<table>_<column>_seq`) of the selected tables' columns with a default or identity.
 */
function selectSequences(
  schema: DatabaseSchema,
  tables: readonly TableInfo[],
  selection: Selection,
): TableRef[] {
  const selected = new Set(tables.map((t) => qualifiedName(t.ref)));
  const isWholeSource = schema.tables.some((t) => !selected.has(qualifiedName(t.ref)));
  let chosen = schema.sequences.map((s) => s.ref);
  if (isWholeSource && selection.tables.length > 0) {
    const names = new Set(
      tables.flatMap((t) =>
        t.columns
          .filter((c) => c.hasDefault || c.identity !== null)
          .map((c) => qualifiedName({ schema: t.ref.schema, name: `${t.ref.name}_${c.name}_seq` })),
      ),
    );
    chosen = chosen.filter((s) => names.has(qualifiedName(s)));
  } else if (isWholeSource && selection.schemas.length > 0) {
    chosen = chosen.filter((s) => selection.schemas.includes(s.schema));
  }
  return chosen.sort((a, b) => compare(qualifiedName(a), qualifiedName(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
