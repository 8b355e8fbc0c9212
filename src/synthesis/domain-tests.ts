import { GatewayError, qualifiedName } from '../core/index.js';
import { checkLabel, compileCheckTest, type ValueTest } from './check-constraint.js';
import type { ColumnModel, TableModel } from './synthesis-model.js';

/** What a column's values must pass: its domain's CHECKs, as one test, and their labels for messages. */
export interface ColumnTest {
  readonly test: ValueTest;
  /** `name of domain schema.domain`, one per CHECK. */
  readonly checks: readonly string[];
}

/** Redraws of one value that fails its domain's CHECK before other means (kept categories) or an error. */
export const MAX_CHECK_REDRAWS = 24;

/**
 * The domain CHECKs of a generated table's columns, by column position. A value synthesis makes is
 * redrawn until it passes them (bounded); a CHECK whose form synthesis cannot evaluate (see
 * `compileCheckTest`) on a column whose values it makes is refused here, before anything is written,
 * naming the table, column, CHECK and domain — rather than rows the load would reject. A column that is
 * only ever NULL passes any CHECK; a constant is tested once, here. Copied tables hold real rows: no test.
 */
export function domainTests(table: TableModel): Map<number, ColumnTest> {
  const out = new Map<number, ColumnTest>();
  if (table.copy !== undefined) return out;
  const name = qualifiedName(table.table);
  for (const check of table.checks ?? []) {
    if (check.domain === undefined) continue;
    const column = check.columns[0];
    const position = table.columns.findIndex((c) => c.name === column);
    const model = table.columns[position];
    if (column === undefined || model === undefined || !makesValues(model)) continue;
    const label = checkLabel(check);
    const where = { table: name, column, constraint: check.name };
    const test = compileCheckTest(check, column);
    if (test === null)
      throw new GatewayError(
        'preflight_failed',
        `${name}.${column}: CHECK constraint ${label} is of a form synthesis cannot evaluate, so it cannot make values the load would accept; set the column to nullify or drop in the policy, or copy its table (synth: copy)`,
        where,
      );
    if (model.role === 'constant') {
      if (!test(model.value))
        throw new GatewayError(
          'preflight_failed',
          `${name}.${column}: the value the policy writes (${model.value === '' ? 'empty' : 'a constant'}) fails CHECK constraint ${label}`,
          where,
        );
      continue;
    }
    const known = out.get(position);
    out.set(
      position,
      known === undefined
        ? { test, checks: [label] }
        : { test: (v) => known.test(v) && test(v), checks: [...known.checks, label] },
    );
  }
  return out;
}

/** Whether synthesis writes anything but NULL into a column (keys of parents are the parents' values). */
function makesValues(column: ColumnModel): boolean {
  if (column.role === 'foreign_key') return false;
  if (column.role === 'constant') return column.value !== null;
  return true;
}

/** The error when no draw of a value passes its domain's CHECKs (names only). */
export function failedCheck(table: string, column: string, test: ColumnTest): GatewayError {
  return new GatewayError(
    'transform_failed',
    `${table}.${column}: no value of ${MAX_CHECK_REDRAWS} draws passed CHECK constraint ${test.checks.join(', ')}; set the column to nullify or drop in the policy, or copy its table (synth: copy)`,
    { table, column },
  );
}
