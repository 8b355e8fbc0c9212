import type { BlockRange, ReadRequest } from '../../src/core/index.js';
import { quoteIdent, quoteTable } from './catalog.js';

/**
 * The SELECT behind a read: the policy's row filter, and for a sample a block sample (TABLESAMPLE SYSTEM,
 * which reads only the sampled pages, so sampling a large table stays cheap) capped with LIMIT. The sample
 * is REPEATABLE: the same table gives the same pages every time, so a snapshot's scan of its kept columns
 * and a later `verify` (or two scans) judge the same rows, not a new draw each run.
 * Returns null when a plain `COPY table (columns)` does the job.
 */
export function selectRowsSql(request: ReadRequest): string | null {
  if (request.where === undefined && request.sample === undefined && request.blocks === undefined)
    return null;
  const columns = request.columns.map(quoteIdent).join(', ');
  const sample = request.sample;
  const percent = sample?.percent;
  const tableSample =
    percent !== undefined && percent > 0 && percent < 100
      ? ` TABLESAMPLE SYSTEM (${Number(percent.toPrecision(6))}) REPEATABLE (0)`
      : '';
  const conditions = [
    ...(request.where === undefined ? [] : [`(${request.where})`]),
    ...(request.blocks === undefined ? [] : blockRangeConditions(request.blocks)),
  ];
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  const limit = sample === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(sample.rows))}`;
  return `SELECT ${columns} FROM ONLY ${quoteTable(request.table)}${tableSample}${where}${limit}`;
}

/** A TID range scan (PostgreSQL 14+) reads only these pages. */
function blockRangeConditions(blocks: BlockRange): string[] {
  const page = (n: number): string => {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error('a block range holds a page that is not a count');
    return `'(${n},0)'::tid`;
  };
  return [`ctid >= ${page(blocks.from)}`, ...(blocks.to === null ? [] : [`ctid < ${page(blocks.to)}`])];
}
