import type { EntityId } from './detection-types.js';

/**
 * What an optional advisor (a language model) is told about a column the scan could not decide: names,
 * the declared type and value *shapes* — never values. A shape keeps only character classes and length:
 * `Maria Lopez` → `Aaaaa Aaaaa`, `078-05-1120` → `999-99-9999`, `a.b@mail.com` → `a.a@aaaa.aaa`.
 */
export interface ColumnQuestion {
  readonly table: string;
  readonly column: string;
  readonly dataType: string;
  readonly neighbours: readonly string[];
  readonly comment: string | null;
  /** The most frequent shapes of the sampled values, with how many values had each. */
  readonly valueShapes: readonly { readonly shape: string; readonly count: number }[];
  readonly sampled: number;
}

export interface ColumnAdvice {
  /** A catalogue id, or null for "not personal". */
  readonly category: EntityId | null;
  readonly confidence: number;
}

/** Answers one question, or null when it cannot (timeout, refusal, malformed answer). Never throws. */
export type ColumnAdvisor = (
  question: ColumnQuestion,
  kinds: readonly EntityId[],
) => Promise<ColumnAdvice | null>;

const MAX_SHAPE_CHARS = 24;
const MAX_SHAPES = 8;

/** Upper-case letters → A, lower-case → a, digits → 9, other letters (any script) → a; punctuation kept. */
export function valueShape(value: string): string {
  let shape = '';
  for (const char of value.trim()) {
    if (shape.length >= MAX_SHAPE_CHARS) return `${shape}…`;
    if (/\d/u.test(char)) shape += '9';
    else if (/\p{Lu}/u.test(char)) shape += 'A';
    else if (/\p{L}/u.test(char)) shape += 'a';
    else shape += /[\s]/u.test(char) ? ' ' : char;
  }
  return shape;
}

/** The commonest shapes of `values`, most frequent first. */
export function valueShapes(values: readonly string[]): { shape: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const value of values) {
    const shape = valueShape(value);
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([shape, count]) => ({ shape, count }))
    .sort((a, b) => b.count - a.count || (a.shape < b.shape ? -1 : 1))
    .slice(0, MAX_SHAPES);
}
