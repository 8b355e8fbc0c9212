import {
  GatewayError,
  parseTableName,
  qualifiedName,
  sameTable,
  type ActionSpec,
  type DatabaseSchema,
  type EntityKind,
  type SourceSession,
  type TableInfo,
  type TableRef,
} from '../core/index.js';
import { mayCoincideWithRealValues, ValueBloomFilter } from '../fake-values/index.js';
import { formatAction, type Plan, type Policy } from '../policy/index.js';
import {
  comparedColumns,
  forEachStringLeaf,
  personalPaths,
  tupleKey,
  writtenColumns,
  type ColumnTreatment,
  type JsonLeafTreatment,
  type SynthesisModel,
  type TableSample,
} from '../synthesis/index.js';

/**
 * Reads a bounded sample of one table (the first `maxRows` rows; a partition by itself), column-major.
 * The row count is exact when the table had no more rows than that, else the planner's estimate.
 */
export async function readSynthSample(
  source: SourceSession,
  table: TableInfo,
  maxRows: number,
  batchRows: number,
  signal: AbortSignal,
): Promise<TableSample> {
  const columns = writtenColumns(table).map((c) => c.name);
  const values: (string | null)[][] = columns.map(() => []);
  let rows = 0;
  if (columns.length > 0) {
    const batches = source.readRows(
      { table: table.ref, columns, batchRows, sample: { rows: maxRows + 1 } },
      signal,
    );
    for await (const batch of batches) {
      for (const row of batch) {
        rows++;
        if (rows > maxRows) continue;
        for (let i = 0; i < columns.length; i++) (values[i] as (string | null)[]).push(row[i] ?? null);
      }
    }
  }
  return {
    table: table.ref,
    rows: rows > maxRows ? Math.max(maxRows, Math.round(table.estimatedRows)) : rows,
    // Said outright: a stale estimate (0 for a table never analysed) would make a cut sample look whole.
    complete: rows <= maxRows,
    columns,
    values,
  };
}

/**
 * Reference tables the policy marks `synth: copy` among the tables being synthesized (qualified names),
 * checked: a plain table (not skipped, not partitioned), every column kept by the plan — a reference table
 * must not carry personal data — and every table it references copied too (its keys are real). Throws
 * `policy_invalid` naming the table and the column otherwise.
 */
export function copiedTables(policy: Policy | undefined, plan: Plan, schema: DatabaseSchema): Set<string> {
  const out = new Set<string>();
  if (policy === undefined) return out;
  for (const [key, entry] of Object.entries(policy.tables)) {
    if (entry.synth !== 'copy') continue;
    const name = qualifiedName(parseTableName(key));
    const info = schema.tables.find((t) => qualifiedName(t.ref) === name);
    const planned = plan.tables.find((t) => qualifiedName(t.table) === name);
    if (info === undefined || planned === undefined) continue; // not selected (an unknown table is the plan's error)
    if (info.kind !== 'table')
      throw refusal(
        name,
        `${name}: synth: copy applies to plain tables, not to partitioned tables or partitions`,
      );
    if (!planned.copyRows)
      throw refusal(name, `${name}: synth: copy contradicts skip: true (a copied table keeps its rows)`);
    for (const column of planned.columns) {
      if (column.action.kind === 'keep') continue;
      throw new GatewayError(
        'policy_invalid',
        `${name}.${column.name}: synth: copy needs every column of ${name} kept — a reference table must not carry personal data — but the plan gives it ${formatAction(column.action)} (${column.rule}); synthesize the table (remove synth: copy) or keep the column`,
        { table: name, column: column.name },
      );
    }
    out.add(name);
  }
  for (const name of out) {
    const info = schema.tables.find((t) => qualifiedName(t.ref) === name) as TableInfo;
    for (const fk of info.constraints) {
      if (fk.kind !== 'foreign_key' || fk.references === null) continue;
      const parent = qualifiedName(fk.references.table);
      const synthesized = schema.tables.some((t) => qualifiedName(t.ref) === parent);
      if (!synthesized || out.has(parent)) continue;
      throw new GatewayError(
        'policy_invalid',
        `${name}.${fk.columns.join(', ')}: synth: copy needs the tables ${name} references copied too, but ${parent} is synthesized (its keys are new); mark ${parent} synth: copy or synthesize ${name}`,
        { table: name, column: fk.columns.join(', '), constraint: fk.name },
      );
    }
  }
  return out;
}

function refusal(table: string, message: string): GatewayError {
  return new GatewayError('policy_invalid', message, { table });
}

/** Tables whose rows synthesis generates: plain tables and leaf partitions, in name order. */
export function synthesisTables(schema: DatabaseSchema): TableInfo[] {
  return schema.tables
    .filter((t) => t.kind !== 'partitioned')
    .sort((a, b) => qualifiedName(a.ref).localeCompare(qualifiedName(b.ref)));
}

/**
 * What the plan's actions mean for synthesis: substituted, redacted, masked, hashed and encrypted columns
 * are personal (generated as fakes, never learnt); nullify and json become blank; drop drops; keep,
 * shift_date and generalize are modelled from their statistics.
 */
export function treatmentsFromPlan(plan: Plan): (table: TableRef, column: string) => ColumnTreatment {
  return (table, column) => {
    const planned = plan.tables
      .find((t) => sameTable(t.table, table))
      ?.columns.find((c) => c.name === column);
    if (planned === undefined) return { kind: 'model' };
    const action = planned.action;
    const personal = (entity: EntityKind, scope: string): ColumnTreatment => ({
      kind: 'personal',
      entity,
      scope,
    });
    switch (action.kind) {
      case 'substitute':
        return personal(action.entity, action.scope ?? action.entity);
      case 'redact_text':
        return personal('free_text', 'free_text');
      case 'mask':
      case 'hash':
      case 'encrypt':
        return personal('string', `${qualifiedName(table)}.${column}`);
      case 'nullify':
        return { kind: 'blank' };
      case 'json':
        return jsonTreatment(action, `${qualifiedName(table)}.${column}`);
      case 'drop':
        return { kind: 'drop' };
      default:
        return { kind: 'model' };
    }
  };
}

/**
 * A json action's leaves for synthesis: substituted paths are fakes of their entity, redacted, masked and
 * hashed paths fakes of free text or strings, nullified paths NULL; other string leaves are learnt
 * (frequent values only), or NULL when the action nullifies them.
 */
function jsonTreatment(action: Extract<ActionSpec, { kind: 'json' }>, column: string): ColumnTreatment {
  const leaves = new Map<string, JsonLeafTreatment>();
  for (const [path, leaf] of Object.entries(action.paths)) {
    switch (leaf.kind) {
      case 'substitute':
        leaves.set(path, { kind: 'personal', entity: leaf.entity, scope: leaf.scope ?? leaf.entity });
        break;
      case 'redact_text':
        leaves.set(path, { kind: 'personal', entity: 'free_text', scope: 'free_text' });
        break;
      case 'mask':
      case 'hash':
        leaves.set(path, { kind: 'personal', entity: 'string', scope: `${column}${path}` });
        break;
      case 'nullify':
        leaves.set(path, { kind: 'blank' });
        break;
      default:
        break;
    }
  }
  return { kind: 'json', leaves, otherStrings: action.other === 'nullify' ? 'blank' : 'model' };
}

/** The exact-match filter's real tuples, from the training samples (kept in memory, never in the model). */
export function realTuplesFromSamples(
  model: SynthesisModel,
  samples: ReadonlyMap<string, TableSample>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const table of model.tables) {
    const name = qualifiedName(table.table);
    const sample = samples.get(name);
    const compared = comparedColumns(table);
    if (table.copy !== undefined) continue; // copied as it is: no synthetic row to compare
    if (sample === undefined || compared.length < 2) continue;
    const columns = compared.map((c) => sample.values[sample.columns.indexOf(c)] ?? []);
    const tuples = new Set<string>();
    const rows = sample.values[0]?.length ?? 0;
    for (let i = 0; i < rows; i++) tuples.add(tupleKey(columns.map((c) => c[i] ?? null)));
    out.set(name, tuples);
  }
  return out;
}

/** Values per filter at a 1% false-positive rate: ~2.4 MB each. */
const MAX_FILTER_VALUES = 2_000_000;

/**
 * Reads the source's values of personal columns whose fakes come from word lists into one Bloom filter
 * per scope (no values kept), so a synthetic fake never equals a real value of its scope.
 */
export async function collectPersonalValues(
  source: SourceSession,
  model: SynthesisModel,
  batchRows: number,
  signal: AbortSignal,
): Promise<Map<string, ValueBloomFilter>> {
  const filters = new Map<string, ValueBloomFilter>();
  for (const table of model.tables) {
    const personal = table.columns.flatMap((c) =>
      c.role === 'personal' && mayCoincideWithRealValues(c.entity) ? [c] : [],
    );
    // JSON columns: their personal leaves (path → scope) whose fakes come from word lists.
    const documents = table.columns.flatMap((c) => {
      if (c.role !== 'json_document') return [];
      const paths = personalPaths(c.shape, mayCoincideWithRealValues);
      return paths.size === 0 ? [] : [{ name: c.name, paths }];
    });
    if (personal.length === 0 && documents.length === 0) continue;
    const size = Math.min(MAX_FILTER_VALUES, Math.max(1000, table.rows * 4));
    for (const scope of [
      ...personal.map((c) => c.scope),
      ...documents.flatMap((d) => [...d.paths.values()]),
    ]) {
      if (!filters.has(scope)) filters.set(scope, new ValueBloomFilter(size));
    }
    const batches = source.readRows(
      {
        table: table.table,
        columns: [...personal.map((c) => c.name), ...documents.map((d) => d.name)],
        batchRows,
      },
      signal,
    );
    for await (const batch of batches) {
      for (const row of batch) {
        personal.forEach((column, i) => {
          const value = row[i];
          if (value !== null && value !== undefined && value !== '') filters.get(column.scope)?.add(value);
        });
        documents.forEach((document, d) => {
          const text = row[personal.length + d];
          if (text === null || text === undefined) return;
          forEachStringLeaf(text, (path, value) => {
            const scope = document.paths.get(path);
            if (scope !== undefined && value !== '') filters.get(scope)?.add(value);
          });
        });
      }
    }
  }
  return filters;
}
