import { matchesTerms, wordsOf } from '../catalogue/index.js';
import type { ContextTerms, WindowSize } from '../catalogue/index.js';

/** Characters read per context word: windows are cut from the text around the span, never the whole text. */
const CHARS_PER_WORD = 40;

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** The `count` whole words before `start` (lower-case, in order). A word cut by the slice edge is dropped. */
export function wordsBefore(text: string, start: number, count: number): string[] {
  if (count === 0 || start === 0) return [];
  const from = Math.max(0, start - count * CHARS_PER_WORD);
  const words = wordsOf(text.slice(from, start));
  if (from > 0 && WORD_CHAR.test(text[from - 1] ?? '') && WORD_CHAR.test(text[from] ?? '')) words.shift();
  return words.slice(-count);
}

/** The `count` whole words after `end`. */
export function wordsAfter(text: string, end: number, count: number): string[] {
  if (count === 0 || end >= text.length) return [];
  const to = Math.min(text.length, end + count * CHARS_PER_WORD);
  const words = wordsOf(text.slice(end, to));
  if (to < text.length && WORD_CHAR.test(text[to] ?? '') && WORD_CHAR.test(text[to - 1] ?? '')) words.pop();
  return words.slice(0, count);
}

/** Which of the positive and negative terms occur as whole words in the window on either side of a span. */
export function contextAround(
  text: string,
  start: number,
  end: number,
  window: WindowSize,
  positive: ContextTerms,
  negative: ContextTerms,
): { positive: boolean; negative: boolean } {
  const before = wordsBefore(text, start, window.before);
  const after = wordsAfter(text, end, window.after);
  // Phrases are matched on each side separately so that they never span the value itself.
  const has = (terms: ContextTerms): boolean =>
    (terms.words.size > 0 || terms.phrases.length > 0) &&
    (matchesTerms(before, terms) || matchesTerms(after, terms));
  return { positive: has(positive), negative: has(negative) };
}
