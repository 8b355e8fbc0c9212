import { parseTableName, qualifiedName } from '../core/index.js';
import type {
  ActionSpec,
  ColumnInfo,
  DatabaseSchema,
  Selection,
  TableInfo,
  TableRef,
} from '../core/index.js';
import { canonicalJson } from '../introspection/index.js';
import { formatAction } from './format-action.js';
import type { OutputConstraints, OutputFit, PreflightFinding } from './plan.js';
import type { Policy } from './policy-schema.js';
import { columnKey, columnReferences, describeReference } from './resolve-column-actions.js';
import type { ColumnDecision, ColumnReference, TableEntry } from './resolve-column-actions.js';

export interface PreflightInput {
  /** The source as introspected, whole or narrowed to the selection (see checkPolicyNames). */
  readonly schema: DatabaseSchema;
  readonly policy: Policy;
  readonly selection: Selection;
  /** Selected tables, in plan order. */
  readonly tables: readonly TableInfo[];
  /** The entry governing each selected table (by qualified name), own or inherited from a parent. */
  readonly entries: ReadonlyMap<string, TableEntry>;
  readonly decisions: ReadonlyMap<string, ColumnDecision>;
  /** Qualified names of the selected tables whose rows are copied. */
  readonly copiesRows: ReadonlySet<string>;
  readonly outputConstraints: OutputConstraints;
  /** The policy's `references:` between selected tables (declaredReferences): checked like foreign keys. */
  readonly declaredReferences?: readonly ColumnReference[];
}

/**
 * Everything that can be known to go wrong before a row moves. Messages name tables, columns, constraints
 * and actions — never values (the planner never sees any).
 */
export function preflightFindings(input: PreflightInput): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const add = (
    severity: PreflightFinding['severity'],
    code: string,
    table: TableInfo | string | null,
    column: string | null,
    message: string,
  ): void => {
    findings.push({
      severity,
      code,
      ...(table === null ? {} : { table: typeof table === 'string' ? table : qualifiedName(table.ref) }),
      ...(column === null ? {} : { column }),
      message,
    });
  };

  checkPolicyNames(input, add);
  checkReferencesInsideSelection(input, add);

  const references = columnReferences(input.tables);
  const followed = [...references, ...(input.declaredReferences ?? [])];
  const referencesByTable = groupBy(followed, (r) => qualifiedName(r.table.ref));
  const keyColumns = new Map<string, ColumnReference>();
  for (const r of followed) {
    keyColumns.set(columnKey(r.table.ref, r.column), r);
    if (!keyColumns.has(columnKey(r.targetTable.ref, r.target)))
      keyColumns.set(columnKey(r.targetTable.ref, r.target), r);
  }
  const fitCache = new Map<string, OutputFit>();
  const fit = (table: TableInfo, column: ColumnInfo, action: ActionSpec, isUnique: boolean): OutputFit => {
    const key = `${columnKey(table.ref, column.name)}\0${String(isUnique)}`;
    let result = fitCache.get(key);
    if (result === undefined) {
      result = input.outputConstraints(action, column, isUnique);
      fitCache.set(key, result);
    }
    return result;
  };
  const decisionOf = (table: TableInfo, column: string): ColumnDecision | undefined =>
    input.decisions.get(columnKey(table.ref, column));
  const name = (table: TableInfo, column: string): string => `${qualifiedName(table.ref)}.${column}`;

  for (const table of input.tables) {
    const copiesRows = input.copiesRows.has(qualifiedName(table.ref));
    const singleUnique = new Set(table.uniqueColumnSets.filter((s) => s.length === 1).map((s) => s[0]));
    const wrongType = new Set<string>();

    for (const column of table.columns) {
      const decision = decisionOf(table, column.name);
      if (decision === undefined || decision.source === 'generated') continue;
      const { action } = decision;
      const where = name(table, column.name);

      if (decision.source === 'uncovered') {
        add(
          'error',
          'uncovered_column',
          table,
          column.name,
          uncoveredMessage(
            where,
            input.entries.get(qualifiedName(table.ref))?.key ?? qualifiedName(table.ref),
          ),
        );
        continue;
      }
      if (decision.source === 'not_strict') {
        add(
          'warning',
          'uncovered_column',
          table,
          column.name,
          `no entry or rule covers ${where}; it is copied unchanged because the policy says strict: false`,
        );
      }

      if (action.kind === 'shift_date') {
        const by = action.by === undefined ? undefined : table.columns.find((c) => c.name === action.by);
        if (action.by !== undefined && by === undefined) {
          add(
            'error',
            'shift_date_by_unknown_column',
            table,
            column.name,
            `${where}: shift_date by ${JSON.stringify(action.by)}, but ${qualifiedName(table.ref)} has no such column`,
          );
        } else if (by !== undefined && decisionOf(table, by.name)?.copied !== true) {
          // The offset is computed from the row as read, and only copied columns are read.
          add(
            'error',
            'shift_date_by_not_copied',
            table,
            column.name,
            `${where}: shift_date by ${JSON.stringify(by.name)}, but ${qualifiedName(table.ref)}.${by.name} is not copied (dropped, generated or uncovered)`,
          );
        }
        if (column.category !== 'date' && column.category !== 'timestamp') {
          wrongType.add(column.name);
          add(
            'error',
            'shift_date_not_a_date',
            table,
            column.name,
            `${where}: shift_date applies to date and timestamp columns, not ${column.dataType}`,
          );
        }
      }

      if (action.kind === 'drop') {
        for (const problem of dropProblems(table, column.name, input.tables)) {
          add(
            'error',
            'drop_breaks_constraint',
            table,
            column.name,
            `${where} is dropped, but ${problem} uses it; the target could not hold it`,
          );
        }
      }

      // Partitioned tables hold no rows: their partitions carry the same checks.
      if (!copiesRows) continue;

      const key = keyColumns.get(columnKey(table.ref, column.name));
      if (key !== undefined && !isValueDeterministic(action, table, column.name)) {
        add(
          'error',
          'key_action_not_deterministic',
          table,
          column.name,
          `${where} takes part in ${describeReference(key)}, but ${formatAction(action)} does not depend on the value alone, so references would stop matching; use substitute, hash or keep on keys`,
        );
      }

      if (decision.copied && action.kind !== 'keep' && !wrongType.has(column.name)) {
        const result = fit(table, column, action, singleUnique.has(column.name));
        if (!result.fits) {
          const problem = result.problem === undefined ? '' : `: ${result.problem}`;
          add(
            'error',
            'action_does_not_fit',
            table,
            column.name,
            `${where}: ${formatAction(action)} does not fit ${column.dataType}${column.isNullable ? '' : ' NOT NULL'}${problem}`,
          );
        }
      }
    }

    for (const ref of referencesByTable.get(qualifiedName(table.ref)) ?? []) {
      if (!copiesRows) continue;
      const conflict = foreignKeyConflict(
        ref,
        decisionOf(ref.table, ref.column),
        decisionOf(ref.targetTable, ref.target),
      );
      if (conflict !== null)
        add(
          'error',
          ref.origin === 'foreign_key' ? 'foreign_key_action_conflict' : 'reference_action_conflict',
          table,
          ref.column,
          conflict,
        );
    }

    if (copiesRows) {
      for (const set of table.uniqueColumnSets) {
        const message = collisionMessage(table, set, decisionOf, fit);
        if (message !== null)
          add('error', 'unique_may_collide', table, set.length === 1 ? (set[0] ?? null) : null, message);
      }
      for (const c of table.constraints) {
        if (c.kind !== 'check' && c.kind !== 'exclusion') continue;
        for (const column of c.columns) {
          const decision = decisionOf(table, column);
          if (decision === undefined || !decision.copied || decision.action.kind === 'keep') continue;
          add(
            'warning',
            'check_not_verifiable',
            table,
            column,
            `${c.kind === 'check' ? 'check' : 'exclusion'} constraint ${c.name} uses ${name(table, column)}, which ${formatAction(decision.action)} changes; the new values are not checked against it before loading`,
          );
        }
      }
    }

    checkPartitionDrops(table, input, decisionOf, add);
    checkFilteredReferences(table, input, references, add);
  }
  return findings;
}

type Add = (
  severity: PreflightFinding['severity'],
  code: string,
  table: TableInfo | string | null,
  column: string | null,
  message: string,
) => void;

/**
 * Policy entries for tables the source lacks, and columns their tables lack. `schema` may be the whole
 * source or only the selected part (as a connector introspects it): a table missing from it is reported
 * when the selection would have covered it, or when the schema visibly holds more than the selection.
 */
function checkPolicyNames(input: PreflightInput, add: Add): void {
  const all = new Map(input.schema.tables.map((t) => [qualifiedName(t.ref), t]));
  const selected = new Set(input.tables.map((t) => qualifiedName(t.ref)));
  const isWholeSource = [...all.keys()].some((name) => !selected.has(name));
  for (const [key, entry] of Object.entries(input.policy.tables)) {
    const ref = parseTableName(key);
    const tableName = qualifiedName(ref);
    const table = all.get(tableName);
    if (table === undefined) {
      if (isWholeSource || selectionCovers(input.selection, ref))
        add(
          'error',
          'policy_unknown_table',
          tableName,
          null,
          `the policy has an entry for ${tableName} (tables.${JSON.stringify(key)}), but the source has no such table`,
        );
      continue;
    }
    if (!selected.has(tableName)) continue;
    for (const column of Object.keys(entry.columns)) {
      if (column === '*' || table.columns.some((c) => c.name === column)) continue;
      add(
        'error',
        'policy_unknown_column',
        table,
        column,
        `the policy names ${tableName}.${column} (tables.${JSON.stringify(key)}.columns), but ${tableName} has no such column`,
      );
    }
  }
}

/** Whether `selection` names `table` (by table, by schema, or by naming nothing: all). */
export function selectionCovers(selection: Selection, table: TableRef): boolean {
  if (selection.tables.length > 0)
    return selection.tables.some((t) => qualifiedName(t) === qualifiedName(table));
  return selection.schemas.length === 0 || selection.schemas.includes(table.schema);
}

function uncoveredMessage(where: string, entryKey: string): string {
  return `no entry or rule covers ${where}; name it under tables.${JSON.stringify(entryKey)}.columns, add a rule or a "*" entry (strict: true stops the run)`;
}

/** Constraints and unique sets of its own table, and foreign keys of selected tables, that use the column. */
function dropProblems(table: TableInfo, column: string, tables: readonly TableInfo[]): string[] {
  const problems: string[] = [];
  const inConstraint = new Set<string>();
  for (const c of table.constraints) {
    if (!c.columns.includes(column)) continue;
    inConstraint.add(c.columns.join('\0'));
    problems.push(`${c.kind.replace('_', ' ')} ${c.name}`);
  }
  for (const set of table.uniqueColumnSets) {
    if (set.includes(column) && !inConstraint.has(set.join('\0')))
      problems.push(`unique index on (${set.join(', ')})`);
  }
  for (const other of tables) {
    if (other === table) continue;
    for (const c of other.constraints) {
      if (c.kind !== 'foreign_key' || c.references === null) continue;
      if (
        qualifiedName(c.references.table) !== qualifiedName(table.ref) ||
        !c.references.columns.includes(column)
      )
        continue;
      problems.push(`foreign key ${c.name} of ${qualifiedName(other.ref)}`);
    }
  }
  return problems;
}

/**
 * Deterministic in the value alone (so a key and its references transform alike): everything except
 * redact_text (may depend on context) and shift_date keyed by another column or by a primary key that is
 * not this column.
 */
function isValueDeterministic(action: ActionSpec, table: TableInfo, column: string): boolean {
  if (action.kind === 'redact_text') return false;
  if (action.kind !== 'shift_date') return true;
  if (action.by !== undefined) return action.by === column;
  const primaryKey = table.constraints.find((c) => c.kind === 'primary_key');
  return primaryKey === undefined || (primaryKey.columns.length === 1 && primaryKey.columns[0] === column);
}

function foreignKeyConflict(
  ref: ColumnReference,
  referencing: ColumnDecision | undefined,
  referenced: ColumnDecision | undefined,
): string | null {
  if (referencing === undefined || referenced === undefined) return null;
  // NULL satisfies a foreign key; drop and uncovered columns have their own findings.
  const settled = (d: ColumnDecision): boolean =>
    d.source === 'uncovered' || d.action.kind === 'drop' || d.source === 'generated';
  if (settled(referencing) || settled(referenced) || referencing.action.kind === 'nullify') return null;
  if (canonicalJson(referencing.action) === canonicalJson(referenced.action)) return null;
  const from = `${qualifiedName(ref.table.ref)}.${ref.column}`;
  const to = `${qualifiedName(ref.targetTable.ref)}.${ref.target}`;
  const advice =
    referencing.source === 'explicit'
      ? `remove the entry for ${from} so it follows the key, or give both the same action`
      : `give both the same action`;
  return `${from} uses ${formatAction(referencing.action)} (${referencing.rule}) but references ${to} (${describeReference(ref)}), which uses ${formatAction(referenced.action)}; the values would no longer match: ${advice}`;
}

function collisionMessage(
  table: TableInfo,
  set: readonly string[],
  decisionOf: (table: TableInfo, column: string) => ColumnDecision | undefined,
  fit: (table: TableInfo, column: ColumnInfo, action: ActionSpec, isUnique: boolean) => OutputFit,
): string | null {
  const transformed: { column: ColumnInfo; action: ActionSpec }[] = [];
  for (const name of set) {
    const column = table.columns.find((c) => c.name === name);
    const decision = decisionOf(table, name);
    if (column === undefined || decision === undefined) return null;
    // keep never collides; drop and uncovered have their own findings.
    if (decision.action.kind === 'keep' || !decision.copied) return null;
    transformed.push({ column, action: decision.action });
  }
  const isSingle = set.length === 1;
  if (!transformed.every(({ column, action }) => fit(table, column, action, isSingle).canCollide))
    return null;
  const what = transformed.map(({ column, action }) => `${column.name}: ${formatAction(action)}`).join(', ');
  return isSingle
    ? `${qualifiedName(table.ref)}.${set[0] ?? ''} must stay unique, but ${what} can give different values the same output`
    : `(${set.join(', ')}) of ${qualifiedName(table.ref)} must stay unique, but every column is transformed by an action that can collide (${what})`;
}

/** A partition must drop exactly the columns its parent drops: PostgreSQL keeps their columns identical. */
function checkPartitionDrops(
  table: TableInfo,
  input: PreflightInput,
  decisionOf: (table: TableInfo, column: string) => ColumnDecision | undefined,
  add: Add,
): void {
  if (table.kind !== 'partition' || table.parent === null) return;
  const parentName = qualifiedName(table.parent);
  const parent = input.tables.find((t) => qualifiedName(t.ref) === parentName);
  if (parent === undefined) return;
  for (const column of table.columns) {
    const isDropped = (d: ColumnDecision | undefined): boolean =>
      d !== undefined && d.action.kind === 'drop' && d.source !== 'uncovered';
    const dropped = isDropped(decisionOf(table, column.name));
    const parentDropped = isDropped(decisionOf(parent, column.name));
    if (dropped === parentDropped) continue;
    const state = (d: boolean): string => (d ? 'dropped' : 'kept');
    add(
      'error',
      'partition_drop_mismatch',
      table,
      column.name,
      `${qualifiedName(table.ref)}.${column.name} is ${state(dropped)} but the same column of its partitioned table ${parentName} is ${state(parentDropped)}; a partition has exactly its parent's columns`,
    );
  }
}

/**
 * A selected table whose foreign key points at a table left out of the selection: the target would get
 * the constraint without the referenced table, and the load would fail after moving its data.
 */
function checkReferencesInsideSelection(input: PreflightInput, add: Add): void {
  const selected = new Set(input.tables.map((t) => qualifiedName(t.ref)));
  for (const table of input.tables) {
    for (const constraint of table.constraints) {
      if (constraint.kind !== 'foreign_key' || constraint.references === null) continue;
      const target = qualifiedName(constraint.references.table);
      if (selected.has(target)) continue;
      add(
        'error',
        'reference_outside_selection',
        table,
        null,
        `${qualifiedName(table.ref)} (${constraint.name}) references ${target}, which is not selected; add it to --tables or --schemas`,
      );
    }
  }
}

/** A filtered or skipped table referenced by copied tables: their rows that point at left-out rows fail. */
function checkFilteredReferences(
  table: TableInfo,
  input: PreflightInput,
  references: readonly ColumnReference[],
  add: Add,
): void {
  const entry = input.entries.get(qualifiedName(table.ref));
  if (entry === undefined || (entry.policy.where === undefined && !entry.policy.skip)) return;
  const referencing = new Set<string>();
  for (const r of references) {
    if (r.targetTable !== table || !input.copiesRows.has(qualifiedName(r.table.ref))) continue;
    referencing.add(`${qualifiedName(r.table.ref)} (${r.constraint})`);
  }
  if (referencing.size === 0) return;
  const how = entry.policy.skip
    ? 'copies no rows (skip: true)'
    : 'copies only the rows its where filter selects';
  add(
    'warning',
    'filter_may_orphan_rows',
    table,
    null,
    `${qualifiedName(table.ref)} ${how}; rows of ${[...referencing].sort().join(', ')} that reference left-out rows will fail their foreign keys`,
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
