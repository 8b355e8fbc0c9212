import { qualifiedName, sameTable, type TableInfo } from '../core/index.js';
import type { KAnonymitySpec, PlannedTable, PreflightFinding } from './plan.js';
import type { TableEntry } from './resolve-column-actions.js';

/**
 * The plan's k-anonymity spec from a table's own entry. A partition planned through its parent's entry
 * gets none: the parent's classes are counted over all its partitions together.
 */
export function kAnonymitySpec(entry: TableEntry): { kAnonymity?: KAnonymitySpec } {
  const columns = entry.policy.quasi_identifiers;
  if (columns === undefined || entry.viaParent !== null) return {};
  return {
    kAnonymity: {
      quasiIdentifiers: columns,
      k: entry.policy.k ?? null,
      mode: entry.policy.k_anonymity ?? 'enforce',
    },
  };
}

/** Types PostgreSQL cannot GROUP BY (no equality operator), arrays of them included. */
const NOT_GROUPABLE = new Set(['json', 'xml', 'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle']);

/**
 * Quasi-identifiers that are not columns of their table, that the plan drops, or whose type cannot be
 * grouped stop the run.
 */
export function kAnonymityFindings(
  tables: readonly PlannedTable[],
  infos: readonly TableInfo[],
): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  for (const planned of tables) {
    const spec = planned.kAnonymity;
    if (spec === undefined) continue;
    const table = qualifiedName(planned.table);
    const info = infos.find((t) => sameTable(t.ref, planned.table));
    for (const name of spec.quasiIdentifiers) {
      const column = planned.columns.find((c) => c.name === name);
      const type = info?.columns.find((c) => c.name === name)?.baseType.replace(/^_/, '');
      if (column === undefined) {
        findings.push({
          severity: 'error',
          code: 'quasi_identifier_unknown',
          table,
          column: name,
          message: `quasi_identifiers of ${table} names "${name}", which is not one of its columns`,
        });
      } else if (column.action.kind === 'drop') {
        findings.push({
          severity: 'error',
          code: 'quasi_identifier_dropped',
          table,
          column: name,
          message: `${table}.${name} is a quasi-identifier but the plan drops it: the target cannot be grouped by it`,
        });
      } else if (type !== undefined && NOT_GROUPABLE.has(type)) {
        findings.push({
          severity: 'error',
          code: 'quasi_identifier_not_groupable',
          table,
          column: name,
          message: `${table}.${name} is a quasi-identifier of type ${type}, which PostgreSQL cannot group by`,
        });
      }
    }
    if (!planned.copyRows && planned.kind !== 'partitioned') {
      findings.push({
        severity: 'warning',
        code: 'quasi_identifiers_not_checked',
        table,
        message: `${table} copies no rows (skip): its quasi-identifiers are not checked`,
      });
    }
  }
  return findings;
}
