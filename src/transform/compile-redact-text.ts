import type { ColumnInfo } from '../core/index.js';
import { describeColumn, fitting, notFitting, perValue, valueCategory } from './column-shape.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

export const DEFAULT_PLACEHOLDER = '[REDACTED]';

/** The placeholder, cut (by characters) to the column's length. */
function placeholderFor(action: ActionOf<'redact_text'>, column: ColumnInfo): string {
  const placeholder = action.placeholder ?? DEFAULT_PLACEHOLDER;
  const chars = Array.from(placeholder);
  return column.maxLength !== null && chars.length > column.maxLength
    ? chars.slice(0, column.maxLength).join('')
    : placeholder;
}

/** Every non-null value (array columns: element) becomes the placeholder. */
export function compileRedactText(action: ActionOf<'redact_text'>, context: ColumnContext): ValueTransform {
  const placeholder = placeholderFor(action, context.column);
  return perValue(context.column, () => placeholder);
}

export function fitRedactText(column: ColumnInfo): OutputFit {
  if (valueCategory(column) !== 'string') {
    return notFitting(`${describeColumn(column)} is not a text column; redact_text writes text`);
  }
  return fitting(true);
}
