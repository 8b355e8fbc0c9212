import { GatewayError, qualifiedName } from '../core/index.js';
import { describeClause, type Clause } from './condition-grammar.js';
import type { LocatedClause, ScenarioSpec, SliceSpec } from './parse-scenario.js';
import type { ColumnModel, SynthesisModel, TableModel } from './synthesis-model.js';
import { formatNumeric, parseNumeric, type NumericKind } from './value-codec.js';

/**
 * A scenario checked against a model: per generated table, what its rows must honour. Resolution fails
 * (`usage`, naming where the condition is written, the table and the column — never a value) on an unknown
 * table or column, a value the column cannot hold, or a condition nothing satisfies, before anything is written.
 */
export interface ResolvedScenario {
  /** By qualified table name (leaf partitions for a partitioned table). */
  readonly tables: ReadonlyMap<string, TableScenario>;
}

export interface TableScenario {
  /** Every base row honours it (`--where`, or a slice without `rows`); null: none. */
  readonly restriction: TableCondition | null;
  /** A partition whose learned rows cannot honour the restriction: it gets no base rows. */
  readonly excluded: boolean;
  /** Extra rows, each honouring its condition. */
  readonly slices: readonly { readonly condition: TableCondition; readonly rows: number }[];
}

/** A condition on one table's rows: per column what is allowed, per foreign key what the referenced row must honour. */
export interface TableCondition {
  /** Canonical text of the condition (values included): equal keys, equal conditions. Never logged. */
  readonly key: string;
  readonly columns: readonly ColumnCondition[];
  readonly parents: readonly { readonly foreignKey: number; readonly condition: TableCondition }[];
}

export interface ColumnCondition {
  readonly column: string;
  readonly role: 'modelled' | 'personal' | 'foreign_key';
  /** The value is always NULL. */
  readonly onlyNull: boolean;
  readonly allowsNull: boolean;
  /** The values allowed (text as written to the target), or null: any value (within min..max). */
  readonly values: readonly string[] | null;
  /** Numeric and date columns: the numbers of `values`, and the range (inclusive, in the column's steps). */
  readonly numbers: readonly number[] | null;
  readonly min: number;
  readonly max: number;
}

const ANY: Omit<ColumnCondition, 'column' | 'role'> = {
  onlyNull: false,
  allowsNull: true,
  values: null,
  numbers: null,
  min: -Infinity,
  max: Infinity,
};

/** What a table collects while slices are resolved. */
interface TableEntry {
  /** Clauses every base row must honour (all `--where` and row-less slices on the table, joined). */
  readonly restriction: LocatedClause[];
  readonly slices: { readonly condition: TableCondition; readonly rows: number }[];
}

/** Resolves scenario slices (from a file and `--where` options) against a model; throws `usage` on any problem. */
export function resolveScenario(model: SynthesisModel, specs: readonly ScenarioSpec[]): ResolvedScenario {
  const entries = new Map<TableModel, TableEntry>();
  const entry = (table: TableModel): TableEntry => {
    let found = entries.get(table);
    if (found === undefined) entries.set(table, (found = { restriction: [], slices: [] }));
    return found;
  };
  for (const slice of specs.flatMap((s) => s.slices)) {
    if (slice.kind === 'edge_cases') {
      const targets =
        slice.tables === null
          ? model.tables
          : slice.tables.flatMap((t) => tablesNamed(model, t, slice.origin));
      for (const table of targets) {
        for (const clauses of edgeCases(table)) {
          const condition = tryResolve(model, table, clauses);
          if (condition !== null) entry(table).slices.push({ condition, rows: 1 });
        }
      }
    } else if (slice.rows === null) {
      for (const table of tablesNamed(model, slice.table, slice.origin))
        entry(table).restriction.push(...slice.clauses);
    } else {
      addSlice(model, slice, slice.rows, entry);
    }
  }
  // Restrictions: resolved once per table with all their clauses. A partition that cannot honour them
  // gets no base rows; a table (or every partition of one) that cannot stops the run.
  const out = new Map<string, TableScenario>();
  const failed = new Map<string, { error: unknown; all: boolean }>();
  for (const [table, t] of entries) {
    let restriction: TableCondition | null = null;
    let excluded = false;
    if (t.restriction.length > 0) {
      try {
        restriction = resolveCondition(model, table, t.restriction, table.partitionOf !== null);
      } catch (error) {
        if (table.partitionOf === null) throw error;
        excluded = true;
        const root = qualifiedName(table.partitionOf);
        if (!failed.has(root)) failed.set(root, { error, all: true });
      }
      if (restriction !== null && table.partitionOf !== null)
        failed.set(qualifiedName(table.partitionOf), { error: undefined, all: false });
    }
    out.set(qualifiedName(table.table), { restriction, excluded, slices: t.slices });
  }
  for (const { error, all } of failed.values()) if (all) throw error;
  return { tables: out };
}

/** A slice of `rows` rows; on a partitioned table, split over the partitions that can hold them. */
function addSlice(
  model: SynthesisModel,
  slice: Extract<SliceSpec, { kind: 'condition' }>,
  rows: number,
  entry: (table: TableModel) => TableEntry,
): void {
  const targets = tablesNamed(model, slice.table, slice.origin);
  const partitioned = targets.some((t) => t.partitionOf !== null);
  const eligible: { table: TableModel; condition: TableCondition }[] = [];
  let firstError: unknown;
  for (const table of targets) {
    try {
      const condition = resolveCondition(model, table, slice.clauses, partitioned);
      checkUnique(table, condition, rows, slice.origin);
      eligible.push({ table, condition });
    } catch (error) {
      if (!(error instanceof GatewayError) || !partitioned) throw error;
      firstError ??= error;
    }
  }
  if (eligible.length === 0) throw firstError;
  // In proportion to the partitions' rows (largest remainders get the rows left over).
  const weights = eligible.map((r) => Math.max(r.table.rows, 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => rows * (w / total));
  const counts = shares.map(Math.floor);
  let left = rows - counts.reduce((a, b) => a + b, 0);
  const byRemainder = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] as number) + 1;
  }
  eligible.forEach(({ table, condition }, i) => {
    const part = counts[i] as number;
    if (part > 0) entry(table).slices.push({ condition, rows: part });
  });
}

/** Model tables a scenario name means: `schema.table` or a bare name; a partitioned table means its partitions. */
export function tablesNamed(model: SynthesisModel, name: string, origin: string): TableModel[] {
  const matches = (ref: { schema: string; name: string }): boolean =>
    name.includes('.') ? qualifiedName(ref) === name : ref.name === name;
  const direct = model.tables.filter((t) => matches(t.table));
  const leaves = model.tables.filter((t) => t.partitionOf !== null && matches(t.partitionOf));
  const found = direct.length > 0 ? direct : leaves;
  const schemas = new Set(found.map((t) => (direct.length > 0 ? t.table.schema : t.partitionOf?.schema)));
  if (found.length === 0)
    throw new GatewayError('usage', `${origin}: unknown table ${JSON.stringify(name)} (not in the model)`, {
      table: name,
    });
  if (schemas.size > 1)
    throw new GatewayError(
      'usage',
      `${origin}: table ${JSON.stringify(name)} is in several schemas; qualify it`,
      {
        table: name,
      },
    );
  return found;
}

function fail(origin: string, table: TableModel, column: string, problem: string): GatewayError {
  const name = qualifiedName(table.table);
  return new GatewayError('usage', `${origin}: ${name}.${column}: ${problem}`, { table: name, column });
}

function tryResolve(
  model: SynthesisModel,
  table: TableModel,
  clauses: readonly LocatedClause[],
): TableCondition | null {
  try {
    return resolveCondition(model, table, clauses, false);
  } catch {
    return null;
  }
}

/** Resolves clauses on one table: own columns checked and merged, foreign-key paths resolved on the parents. */
export function resolveCondition(
  model: SynthesisModel,
  table: TableModel,
  clauses: readonly LocatedClause[],
  partition: boolean,
): TableCondition {
  const own = new Map<string, LocatedClause[]>();
  const viaKey = new Map<number, LocatedClause[]>();
  for (const located of clauses) {
    const [first, ...rest] = located.clause.path;
    if (first === undefined) continue;
    if (rest.length === 0) {
      own.set(first, [...(own.get(first) ?? []), located]);
      continue;
    }
    const f = table.foreignKeys.findIndex(
      (fk) => (fk.columns.length === 1 && fk.columns[0] === first) || fk.name === first,
    );
    if (f === -1) {
      throw fail(
        located.origin,
        table,
        first,
        table.columns.some((c) => c.name === first)
          ? 'is not a single-column foreign key: only the last name of a dotted path is a column'
          : 'unknown column (not in the model)',
      );
    }
    const fk = table.foreignKeys[f];
    if (fk?.deferred === true)
      throw fail(located.origin, table, first, 'is a foreign key of a cycle: conditions cannot follow it');
    viaKey.set(f, [...(viaKey.get(f) ?? []), { ...located, clause: { ...located.clause, path: rest } }]);
  }
  const columns = [...own.entries()].map(([column, list]) =>
    resolveColumn(model, table, column, list, partition),
  );
  const parents = [...viaKey.entries()].map(([foreignKey, list]) => {
    const fk = table.foreignKeys[foreignKey];
    const parent = model.tables.find(
      (t) => fk !== undefined && qualifiedName(t.table) === qualifiedName(fk.parent),
    );
    if (fk === undefined || parent === undefined) {
      throw fail(
        list[0]?.origin ?? '',
        table,
        fk?.columns[0] ?? '',
        'references a table that is not in the model',
      );
    }
    return { foreignKey, condition: resolveCondition(model, parent, list, false) };
  });
  columns.sort((a, b) => (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
  parents.sort((a, b) => a.foreignKey - b.foreignKey);
  const key = JSON.stringify({
    t: qualifiedName(table.table),
    c: columns.map((c) => [c.column, c.onlyNull, c.allowsNull, c.values, c.min, c.max].map(finite)),
    p: parents.map((p) => [p.foreignKey, p.condition.key]),
  });
  return { key, columns, parents };
}

const finite = (value: unknown): unknown =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;

/** Whether the model says a column may hold NULL (older model files: whether the sample held one). */
export function isNullable(table: TableModel, column: ColumnModel): boolean {
  if (table.nullableColumns !== undefined) return table.nullableColumns.includes(column.name);
  switch (column.role) {
    case 'modelled':
      return (column.stats.counts[column.stats.counts.length - 1] ?? 0) > 0;
    case 'personal':
      return column.nullShare > 0;
    case 'foreign_key':
      return (table.foreignKeys[column.foreignKey]?.nullShare ?? 0) > 0;
    case 'constant':
      return column.value === null;
    default:
      return false;
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KIND_EXPECTED: Readonly<Record<NumericKind, string>> = {
  integer: 'an integer',
  decimal: 'a number',
  date: 'a date (YYYY-MM-DD)',
  timestamp: 'a date or timestamp (YYYY-MM-DD[ HH:MM:SS])',
  timestamptz: 'a date or timestamp (YYYY-MM-DD[ HH:MM:SS][+HH])',
  time: 'a time (HH:MM:SS)',
};

function resolveColumn(
  model: SynthesisModel,
  table: TableModel,
  name: string,
  clauses: readonly LocatedClause[],
  partition: boolean,
): ColumnCondition {
  const origin = clauses[0]?.origin ?? '';
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined) {
    throw fail(
      origin,
      table,
      name,
      table.droppedColumns.includes(name)
        ? 'is dropped by the policy: it cannot be conditioned'
        : 'unknown column (not in the model)',
    );
  }
  const nullable = isNullable(table, column);
  if (column.role !== 'modelled') {
    if (column.role !== 'personal' && column.role !== 'foreign_key') {
      throw fail(
        origin,
        table,
        name,
        `is generated as a ${column.role === 'constant' ? 'constant' : column.role === 'json_document' ? 'JSON document' : 'key'}: it cannot be conditioned`,
      );
    }
    const valued = clauses.find((c) => c.clause.op !== 'null' && c.clause.op !== 'not_null');
    if (valued !== undefined) {
      throw fail(
        valued.origin,
        table,
        name,
        column.role === 'personal'
          ? 'is personal (generated as fakes): only "is null" and "is not null" conditions'
          : `is a foreign key: condition the referenced row instead (${name}.<column>), or use "is null"`,
      );
    }
    const onlyNull = clauses.some((c) => c.clause.op === 'null');
    const notNull = clauses.some((c) => c.clause.op === 'not_null');
    if (onlyNull && notNull) throw fail(origin, table, name, 'is asked to be both NULL and not NULL');
    if (onlyNull && !nullable) throw fail(origin, table, name, 'is NOT NULL: "is null" is impossible');
    return { ...ANY, column: name, role: column.role, onlyNull, allowsNull: !notNull && nullable };
  }
  const stats = column.stats;
  const numeric = stats.type === 'numeric' ? stats : null;
  const booleanLike =
    stats.type === 'categorical' &&
    ((stats.categories.length > 0 && stats.categories.every((c) => c === 't' || c === 'f')) ||
      (stats.rare.fill === 'literal' && stats.rare.value === 'f'));
  const normalize = (value: string, at: string): { text: string; number: number | null } => {
    if (numeric !== null) {
      // A bare date bounds a timestamp at midnight.
      const timestamp = numeric.kind === 'timestamp' || numeric.kind === 'timestamptz';
      const number = parseNumeric(
        numeric.kind,
        timestamp && DATE_ONLY.test(value) ? `${value} 00:00:00` : value,
      );
      if (number === null) throw fail(at, table, name, `expected ${KIND_EXPECTED[numeric.kind]}`);
      return {
        text: formatNumeric(numeric.kind, number, decimalsOf(value, numeric.decimals), numeric.resolution),
        number,
      };
    }
    if (booleanLike) {
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === 't') return { text: 't', number: null };
      if (lower === 'false' || lower === 'f') return { text: 'f', number: null };
      throw fail(at, table, name, 'expected true or false');
    }
    return { text: value, number: null };
  };
  let onlyNull = false;
  let notNull = false;
  let inAllowsNull = true;
  let values: { text: string; number: number | null }[] | null = null;
  let min = -Infinity;
  let max = Infinity;
  const step = numeric === null ? 0 : numericStep(numeric.kind, numeric.decimals, numeric.resolution);
  for (const { clause, origin: at } of clauses) {
    switch (clause.op) {
      case 'null':
        onlyNull = true;
        break;
      case 'not_null':
        notNull = true;
        break;
      case 'eq':
      case 'in': {
        const list = clause.values.filter((v): v is string => v !== null).map((v) => normalize(v, at));
        if (clause.op === 'eq' || clause.values.every((v) => v !== null)) inAllowsNull = false;
        values = values === null ? list : values.filter((v) => list.some((w) => w.text === v.text));
        break;
      }
      default: {
        if (numeric === null)
          throw fail(
            at,
            table,
            name,
            `is not a number, date or time column: "${describeClause(clause)}" needs one (use = or in)`,
          );
        const bound = normalize(clause.values[0] ?? '', at).number as number;
        if (clause.op === 'gt') min = Math.max(min, bound + step);
        else if (clause.op === 'gte') min = Math.max(min, bound);
        else if (clause.op === 'lt') max = Math.min(max, bound - step);
        else max = Math.min(max, bound);
        inAllowsNull = false;
      }
    }
  }
  const valued = values !== null || min > -Infinity || max < Infinity;
  if (onlyNull && (notNull || (valued && !inAllowsNull)))
    throw fail(origin, table, name, 'is asked to be NULL and to hold a value: nothing satisfies both');
  if (onlyNull && !nullable) throw fail(origin, table, name, 'is NOT NULL: "is null" is impossible');
  if (onlyNull) return { ...ANY, column: name, role: 'modelled', onlyNull: true, allowsNull: true };
  if (values !== null)
    values = values.filter((v) => v.number === null || (v.number >= min && v.number <= max));
  if (min > max || (values !== null && values.length === 0 && !(inAllowsNull && nullable)))
    throw fail(origin, table, name, 'no value satisfies all its conditions');
  if (numeric !== null && numeric.anchor === null && numeric.knots.length > 0) {
    const low = numeric.knots[0] as number;
    const high = numeric.knots[numeric.knots.length - 1] as number;
    if (values === null && (min > high || max < low))
      throw fail(
        origin,
        table,
        name,
        'no value the model learned lies in the range; use = or in for values outside it',
      );
    // A partition holds only its own range of the partition key (a date, as a rule).
    if (partition && values !== null && (numeric.kind === 'date' || numeric.kind.startsWith('timestamp'))) {
      if (values.some((v) => v.number === null || v.number < low || v.number > high))
        throw fail(origin, table, name, 'a value lies outside every partition');
    }
  }
  if (stats.type === 'categorical' && values !== null) {
    for (const value of values) {
      if (stats.categories.includes(value.text)) continue;
      const fill = stats.rare;
      if (fill.fill === 'enum' && !fill.labels.includes(value.text))
        throw fail(origin, table, name, "a value is not a label of the column's enum type");
      if (fill.fill === 'uuid' && !UUID.test(value.text)) throw fail(origin, table, name, 'expected a uuid');
      const maxLength = fill.fill === 'fake_string' || fill.fill === 'words' ? fill.maxLength : null;
      if (maxLength !== null && [...value.text].length > maxLength)
        throw fail(origin, table, name, `a value is longer than the column's ${maxLength} characters`);
    }
  }
  return {
    column: name,
    role: 'modelled',
    onlyNull: false,
    allowsNull: !notNull && nullable && (valued ? inAllowsNull : true),
    values: values === null ? null : values.map((v) => v.text),
    numbers: values === null || numeric === null ? null : values.map((v) => v.number as number),
    min,
    max,
  };
}

/** The smallest step between two values of a column (strict bounds move by one step). */
export function numericStep(kind: NumericKind, decimals: number, resolution: number): number {
  switch (kind) {
    case 'integer':
    case 'date':
      return 1;
    case 'decimal':
      return 10 ** -decimals;
    default:
      return resolution;
  }
}

function decimalsOf(text: string, learned: number): number {
  const dot = text.indexOf('.');
  return Math.max(learned, dot === -1 ? 0 : text.length - dot - 1);
}

/** A unique column set whose columns are all fixed to fewer combinations than the rows asked for cannot be honoured. */
function checkUnique(table: TableModel, condition: TableCondition, rows: number, origin: string): void {
  for (const set of table.uniqueSets) {
    const fixed = set.map((column) => condition.columns.find((c) => c.column === column));
    // NULLs never clash in a unique constraint: a column that may be NULL leaves room.
    if (fixed.some((c) => c === undefined || c.values === null || c.allowsNull)) continue;
    const combinations = fixed.reduce((n, c) => n * (c?.values?.length ?? 1), 1);
    if (combinations < rows) {
      throw fail(
        origin,
        table,
        set.join(', '),
        `${set.length === 1 ? 'is' : 'are'} unique: ${rows} rows cannot share ${combinations} value(s)`,
      );
    }
  }
}

/**
 * The built-in "edge cases" of a table, one row each: the smallest and largest learned value of every
 * numeric and date column (the k-th from each end: single extremes are never stored), an empty string in
 * every free-text column, and NULL in every nullable column.
 */
export function edgeCases(table: TableModel): LocatedClause[][] {
  const origin = `edge_cases ${qualifiedName(table.table)}`;
  const one = (clause: Clause): LocatedClause[] => [{ clause, origin }];
  const out: LocatedClause[][] = [];
  for (const column of table.columns) {
    const path = [column.name];
    if (column.role === 'modelled') {
      const stats = column.stats;
      if (stats.type === 'numeric' && stats.anchor === null && stats.knots.length > 0) {
        const text = (n: number): string => formatNumeric(stats.kind, n, stats.decimals, stats.resolution);
        const low = stats.knots[0] as number;
        const high = stats.knots[stats.knots.length - 1] as number;
        out.push(one({ path, op: 'eq', values: [text(low)] }));
        if (high !== low) out.push(one({ path, op: 'eq', values: [text(high)] }));
      } else if (
        stats.type === 'categorical' &&
        (stats.rare.fill === 'fake_string' || stats.rare.fill === 'words' || stats.categories.includes(''))
      ) {
        out.push(one({ path, op: 'eq', values: [''] }));
      }
    }
    if (
      (column.role === 'modelled' || column.role === 'personal' || column.role === 'foreign_key') &&
      isNullable(table, column)
    ) {
      out.push(one({ path, op: 'null', values: [] }));
    }
  }
  return out;
}
