import type { ColumnInfo } from '../core/index.js';
import { describeColumn, fitting, notFitting, perValue, valueCategory } from './column-shape.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

/** Seed scope of hashes: the same value hashes alike in every column, so joins on it survive. */
export const HASH_SCOPE = 'hash';
const FULL_HEX_LENGTH = 64;
/** Hex characters (4 bits each) below which distinct inputs may collide: 16 × 4 = 64 bits. */
const DISTINCT_HEX_LENGTH = 16;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexLength(action: ActionOf<'hash'>, column: ColumnInfo): number {
  return Math.min(action.length ?? FULL_HEX_LENGTH, column.maxLength ?? FULL_HEX_LENGTH, FULL_HEX_LENGTH);
}

/** Keyed HMAC-SHA256 of the value in lowercase hex, cut to `length` and to the column. */
export function compileHash(action: ActionOf<'hash'>, context: ColumnContext): ValueTransform {
  const length = hexLength(action, context.column);
  const bytes = Math.ceil(length / 2);
  const { seeder } = context;
  return perValue(context.column, (value) => {
    const seed = seeder.seed(HASH_SCOPE, value);
    let hex = '';
    for (let i = 0; i < bytes; i++) hex += HEX[seed[i]!]!;
    return hex.length === length ? hex : hex.slice(0, length);
  });
}

export function fitHash(action: ActionOf<'hash'>, column: ColumnInfo): OutputFit {
  if (valueCategory(column) !== 'string') {
    return notFitting(`${describeColumn(column)} is not a text column; hash writes hexadecimal text`);
  }
  if (action.length !== undefined && !(Number.isInteger(action.length) && action.length >= 1)) {
    return notFitting(`${describeColumn(column)}: hash length must be a whole number of at least 1`);
  }
  return fitting(hexLength(action, column) < DISTINCT_HEX_LENGTH);
}
