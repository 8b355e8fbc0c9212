import type { RowBatch } from '../../src/core/index.js';
import { valueJson, type ColumnEncoding } from './value-json.js';

/**
 * CSV per RFC 4180: CRLF line ends, a header row, fields with `"` `,` CR or LF quoted (quotes doubled).
 * NULL is an empty unquoted field and the empty string `""`, so the two stay apart. Values keep their
 * PostgreSQL text form except booleans (`true`/`false`) and arrays (a JSON array, typed like JSON Lines).
 */

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(value: string | null, column: ColumnEncoding): string {
  if (value === null) return '';
  if (column.arrayDepth > 0 || column.kind === 'boolean') return csvField(valueJson(value, column));
  return csvField(value);
}

export function csvHeader(columns: readonly ColumnEncoding[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

export function encodeCsvRows(rows: RowBatch, columns: readonly ColumnEncoding[]): string {
  let out = '';
  for (const row of rows) {
    out += columns.map((column, i) => csvValue(row[i] ?? null, column)).join(',');
    out += '\r\n';
  }
  return out;
}
