import type { ColumnInfo } from '../core/index.js';
import { describeColumn, fitting, notFitting, perValue, valueCategory } from './column-shape.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

/** Characters a mask keeps so the format stays recognisable: whitespace and `@ . - _ + ( ) / : ,`. */
const SEPARATORS = new Set([' ', '\t', '\n', '\r', '@', '.', '-', '_', '+', '(', ')', '/', ':', ',']);

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/**
 * Replaces every character but separators with `char`, leaving `keep_first` and `keep_last` characters
 * (counted over the whole value) visible. A value no longer than keep_first + keep_last would be shown
 * whole, so it is masked whole instead. Length in characters is preserved.
 */
export function compileMask(action: ActionOf<'mask'>, context: ColumnContext): ValueTransform {
  const { keep_first: keepFirst, keep_last: keepLast, char } = action;
  return perValue(context.column, (value) => {
    const chars = Array.from(value);
    const count = chars.length;
    const showsEnds = count > keepFirst + keepLast;
    let out = '';
    for (let i = 0; i < count; i++) {
      const c = chars[i]!;
      const visible = SEPARATORS.has(c) || (showsEnds && (i < keepFirst || i >= count - keepLast));
      out += visible ? c : char;
    }
    return out;
  });
}

export function fitMask(action: ActionOf<'mask'>, column: ColumnInfo): OutputFit {
  if (valueCategory(column) !== 'string') {
    return notFitting(`${describeColumn(column)} is not a text column; mask writes text`);
  }
  if (Array.from(action.char).length !== 1) {
    return notFitting(`${describeColumn(column)}: the mask character must be exactly one character`);
  }
  if (!isCount(action.keep_first) || !isCount(action.keep_last)) {
    return notFitting(`${describeColumn(column)}: keep_first and keep_last must be whole numbers ≥ 0`);
  }
  return fitting(true);
}
