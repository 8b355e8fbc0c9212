import type { ColumnInfo, Row, TypeCategory } from '../core/index.js';
import { mapPgArray } from './map-pg-array.js';
import type { OutputFit, ValueTransform } from './value-transform.js';

/** The category each value (array columns: each element) has. */
export function valueCategory(column: ColumnInfo): TypeCategory {
  return column.category === 'array' ? (column.elementCategory ?? 'other') : column.category;
}

/** The base type of each value (`_int4` → `int4` for arrays). */
export function valueBaseType(column: ColumnInfo): string {
  return column.category === 'array' && column.baseType.startsWith('_')
    ? column.baseType.slice(1)
    : column.baseType;
}

/** `column "email" (character varying(40))`: how every message names a column. */
export function describeColumn(column: ColumnInfo): string {
  return `column "${column.name}" (${column.dataType})`;
}

export function fitting(canCollide: boolean): OutputFit {
  return canCollide ? FITS_MAY_COLLIDE : FITS_DISTINCT;
}

export function notFitting(problem: string): OutputFit {
  return { fits: false, problem, canCollide: true };
}

const FITS_DISTINCT: OutputFit = Object.freeze({ fits: true, canCollide: false });
const FITS_MAY_COLLIDE: OutputFit = Object.freeze({ fits: true, canCollide: true });

/**
 * Applies `map` to a non-null value, or to each non-null element of an array column (NULL elements stay
 * NULL; structure, dimensions and quoting are preserved). NULL stays NULL.
 */
export function perValue(
  column: ColumnInfo,
  map: (value: string, row: Row) => string | null,
): ValueTransform {
  if (column.category !== 'array') return (value, row) => (value === null ? null : map(value, row));
  return (value, row) =>
    value === null ? null : mapPgArray(value, (element) => map(element, row), column.name);
}
