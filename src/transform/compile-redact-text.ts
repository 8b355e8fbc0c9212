import type { ColumnInfo } from '../core/index.js';
import { boundedMemo } from './bounded-memo.js';
import { columnFakeOf } from './column-fake-of.js';
import { describeColumn, fitting, notFitting, perValue, valueCategory } from './column-shape.js';
import type { ActionOf, ColumnContext, OutputFit, SpanFinder, ValueTransform } from './value-transform.js';

export const DEFAULT_PLACEHOLDER = '[REDACTED]';

/** Cut (by characters) to the column's length. */
function fitLength(text: string, column: ColumnInfo): string {
  if (column.maxLength === null || text.length <= column.maxLength) return text;
  const chars = Array.from(text);
  return chars.length > column.maxLength ? chars.slice(0, column.maxLength).join('') : text;
}

/**
 * With span detection (`context.findSpans`): each personal span is replaced, the rest of the text stays.
 * By default a span becomes exactly the fake a substituted column of its kind (default scope) gives it
 * (see columnFakeOf), so "Mary Smith" or `ann.lee@corp.com` in a note and in a column get the same fake,
 * also where the column's email is built from its name; with `placeholder`,
 * it becomes the placeholder, where `{type}` stands for the span's type (e.g. `<{type}>` → `<PERSON>`).
 * Without span detection the whole value becomes the placeholder.
 */
export function compileRedactText(action: ActionOf<'redact_text'>, context: ColumnContext): ValueTransform {
  const { column, findSpans } = context;
  if (findSpans === undefined) {
    const whole = fitLength(action.placeholder ?? DEFAULT_PLACEHOLDER, column);
    return perValue(column, () => whole);
  }
  const replaceText = textReplacer(action, context, findSpans);
  return perValue(
    column,
    boundedMemo((value) => fitLength(replaceText(value), column)),
  );
}

function textReplacer(
  action: ActionOf<'redact_text'>,
  context: ColumnContext,
  findSpans: SpanFinder,
): (text: string) => string {
  const fake = columnFakeOf(context);
  const placeholder = action.placeholder;
  return (text) => {
    const spans = findSpans(text);
    if (spans.length === 0) return text;
    let out = '';
    let at = 0;
    for (const span of spans) {
      if (span.start < at) continue; // overlapping spans: the first one wins
      out += text.slice(at, span.start);
      const original = text.slice(span.start, span.end);
      if (placeholder !== undefined) out += placeholder.replaceAll('{type}', span.type);
      else if (span.substitute === null) out += `<${span.type}>`;
      else out += fake(span.substitute, original);
      at = span.end;
    }
    return out + text.slice(at);
  };
}

export function fitRedactText(column: ColumnInfo): OutputFit {
  if (valueCategory(column) !== 'string') {
    return notFitting(`${describeColumn(column)} is not a text column; redact_text writes text`);
  }
  return fitting(true);
}
