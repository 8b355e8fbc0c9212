import { qualifiedName } from '../core/index.js';
import type { ActionSpec, ColumnInfo, TableInfo, TableRef } from '../core/index.js';
import { matchGlob } from './match-glob.js';
import type { Policy, PolicyRule, TablePolicy } from './policy-schema.js';

/** The policy entry that governs a table: its own, or (for a partition without one) its parent's. */
export interface TableEntry {
  /** The key as written under `tables:` in the file. */
  readonly key: string;
  readonly policy: TablePolicy;
  /** Set when the entry is the partitioned parent's. */
  readonly viaParent: TableRef | null;
}

export type DecisionSource =
  | 'generated'
  | 'explicit'
  | 'foreign_key'
  | 'reference'
  | 'rule'
  | 'table_default'
  | 'uncovered'
  | 'not_strict';

export interface ColumnDecision {
  readonly action: ActionSpec;
  readonly rule: string;
  readonly reason: string;
  readonly copied: boolean;
  readonly source: DecisionSource;
  /** For source `reference`: the declared reference the column follows. */
  readonly followed?: ColumnReference;
}

/**
 * One column of a foreign key, or of a reference the policy declares (`references:`): `column` of `table`
 * holds values of `target` of `targetTable`.
 */
export interface ColumnReference {
  readonly table: TableInfo;
  readonly column: string;
  readonly targetTable: TableInfo;
  readonly target: string;
  /** The foreign key's constraint name, or where the policy declares it (`references[0]`). */
  readonly constraint: string;
  readonly origin: 'foreign_key' | 'policy';
  /** The policy's `reason` for a declared reference. */
  readonly reason?: string;
}

/** `foreign key orders_customer_fkey`, `references[0] of the policy`: how messages name a reference. */
export function describeReference(ref: ColumnReference): string {
  return ref.origin === 'foreign_key' ? `foreign key ${ref.constraint}` : `${ref.constraint} of the policy`;
}

/** Map key for a column: identifiers may contain dots, NUL they cannot. */
export function columnKey(table: TableRef, column: string): string {
  return `${table.schema}\0${table.name}\0${column}`;
}

/**
 * Foreign-key column pairs between the given tables, composite keys split column by column, in table then
 * constraint-name order. References to tables outside the set are left out: they are not planned.
 */
export function columnReferences(tables: readonly TableInfo[]): ColumnReference[] {
  const byName = new Map(tables.map((t) => [qualifiedName(t.ref), t]));
  const references: ColumnReference[] = [];
  for (const table of tables) {
    const constraints = [...table.constraints].sort((a, b) => compare(a.name, b.name));
    for (const c of constraints) {
      if (c.kind !== 'foreign_key' || c.references === null) continue;
      const targetTable = byName.get(qualifiedName(c.references.table));
      if (targetTable === undefined) continue;
      c.columns.forEach((column, i) => {
        const target = c.references?.columns[i];
        if (target !== undefined)
          references.push({ table, column, targetTable, target, constraint: c.name, origin: 'foreign_key' });
      });
    }
  }
  return references;
}

/**
 * Decides every column of the given tables. Precedence: generated columns; the table's explicit entry;
 * a foreign key to a key column whose action is not keep (the referencing column takes the same action, so
 * joins still match); the first matching rule; the table's `"*"` entry; otherwise uncovered. References
 * the policy declares (`declared`, see declaredReferences) are followed exactly like foreign keys, after
 * the column's own foreign keys.
 *
 * Foreign keys are followed to a fixed point: a column is decided once every key it references is
 * decided. When only cycles remain, a column whose referenced key is already decided is taken first;
 * failing that, the alphabetically first column falls back to its own rule — and the cycle follows it.
 */
export function resolveColumnActions(
  tables: readonly TableInfo[],
  entries: ReadonlyMap<string, TableEntry>,
  policy: Policy,
  declared: readonly ColumnReference[] = [],
): Map<string, ColumnDecision> {
  const decisions = new Map<string, ColumnDecision>();
  const fallbacks = new Map<string, ColumnDecision>();
  const followers = new Map<string, ColumnReference[]>();
  for (const ref of [...columnReferences(tables), ...declared]) {
    const key = columnKey(ref.table.ref, ref.column);
    followers.set(key, [...(followers.get(key) ?? []), ref]);
  }

  for (const table of tables) {
    const entry = entries.get(qualifiedName(table.ref)) ?? null;
    for (const column of table.columns) {
      const key = columnKey(table.ref, column.name);
      const fixed = generatedOrExplicit(table, column, entry);
      if (fixed !== null) {
        decisions.set(key, fixed);
        followers.delete(key);
      } else {
        fallbacks.set(key, ruleOrDefault(table, column, entry, policy));
        if (!followers.has(key)) decisions.set(key, fallbacks.get(key) as ColumnDecision);
      }
    }
  }

  const inherited = (refs: readonly ColumnReference[]): ColumnDecision | undefined => {
    for (const ref of refs) {
      const target = decisions.get(columnKey(ref.targetTable.ref, ref.target));
      if (target !== undefined && target.action.kind !== 'keep' && target.action.kind !== 'drop') {
        const to = `${qualifiedName(ref.targetTable.ref)}.${ref.target}`;
        return ref.origin === 'foreign_key'
          ? {
              action: target.action,
              rule: `foreign key ${ref.constraint} → ${to}`,
              reason: 'takes the action of the key it references, so joins still match',
              copied: true,
              source: 'foreign_key',
            }
          : {
              action: target.action,
              rule: `${ref.constraint} → ${to}`,
              reason:
                ref.reason ??
                'takes the action of the key the policy says it references, so joins still match',
              copied: true,
              source: 'reference',
              followed: ref,
            };
      }
    }
    return undefined;
  };

  // Kahn's algorithm over columns: a follower is ready when every key it references is decided. The
  // decision of a ready column does not depend on the order ready columns are taken in.
  const pending = new Set(followers.keys());
  const waiting = new Map<string, number>();
  const dependants = new Map<string, string[]>();
  const ready: string[] = [];
  for (const [key, refs] of followers) {
    const targets = new Set(
      refs.map((r) => columnKey(r.targetTable.ref, r.target)).filter((t) => pending.has(t)),
    );
    waiting.set(key, targets.size);
    for (const target of targets) dependants.set(target, [...(dependants.get(target) ?? []), key]);
    if (targets.size === 0) ready.push(key);
  }
  const decide = (key: string, decision: ColumnDecision): void => {
    decisions.set(key, decision);
    pending.delete(key);
    for (const dependant of dependants.get(key) ?? []) {
      const left = (waiting.get(dependant) ?? 0) - 1;
      waiting.set(dependant, left);
      if (left === 0 && pending.has(dependant)) ready.push(dependant);
    }
  };

  while (pending.size > 0) {
    const next = ready.pop();
    if (next !== undefined) {
      if (pending.has(next))
        decide(next, inherited(followers.get(next) ?? []) ?? (fallbacks.get(next) as ColumnDecision));
      continue;
    }
    // Only cycles are left: first a column that can already inherit, else the first falls back to its rule.
    const cyclic = [...pending].sort(compare);
    const canInherit = cyclic.find((key) => inherited(followers.get(key) ?? []) !== undefined);
    if (canInherit !== undefined) {
      decide(canInherit, inherited(followers.get(canInherit) ?? []) as ColumnDecision);
    } else {
      const first = cyclic[0] as string;
      decide(first, fallbacks.get(first) as ColumnDecision);
    }
  }
  return decisions;
}

function generatedOrExplicit(
  table: TableInfo,
  column: ColumnInfo,
  entry: TableEntry | null,
): ColumnDecision | null {
  if (column.isGenerated) {
    return {
      action: { kind: 'keep' },
      rule: 'generated column',
      reason: 'the target computes generated columns itself',
      copied: false,
      source: 'generated',
    };
  }
  const explicit = entry === null ? undefined : ownProperty(entry.policy.columns, column.name);
  if (entry === null || explicit === undefined || column.name === '*') return null;
  return {
    action: explicit.action,
    rule: entryRule(entry, column.name),
    reason: explicit.reason ?? `set for ${qualifiedName(table.ref)}.${column.name} in the policy`,
    copied: explicit.action.kind !== 'drop',
    source: 'explicit',
  };
}

function ruleOrDefault(
  table: TableInfo,
  column: ColumnInfo,
  entry: TableEntry | null,
  policy: Policy,
): ColumnDecision {
  const index = policy.rules.findIndex((rule) => ruleMatches(rule, table.ref, column));
  const rule = policy.rules[index];
  if (rule !== undefined) {
    return {
      action: rule.action,
      rule: `rules[${index}] (${rule.id})`,
      reason: rule.reason ?? `matched rule ${rule.id}`,
      copied: rule.action.kind !== 'drop',
      source: 'rule',
    };
  }
  const star = entry === null ? undefined : ownProperty(entry.policy.columns, '*');
  if (entry !== null && star !== undefined) {
    return {
      action: star.action,
      rule: entryRule(entry, '*'),
      reason: star.reason ?? `default for the columns of ${qualifiedName(table.ref)} not named in the policy`,
      copied: star.action.kind !== 'drop',
      source: 'table_default',
    };
  }
  if (!policy.strict) {
    return {
      action: { kind: 'keep' },
      rule: 'strict: false',
      reason: 'no entry or rule covers this column; the policy keeps such columns (strict: false)',
      copied: true,
      source: 'not_strict',
    };
  }
  // Fail closed: an uncovered column is planned as dropped, so even a plan run despite its errors leaks nothing.
  return {
    action: { kind: 'drop' },
    rule: 'uncovered',
    reason: 'no entry or rule covers this column',
    copied: false,
    source: 'uncovered',
  };
}

function ruleMatches(rule: PolicyRule, table: TableRef, column: ColumnInfo): boolean {
  const { match } = rule;
  return (
    (match.schema === undefined || matchGlob(match.schema, table.schema)) &&
    (match.table === undefined || matchGlob(match.table, table.name)) &&
    (match.column === undefined || matchGlob(match.column, column.name)) &&
    (match.type === undefined || matchGlob(match.type, column.dataType))
  );
}

/** `tables."public.customer".columns.email`, as a pointer into the policy file. */
function entryRule(entry: TableEntry, column: string): string {
  const name = column === '*' || /^[A-Za-z_][A-Za-z0-9_]*$/.test(column) ? column : JSON.stringify(column);
  const rule = `tables.${JSON.stringify(entry.key)}.columns.${name}`;
  return entry.viaParent === null ? rule : `${rule} (partitioned parent ${qualifiedName(entry.viaParent)})`;
}

function ownProperty<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
