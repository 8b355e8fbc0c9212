// Not through catalogue/index.ts, which loads the catalogue's schema (zod): transform workers import this.
import { matchesTerms } from '../catalogue/context-terms.js';
import type { ContextTerms, WindowSize } from '../catalogue/index.js';

/** Characters read per context word: windows are cut from the text around the span, never the whole text. */
const CHARS_PER_WORD = 40;
const WORD_CHAR = /[\p{L}\p{N}]/u;
// 1: a letter or digit, 2: not; 0: not classified yet. Per UTF-16 unit, filled on first sight.
const wordClass = new Uint8Array(65536);

/** Length (1 or 2 code units) of the letter or digit ending at `i` (inclusive), or 0. */
function wordCharEndingAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) ? 1 : 0;
  if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
    const high = text.charCodeAt(i - 1);
    if (high >= 0xd800 && high <= 0xdbff) return WORD_CHAR.test(text.slice(i - 1, i + 1)) ? 2 : 0;
  }
  let c = wordClass[code] ?? 0;
  if (c === 0) {
    c = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
    wordClass[code] = c;
  }
  return c === 1 ? 1 : 0;
}

/** Length of the letter or digit starting at `i`, or 0. */
function wordCharStartingAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) ? 1 : 0;
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return WORD_CHAR.test(text.slice(i, i + 2)) ? 2 : 0;
  }
  let c = wordClass[code] ?? 0;
  if (c === 0) {
    c = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
    wordClass[code] = c;
  }
  return c === 1 ? 1 : 0;
}

/**
 * The `count` whole words before `start` (lower-case, in order), read backwards within `count × 40`
 * characters. A word cut by that limit is dropped. Same words as `wordsOf` on the slice, without the slice.
 */
export function wordsBefore(text: string, start: number, count: number): string[] {
  if (count === 0 || start === 0) return [];
  const from = Math.max(0, start - count * CHARS_PER_WORD);
  const words: string[] = [];
  let i = start - 1;
  while (i >= from && words.length < count) {
    const n = wordCharEndingAt(text, i);
    if (n === 0) {
      i--;
      continue;
    }
    const end = i + 1;
    while (i >= from) {
      const m = wordCharEndingAt(text, i);
      if (m === 0) break;
      i -= m;
    }
    // Cut by the limit: more of the word lies before `from`.
    if (i < from && from > 0 && wordCharEndingAt(text, from - 1) !== 0) break;
    words.push(text.slice(i + 1, end).toLowerCase());
  }
  return words.reverse();
}

/** The `count` whole words after `end`. */
export function wordsAfter(text: string, end: number, count: number): string[] {
  if (count === 0 || end >= text.length) return [];
  const to = Math.min(text.length, end + count * CHARS_PER_WORD);
  const words: string[] = [];
  let i = end;
  while (i < to && words.length < count) {
    const n = wordCharStartingAt(text, i);
    if (n === 0) {
      i++;
      continue;
    }
    const start = i;
    while (i < to) {
      const m = wordCharStartingAt(text, i);
      if (m === 0) break;
      i += m;
    }
    if (i >= to && to < text.length && wordCharStartingAt(text, to) !== 0) break;
    words.push(text.slice(start, i).toLowerCase());
  }
  return words;
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
