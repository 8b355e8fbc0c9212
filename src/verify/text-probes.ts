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
    for (const match of text.matchAll(EMAIL_IN_TEXT)) {
      if (index.hasEmail(match[0])) found |= KIND_BIT.email;
    }
  }
  if (/\d{2}/.test(text)) {
    for (const match of text.matchAll(PHONE_IN_TEXT)) {
      if (index.hasPhone(match[0])) found |= KIND_BIT.phone;
    }
  }
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

/**
 * Indexes the emails and phone numbers quoted in a source text (names in text are indexed from columns).
 * A bare digit run (`ticket 3636638817`) is an id as often as a phone: only written-out numbers (`+`,
 * brackets, separators) are taken from text; a bare number that is someone's phone is indexed from its column.
 */
export function indexTextTokens(index: LeakIndex, text: string): void {
  if (text.includes('@')) {
    for (const match of text.matchAll(EMAIL_IN_TEXT)) index.addEmail(match[0]);
  }
  if (/\d{2}/.test(text)) {
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
