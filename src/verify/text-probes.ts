import {
  foldValue,
  isEmailShaped,
  isIdentifierLike,
  isPhoneShaped,
  type LeakIndex,
  type LeakKind,
} from './leak-index.js';

const WORD = /[\p{L}\p{M}\p{N}]+(?:['’.\-@+_][\p{L}\p{M}\p{N}]+)*/gu;
const EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
// Not inside a word: the digit run of a ticket or hash id (`1679091c5a`) is no phone number.
const PHONE_IN_TEXT = /(?<![\p{L}\p{N}])\+?\(?\d[\d\s().-]{5,20}\d(?![\p{L}\p{N}])/gu;
const BARE_DIGITS = /^\d+$/;
const TWO_DIGITS = /\d{2}/;
const FNV_PRIME = 0x01000193;
const GAP = /^\s{1,3}$/;
const MAX_WORDS = 4;
/**
 * Longest value looked up whole: an identifier is at most 200 characters (isIdentifierLike), an email 254
 * (isEmailShaped); a street line or full name is shorter. Longer text is searched word by word only.
 */
const MAX_WHOLE_VALUE = 254;
/** A spaced IBAN has seven groups; a sentence has more words than any identifier. */
const MAX_WHOLE_SPACES = 8;

/** Spaces in `text`, counting no further than `limit`. */
function spacesUpTo(text: string, limit: number): number {
  let spaces = 0;
  for (let at = text.indexOf(' '); at >= 0 && spaces < limit; at = text.indexOf(' ', at + 1)) spaces++;
  return spaces;
}

/** Bit per kind, so one cell with several leaks of a kind counts once for it. */
export const KIND_BIT: Readonly<Record<LeakKind, number>> = { email: 1, phone: 2, name: 4, identifier: 8 };

/**
 * Looks for indexed values inside one text: email- and phone-shaped tokens, identifier-like tokens, and
 * phrases of 2–4 words starting with a word that starts an indexed name or identifier. Returns a bit set of
 * the kinds found (see KIND_BIT). The text itself is not kept.
 */
export function probeText(index: LeakIndex, text: string): number {
  if (text.length < 3) return 0;
  let found = 0;
  // The whole value first: identifiers with characters the word pattern splits on (URLs, spaced IBANs,
  // street lines), emails and phones. Prose is longer than any of them: its words are searched below.
  if (text.length <= MAX_WHOLE_VALUE && spacesUpTo(text, MAX_WHOLE_SPACES + 1) <= MAX_WHOLE_SPACES) {
    const whole = foldValue(text);
    if (whole.length >= 6 && index.hasFoldedIdentifier(whole)) found |= KIND_BIT.identifier;
    if (isEmailShaped(whole) && index.hasEmail(whole)) found |= KIND_BIT.email;
    else if (isPhoneShaped(whole) && index.hasPhone(whole)) found |= KIND_BIT.phone;
  }
  if (text.includes('@')) {
    // exec on the shared global pattern rather than matchAll, which copies the pattern on every call.
    EMAIL_IN_TEXT.lastIndex = 0;
    for (let match = EMAIL_IN_TEXT.exec(text); match !== null; match = EMAIL_IN_TEXT.exec(text)) {
      if (index.hasEmail(match[0])) found |= KIND_BIT.email;
    }
  }
  if (TWO_DIGITS.test(text)) {
    PHONE_IN_TEXT.lastIndex = 0;
    for (let match = PHONE_IN_TEXT.exec(text); match !== null; match = PHONE_IN_TEXT.exec(text)) {
      if (index.hasPhone(match[0])) found |= KIND_BIT.phone;
    }
  }
  return found | probeAsciiWords(index, text);
}

/**
 * The words of `text` (any text): identifier-like words, and phrases of 2–4 words starting with a word that
 * starts an indexed name or identifier. The reference for probeAsciiWords.
 */
function probeWords(index: LeakIndex, text: string): number {
  let found = 0;
  const lower = text.toLowerCase();
  const words = [...lower.matchAll(WORD)];
  for (let i = 0; i < words.length; i++) {
    const head = words[i] as RegExpExecArray;
    const word = head[0];
    if (isIdentifierLike(word) && index.hasFoldedIdentifier(word)) found |= KIND_BIT.identifier;
    if (!index.startsIndexedPhrase(word)) continue;
    let phrase = word;
    let previous = head;
    for (let n = 1; n < MAX_WORDS && i + n < words.length; n++) {
      const next = words[i + n] as RegExpExecArray;
      if (!GAP.test(lower.slice(previous.index + previous[0].length, next.index))) break;
      phrase = `${phrase} ${next[0]}`;
      previous = next;
      if (index.hasFoldedName(phrase)) found |= KIND_BIT.name;
      else if (index.hasFoldedIdentifier(phrase)) found |= KIND_BIT.identifier;
    }
  }
  return found;
}

/** [0-9A-Za-z]: what \p{L}, \p{M} and \p{N} match within ASCII. */
function isAsciiWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/** The WORD pattern's joiners within ASCII: ' . - @ + _ */
function isAsciiJoiner(c: number): boolean {
  return c === 39 || c === 46 || c === 45 || c === 64 || c === 43 || c === 95;
}

/**
 * Where the WORD match starting at `start` (a word character) of an ASCII text ends. A non-ASCII character
 * ends it here, where WORD might go on: probeAsciiWords then drops what it found for probeWords.
 */
function asciiWordEnd(text: string, start: number): number {
  const length = text.length;
  let at = start;
  for (;;) {
    while (at < length && isAsciiWordChar(text.charCodeAt(at))) at++;
    if (at + 1 < length && isAsciiJoiner(text.charCodeAt(at)) && isAsciiWordChar(text.charCodeAt(at + 1))) {
      at += 2;
      continue;
    }
    return at;
  }
}

/** The next word character at or after `from`, or the text's length. */
function asciiWordStart(text: string, from: number): number {
  let at = from;
  while (at < text.length && !isAsciiWordChar(text.charCodeAt(at))) at++;
  return at;
}

/** GAP on `text.slice(from, to)` of an ASCII text: one to three white-space characters. */
function isAsciiGap(text: string, from: number, to: number): boolean {
  if (to - from < 1 || to - from > 3) return false;
  for (let at = from; at < to; at++) {
    const c = text.charCodeAt(at);
    if (c !== 32 && (c < 9 || c > 13)) return false;
  }
  return true;
}

/**
 * probeWords, with the same words and the same lookups, in one pass over the text that neither lower-cases
 * it nor copies its words: a word is copied only when it is identifier-like or the first-word bitmap (its
 * hash computed as it is read) says it may start an indexed phrase. For ASCII text, where toLowerCase keeps positions and
 * word classes; at the first other character the text is handed to probeWords whole.
 */
function probeAsciiWords(index: LeakIndex, text: string): number {
  let found = 0;
  let lower: string | undefined;
  const length = text.length;
  const basis = index.phraseHashBasis;
  let at = 0;
  for (;;) {
    let c = 0;
    for (; at < length; at++) {
      c = text.charCodeAt(at);
      if (isAsciiWordChar(c)) break;
      if (c > 127) return probeWords(index, text);
    }
    if (at >= length) return found;
    const start = at;
    let letters = false;
    let digits = false;
    let joiners = false;
    let apostrophes = false;
    let hash = basis;
    for (;;) {
      if (c <= 57) digits = true;
      else letters = true;
      hash = Math.imul(hash ^ (c <= 90 && c >= 65 ? c | 32 : c), FNV_PRIME);
      if (++at >= length) break;
      c = text.charCodeAt(at);
      if (isAsciiWordChar(c)) continue;
      if (c > 127) return probeWords(index, text);
      if (!isAsciiJoiner(c) || at + 1 >= length) break;
      const next = text.charCodeAt(at + 1);
      if (!isAsciiWordChar(next)) break;
      if (c === 39) apostrophes = true;
      else joiners = true;
      hash = Math.imul(hash ^ c, FNV_PRIME);
      at++;
      c = next;
    }
    const end = at;
    const size = end - start;
    // isIdentifierLike: letters with digits or joiners, or nine digits or more and nothing else.
    if (size >= 6 && size <= 200 && (letters ? digits || joiners : !joiners && !apostrophes && size >= 9)) {
      lower ??= text.toLowerCase();
      if (index.hasFoldedIdentifier(lower.slice(start, end))) found |= KIND_BIT.identifier;
    }
    if (index.mayStartPhrase(hash)) {
      lower ??= text.toLowerCase();
      let phrase = lower.slice(start, end);
      if (index.startsIndexedPhrase(phrase)) {
        let previous = end;
        for (let n = 1; n < MAX_WORDS; n++) {
          const next = asciiWordStart(text, previous);
          if (next >= length || !isAsciiGap(text, previous, next)) break;
          const nextEnd = asciiWordEnd(text, next);
          phrase = `${phrase} ${lower.slice(next, nextEnd)}`;
          previous = nextEnd;
          if (index.hasFoldedName(phrase)) found |= KIND_BIT.name;
          else if (index.hasFoldedIdentifier(phrase)) found |= KIND_BIT.identifier;
        }
      }
    }
  }
}

/**
 * Indexes the emails and phone numbers quoted in a source text (names in text are indexed from columns).
 * A bare digit run (`ticket 3636638817`) is an id as often as a phone: only written-out numbers (`+`,
 * brackets, separators) are taken from text; a bare number that is someone's phone is indexed from its column.
 */
export function indexTextTokens(index: LeakIndex, text: string): void {
  if (text.includes('@')) {
    for (const match of text.matchAll(EMAIL_IN_TEXT)) index.addEmail(match[0]);
  }
  if (TWO_DIGITS.test(text)) {
    for (const match of text.matchAll(PHONE_IN_TEXT)) {
      if (!BARE_DIGITS.test(match[0])) index.addPhone(match[0]);
    }
  }
}

/** A value of a column whose action keeps some form of it: indexed by its own shape. */
export function indexByShape(index: LeakIndex, value: string): void {
  const trimmed = value.trim();
  if (isEmailShaped(trimmed)) index.addEmail(trimmed);
  else if (isPhoneShaped(trimmed)) index.addPhone(trimmed);
  else if (isIdentifierLike(trimmed)) index.addIdentifier(trimmed);
  else {
    const words = trimmed.split(/\s+/).length;
    if (words >= 2 && words <= MAX_WORDS && trimmed.length >= 8) index.addIdentifier(trimmed);
  }
}
