import { qualifiedName, type ActionSpec } from '../core/index.js';
import type { PlannedColumn, PlannedTable, PreflightFinding } from './plan.js';

/** Kinds whose fakes are built from the fakes of the names they contain. */
const BUILT_FROM_NAMES = new Set(['email', 'username']);
const NAME_KINDS = new Set(['first_name', 'last_name']);

/**
 * The table's name columns that a substituted e-mail or username column follows: `ann.lee@corp.com` next
 * to `Ann` and `Lee` becomes `mark.diaz@…` next to their fakes `Mark` and `Diaz`. Names substituted under
 * their kind's default scope count (the scope an address is built from); empty for any other column, and
 * when the table turns `coherent_rows` off.
 */
export function followedNames(table: PlannedTable, column: PlannedColumn): readonly string[] {
  const { action } = column;
  if (table.coherentRows === false || !column.copied || !isBuiltFromNames(action)) return [];
  return table.columns
    .filter(
      (c) =>
        c.copied &&
        c.action.kind === 'substitute' &&
        NAME_KINDS.has(c.action.entity) &&
        (c.action.scope === undefined || c.action.scope === c.action.entity),
    )
    .map((c) => c.name);
}

/**
 * Errors for a scope substituted with row coherence in one table and without it in another: the same
 * address would get two different fakes, and a foreign key on it would no longer join.
 */
export function coherenceFindings(tables: readonly PlannedTable[]): PreflightFinding[] {
  const uses = new Map<string, { coherent: string[]; independent: string[] }>();
  for (const table of tables) {
    for (const column of table.columns) {
      if (!column.copied) continue;
      for (const scope of builtFromNamesScopes(column.action)) {
        const use = uses.get(scope) ?? { coherent: [], independent: [] };
        (table.coherentRows === false ? use.independent : use.coherent).push(
          `${qualifiedName(table.table)}.${column.name}`,
        );
        uses.set(scope, use);
      }
    }
  }
  const findings: PreflightFinding[] = [];
  for (const [scope, { coherent, independent }] of uses) {
    if (coherent.length === 0 || independent.length === 0) continue;
    findings.push({
      severity: 'error',
      code: 'coherence_differs_in_scope',
      message: `substitution scope "${scope}" is built from names in ${coherent.join(', ')} but not in ${independent.join(', ')} (coherent_rows: false): the same value would get two fakes; give these tables the same coherent_rows`,
    });
  }
  return findings;
}

function isBuiltFromNames(action: ActionSpec): boolean {
  return action.kind === 'substitute' && BUILT_FROM_NAMES.has(action.entity);
}

/** Scopes of the e-mail and username substitutions of a column, its JSON leaves included. */
function builtFromNamesScopes(action: ActionSpec): string[] {
  if (action.kind === 'substitute')
    return BUILT_FROM_NAMES.has(action.entity) ? [action.scope ?? action.entity] : [];
  if (action.kind === 'json') return Object.values(action.paths).flatMap(builtFromNamesScopes);
  return [];
}
