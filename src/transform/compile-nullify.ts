import type { ColumnInfo } from '../core/index.js';
import { describeColumn, fitting, notFitting } from './column-shape.js';
import type { OutputFit, ValueTransform } from './value-transform.js';

export function compileNullify(): ValueTransform {
  return () => null;
}

/** NULL never collides in a unique constraint (NULLS DISTINCT), but cannot go into a NOT NULL column. */
export function fitNullify(column: ColumnInfo): OutputFit {
  if (!column.isNullable) return notFitting(`${describeColumn(column)} is NOT NULL and cannot hold NULL`);
  return fitting(false);
}
