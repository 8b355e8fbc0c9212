import type { EquivalenceClassCounts, EquivalenceClassRequest } from '../../src/core/index.js';
import { quoteIdent, quoteTable, type Queryable } from './catalog.js';

/**
 * One GROUP BY over the grouping columns, summarised in the server: only counts come back, never a value
 * (k-anonymity's equivalence classes). NULLs group together, as GROUP BY does.
 */
export function equivalenceClassesSql(request: EquivalenceClassRequest): string {
  const below = Math.max(0, Math.floor(request.minClassSize));
  const from = `${request.withPartitions ? '' : 'ONLY '}${quoteTable(request.table)}`;
  const where = request.where === undefined ? '' : ` WHERE ${request.where}`;
  return `SELECT count(*)::text AS classes, coalesce(sum(n), 0)::text AS rows,
    coalesce(min(n), 0)::text AS smallest, count(*) FILTER (WHERE n < ${below})::text AS classes_below,
    coalesce(sum(n) FILTER (WHERE n < ${below}), 0)::text AS rows_below
    FROM (SELECT count(*) AS n FROM ${from}${where} GROUP BY ${request.columns.map(quoteIdent).join(', ')}) g`;
}

export async function queryEquivalenceClasses(
  queryable: Queryable,
  request: EquivalenceClassRequest,
): Promise<EquivalenceClassCounts> {
  const rows = await queryable.query<{
    classes: string;
    rows: string;
    smallest: string;
    classes_below: string;
    rows_below: string;
  }>(equivalenceClassesSql(request));
  const row = rows[0];
  return {
    rows: Number(row?.rows ?? 0),
    classes: Number(row?.classes ?? 0),
    smallestClass: Number(row?.smallest ?? 0),
    classesBelow: Number(row?.classes_below ?? 0),
    rowsBelow: Number(row?.rows_below ?? 0),
  };
}
