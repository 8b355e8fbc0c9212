/**
 * The words of a text as the known-entity index reads them: runs of letters, marks and numbers (`\p{L}`,
 * `\p{M}`, `\p{N}`, a surrogate pair read as one code point), joined into one word by a single `'`, `’`, `.`,
 * `-`, `@`, `+` or `_` between two word characters ("o'brien", "zq.owner@example.org"). Exactly the matches
 * of the Unicode regex `[\p{L}\p{M}\p{N}]+(?:['’.\-@+_][\p{L}\p{M}\p{N}]+)*` (flags `gu`), found by a
 * hand-written scanner over a per-code-unit class table (as tokenize-text.ts does) and written into reused
 * typed arrays: no match object, no string per word.
 */

/** `\p{L}`, `\p{M}` or `\p{N}`. */
export const WORD_CHAR = 1;
/** `\p{Lu}`. */
export const UPPER_CHAR = 2;
/** `\s` (one UTF-16 unit). */
export const SPACE_CHAR = 4;
/** 0-9. */
export const ASCII_DIGIT = 8;
const JOINER = 16;
const KNOWN = 128;

const classes = new Uint8Array(65536);
const IS_WORD = /^[\p{L}\p{M}\p{N}]$/u;
const IS_UPPER = /^\p{Lu}$/u;
const IS_SPACE = /^\s$/;

function classify(code: number): number {
  // A lone surrogate is no word character: /u reads it as a code point of its own, outside L, M and N.
  const ch = String.fromCharCode(code);
  let c = KNOWN;
  if (IS_WORD.test(ch)) c |= WORD_CHAR;
  if (IS_UPPER.test(ch)) c |= UPPER_CHAR;
  if (IS_SPACE.test(ch)) c |= SPACE_CHAR;
  if (code >= 48 && code <= 57) c |= ASCII_DIGIT;
  if ("'’.-@+_".includes(ch)) c |= JOINER;
  classes[code] = c;
  return c;
}
for (let code = 0; code < 128; code++) classify(code);

/** Classes of one UTF-16 unit. */
export function classOf(code: number): number {
  const c = classes[code] as number;
  return c !== 0 ? c : classify(code);
}

/** Whether a supplementary code point is a word character (cached: such pairs are rare). */
const pairs = new Map<number, boolean>();
function isWordPair(high: number, low: number): boolean {
  const point = (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  let word = pairs.get(point);
  if (word === undefined) {
    word = IS_WORD.test(String.fromCodePoint(point));
    pairs.set(point, word);
  }
  return word;
}

/** Code units (1 or 2) of the word character at `i`, or 0 if none starts there. */
function wordCharAt(text: string, i: number): number {
  if (i >= text.length) return 0;
  const code = text.charCodeAt(i);
  if ((classOf(code) & WORD_CHAR) !== 0) return 1;
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff && isWordPair(code, low)) return 2;
  }
  return 0;
}

/** The words of the last `scan`: offsets `[starts[k], ends[k])`, and whether each is ASCII only. */
export class WordScan {
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** 1 when every unit of the word is below 0x80. */
  ascii = new Uint8Array(64);
  /** ASCII digits in the text (all of them are inside words). */
  digits = 0;

  /** Reads the words of `text`; returns their count. Overwrites the previous scan's arrays. */
  scan(text: string): number {
    const length = text.length;
    // A word takes at least one unit and a gap: never more words than half the text, rounded up.
    const most = (length >>> 1) + 1;
    if (this.starts.length < most) {
      const size = Math.max(most, this.starts.length * 2);
      this.starts = new Int32Array(size);
      this.ends = new Int32Array(size);
      this.ascii = new Uint8Array(size);
    }
    const { starts, ends, ascii } = this;
    let count = 0;
    let digits = 0;
    let i = 0;
    while (i < length) {
      const first = wordCharAt(text, i);
      if (first === 0) {
        i++;
        continue;
      }
      const start = i;
      let units = 0;
      for (;;) {
        // One run of word characters.
        while (i < length) {
          const code = text.charCodeAt(i);
          if ((classOf(code) & WORD_CHAR) !== 0) {
            units |= code;
            if (code >= 48 && code <= 57) digits++;
            i++;
            continue;
          }
          if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
            const low = text.charCodeAt(i + 1);
            if (low >= 0xdc00 && low <= 0xdfff && isWordPair(code, low)) {
              units |= code;
              i += 2;
              continue;
            }
          }
          break;
        }
        // A joiner between two word characters continues the word.
        if (i + 1 < length) {
          const code = text.charCodeAt(i);
          if ((classOf(code) & JOINER) !== 0 && wordCharAt(text, i + 1) !== 0) {
            units |= code;
            i++;
            continue;
          }
        }
        break;
      }
      starts[count] = start;
      ends[count] = i;
      ascii[count] = units < 0x80 ? 1 : 0;
      count++;
    }
    this.count = count;
    this.digits = digits;
    return count;
  }
}
