import type { TextSpan } from '../detection-types.js';
import { sortSmall } from '../patterns/sort-small.js';
import { NAME_COMMON, NAME_FIRST, NAME_LAST } from './name-lexicon.js';
import { PLACE_CITY, PLACE_COUNTRY, PLACE_PREFIX, PLACE_STATE, PLACE_STATE_CODE } from './place-gazetteer.js';
import { endsWithAny, streetAddressesOf } from './street-address-patterns.js';
import { type TextContext, textContext } from './text-context.js';
import { type TextToken, unitClass } from './tokenize-text.js';
import type { TextResources } from './text-resources.js';

/** Words before a place name that make an ambiguous one ("Nice", "Jordan", "Mobile") a place. Folded. */
const PLACE_CONTEXT = new Set(
  `in from to at near visiting visit city town village state province region country county lives based born
  moved located headquartered ship deliver shipped delivered via nach aus bei en de à a desde di da`.split(
    /\s+/,
  ),
);
/** Prepositions after which a town-shaped name ("Arnoldside", "Fort Hanna") is read as a town. */
const PLACE_PREPOSITIONS = new Set(`in from to near at via nach aus bei en à desde di da`.split(' '));

const POSTAL_CONTEXT =
  /\b(?:zip|zip code|zipcode|postal code|postcode|post code|plz|cp|cap|code postal|código postal|postleitzahl)(?:\s+(?:is|code|number|no\.?))?\s*[:#=]?\s*$/i;

const POSTAL_SHAPES = new RegExp(
  [
    '\\d{5}-\\d{4}', // US ZIP+4
    '\\d{5}-\\d{3}', // BR
    '\\d{5}', // US ZIP, DE, FR, IT, ES
    '\\d{4}-\\d{3}', // PT
    '\\d{2}-\\d{3}', // PL
    '\\d{4}[ \\t]?[A-Za-z]{2}', // NL
    '\\d{3}[ \\t]\\d{2}', // SE, CZ
    '\\d{4}', // AT, CH, BE, DK, NO, AU
    '[A-Za-z]{1,2}\\d[A-Za-z\\d]?[ \\t]?\\d[A-Za-z\\d][A-Za-z]', // UK (outward code and inward code)
    '[A-Za-z]\\d[A-Za-z][ \\t]?\\d[A-Za-z]\\d', // CA
  ]
    .map((p) => `(?:${p})`)
    .join('|')
    .replace(/^/, '(?<![\\p{L}\\p{N}.,:/+-])(?:')
    .concat(')(?![\\p{L}\\p{N}]|[.,:-]\\d)'),
  'gu',
);
/** What follows a US state written before its ZIP code: "UT 83900", "CO, zip code 76921-076". */
const ZIP_AFTER = /^[ \t]*,?[ \t]*(?:(?:zip|postal)(?:[ \t]?code)?[ \t]*:?[ \t]*)?\d{5}(?!\d)/i;

/** Valid UK and Canadian postcodes are distinctive enough to stand alone (upper case as written). */
const DISTINCT_POSTAL = /^(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d)$/;

/** Short function words that end a town's name in single-case text ("in marbella at 14:05"). */
const STOP_WORDS = new Set(
  `a an the and or of to in on at by for from with its it is was be are as my your his her our their this that
  i you we they he she me us them not no yes if so but via per last next new-line tel phone recipient`.split(
    /\s+/,
  ),
);
/** Lower-case words inside town names: "Santos do Sul", "Frankfurt am Main", "Saint-Étienne-du-Rouvray". */
const CITY_PARTICLES = new Set(
  `de la le les du des del della di da do dos das am an der den im sur sous en upon on`.split(' '),
);

interface Found {
  type: string;
  start: number;
  end: number;
  score: number;
  detector: string;
}

/** Texts shorter than this index their spans in a plain array (longer ones: a typed array, half the memory). */
const SHORT_TEXT = 2048;

/** Up to this many spans, overlaps are read from the spans themselves; beyond it, from the owner index. */
const PAIRWISE_SPANS = 8;

/**
 * Spans found so far, with a per-character owner index (the first span pushed that covers each character)
 * so that overlap tests cost O(span length). The index is made past PAIRWISE_SPANS spans: most texts hold
 * no place or a few, and an array the length of the text per text costs more than the few comparisons.
 */
class SpanIndex {
  readonly list: Found[] = [];
  private owner: Int32Array | number[] | undefined;
  constructor(private readonly length: number) {}
  push(span: Found): void {
    this.list.push(span);
    if (this.owner !== undefined) markOwner(this.owner, span, this.list.length);
    else if (this.list.length > PAIRWISE_SPANS) {
      // A plain array for a short text: a typed array over 64 bytes is allocated off the heap, ~1 µs.
      const owner =
        this.length < SHORT_TEXT
          ? new Array<number>(this.length + 1).fill(0)
          : new Int32Array(this.length + 1);
      this.list.forEach((s, k) => markOwner(owner, s, k + 1));
      this.owner = owner;
    }
  }
  /** The first span pushed that covers character `c`: what the owner index holds there. */
  private firstAt(c: number): Found | undefined {
    for (const s of this.list) if (s.start <= c && c < s.end) return s;
    return undefined;
  }
  /** A span covering any character of [start, end), other than `except`. */
  overlapping(start: number, end: number, except?: Found): Found | undefined {
    const owner = this.owner;
    if (owner === undefined) {
      // Few spans: the first covered character is found from the spans themselves, and its owner is the
      // first span covering it; with `except`, character by character as with the index.
      if (this.list.length === 0) return undefined;
      const lo = Math.max(0, start);
      const hi = Math.min(end, this.length + 1);
      if (except === undefined) {
        let first = -1;
        for (const s of this.list) {
          const from = Math.max(lo, s.start);
          if (from < Math.min(hi, s.end) && (first < 0 || from < first)) first = from;
        }
        return first < 0 ? undefined : this.firstAt(first);
      }
      for (let c = lo; c < hi; c++) {
        const s = this.firstAt(c);
        if (s !== undefined && s !== except) return s;
      }
      return undefined;
    }
    for (let c = Math.max(0, start); c < end && c < owner.length; c++) {
      const id = owner[c] ?? 0;
      if (id !== 0 && this.list[id - 1] !== except) return this.list[id - 1];
    }
    return undefined;
  }
  /** The span covering character `offset`, if any. */
  at(offset: number): Found | undefined {
    const owner = this.owner;
    if (owner === undefined) return offset >= 0 && offset <= this.length ? this.firstAt(offset) : undefined;
    const id = offset >= 0 && offset < owner.length ? (owner[offset] ?? 0) : 0;
    return id === 0 ? undefined : this.list[id - 1];
  }
}

/** Marks the characters of `span` that no earlier span covers as its own (`id`: its place in the list, from 1). */
function markOwner(owner: Int32Array | number[], span: Found, id: number): void {
  for (let c = span.start; c < span.end; c++) if (owner[c] === 0) owner[c] = id;
}

function overlapping(spans: SpanIndex, start: number, end: number, except?: Found): Found | undefined {
  return spans.overlapping(start, end, except);
}

function previousWord(ctx: TextContext, i: number): string | undefined {
  for (let j = i - 1; j >= 0 && j >= i - 2; j--) {
    const token = ctx.tokens[j];
    if (token === undefined) return undefined;
    if (token.kind === 'word') return ctx.folded(j);
    if (token.text !== ',' && token.text !== ':') return undefined;
  }
  return undefined;
}

/** Index of the first token starting at or after `offset` (binary search). */
function tokenAt(ctx: TextContext, offset: number): number {
  let lo = 0;
  let hi = ctx.tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ctx.tokens[mid]?.start ?? 0) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last token ending at or before `offset`. */
function tokenBefore(ctx: TextContext, offset: number): number {
  let i = tokenAt(ctx, offset) - 1;
  while (i >= 0 && (ctx.tokens[i]?.end ?? 0) > offset) i--;
  return i;
}

/** A word that can carry a town's name here: capitalised (any word in single-case text), not a stop word. */
function placeWord(ctx: TextContext, i: number): boolean {
  const token = ctx.tokens[i];
  if (token?.kind !== 'word') return false;
  // The shape first: a lower-case word in cased text needs no lookup.
  if (!ctx.caseless && token.shape !== 'capital' && token.shape !== 'upper') return false;
  return !STOP_WORDS.has(ctx.folded(i));
}

function sameLine(ctx: TextContext, i: number): boolean {
  const token = ctx.tokens[i];
  return token !== undefined && token.spaceBefore && !token.lineBefore;
}

/** Per phrase set: the first word of each phrase. */
const firstWordSets = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

/** The set last asked about, before the WeakMap: one set is asked about for nearly every word. */
let lastPhrases: ReadonlySet<string> | undefined;
let lastFirsts: ReadonlySet<string> = new Set();

function firstWordsOf(phrases: ReadonlySet<string>): ReadonlySet<string> {
  if (phrases === lastPhrases) return lastFirsts;
  let firsts = firstWordSets.get(phrases);
  if (firsts === undefined) {
    firsts = new Set([...phrases].map((p) => p.split(' ')[0] ?? p));
    firstWordSets.set(phrases, firsts);
  }
  lastPhrases = phrases;
  lastFirsts = firsts;
  return firsts;
}

/** The folded suffix phrase ("do sul", "a mare") starting at token `i`, as a token count, or 0. */
function suffixPhraseAt(ctx: TextContext, i: number): number {
  const { citySuffixPhrases, citySuffixMaxWords } = ctx.resources.addresses;
  // No phrase starts with this word (nearly every word): no phrase to build.
  if (ctx.tokens[i]?.kind !== 'word' || !firstWordsOf(citySuffixPhrases).has(ctx.folded(i))) return 0;
  let phrase = '';
  let best = 0;
  for (let n = 1; n <= citySuffixMaxWords; n++) {
    const k = i + n - 1;
    if (ctx.tokens[k]?.kind !== 'word' || !sameLine(ctx, k)) break;
    phrase = n === 1 ? ctx.folded(k) : `${phrase} ${ctx.folded(k)}`;
    if (citySuffixPhrases.has(phrase)) best = n;
  }
  return best;
}

interface Run {
  readonly first: number;
  readonly last: number;
  readonly start: number;
  readonly end: number;
}

function run(ctx: TextContext, first: number, last: number): Run {
  return { first, last, start: ctx.tokens[first]?.start ?? 0, end: ctx.tokens[last]?.end ?? 0 };
}

/** A town's name starting at token `i`: up to four words, with particles and suffix phrases inside. */
function cityRunFrom(ctx: TextContext, i: number, taken: SpanIndex): Run | undefined {
  if (!placeWord(ctx, i)) return undefined;
  const head = ctx.tokens[i];
  if (head === undefined || overlapping(taken, head.start, head.end) !== undefined) return undefined;
  if (
    !ctx.caseless &&
    (ctx.nameFlags(i) & NAME_COMMON) !== 0 &&
    !ctx.resources.addresses.cityPrefixes.has(ctx.folded(i))
  )
    return undefined;
  let last = i;
  let words = 1;
  while (words < 4) {
    const k = last + 1;
    if (!sameLine(ctx, k)) break;
    const phrase = suffixPhraseAt(ctx, k);
    if (phrase > 0) {
      last = k + phrase - 1;
      break;
    }
    const token = ctx.tokens[k];
    if (token?.kind !== 'word') break;
    const folded = ctx.folded(k);
    if (
      token.shape === 'lower' &&
      CITY_PARTICLES.has(folded) &&
      !ctx.caseless &&
      placeWord(ctx, k + 1) &&
      sameLine(ctx, k + 1)
    ) {
      last = k + 1;
      words += 2;
      continue;
    }
    if (!placeWord(ctx, k) || overlapping(taken, token.start, token.end) !== undefined) break;
    // "Springfield IL 62704": a state code ends the town.
    if (!ctx.caseless && token.shape === 'upper' && ctx.placeFlags(k) & PLACE_STATE_CODE) break;
    if (ctx.caseless && ctx.placeFlags(k) & (PLACE_STATE_CODE | PLACE_STATE | PLACE_COUNTRY)) break;
    last = k;
    words++;
  }
  return run(ctx, i, last);
}

/** A town's name ending at token `j`, read backwards: "… to Fort Eloisa|, Maine", "Ester salentino|, 90165". */
function cityRunBefore(ctx: TextContext, j: number, taken: SpanIndex, except?: Found): Run | undefined {
  let k = j;
  // A lower-case suffix phrase at the end ("a mare", "salentino") belongs to the name.
  for (let n = ctx.resources.addresses.citySuffixMaxWords; n >= 1; n--) {
    if (j - n + 1 > 0 && suffixPhraseAt(ctx, j - n + 1) === n) {
      k = j - n;
      break;
    }
  }
  if (k < j && !sameLine(ctx, k + 1)) return undefined;
  let first = -1;
  let words = 0;
  for (; k >= 0 && words < 4; k--) {
    const token = ctx.tokens[k];
    if (token?.kind !== 'word' || overlapping(taken, token.start, token.end, except) !== undefined) break;
    const folded = ctx.folded(k);
    const particle = token.shape === 'lower' && !ctx.caseless && CITY_PARTICLES.has(folded) && first !== -1;
    if (!particle && !placeWord(ctx, k)) break;
    if (!particle) first = k;
    words++;
    if (!sameLine(ctx, k)) break;
  }
  if (first === -1) return undefined;
  // Everyday words at the front are not part of the name ("Hello Springfield").
  while (first < j && everyday(ctx, first)) first++;
  if (everyday(ctx, first)) return undefined;
  return run(ctx, first, j);
}

/** An everyday word that is no town prefix, in text that has letter cases. */
function everyday(ctx: TextContext, i: number): boolean {
  return (
    !ctx.caseless &&
    (ctx.nameFlags(i) & NAME_COMMON) !== 0 &&
    !ctx.resources.addresses.cityPrefixes.has(ctx.folded(i))
  );
}

/** Countries, states and known towns from the gazetteer. */
function gazetteerSpans(ctx: TextContext, found: SpanIndex): void {
  const { tokens } = ctx;
  const { places } = ctx.resources;
  for (let i = 0; i < tokens.length; i++) {
    const head = tokens[i];
    if (head?.kind !== 'word' || head.shape === 'mixed') continue;
    const lowerHead = head.shape === 'lower';
    if (lowerHead && !ctx.caseless) continue;
    if (overlapping(found, head.start, head.end) !== undefined) continue;
    // One cached lookup per word; longer phrases only while the words so far begin a longer name.
    let phraseFlags = ctx.placeFlags(i);
    if (phraseFlags === 0) continue;
    let phrase = ctx.folded(i);
    let best: { n: number; flags: number } | undefined =
      (phraseFlags & ~PLACE_PREFIX) !== 0 ? { n: 1, flags: phraseFlags & ~PLACE_PREFIX } : undefined;
    for (let n = 2; n <= places.maxTokens && (phraseFlags & PLACE_PREFIX) !== 0; n++) {
      const token = tokens[i + n - 1];
      if (token === undefined || token.kind !== 'word' || !sameLine(ctx, i + n - 1)) break;
      phrase = `${phrase} ${ctx.folded(i + n - 1)}`;
      phraseFlags = places.lookup(phrase);
      if ((phraseFlags & ~PLACE_PREFIX) !== 0) best = { n, flags: phraseFlags & ~PLACE_PREFIX };
    }
    if (best === undefined) continue;
    // "Santos do Sul", "Ester salentino": a town suffix after a known name belongs to the town.
    const suffix = best.flags & PLACE_CITY ? suffixPhraseAt(ctx, i + best.n) : 0;
    if (suffix > 0) best = { n: best.n + suffix, flags: PLACE_CITY };
    const last = tokens[i + best.n - 1];
    if (last === undefined) continue;
    const start = head.start;
    const end = last.end;
    const before = previousWord(ctx, i);
    const contextual = before !== undefined && PLACE_CONTEXT.has(before);
    const afterComma = tokens[i - 1]?.text === ',';
    const { flags } = best;
    // "Carrollcester CO, zip code 76921", "Rogahnchester, UT 83900": a state before a ZIP code is a state.
    const beforeZip =
      flags & (PLACE_STATE | PLACE_STATE_CODE) && ZIP_AFTER.test(ctx.text.slice(end, end + 24));
    const single = best.n === 1;
    const ambiguous =
      single &&
      !beforeZip &&
      ((ctx.nameFlags(i) & (NAME_COMMON | NAME_FIRST | NAME_LAST)) !== 0 || lowerHead);
    let type: string;
    let score: number;
    if (
      flags & PLACE_STATE_CODE &&
      single &&
      (beforeZip || (afterComma && head.shape === 'upper' && !ctx.caseless))
    ) {
      // A code in capitals after a town's comma, or any code before a ZIP, even where a town bears the
      // same letters ("UT", "OR"); in single-case text only before a ZIP (", or" is a conjunction there).
      type = 'STATE';
      score = 0.8;
    } else if (flags & PLACE_COUNTRY && !(flags & PLACE_STATE && (afterComma || beforeZip))) {
      // "Tbilisi, Georgia" reads the same as "Atlanta, Georgia": after a comma a state name is a state.
      type = 'COUNTRY';
      score = 0.8;
    } else if (flags & PLACE_STATE && (afterComma || beforeZip || !(flags & PLACE_CITY))) {
      type = 'STATE';
      score = 0.75;
    } else if (flags & PLACE_CITY) {
      type = 'CITY';
      score = 0.65;
    } else if (flags & PLACE_STATE_CODE && (head.shape === 'upper' || ctx.caseless) && afterComma) {
      type = 'STATE';
      score = 0.8;
    } else {
      continue;
    }
    if (type !== 'STATE' || !(flags & PLACE_STATE_CODE)) {
      if (ambiguous && !contextual && !afterComma) continue;
      if (ambiguous) score = 0.6;
      else if (contextual || afterComma || beforeZip) score = Math.min(0.9, score + 0.15);
    }
    found.push({ type, start, end, score, detector: 'gazetteer' });
    i += best.n - 1;
  }
}

/** Marks `r` as a town, or raises the score of a gazetteer town already there. */
function addCity(found: SpanIndex, r: Run | undefined, score: number, detector: string): boolean {
  if (r === undefined || r.end <= r.start) return false;
  const clash = overlapping(found, r.start, r.end);
  if (clash === undefined) {
    found.push({ type: 'CITY', start: r.start, end: r.end, score, detector });
    return true;
  }
  // A known place that sits where a town belongs ("Springfield, IL"): the structure decides the type.
  if (clash.start === r.start && clash.end === r.end && clash.type !== 'STREET_ADDRESS') {
    if (clash.type === 'CITY' || clash.type === 'STATE') {
      clash.type = 'CITY';
      clash.score = Math.max(clash.score, score);
    }
    return true;
  }
  return false;
}

interface Postal {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  accepted: boolean;
}

/** The same shapes, tried only where a token holding a digit starts (see `postalMatches`). */
const POSTAL_SHAPES_AT = new RegExp(POSTAL_SHAPES.source, 'uy');

/**
 * Whether a postal shape can match at `start`: UK and Canadian codes begin with an ASCII letter, the others
 * with two to five ASCII digits (after one digit, or six, every shape fails: a digit follows where none may);
 * two digits only before "-" (PL), three only before a blank (SE, CZ).
 */
function mayStartPostal(text: string, start: number): boolean {
  const first = text.charCodeAt(start);
  if ((first >= 65 && first <= 90) || (first >= 97 && first <= 122)) return true;
  let run = 0;
  while (run < 6) {
    const code = text.charCodeAt(start + run);
    if (!(code >= 48 && code <= 57)) break; // NaN past the end too
    run++;
  }
  if (run === 2) return text.charCodeAt(start + 2) === 45;
  if (run === 3) return text.charCodeAt(start + 3) === 32 || text.charCodeAt(start + 3) === 9;
  return run >= 4 && run <= 5;
}

/** Per code unit: a combining mark. */
const isMarkUnit = unitClass(/\p{M}/u);

/**
 * Every match of POSTAL_SHAPES in the text, as `matchAll` gives them. Each shape holds a digit within
 * its first word and may not follow a letter or digit, so a match starts where a token holding a digit
 * starts — or, inside a token, right after an apostrophe or a combining mark: in a text holding one, those
 * positions (and any after the low half of an astral character, which may be a mark) are tried too, in
 * text order.
 */
function postalMatches(ctx: TextContext): { start: number; text: string }[] {
  const { text, tokens } = ctx;
  const out: { start: number; text: string }[] = [];
  let from = 0;
  if (!ctx.markOrApostrophe) {
    for (const token of tokens) {
      if (token.kind !== 'number' || token.start < from || !mayStartPostal(text, token.start)) continue;
      POSTAL_SHAPES_AT.lastIndex = token.start;
      const m = POSTAL_SHAPES_AT.exec(text);
      if (m === null) continue;
      out.push({ start: m.index, text: m[0] });
      from = m.index + m[0].length;
    }
    return out;
  }
  let k = 0;
  for (let p = 0; p < text.length; p++) {
    while (k < tokens.length && (tokens[k] as TextToken).start < p) k++;
    const token = tokens[k];
    let candidate = token !== undefined && token.start === p && token.kind === 'number';
    if (!candidate && p > 0) {
      const b = text.charCodeAt(p - 1);
      candidate = b === 39 || b === 0x2019 || (b >= 0x300 && (isMarkUnit(b) || (b >= 0xdc00 && b <= 0xdfff)));
    }
    if (!candidate || p < from || !mayStartPostal(text, p)) continue;
    POSTAL_SHAPES_AT.lastIndex = p;
    const m = POSTAL_SHAPES_AT.exec(text);
    if (m === null) continue;
    out.push({ start: m.index, text: m[0] });
    from = m.index + m[0].length;
  }
  return out;
}

function postalCandidates(ctx: TextContext, found: SpanIndex): Postal[] {
  const out: Postal[] = [];
  if (!/\d/.test(ctx.text)) return out;
  for (const match of postalMatches(ctx)) {
    const start = match.start;
    const end = start + match.text.length;
    if (overlapping(found, start, end) !== undefined) continue;
    // Mixed-case text writes UK/CA/NL letters in capitals; "ab12 3cd" there is not a postcode.
    if (!ctx.caseless && /[a-z]/.test(match.text)) continue;
    out.push({ start, end, text: match.text, accepted: false });
  }
  return out;
}

/** Town names by their place in an address, anchored on streets, states, postal codes and countries. */
function structuralCities(ctx: TextContext, found: SpanIndex, postals: Postal[]): void {
  const { text } = ctx;
  const byStart = new Map(postals.map((p) => [p.start, p]));
  // "Springfield, IL 62704", "Kaylinburgh, West Virginia": the words before ", <state>".
  for (const state of found.list.filter((s) => s.type === 'STATE')) {
    if (text.charAt(state.start - 2) !== ',' && text.charAt(state.start - 1) !== ',') continue;
    const comma = text.lastIndexOf(',', state.start);
    const j = tokenBefore(ctx, comma);
    addCity(found, cityRunBefore(ctx, j, found, state), 0.85, 'address_pattern');
  }
  // "<street>, Townsville" / "<street>\nTownsville" and "<street>, 12345 Town" / "<street>\n12345 Town".
  for (const street of found.list.filter((s) => s.type === 'STREET_ADDRESS')) {
    const gap = /^(?:,[ \t]*|[ \t]*\n[ \t]*)/.exec(text.slice(street.end, street.end + 8));
    if (gap === null) continue;
    const offset = street.end + gap[0].length;
    const postal = byStart.get(offset);
    if (postal !== undefined) {
      postal.accepted = true;
      continue;
    }
    addCity(found, cityRunFrom(ctx, tokenAt(ctx, offset), found), 0.8, 'address_pattern');
  }
  // "…, Carrollstad, 87727, …": a town directly before ", <postal>" after a street.
  for (const postal of postals) {
    const before = text.slice(Math.max(0, postal.start - 2), postal.start);
    if (!/,[ \t]?$/.test(before)) continue;
    const j = tokenBefore(ctx, text.lastIndexOf(',', postal.start));
    const r = cityRunBefore(ctx, j, found);
    if (r === undefined) continue;
    const prior = text.slice(Math.max(0, r.start - 2), r.start);
    const gapBefore = /,?[ \t]*$/.exec(text.slice(Math.max(0, r.start - 3), r.start))?.[0].length ?? 0;
    const afterAddress = found.at(r.start - gapBefore - 1)?.type === 'STREET_ADDRESS';
    if (/,[ \t]?$/.test(prior) && afterAddress) {
      addCity(found, r, 0.8, 'address_pattern');
      postal.accepted = true;
    }
  }
}

/** Postal codes next to other address parts or after a "zip"/"postcode" label; towns after them. */
function postalCodes(ctx: TextContext, found: SpanIndex, postals: Postal[]): void {
  const { text } = ctx;
  for (const postal of postals) {
    const { start, end } = postal;
    if (overlapping(found, start, end) !== undefined) continue;
    const before = found.at(start - 1) ?? found.at(start - 2) ?? found.at(start - 3);
    const after = found.at(end) ?? found.at(end + 1) ?? found.at(end + 2);
    const near =
      (before !== undefined &&
        before.type !== 'COUNTRY' &&
        before.end <= start &&
        (!/\n/.test(text.slice(before.end, start)) ||
          (before.type === 'STREET_ADDRESS' && /^[,\s]{1,4}$/.test(text.slice(before.end, start))))) ||
      (after !== undefined && after.type !== 'COUNTRY' && after.start >= end);
    const context = POSTAL_CONTEXT.test(text.slice(Math.max(0, start - 24), start));
    const distinct = DISTINCT_POSTAL.test(postal.text);
    // A postal code followed on its line by a town-shaped name: "10115 Berlin", "KY2 5ZZ Brakusington".
    const next = tokenAt(ctx, end);
    const cityAfter = /^[ \t]/.test(text.charAt(end)) ? cityRunFrom(ctx, next, found) : undefined;
    const lineStart = /(?:^|\n|,)[ \t]*$/.test(text.slice(Math.max(0, start - 3), start));
    const accepted =
      postal.accepted ||
      near ||
      context ||
      distinct ||
      (cityAfter !== undefined && lineStart && !/^\d{4}$/.test(postal.text) && townShaped(ctx, cityAfter));
    if (!accepted) continue;
    if (/^\d{4}$/.test(postal.text) && !context && !near && !postal.accepted) continue;
    found.push({
      type: 'POSTAL_CODE',
      start,
      end,
      score: near || context || postal.accepted || cityAfter !== undefined ? 0.8 : 0.5,
      detector: 'address_pattern',
    });
    if (cityAfter !== undefined && (near || postal.accepted || lineStart))
      addCity(found, cityAfter, 0.8, 'address_pattern');
  }
}

/** The run looks like a town's name by its own parts: a prefix, a suffix phrase, an ending or an infix. */
function townShape(ctx: TextContext, r: Run, strongOnly = false): 'strong' | 'ending' | 'weak' | null {
  const { addresses, names, places } = ctx.resources;
  const words: string[] = [];
  for (let k = r.first; k <= r.last; k++) if (ctx.tokens[k]?.kind === 'word') words.push(ctx.folded(k));
  if (words.length === 0) return null;
  // One word (most runs): its place flags are already looked up, and cached.
  const flags =
    r.first === r.last
      ? ctx.placeFlags(r.first)
      : places.lookup(words.length === 1 ? (words[0] ?? '') : words.join(' '));
  if (flags & PLACE_CITY) return 'strong';
  const head = words[0] ?? '';
  if (words.length >= 2 && addresses.cityPrefixes.has(head)) return 'strong';
  for (let k = r.first + 1; k <= r.last; k++) if (suffixPhraseAt(ctx, k) === r.last - k + 1) return 'strong';
  const tail = words[words.length - 1] ?? '';
  // Every infix is hyphenated ("-upon-"): a word without a hyphen holds none.
  if (tail.includes('-') && addresses.cityInfixes.some((infix) => tail.includes(infix))) return 'strong';
  if (strongOnly) return null;
  // An ending alone ("-port", "-ville") is weaker than a prefix or suffix phrase: "Passport", "Report".
  if (endsWithAny(tail, addresses.cityEndings))
    return names.isFirstName(tail) || names.isLastName(tail) || names.isCommonWord(tail) ? 'weak' : 'ending';
  if (endsWithAny(tail, addresses.shortCityEndings) && !names.isCommonWord(tail)) return 'weak';
  return null;
}

function townShaped(ctx: TextContext, r: Run): boolean {
  return townShape(ctx, r) !== null;
}

/** Town-shaped names after "in", "from", "to", or before ", <state|country|postal code>". */
function shapedCities(ctx: TextContext, found: SpanIndex): void {
  const { tokens, text } = ctx;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token?.kind !== 'word') continue;
    if (!ctx.caseless && token.shape !== 'capital' && token.shape !== 'upper') continue;
    if (overlapping(found, token.start, token.end) !== undefined) continue;
    const r = cityRunFrom(ctx, i, found);
    if (r === undefined) continue;
    const before = previousWord(ctx, i);
    const preposition =
      before !== undefined && PLACE_PREPOSITIONS.has(before) && tokens[i - 1]?.kind === 'word';
    // `/^,[ \t]*/` on the three characters after the run: its length, or -1.
    let after = -1;
    if (text.charCodeAt(r.end) === 44) {
      after = 1;
      while (after < 3 && (text.charCodeAt(r.end + after) === 32 || text.charCodeAt(r.end + after) === 9))
        after++;
    }
    const next = after < 0 ? undefined : found.at(r.end + after);
    const nextPart =
      after >= 0 &&
      next !== undefined &&
      next.start === r.end + after &&
      next.type !== 'STREET_ADDRESS' &&
      next.type !== 'CITY';
    const evidence = (preposition ? 1 : 0) + (nextPart ? 1 : 0);
    // Without evidence only a strong shape in cased text scores: the endings need not be looked at.
    if (evidence === 0 && ctx.caseless) {
      i = r.last;
      continue;
    }
    const shape = townShape(ctx, r, evidence === 0);
    let score = 0;
    if (shape === 'strong') score = evidence > 0 ? 0.8 : ctx.caseless ? 0 : 0.55;
    else if (shape === 'ending') score = evidence > 0 ? 0.8 : 0;
    else if (shape === 'weak') score = evidence > 0 ? 0.65 : 0;
    else if (nextPart && preposition) score = 0.65;
    if (score > 0) addCity(found, r, score, 'town_shape');
    i = r.last;
  }
}

export function locationSpansOf(ctx: TextContext): TextSpan[] {
  const found = new SpanIndex(ctx.text.length);
  for (const m of streetAddressesOf(ctx)) {
    found.push({
      type: 'STREET_ADDRESS',
      start: m.start,
      end: m.end,
      score: m.numbered ? 0.85 : 0.5,
      detector: 'address_pattern',
    });
  }
  gazetteerSpans(ctx, found);
  const postals = postalCandidates(ctx, found);
  structuralCities(ctx, found, postals);
  postalCodes(ctx, found, postals);
  shapedCities(ctx, found);
  return sortSmall([...found.list], (a, b) => a.start - b.start);
}

/** Street addresses, cities, states, countries and postal codes, by lists, word shapes and address structure. */
export function findLocationSpans(text: string, resources: TextResources): TextSpan[] {
  return locationSpansOf(textContext(text, resources));
}
