import type { ReadRequest } from '../../src/core/index.js';
import { quoteIdent, quoteTable } from './catalog.js';

/**
 * The SELECT behind a read: the policy's row filter, and for a sample a block sample (TABLESAMPLE SYSTEM,
 * which reads only the sampled pages, so sampling a large table stays cheap) capped with LIMIT.
 * Returns null when a plain `COPY table (columns)` does the job.
 */
export function selectRowsSql(request: ReadRequest): string | null {
  if (request.where === undefined && request.sample === undefined) return null;
  const columns = request.columns.map(quoteIdent).join(', ');
  const sample = request.sample;
  const percent = sample?.percent;
  const tableSample =
    percent !== undefined && percent > 0 && percent < 100
      ? ` TABLESAMPLE SYSTEM (${Number(percent.toPrecision(6))})`
      : '';
  const where = request.where === undefined ? '' : ` WHERE ${request.where}`;
  const limit = sample === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(sample.rows))}`;
  return `SELECT ${columns} FROM ONLY ${quoteTable(request.table)}${tableSample}${where}${limit}`;
}
