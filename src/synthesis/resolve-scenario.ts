import { GatewayError, qualifiedName } from '../core/index.js';
import { checkLabel, parseCheck } from './check-constraint.js';
import { describeClause, type Clause } from './condition-grammar.js';
import type { LocatedClause, ScenarioSpec, SliceSpec } from './parse-scenario.js';
import type { ColumnModel, ColumnStats, SynthesisModel, TableModel } from './synthesis-model.js';
import { formatNumeric, parseNumeric, sameNumber, type NumericKind } from './value-codec.js';

/**
 * A scenario checked against a model: per generated table, what its rows must honour. Resolution fails
 * (`usage`, naming where the condition is written, the table and the column — never a value) on an unknown
 * table or column, a value the column cannot hold, or a condition nothing satisfies, before anything is written.
 */
export interface ResolvedScenario {
  /** By qualified table name (leaf partitions for a partitioned table). */
  readonly tables: ReadonlyMap<string, TableScenario>;
  /**
   * CHECK constraints on conditioned columns whose form (or part of it) is not one the conditions are
   * checked against (OR, functions, several columns…): the database checks them when rows are written.
   */
  readonly uncheckedConstraints: readonly { readonly table: string; readonly constraint: string }[];
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
  /** When `values` is null: values never drawn (`!=`, `not in`), cut from the distribution; sorted. */
  readonly excluded: readonly string[];
  /** Numeric and date columns: the numbers of `excluded`. */
  readonly excludedNumbers: readonly number[];
}

const ANY: Omit<ColumnCondition, 'column' | 'role'> = {
  onlyNull: false,
  allowsNull: true,
  values: null,
  numbers: null,
  min: -Infinity,
  max: Infinity,
  excluded: [],
  excludedNumbers: [],
};

/** What resolution carries down foreign-key paths. */
interface ResolveContext {
  /** CHECK constraints whose form is not checked, as `table\0constraint`. */
  readonly unchecked: Set<string>;
  /**
   * Per table (qualified name), the clauses every row of it honours (`--where`, slices without rows): a
   * condition that reaches the table through a foreign key honours them too, so parents added for
   * children's conditions keep the table's own `--where`.
   */
  readonly restrictions: ReadonlyMap<string, readonly LocatedClause[]>;
  /** Tables on the current foreign-key path (a self-reference does not merge its restriction again). */
  readonly path: ReadonlySet<string>;
}

/** What a table collects while slices are resolved. */
interface TableEntry {
  /** Clauses every base row must honour (all `--where` and row-less slices on the table, joined). */
  readonly restriction: LocatedClause[];
  readonly slices: { readonly condition: TableCondition; readonly rows: number }[];
}

/** Resolves scenario slices (from a file and `--where` options) against a model; throws `usage` on any problem. */
export function resolveScenario(model: SynthesisModel, specs: readonly ScenarioSpec[]): ResolvedScenario {
  const unchecked = new Set<string>();
  const entries = new Map<TableModel, TableEntry>();
  const entry = (table: TableModel): TableEntry => {
    let found = entries.get(table);
    if (found === undefined) entries.set(table, (found = { restriction: [], slices: [] }));
    return found;
  };
  const slices = specs.flatMap((s) => s.slices);
  // Restrictions first: conditions through foreign keys honour the referenced table's restriction.
  for (const slice of slices) {
    if (slice.kind === 'condition' && slice.rows === null) {
      for (const table of tablesNamed(model, slice.table, slice.origin))
        entry(table).restriction.push(...slice.clauses);
    }
  }
  const context: ResolveContext = {
    unchecked,
    restrictions: new Map([...entries].map(([table, e]) => [qualifiedName(table.table), e.restriction])),
    path: new Set(),
  };
  for (const slice of slices) {
    if (slice.kind === 'edge_cases') {
      const targets =
        slice.tables === null
          ? model.tables
          : slice.tables.flatMap((t) => tablesNamed(model, t, slice.origin));
      for (const table of targets) {
        for (const clauses of edgeCases(table)) {
          const condition = tryResolve(model, table, clauses, context);
          if (condition !== null) entry(table).slices.push({ condition, rows: 1 });
        }
      }
    } else if (slice.rows !== null) {
      addSlice(model, slice, slice.rows, entry, context);
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
        restriction = resolveCondition(model, table, t.restriction, table.partitionOf !== null, context);
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
  const uncheckedConstraints = [...unchecked].sort().map((key) => {
    const [table = '', constraint = ''] = key.split('\u0000');
    return { table, constraint };
  });
  return { tables: out, uncheckedConstraints };
}

/** A slice of `rows` rows; on a partitioned table, split over the partitions that can hold them. */
function addSlice(
  model: SynthesisModel,
  slice: Extract<SliceSpec, { kind: 'condition' }>,
  rows: number,
  entry: (table: TableModel) => TableEntry,
  context: ResolveContext,
): void {
  const targets = tablesNamed(model, slice.table, slice.origin);
  const partitioned = targets.some((t) => t.partitionOf !== null);
  const eligible: { table: TableModel; condition: TableCondition }[] = [];
  let firstError: unknown;
  for (const table of targets) {
    try {
      const condition = resolveCondition(model, table, slice.clauses, partitioned, context);
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
  context: ResolveContext,
): TableCondition | null {
  try {
    return resolveCondition(model, table, clauses, false, context);
  } catch {
    return null;
  }
}

/**
 * Resolves clauses on one table: own columns checked and merged, foreign-key paths resolved on the
 * parents (with the parents' own restrictions). CHECK constraints whose form is not checked are added
 * to `context.unchecked`.
 */
export function resolveCondition(
  model: SynthesisModel,
  table: TableModel,
  clauses: readonly LocatedClause[],
  partition: boolean,
  context: ResolveContext = { unchecked: new Set(), restrictions: new Map(), path: new Set() },
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
    resolveColumn(model, table, column, list, partition, context.unchecked),
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
    const name = qualifiedName(parent.table);
    const inherited = context.path.has(name) ? [] : (context.restrictions.get(name) ?? []);
    const path = new Set([...context.path, qualifiedName(table.table)]);
    return {
      foreignKey,
      condition: resolveCondition(model, parent, [...list, ...inherited], false, { ...context, path }),
    };
  });
  columns.sort((a, b) => (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
  parents.sort((a, b) => a.foreignKey - b.foreignKey);
  const key = JSON.stringify({
    t: qualifiedName(table.table),
    c: columns.map((c) =>
      [c.column, c.onlyNull, c.allowsNull, c.values, c.min, c.max, c.excluded].map(finite),
    ),
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
  unchecked: Set<string>,
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
  const normalize = (value: string, at: string): Normalized => {
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
  const step = numeric === null ? 0 : numericStep(numeric.kind, numeric.decimals, numeric.resolution);
  const domain = foldClauses(clauses, normalize, step, (at, clause) =>
    numeric === null
      ? fail(
          at,
          table,
          name,
          `is not a number, date or time column: "${describeClause(clause)}" needs one (use = or in)`,
        )
      : null,
  );
  const { onlyNull, notNull, inAllowsNull } = domain;
  let { values, min, max } = domain;
  let excluded = domain.excluded;
  const valued = values !== null || min > -Infinity || max < Infinity || excluded.length > 0;
  const listed = values !== null;
  if (onlyNull && (notNull || (valued && !inAllowsNull)))
    throw fail(origin, table, name, 'is asked to be NULL and to hold a value: nothing satisfies both');
  if (onlyNull && !nullable) throw fail(origin, table, name, 'is NOT NULL: "is null" is impossible');
  // The source's CHECK constraints on the column: a condition that contradicts one is refused, naming it.
  for (const check of checksOn(table, name, unchecked)) {
    let allowed: Domain;
    try {
      allowed = foldClauses(
        check.clauses.map((clause) => ({ clause, origin })),
        normalize,
        step,
        () => null,
      );
    } catch {
      // A constant this column's values cannot be compared with: left to the database.
      unchecked.add(`${qualifiedName(table.table)}\u0000${check.name}`);
      continue;
    }
    const contradicts = (): GatewayError =>
      fail(origin, table, name, `contradicts CHECK constraint ${check.name}`);
    if (onlyNull) {
      if (allowed.notNull) throw contradicts();
      continue;
    }
    if (!valued) continue;
    // Values the condition names must each pass; a range or exclusions are narrowed to what passes.
    if (listed) {
      if ((values ?? []).some((v) => !inDomain(v, allowed))) throw contradicts();
      continue;
    }
    min = Math.max(min, allowed.min);
    max = Math.min(max, allowed.max);
    excluded = [...excluded, ...allowed.excluded];
    const list = allowed.values;
    const candidates =
      list === null
        ? values
        : values === null
          ? list
          : values.filter((v) => list.some((w) => sameValue(v, w)));
    if (candidates !== null) {
      values = candidates.filter((v) => inDomain(v, { ...EMPTY_DOMAIN, min, max, excluded }));
      if (values.length === 0) throw contradicts();
    } else if (min > max || rangeExcluded(min, max, step, excluded, numeric !== null)) throw contradicts();
  }
  if (onlyNull) return { ...ANY, column: name, role: 'modelled', onlyNull: true, allowsNull: true };
  if (values !== null) values = values.filter((v) => inDomain(v, { ...EMPTY_DOMAIN, min, max, excluded }));
  if (min > max || (values !== null && values.length === 0 && !(inAllowsNull && nullable)))
    throw fail(origin, table, name, 'no value satisfies all its conditions');
  if (values === null && excluded.length > 0) {
    if (rangeExcluded(min, max, step, excluded, numeric !== null))
      throw fail(origin, table, name, 'no value satisfies all its conditions');
    const universe = finiteValues(stats, booleanLike);
    if (universe !== null && universe.every((v) => excluded.some((e) => e.text === v)))
      throw fail(origin, table, name, 'excludes every value the column can hold');
  }
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
  const kept = values === null ? excluded : [];
  return {
    column: name,
    role: 'modelled',
    onlyNull: false,
    allowsNull: !notNull && nullable && (valued ? inAllowsNull : true),
    values: values === null ? null : values.map((v) => v.text),
    numbers: values === null || numeric === null ? null : values.map((v) => v.number as number),
    min,
    max,
    excluded: [...new Set(kept.map((v) => v.text))].sort(),
    excludedNumbers:
      numeric === null ? [] : [...new Set(kept.map((v) => v.number as number))].sort((a, b) => a - b),
  };
}

/** A value as the column writes it, and its number for numeric and date columns. */
interface Normalized {
  readonly text: string;
  readonly number: number | null;
}

/** What clauses on one column allow, folded together. */
interface Domain {
  readonly onlyNull: boolean;
  readonly notNull: boolean;
  /** Every in-list named NULL (a value clause without NULL rules it out). */
  readonly inAllowsNull: boolean;
  readonly values: Normalized[] | null;
  readonly min: number;
  readonly max: number;
  readonly excluded: Normalized[];
}

const EMPTY_DOMAIN: Domain = {
  onlyNull: false,
  notNull: false,
  inAllowsNull: true,
  values: null,
  min: -Infinity,
  max: Infinity,
  excluded: [],
};

/**
 * Folds clauses on one column: equalities and in-lists intersect, bounds narrow (strict ones by one
 * step), `!=` and `not in` collect excluded values. `rangeError` refuses a bound on a column without order.
 */
function foldClauses(
  clauses: readonly LocatedClause[],
  normalize: (value: string, at: string) => Normalized,
  step: number,
  rangeError: (at: string, clause: Clause) => GatewayError | null,
): Domain {
  let onlyNull = false;
  let notNull = false;
  let inAllowsNull = true;
  let values: Normalized[] | null = null;
  let min = -Infinity;
  let max = Infinity;
  const excluded: Normalized[] = [];
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
      case 'ne':
      case 'not_in':
        // As in SQL: a NULL is neither equal nor unequal to a value, so it never passes.
        for (const v of clause.values) if (v !== null) excluded.push(normalize(v, at));
        inAllowsNull = false;
        break;
      default: {
        const error = rangeError(at, clause);
        if (error !== null) throw error;
        const bound = normalize(clause.values[0] ?? '', at).number;
        if (bound === null) throw new RangeError('a bound on a column without order');
        if (clause.op === 'gt') min = Math.max(min, bound + step);
        else if (clause.op === 'gte') min = Math.max(min, bound);
        else if (clause.op === 'lt') max = Math.min(max, bound - step);
        else max = Math.min(max, bound);
        inAllowsNull = false;
      }
    }
  }
  return { onlyNull, notNull, inAllowsNull, values, min, max, excluded };
}

const sameValue = (a: Normalized, b: Normalized): boolean =>
  a.number !== null && b.number !== null ? sameNumber(a.number, b.number) : a.text === b.text;

/** Whether a (non-NULL) value lies in a domain. */
function inDomain(value: Normalized, domain: Domain): boolean {
  if (domain.values !== null && !domain.values.some((v) => sameValue(v, value))) return false;
  if (value.number !== null && (value.number < domain.min || value.number > domain.max)) return false;
  return !domain.excluded.some((e) => sameValue(e, value));
}

/** Most steps of a range enumerated to see whether exclusions leave any value in it. */
const MAX_ENUMERATED_STEPS = 100_000;

/** Whether every value of a finite numeric range (in the column's steps) is excluded. */
function rangeExcluded(
  min: number,
  max: number,
  step: number,
  excluded: readonly Normalized[],
  numeric: boolean,
): boolean {
  if (!numeric || !Number.isFinite(min) || !Number.isFinite(max) || step <= 0) return false;
  if (min > max) return true;
  const steps = Math.floor((max - min) / step + 1e-9) + 1;
  if (steps > MAX_ENUMERATED_STEPS || steps > excluded.length) return false;
  for (let i = 0; i < steps; i++) {
    const n = min + i * step;
    if (!excluded.some((e) => e.number !== null && Math.abs(e.number - n) <= step * 1e-6)) return false;
  }
  return true;
}

/** Every value a categorical column can be drawn with, when that is a closed set (else null). */
function finiteValues(stats: ColumnStats, booleanLike: boolean): string[] | null {
  if (booleanLike) return ['t', 'f'];
  if (stats.type !== 'categorical') return null;
  switch (stats.rare.fill) {
    case 'enum':
      return [...stats.categories, ...stats.rare.labels];
    case 'kept':
      return [...stats.categories];
    case 'literal':
      return [...stats.categories, stats.rare.value];
    default:
      return null;
  }
}

/** The parsed CHECK constraints that read a column; the parts that cannot be read are noted as not checked. */
function checksOn(
  table: TableModel,
  column: string,
  unchecked: Set<string>,
): { name: string; clauses: Clause[] }[] {
  const out: { name: string; clauses: Clause[] }[] = [];
  for (const check of table.checks ?? []) {
    if (!check.columns.includes(column)) continue;
    const parsed = parseCheck(check);
    if (!parsed.complete) unchecked.add(`${qualifiedName(table.table)}\u0000${checkLabel(check)}`);
    const clauses = parsed.clauses.filter((c) => c.path.length === 1 && c.path[0] === column);
    if (clauses.length > 0) out.push({ name: checkLabel(check), clauses });
  }
  return out;
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
