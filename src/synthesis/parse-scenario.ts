import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { GatewayError, sourceLocation, sourceOffset } from '../core/index.js';
import { describePolicyIssues, formatPolicyPath } from '../policy/index.js';
import { ConditionSyntaxError, parseCondition, parseWhereOption, type Clause } from './condition-grammar.js';

/**
 * A scenario: slices of rows to generate under conditions (`synth --scenario file.yaml`), and `--where`
 * options. Parsed here without the model; `resolveScenario` then checks tables, columns and values.
 */
export interface ScenarioSpec {
  readonly slices: readonly SliceSpec[];
}

export type SliceSpec =
  | {
      readonly kind: 'condition';
      readonly table: string;
      /** Extra rows under the condition; null: every row of the table honours it (a `--where`). */
      readonly rows: number | null;
      readonly clauses: readonly LocatedClause[];
      /** Where the slice is written (`file:line:col: slices[0]`, or `--where 1`), for messages. */
      readonly origin: string;
    }
  | {
      readonly kind: 'edge_cases';
      /** null: every table. */
      readonly tables: readonly string[] | null;
      readonly origin: string;
    };

export interface LocatedClause {
  readonly clause: Clause;
  /** Where the clause is written, for messages (never its value). */
  readonly origin: string;
}

/** Most rows one slice may ask for. */
export const MAX_SLICE_ROWS = 10_000_000;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const ListValue = z.union([Scalar, z.null()]);
const RangeSpec = z
  .strictObject({
    eq: Scalar.optional().describe('Equal to this value.'),
    ne: Scalar.optional().describe('Not equal to this value (and not NULL, as in SQL).'),
    in: z.array(ListValue).min(1).optional().describe('One of these values (null: NULL).'),
    not_in: z.array(ListValue).min(1).optional().describe('None of these values (and not NULL, as in SQL).'),
    gt: Scalar.optional(),
    gte: Scalar.optional(),
    lt: Scalar.optional(),
    lte: Scalar.optional(),
    between: z.tuple([Scalar, Scalar]).optional().describe('Both bounds included.'),
    null: z.boolean().optional().describe('true: always NULL; false: never NULL.'),
  })
  .refine(
    (spec) => Object.keys(spec).length > 0,
    'expected at least one of eq, ne, in, not_in, gt, gte, lt, lte, between, null',
  );
const ValueSpec = z.union([Scalar, z.null(), z.array(ListValue).min(1), RangeSpec]);
const PATH = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$/;
const Where = z.union([
  z.string().min(1).describe('A condition in the --where grammar.'),
  z.record(
    z.string().regex(PATH, 'a column name or a dotted path of foreign-key columns and a column'),
    ValueSpec,
  ),
]);
const ConditionSlice = z.strictObject({
  table: z
    .string()
    .min(1)
    .describe('A table, schema-qualified or not (a partitioned table splits over its partitions).'),
  rows: z
    .int()
    .min(1)
    .max(MAX_SLICE_ROWS)
    .optional()
    .describe('Extra rows; absent: every row honours the condition.'),
  where: Where,
});
const EdgeCases = z.strictObject({
  edge_cases: z
    .union([z.literal('all'), z.array(z.string().min(1)).min(1)])
    .describe(
      'Per table one row per boundary value (min/max learned, empty text) and per nullable column a NULL.',
    ),
});
export const ScenarioSchema = z.strictObject({
  description: z.string().optional(),
  slices: z.array(z.union([ConditionSlice, EdgeCases])).min(1),
});

type ValueSpecData = z.infer<typeof ValueSpec>;

const text = (value: string | number | boolean | null): string | null =>
  value === null ? null : String(value);

/** Clauses of a mapping entry (`amount: {gte: 10}`, `status: [a, b]`, `email: null`). */
function clausesOf(path: string[], spec: ValueSpecData): Clause[] {
  if (spec === null) return [{ path, op: 'null', values: [] }];
  if (Array.isArray(spec)) return [{ path, op: 'in', values: spec.map(text) }];
  if (typeof spec !== 'object') return [{ path, op: 'eq', values: [text(spec)] }];
  const out: Clause[] = [];
  if (spec.eq !== undefined) out.push({ path, op: 'eq', values: [text(spec.eq)] });
  if (spec.ne !== undefined) out.push({ path, op: 'ne', values: [text(spec.ne)] });
  if (spec.in !== undefined) out.push({ path, op: 'in', values: spec.in.map(text) });
  if (spec.not_in !== undefined) out.push({ path, op: 'not_in', values: spec.not_in.map(text) });
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const bound = spec[op];
    if (bound !== undefined) out.push({ path, op, values: [text(bound)] });
  }
  if (spec.between !== undefined) {
    out.push({ path, op: 'gte', values: [text(spec.between[0])] });
    out.push({ path, op: 'lte', values: [text(spec.between[1])] });
  }
  if (spec.null !== undefined) out.push({ path, op: spec.null ? 'null' : 'not_null', values: [] });
  return out;
}

/**
 * Parses and validates a scenario file. Throws `usage` naming the file, line:column, the path inside the
 * document and what was expected — never a value from the file.
 */
export function parseScenario(source: string, file: string): ScenarioSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    throw invalid(
      file,
      problems.map((e) => `${sourceLocation(file, lineCounter, e.pos[0])}: YAML syntax error`),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    throw invalid(file, [`${file}: YAML syntax: an alias cannot be resolved`]);
  }
  const at = (path: readonly (string | number)[], key?: string): string =>
    `${sourceLocation(file, lineCounter, sourceOffset(doc, path, key))}: ${formatPolicyPath(path)}`;
  /** A mapping entry: located at its key, named with it. */
  const atKey = (path: readonly (string | number)[], key: string): string =>
    `${sourceLocation(file, lineCounter, sourceOffset(doc, path, key))}: ${formatPolicyPath([...path, key])}`;
  const result = ScenarioSchema.safeParse(data);
  if (!result.success) {
    throw invalid(
      file,
      describePolicyIssues(result.error.issues, data).map((p) => `${at(p.path, p.key)}: ${p.expected}`),
    );
  }
  const slices = result.data.slices.map((slice, i): SliceSpec => {
    if ('edge_cases' in slice) {
      return {
        kind: 'edge_cases',
        tables: slice.edge_cases === 'all' ? null : slice.edge_cases,
        origin: at(['slices', i]),
      };
    }
    const wherePath = ['slices', i, 'where'];
    let clauses: LocatedClause[];
    if (typeof slice.where === 'string') {
      try {
        clauses = parseCondition(slice.where).map((clause) => ({ clause, origin: at(wherePath) }));
      } catch (error) {
        if (!(error instanceof ConditionSyntaxError)) throw error;
        throw invalid(file, [`${at(wherePath)}: ${error.message}`]);
      }
    } else {
      clauses = Object.entries(slice.where).flatMap(([key, spec]) =>
        clausesOf(key.split('.'), spec).map((clause) => ({ clause, origin: atKey(wherePath, key) })),
      );
    }
    return {
      kind: 'condition',
      table: slice.table,
      rows: slice.rows ?? null,
      clauses,
      origin: at(['slices', i]),
    };
  });
  return { slices };
}

/** `--where "<table>: <condition>"` options as slices: every row of the table honours the condition. */
export function parseWhereOptions(options: readonly string[]): SliceSpec[] {
  return options.map((option, i) => {
    const origin = `--where ${i + 1}`;
    try {
      const { table, clauses } = parseWhereOption(option);
      return {
        kind: 'condition',
        table,
        rows: null,
        clauses: clauses.map((clause) => ({ clause, origin })),
        origin,
      };
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      throw new GatewayError('usage', `${origin}: ${error.message}`);
    }
  });
}

function invalid(file: string, lines: readonly string[]): GatewayError {
  const listed = lines.slice(0, 20);
  const header =
    lines.length === 1 ? 'invalid scenario file: ' : `invalid scenario file, ${lines.length} problems:\n  `;
  return new GatewayError('usage', header + listed.join('\n  '), { file, items: listed });
}
