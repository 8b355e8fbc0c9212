import type { ColumnInfo } from '../core/index.js';
import { boundedMemo } from './bounded-memo.js';
import { columnFakeOf } from './column-fake-of.js';
import { describeColumn, fitting, notFitting, perValue, valueCategory } from './column-shape.js';
import { mapPgArray } from './map-pg-array.js';
import type {
  ActionOf,
  ColumnContext,
  OutputFit,
  ReplaceableSpan,
  SpanFinder,
  ValueTransform,
} from './value-transform.js';

export const DEFAULT_PLACEHOLDER = '[REDACTED]';

/** What `mode: placeholder` writes by default: `{type}` is the span's type, `{n}` its number. */
export const NUMBERED_PLACEHOLDER = '<{type}_{n}>';

/** The type a whole value gets in placeholder mode when no span detection is available. */
const WHOLE_TEXT_TYPE = 'TEXT';

/** Cut (by characters) to the column's length. */
function fitLength(text: string, column: ColumnInfo): string {
  if (column.maxLength === null || text.length <= column.maxLength) return text;
  const chars = Array.from(text);
  return chars.length > column.maxLength ? chars.slice(0, column.maxLength).join('') : text;
}

/**
 * Numbers for the placeholders of one document (a cell; a whole JSON document across its leaves): per
 * type, in order of first appearance, and the same value gets the same number again. Values are compared
 * case-insensitively with runs of white space as one, as names are keyed elsewhere. Lives only while the
 * document is rewritten.
 */
export type PlaceholderNumbers = (type: string, original: string) => number;

export function placeholderNumbers(): PlaceholderNumbers {
  const numbers = new Map<string, number>();
  const counts = new Map<string, number>();
  return (type, original) => {
    const key = `${type}\0${original.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()}`;
    let n = numbers.get(key);
    if (n === undefined) {
      n = (counts.get(type) ?? 0) + 1;
      counts.set(type, n);
      numbers.set(key, n);
    }
    return n;
  };
}

function fillTemplate(template: string, type: string, n: number): string {
  return template.replaceAll('{type}', type).replaceAll('{n}', String(n));
}

/** Whether the action writes numbered placeholders (`mode: placeholder`). */
export function isNumberedRedaction(action: ActionOf<'redact_text'>): boolean {
  return action.mode === 'placeholder';
}

/**
 * `mode: placeholder` on one text, numbering with the document's `numbers`: `<PERSON_1>`, `<EMAIL_ADDRESS_1>`,
 * `<PERSON_2>`, and `<PERSON_1>` again for the first person. JSON documents share one numbering across
 * their leaves (see compileJson).
 */
export function compileNumberedRedaction(
  action: ActionOf<'redact_text'>,
  context: ColumnContext,
): (text: string, numbers: PlaceholderNumbers) => string {
  const { column, findSpans } = context;
  const template = action.placeholder ?? NUMBERED_PLACEHOLDER;
  if (findSpans === undefined) {
    return (text, numbers) =>
      fitLength(fillTemplate(template, WHOLE_TEXT_TYPE, numbers(WHOLE_TEXT_TYPE, text)), column);
  }
  return (text, numbers) =>
    fitLength(
      replaceSpans(text, findSpans, (span, original) =>
        fillTemplate(template, span.type, numbers(span.type, original)),
      ),
      column,
    );
}

/**
 * With span detection (`context.findSpans`): each personal span is replaced, the rest of the text stays.
 * By default a span becomes exactly the fake a substituted column of its kind (default scope) gives it
 * (see columnFakeOf), so "Mary Smith" or `ann.lee@corp.com` in a note and in a column get the same fake,
 * also where the column's email is built from its name; with `placeholder`,
 * it becomes the placeholder, where `{type}` stands for the span's type (e.g. `<{type}>` → `<PERSON>`).
 * Without span detection the whole value becomes the placeholder.
 *
 * With `mode: placeholder`, each span becomes a typed, numbered placeholder (`<PERSON_1>`); numbers count
 * per type within one value (an array: the whole array), so they depend on the value alone.
 */
export function compileRedactText(action: ActionOf<'redact_text'>, context: ColumnContext): ValueTransform {
  const { column, findSpans } = context;
  if (isNumberedRedaction(action)) {
    const numbered = compileNumberedRedaction(action, context);
    if (column.category === 'array') {
      // The cell is the document: one numbering across its elements.
      return (value) => {
        if (value === null) return null;
        const numbers = placeholderNumbers();
        return mapPgArray(value, (element) => numbered(element, numbers), column.name);
      };
    }
    return perValue(
      column,
      boundedMemo((value) => numbered(value, placeholderNumbers())),
    );
  }
  if (findSpans === undefined) {
    const whole = fitLength(action.placeholder ?? DEFAULT_PLACEHOLDER, column);
    return perValue(column, () => whole);
  }
  const fake = columnFakeOf(context);
  const placeholder = action.placeholder;
  const replaceText = (text: string): string =>
    replaceSpans(text, findSpans, (span, original) => {
      if (placeholder !== undefined) return placeholder.replaceAll('{type}', span.type);
      if (span.substitute === null) return `<${span.type}>`;
      return fake(span.substitute, original);
    });
  return perValue(
    column,
    boundedMemo((value) => fitLength(replaceText(value), column)),
  );
}

/** Rewrites the spans `findSpans` reports, left to right; of overlapping spans the first one wins. */
function replaceSpans(
  text: string,
  findSpans: SpanFinder,
  replacement: (span: ReplaceableSpan, original: string) => string,
): string {
  const spans = findSpans(text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    out += text.slice(at, span.start);
    out += replacement(span, text.slice(span.start, span.end));
    at = span.end;
  }
  return out + text.slice(at);
}

export function fitRedactText(column: ColumnInfo): OutputFit {
  if (valueCategory(column) !== 'string') {
    return notFitting(`${describeColumn(column)} is not a text column; redact_text writes text`);
  }
  return fitting(true);
}
