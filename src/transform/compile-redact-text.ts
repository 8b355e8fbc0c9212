import type { ColumnInfo } from '../core/index.js';
import { fakeValue } from '../fake-values/index.js';
import { boundedMemo } from './bounded-memo.js';
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
 * By default a span becomes the keyed fake of its kind, seeded like a substituted column of that kind
 * (scope = kind), so "Mary Smith" in a note and in a name column get the same fake; with `placeholder`,
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
  const { seeder } = context;
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
      else
        out += fakeValue(span.substitute, seeder.seed(span.substitute, original), {
          maxLength: null,
          unique: false,
          sourceLength: original.length,
        });
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
