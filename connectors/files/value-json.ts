import type { JsonKind } from './ddl-catalog.js';
import { parsePgArray, type PgArray } from './pg-array-literal.js';

/** How one column's values are written: its name and what its PostgreSQL text values are. */
export interface ColumnEncoding {
  readonly name: string;
  readonly kind: JsonKind;
  /** > 0: the value is an array literal (`{a,b}`) of `kind` elements, written as a JSON array. */
  readonly arrayDepth: number;
  /** The PostgreSQL base type (`integer`, `numeric`, …), for formats with typed columns (Parquet). */
  readonly typeKey?: string;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** JSON text of one element or scalar; text that is not of its kind (NaN, Infinity) stays a string. */
function scalarJson(text: string, kind: JsonKind): string {
  switch (kind) {
    case 'number':
      // Verbatim: a bigint or numeric keeps every digit for readers that can hold it.
      return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
    case 'boolean':
      return text === 't' || text === 'true'
        ? 'true'
        : text === 'f' || text === 'false'
          ? 'false'
          : JSON.stringify(text);
    case 'json':
      try {
        JSON.parse(text);
      } catch {
        return JSON.stringify(text);
      }
      // A `json` value keeps its own line breaks; outside strings they are whitespace, inside they are escaped.
      return text.replace(/[\r\n]+/g, ' ');
    case 'string':
      return JSON.stringify(text);
  }
}

function arrayJson(list: PgArray, kind: JsonKind): string {
  return `[${list
    .map((item) =>
      item === null ? 'null' : typeof item === 'string' ? scalarJson(item, kind) : arrayJson(item, kind),
    )
    .join(',')}]`;
}

/** JSON text of a non-null value in PostgreSQL text form, typed by its column. */
export function valueJson(text: string, column: ColumnEncoding): string {
  if (column.arrayDepth === 0) return scalarJson(text, column.kind);
  const list = parsePgArray(text);
  return list === undefined ? JSON.stringify(text) : arrayJson(list, column.kind);
}
