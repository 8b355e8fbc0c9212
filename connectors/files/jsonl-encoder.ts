import type { RowBatch } from '../../src/core/index.js';
import { valueJson, type ColumnEncoding } from './value-json.js';

/**
 * JSON Lines: one object per row, keys in column order, `\n` after each. Numbers, booleans and json
 * documents are themselves, arrays JSON arrays, NULL `null`, everything else its PostgreSQL text.
 */
export function encodeJsonLines(rows: RowBatch, columns: readonly ColumnEncoding[]): string {
  const keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
  let out = '';
  for (const row of rows) {
    const fields = columns.map((column, i) => {
      const value = row[i] ?? null;
      return keys[i] + (value === null ? 'null' : valueJson(value, column));
    });
    out += `{${fields.join(',')}}\n`;
  }
  return out;
}
