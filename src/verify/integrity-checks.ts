import {
  qualifiedName,
  sameTable,
  type ConstraintInfo,
  type DatabaseSchema,
  type TableInfo,
  type TableRef,
} from '../core/index.js';
import type { Plan } from '../policy/index.js';

/** One integrity finding: names and counts only. */
export interface IntegrityCheck {
  readonly check: 'row_count' | 'foreign_key' | 'unique' | 'null_count' | 'constraint_present';
  readonly table: string;
  readonly columns?: readonly string[];
  readonly constraint?: string;
  readonly status: 'passed' | 'failed';
  /**
   * How it was established: `constraint` (the target holds the same validated constraint, so PostgreSQL
   * itself guarantees it), `query` (an anti-join or duplicate count on the target), `count` (rows or NULLs
   * counted on both sides).
   */
  readonly method: 'constraint' | 'query' | 'count';
  readonly expected?: number;
  readonly found?: number;
}

export interface ForeignKeyToCheck {
  readonly table: TableRef;
  readonly constraint: string;
  readonly columns: readonly string[];
  readonly references: { readonly table: TableRef; readonly columns: readonly string[] };
  /** The target holds this foreign key, validated: no anti-join needed. */
  readonly enforced: boolean;
}

export interface UniqueToCheck {
  readonly table: TableRef;
  readonly columns: readonly string[];
  readonly enforced: boolean;
}

export interface IntegrityPlan {
  /** Copied tables whose target row count must equal the source's (or the count the run recorded). */
  readonly rowCounts: readonly TableRef[];
  /** Tables the plan skips (`skip: true`): created without rows, so their target must hold none. */
  readonly emptyTables: readonly TableRef[];
  readonly foreignKeys: readonly ForeignKeyToCheck[];
  readonly uniques: readonly UniqueToCheck[];
  /** Constraints of the source (primary, unique, foreign, check, exclusion) missing from the target. */
  readonly missingConstraints: readonly IntegrityCheck[];
}

/**
 * What integrity means for this plan: equal row counts where every row is copied (`sameRows`: both sides
 * read the same rows, e.g. inside the snapshot, where filters and subsets apply to the source reads too)
 * or where the run that made the target recorded its count (`knownCounts`, `schema.table`: a manifest's),
 * skipped tables empty, every foreign key joining, unique column sets unique, and every constraint of the
 * source present.
 */
export function planIntegrity(
  plan: Plan,
  sourceSchema: DatabaseSchema,
  targetSchema: DatabaseSchema,
  options: {
    readonly sameRows: boolean;
    readonly subset: boolean;
    readonly knownCounts?: ReadonlySet<string>;
  },
): IntegrityPlan {
  const copied = plan.tables.filter((t) => t.copyRows);
  const rowCounts = copied
    .filter(
      (t) =>
        options.sameRows ||
        options.knownCounts?.has(qualifiedName(t.table)) === true ||
        (t.where === null && !options.subset),
    )
    .map((t) => t.table);
  const inTarget = (ref: TableRef): boolean => targetSchema.tables.some((t) => sameTable(t.ref, ref));
  const emptyTables = plan.tables
    .filter((t) => !t.copyRows && t.kind !== 'partitioned' && inTarget(t.table))
    .map((t) => t.table);
  const foreignKeys: ForeignKeyToCheck[] = [];
  const uniques: UniqueToCheck[] = [];
  const missingConstraints: IntegrityCheck[] = [];
  const inPlan = (ref: TableRef): boolean => plan.tables.some((t) => sameTable(t.table, ref));
  for (const planned of plan.tables) {
    const source = sourceSchema.tables.find((t) => sameTable(t.ref, planned.table));
    if (source === undefined) continue;
    const target = targetSchema.tables.find((t) => sameTable(t.ref, planned.table));
    const name = qualifiedName(planned.table);
    const keptColumns = new Set(planned.columns.filter((c) => c.action.kind !== 'drop').map((c) => c.name));
    const survives = (columns: readonly string[]): boolean => columns.every((c) => keptColumns.has(c));
    for (const constraint of source.constraints) {
      if (!survives(constraint.columns)) continue;
      const twin = target === undefined ? undefined : findTwin(target, constraint);
      if (twin === undefined) {
        missingConstraints.push({
          check: 'constraint_present',
          table: name,
          constraint: constraint.name,
          columns: constraint.columns,
          status: 'failed',
          method: 'constraint',
        });
      }
      if (constraint.kind !== 'foreign_key' || constraint.references === null) continue;
      if (!inPlan(constraint.references.table)) continue;
      foreignKeys.push({
        table: planned.table,
        constraint: constraint.name,
        columns: constraint.columns,
        references: constraint.references,
        enforced: twin !== undefined && !/\bNOT VALID\b/.test(twin.definition),
      });
    }
    if (!planned.copyRows) continue;
    for (const set of source.uniqueColumnSets) {
      if (!survives(set)) continue;
      uniques.push({
        table: planned.table,
        columns: set,
        enforced: target?.uniqueColumnSets.some((s) => sameSet(s, set)) === true,
      });
    }
  }
  return { rowCounts, emptyTables, foreignKeys, uniques, missingConstraints };
}

function findTwin(target: TableInfo, constraint: ConstraintInfo): ConstraintInfo | undefined {
  return target.constraints.find(
    (c) =>
      c.kind === constraint.kind &&
      sameSet(c.columns, constraint.columns) &&
      (constraint.references === null ||
        (c.references !== null &&
          sameTable(c.references.table, constraint.references.table) &&
          sameSet(c.references.columns, constraint.references.columns))),
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
