import type { AddressVocabulary } from './address-vocabulary.js';
import { type TextContext, textContext } from './text-context.js';
import type { TextResources } from './text-resources.js';
import { digitsThenLetter, isAsciiDigit, type TextToken, unitClass } from './tokenize-text.js';

/**
 * Street lines found by walking tokens (no large regex, so nothing can backtrack): a house number with a
 * street type after the name ("221B Baker Street", "4907 Orval Freeway Apt 3"), a type before the name
 * ("12 rue de la Paix", "Calle Mayor, 3", "Via Roma 10"), a glued ending ("Hauptstraße 5", "Kerkstraat 12"),
 * and — only when a postal code follows — a bare "Name 12" / "12 Name" line ("Im Kalkfeld 78c, 50018 …").
 */
export interface AddressMatch {
  readonly start: number;
  readonly end: number;
  /** Has a house number; a bare "Via Roma" may be a street or a station. */
  readonly numbered: boolean;
}

/** `/^\d{1,6}[a-zA-Z]?$|^\d{1,5}-\d{1,4}$/.test(word)`, by code units (asked of every number token). */
function houseNumberShape(word: string): boolean {
  if (digitsThenLetter(word, 6)) return true;
  const n = word.length;
  let d = 0;
  while (d < n && isAsciiDigit(word.charCodeAt(d))) d++;
  if (d === 0 || d > 5 || word.charCodeAt(d) !== 45) return false;
  let e = d + 1;
  while (e < n && isAsciiDigit(word.charCodeAt(e))) e++;
  return e === n && e - d - 1 >= 1 && e - d - 1 <= 4;
}

/** What may stand right before a house number: a blank, "(", "," or ";". */
const isHouseNumberOpener = unitClass(/[\s(,;]/);

/** The word is this one ASCII letter in either case, as `/^n$/i` tests it. */
function isLetterWord(word: string, lower: number): boolean {
  return word.length === 1 && (word.charCodeAt(0) | 32) === lower;
}
const DIRECTIONS = new Set(['n', 's', 'e', 'w', 'north', 'south', 'east', 'west', 'ne', 'nw', 'se', 'sw']);
const POST_DIRECTIONS = new Set(['ne', 'nw', 'se', 'sw']);
/** Lower-case words inside street names: "rue de la Paix", "Calle de los Reyes", "van de Brinkgracht". */
const PARTICLES = new Set(
  `de la le les du des del della delle dei degli di da do dos das d l van der den von am im an zum zur y e et`.split(
    ' ',
  ),
);
/** Particles that start a Dutch or Flemish street's name ("van de Brinkgracht"); German "an", "am" do not. */
const LEADING_PARTICLES = new Set(['van', 'de', 'der', 'den', 'het', 'ter', 'ten', 'te']);
/** Dutch and French building-number suffixes written as a separate word: "332 III", "12 bis". */
const NUMBER_SUFFIXES = new Set(['i', 'ii', 'iii', 'iv', 'bis', 'ter', 'hs', 'h']);
/** Short function words that never name a street, for text written all in one case. */
const FUNCTION_WORDS = new Set(
  `a an the and or of to in on at by for from with its it is was be are as my your his her our their this that
  i you we they he she me us them not no yes if so but via per`.split(/\s+/),
);
const POSTAL_AFTER =
  /^,?[ \t]*\n?[ \t]*(?:\d{5}-\d{3}|\d{4,5}(?:-\d{4})?|\d{4} ?[A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z\d][A-Z])[ \t]+\p{Lu}/u;

/** Bits of `leadingKindsOf`: a street type before the name ("rue", "Calle"), or a weaker one ("Via"). */
const LEADING = 1;
const WEAK_LEADING = 2;

const leadingKinds = new WeakMap<AddressVocabulary, ReadonlyMap<string, number>>();

/** Leading and weak leading street types in one map: one lookup per word instead of two. */
function leadingKindsOf(vocab: AddressVocabulary): ReadonlyMap<string, number> {
  let kinds = leadingKinds.get(vocab);
  if (kinds === undefined) {
    const map = new Map<string, number>();
    for (const word of vocab.leadingTypes) map.set(word, (map.get(word) ?? 0) | LEADING);
    for (const word of vocab.weakLeadingTypes) map.set(word, (map.get(word) ?? 0) | WEAK_LEADING);
    kinds = map;
    leadingKinds.set(vocab, kinds);
  }
  return kinds;
}

interface Scan {
  readonly ctx: TextContext;
  readonly vocab: AddressVocabulary;
  /** `leadingKindsOf(vocab)`. */
  readonly leading: ReadonlyMap<string, number>;
  /** The text has only one letter case: shape says nothing, words are judged by lookup only. */
  readonly caseless: boolean;
}

function isHouseNumber(ctx: TextContext, i: number): boolean {
  const token = ctx.tokens[i];
  if (token?.kind !== 'number' || !houseNumberShape(token.text)) return false;
  // Not a time, a decimal, a phone or ID fragment ("14:05", "4.5", "+49 30", "2024-0917").
  if (token.start > 0 && !isHouseNumberOpener(ctx.text.charCodeAt(token.start - 1))) return false;
  const after = ctx.text.charCodeAt(token.end);
  if ((after === 58 || after === 46 || after === 47) && isAsciiDigit(ctx.text.charCodeAt(token.end + 1)))
    return false;
  // The last group of a phone or account number ("055 9383 2114, Via Zago 226") is no house number.
  const previous = ctx.tokens[i - 1];
  return !(previous?.kind === 'number' && token.spaceBefore && !token.lineBefore);
}

/** A word that can be part of a street's name: capitalised, an ordinal ("8th"), or any word in caseless text. */
function isNameWord(scan: Scan, i: number): boolean {
  const token = scan.ctx.tokens[i];
  if (token === undefined) return false;
  if (token.kind === 'number') return /^\d{1,3}(?:st|nd|rd|th|e|er|ème|º|ª)$/i.test(token.text);
  if (token.kind !== 'word') return false;
  if (scan.caseless) return !FUNCTION_WORDS.has(scan.ctx.folded(i));
  if (token.shape === 'capital' || token.shape === 'upper') return true;
  // "d'Estienne", "l'Orme": asked only of words beginning with "d" or "l".
  const c = token.text.charCodeAt(0);
  return (c === 100 || c === 108) && /^[dl]['’]\p{Lu}/u.test(token.text);
}

function isParticle(scan: Scan, i: number): boolean {
  const token = scan.ctx.tokens[i];
  return token?.kind === 'word' && token.shape !== 'upper' && PARTICLES.has(scan.ctx.folded(i));
}

/** Same line, separated by blanks only. */
function joined(scan: Scan, i: number): boolean {
  const token = scan.ctx.tokens[i];
  return token !== undefined && token.spaceBefore && !token.lineBefore;
}

/** `/str$/i.test(word)`: the last three units are ASCII s, t, r in either case. */
function endsWithStr(word: string): boolean {
  const n = word.length;
  return (
    n >= 3 &&
    (word.charCodeAt(n - 3) | 32) === 115 &&
    (word.charCodeAt(n - 2) | 32) === 116 &&
    (word.charCodeAt(n - 1) | 32) === 114
  );
}

/** The end of an abbreviation's dot ("St.", "Str.") when one follows the token directly. */
function withDot(scan: Scan, i: number): { end: number; next: number } {
  const token = scan.ctx.tokens[i];
  const dot = scan.ctx.tokens[i + 1];
  const abbreviated = token !== undefined && (token.text.length <= 4 || endsWithStr(token.text));
  if (token !== undefined && dot?.text === '.' && dot.start === token.end && abbreviated)
    return { end: dot.end, next: i + 2 };
  return { end: token?.end ?? 0, next: i + 1 };
}

/** Unit designators and building-number suffixes after a street: "Apt 4B", "Suite 200", "# 12", "332 III". */
function extendSecondary(scan: Scan, i: number, end: number): { end: number; next: number } {
  const { tokens, text } = scan.ctx;
  let k = i;
  const comma = tokens[k]?.text === ',' && tokens[k]?.start === end ? 1 : 0;
  const unit = tokens[k + comma];
  if (unit === undefined || unit.lineBefore) return { end, next: i };
  const folded = scan.ctx.folded(k + comma);
  if (unit.kind === 'word' && scan.vocab.unitWords.has(folded) && (unit.shape !== 'lower' || scan.caseless)) {
    k += comma + 1;
    if (tokens[k]?.text === '.' && tokens[k]?.start === unit.end) k++;
    if (tokens[k]?.text === '#') k++;
    const id = tokens[k];
    if (
      id !== undefined &&
      !id.lineBefore &&
      id.text.length <= 6 &&
      /\d/.test(id.text) &&
      /^[\p{L}\p{N}-]+$/u.test(id.text)
    )
      return { end: id.end, next: k + 1 };
    return { end, next: i };
  }
  if (unit.text === '#' && comma === 0) {
    const id = tokens[k + 1];
    if (id?.kind === 'number' && !id.lineBefore && id.start - unit.end <= 1)
      return { end: id.end, next: k + 2 };
  }
  if (comma === 0 && unit.kind === 'word' && joined(scan, k) && NUMBER_SUFFIXES.has(folded)) {
    const after = text.charAt(unit.end);
    if (after === '' || /[\s,.;)]/.test(after)) return { end: unit.end, next: k + 1 };
  }
  return { end, next: i };
}

/** "221B Baker Street", "1600 N Pennsylvania Ave NW", "12 rue de la Paix", "864 Avenida Maria Helena". */
function numberFirst(scan: Scan, i: number): AddressMatch | undefined {
  const { ctx } = scan;
  const { tokens } = ctx;
  let j = i + 1;
  // "12, rue de la Paix": a comma after the number only before a leading street type.
  if (tokens[j]?.text === ',' && joined(scan, j + 1) && scan.vocab.leadingTypes.has(ctx.folded(j + 1))) j++;
  else if (!joined(scan, j)) return undefined;
  if (
    tokens[j]?.kind === 'word' &&
    DIRECTIONS.has(ctx.folded(j)) &&
    joined(scan, j + 1) &&
    isNameWord(scan, j)
  ) {
    const d = withDot(scan, j);
    // "1600 N Pennsylvania Ave": a prefix. "454 South Road", "12 North Street": the street's own name.
    if (joined(scan, d.next) && !scan.vocab.trailingTypes.has(ctx.folded(d.next))) j = d.next;
  }
  const head = ctx.folded(j);
  if (tokens[j]?.kind === 'word' && scan.leading.has(head)) {
    const d = withDot(scan, j);
    const end = romanceName(scan, d.next);
    if (end === undefined) return undefined;
    const unit = extendSecondary(scan, end.next, end.end);
    return { start: tokens[i]?.start ?? 0, end: unit.end, numbered: true };
  }
  let names = 0;
  for (let k = j; k < j + 5 && k < tokens.length; k++) {
    if (k > j && !joined(scan, k)) return undefined;
    if (!isNameWord(scan, k)) return undefined;
    if (names >= 1 && scan.vocab.trailingTypes.has(ctx.folded(k))) {
      let last = withDot(scan, k);
      // "Park Lane", "Kennedy End Road": a second type word directly after the first belongs to it.
      if (
        joined(scan, last.next) &&
        isNameWord(scan, last.next) &&
        scan.vocab.trailingTypes.has(ctx.folded(last.next))
      )
        last = withDot(scan, last.next);
      if (joined(scan, last.next) && POST_DIRECTIONS.has(ctx.folded(last.next)))
        last = withDot(scan, last.next);
      const unit = extendSecondary(scan, last.next, last.end);
      return { start: tokens[i]?.start ?? 0, end: unit.end, numbered: true };
    }
    names++;
  }
  return undefined;
}

/** The name after a leading type: capitalised words and particles, up to four words; then its end. */
function romanceName(scan: Scan, from: number): { end: number; next: number } | undefined {
  const { tokens } = scan.ctx;
  let end: number | undefined;
  let next = from;
  let words = 0;
  for (let k = from; k < tokens.length && words < 4; k++) {
    const token = tokens[k];
    if (token === undefined || !joined(scan, k)) break;
    if (isParticle(scan, k)) continue;
    if (!(token.kind === 'word' && /^[dl]['’]/i.test(token.text)) && !isNameWord(scan, k)) break;
    end = token.end;
    next = k + 1;
    words++;
  }
  return end === undefined ? undefined : { end, next };
}

/** After a street's name: ", 3", " 12b", " n.º 5", " s/n", and unit words. */
function trailingNumber(scan: Scan, i: number, end: number): { end: number; next: number } | undefined {
  const { tokens } = scan.ctx;
  let k = i;
  if (tokens[k]?.text === ',' && tokens[k]?.start === end) k++;
  const token = tokens[k];
  if (token === undefined || token.lineBefore || token.start - end > 2) return undefined;
  if (token.kind === 'word' && isLetterWord(token.text, 110) && tokens[k + 1]?.text === '.') {
    k += 2;
    if (/^[º°o]$/.test(tokens[k]?.text ?? '')) k++;
  }
  const number = tokens[k];
  if (
    number?.kind === 'word' &&
    isLetterWord(number.text, 115) &&
    tokens[k + 1]?.text === '/' &&
    isLetterWord(tokens[k + 2]?.text ?? '', 110)
  )
    return { end: tokens[k + 2]?.end ?? end, next: k + 3 };
  // A comma before five digits introduces a postal code, not a house number ("Via Roma, 00184 Roma").
  if (number?.kind !== 'number' || !digitsThenLetter(number.text, k > i ? 3 : 4)) return undefined;
  // Not a time or a decimal ("12:30", "4.5", "3,5").
  const after = scan.ctx.text.charCodeAt(number.end);
  if (
    (after === 58 || after === 46 || after === 44) &&
    isAsciiDigit(scan.ctx.text.charCodeAt(number.end + 1))
  )
    return undefined;
  let last = { end: number.end, next: k + 1 };
  if (scan.ctx.tokens[k + 1]?.text === '/' && scan.ctx.tokens[k + 2]?.kind === 'number')
    last = { end: scan.ctx.tokens[k + 2]?.end ?? number.end, next: k + 3 };
  return extendSecondary(scan, last.next, last.end);
}

function gluedEnding(scan: Scan, i: number): boolean {
  const token = scan.ctx.tokens[i];
  if (token?.kind !== 'word' || token.text.length < 5) return false;
  const folded = scan.ctx.folded(i);
  if (!endsWithAny(folded, scan.vocab.gluedStreetEndings)) return false;
  return !scan.ctx.resources.names.isCommonWord(folded);
}

interface Endings {
  readonly set: ReadonlySet<string>;
  /** Distinct lengths, in the order of the list. */
  readonly lengths: readonly number[];
  /** The last two code units of every ending (`a * 65536 + b`): most words end otherwise, and are done. */
  readonly lastTwo: ReadonlySet<number>;
  /** Some ending is shorter than two code units: the `lastTwo` gate does not apply. */
  readonly short: boolean;
}

const endingSets = new WeakMap<readonly string[], Endings>();

/** The lists last asked about, before the WeakMap: three lists (street, town, short town endings) alternate. */
const recentLists: (readonly string[])[] = [];
const recentEntries: Endings[] = [];

function endingsOf(endings: readonly string[]): Endings {
  for (let k = 0; k < recentLists.length; k++)
    if (recentLists[k] === endings) return recentEntries[k] as Endings;
  let entry = endingSets.get(endings);
  if (entry === undefined) {
    entry = {
      set: new Set(endings),
      lengths: [...new Set(endings.map((e) => e.length))],
      lastTwo: new Set(
        endings
          .filter((e) => e.length >= 2)
          .map((e) => e.charCodeAt(e.length - 2) * 65536 + e.charCodeAt(e.length - 1)),
      ),
      short: endings.some((e) => e.length < 2),
    };
    endingSets.set(endings, entry);
  }
  if (recentLists.length >= 4) {
    recentLists.shift();
    recentEntries.shift();
  }
  recentLists.push(endings);
  recentEntries.push(entry);
  return entry;
}

/** `word` ends with one of `endings` and keeps at least three letters before it (set lookups, no scan). */
export function endsWithAny(word: string, endings: readonly string[]): boolean {
  const entry = endingsOf(endings);
  const n = word.length;
  // Every ending is at least two long (and the word at least five): its last two characters decide first.
  if (!entry.short && (n < 2 || !entry.lastTwo.has(word.charCodeAt(n - 2) * 65536 + word.charCodeAt(n - 1))))
    return false;
  for (const length of entry.lengths) {
    if (n >= length + 3 && entry.set.has(word.slice(-length))) return true;
  }
  return false;
}

/** `word` is one of `endings` (a set lookup instead of a scan of the list). */
function isEnding(word: string, endings: readonly string[]): boolean {
  return endingsOf(endings).set.has(word);
}

/**
 * Tokens a name-first street without a leading type may span from its first word to its number: three more
 * name words, an abbreviation's dot, a comma, "n.º" and the number (or the "/" of "s/n") — 9 at most.
 */
const NAME_TO_NUMBER = 12;

/** "Hauptstraße 5", "Rostocker Str. 1", "Calle Mayor, 3", "Via Roma", "Im Kalkfeld 78c, 50018 …". */
function nameFirst(scan: Scan, i: number, numberAt: number): AddressMatch | undefined {
  const { tokens } = scan.ctx;
  const token = tokens[i];
  if (token === undefined || token.kind !== 'word') return undefined;
  const folded = scan.ctx.folded(i);
  const lower = token.shape === 'lower';
  const leading = scan.leading.get(folded) ?? 0;
  if (leading !== 0 && (!lower || scan.caseless || (leading & LEADING) !== 0)) {
    const d = withDot(scan, i);
    const name = romanceName(scan, d.next);
    if (name === undefined) return undefined;
    const number = trailingNumber(scan, name.next, name.end);
    if (number !== undefined) return { start: token.start, end: number.end, numbered: true };
    // Without a number only the unambiguous types, before a capitalised name.
    if ((leading & LEADING) === 0 || scan.caseless) return undefined;
    return { start: token.start, end: name.end, numbered: false };
  }
  if ((lower && !scan.caseless) || numberAt - i > NAME_TO_NUMBER || !isNameWord(scan, i)) return undefined;
  // Up to three name words ending in a glued street word or followed by a Germanic type word.
  let k = i;
  let typed = false;
  while (k < i + 3 && k < tokens.length) {
    if (gluedEnding(scan, k)) {
      typed = true;
      break;
    }
    const next = k + 1;
    if (!joined(scan, next) || !isNameWord(scan, next)) break;
    const f = scan.ctx.folded(next);
    if (isEnding(f, scan.vocab.gluedStreetEndings) || f === 'str') {
      k = next;
      typed = true;
      break;
    }
    k = next;
  }
  const end = withDot(scan, k);
  const number = trailingNumber(scan, end.next, end.end);
  if (number === undefined) return undefined;
  if (!typed) {
    // A bare "Name 12" is a street only when a postal code comes next.
    if (!POSTAL_AFTER.test(scan.ctx.text.slice(number.end, number.end + 16))) return undefined;
    if (scan.ctx.resources.names.isCommonWord(folded) && !/^(?:im|am|an|auf|zum|zur|in)$/.test(folded))
      return undefined;
  }
  let start = token.start;
  // "van de Brinkgracht 249c": lower-case particles directly before belong to the name.
  for (let b = i - 1; b >= 0 && b >= i - 3; b--) {
    if (!isParticle(scan, b) || !LEADING_PARTICLES.has(scan.ctx.folded(b)) || !joined(scan, b + 1)) break;
    start = tokens[b]?.start ?? start;
  }
  return { start, end: number.end, numbered: true };
}

/** "33 Hillside, RM7 8GL": a number and name words with no type, only before a postal code. */
function bareNumberFirst(scan: Scan, i: number): AddressMatch | undefined {
  const { tokens } = scan.ctx;
  let end: number | undefined;
  for (let k = i + 1; k < i + 4; k++) {
    if (!joined(scan, k) || !isNameWord(scan, k) || tokens[k]?.kind !== 'word') break;
    if (scan.ctx.resources.names.isCommonWord(scan.ctx.folded(k)) && k === i + 1) return undefined;
    end = tokens[k]?.end;
    if (end !== undefined && POSTAL_AFTER.test(scan.ctx.text.slice(end, end + 16)))
      return { start: tokens[i]?.start ?? 0, end, numbered: true };
  }
  return undefined;
}

export function streetAddressesOf(ctx: TextContext): AddressMatch[] {
  const { tokens } = ctx;
  const vocab = ctx.resources.addresses;
  const scan: Scan = { ctx, vocab, leading: leadingKindsOf(vocab), caseless: ctx.caseless };
  const found: AddressMatch[] = [];
  let coveredUntil = -1;
  // The first number or "/" token after the current one: a name-first street ends in one within a few
  // tokens, so words far from any are skipped without reading them.
  let numberAt = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as TextToken;
    if (token.start < coveredUntil) continue;
    let match: AddressMatch | undefined;
    if (token.kind === 'number') {
      if (isHouseNumber(ctx, i)) match = numberFirst(scan, i) ?? bareNumberFirst(scan, i);
    } else if (token.kind === 'word') {
      if (numberAt <= i) {
        numberAt = i + 1;
        while (numberAt < tokens.length) {
          const t = tokens[numberAt] as TextToken;
          if (t.kind === 'number' || t.text === '/') break;
          numberAt++;
        }
        if (numberAt >= tokens.length) numberAt = Number.MAX_SAFE_INTEGER;
      }
      match = nameFirst(scan, i, numberAt);
    }
    if (match !== undefined) {
      found.push(match);
      coveredUntil = match.end;
    }
  }
  return found;
}

/** Street lines in `text` (see `streetAddressesOf`). */
export function findStreetAddresses(text: string, resources: TextResources): AddressMatch[] {
  return streetAddressesOf(textContext(text, resources));
}
