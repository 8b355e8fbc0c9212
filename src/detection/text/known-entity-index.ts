import { randomBytes } from 'node:crypto';

import { FingerprintSet, type SharedFingerprints } from '../../core/index.js';
import type { EntityId, TextSpan } from '../detection-types.js';
import { ASCII_DIGIT, classOf, SPACE_CHAR, UPPER_CHAR, WordScan } from './scan-words.js';

/**
 * Values from a source's personal columns (names, emails, phones), recognised when they recur verbatim in
 * free text. Only keyed 64-bit fingerprints are kept (a FingerprintSet: 8 bytes a slot, random key per
 * run), in shared memory: the pipeline builds the index once and its worker threads receive it without a
 * copy or a second read of the source (`share` / `fromShared`). 1 M people (email, phone, name) ≈ 32 MB;
 * `maxEntries` bounds it. A random n-gram hits by accident with probability ~size / 2^64 per lookup.
 */
export interface KnownEntityIndexOptions {
  /** At least 8 bytes: the fingerprint key. Random per index by default. */
  readonly key?: Uint8Array;
  /** Entries beyond this are ignored (and counted in `dropped`). Default 11,000,000 (≤ 128 MB of slots). */
  readonly maxEntries?: number;
  /** Score of a verbatim hit. Default 0.95. */
  readonly score?: number;
  /** Entries the caller expects (e.g. from planner row estimates): sizes the prefilter. */
  readonly expectedEntries?: number;
}

/** Everything a worker thread needs to use an index built elsewhere. */
export interface SharedKnownEntities {
  readonly fingerprints: SharedFingerprints;
  readonly filter: SharedArrayBuffer;
  readonly filterSeeds: readonly [number, number];
  readonly types: readonly string[];
  readonly maxEntries: number;
  readonly score: number;
}

const DIGITS_ONLY = /\D+/g;
const EXTENSION = /\s*(?:x|ext\.?|extension)\s*\d+\s*$/i;
// Words are read by `WordScan` (scan-words.ts): the matches of [\p{L}\p{M}\p{N}]+(?:['’.\-@+_][\p{L}\p{M}\p{N}]+)*
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const PHONE = /\+?\(?\d[\d\s().-]{5,20}\d/g;
const MAX_WORDS = 4;
/**
 * Prefilter bitmap: ~8 bits per expected entry (each sets up to two), between 2^20 bits (128 KiB) and 2^28
 * (32 MiB), so that about 1 phrase in 5 or fewer reaches a lookup. A saturated bitmap sends every phrase to
 * the fingerprint table (measured: at 3 M entries in 2^20 bits, lookups took a fifth of the run). More bits
 * buy nothing: `find` over bench-like notes took the same time at 16 and 32 bits (300k people, 2026-11-28),
 * and at 8 it was 4-9% faster than at 16 (a smaller bitmap stays in cache; 1.6 M and 5.8 M frozen entries,
 * interleaved, same hits, 2026-11-29) — 8 MB less at 5M people; 4 bits were no faster again.
 */
const MIN_FILTER_BITS = 20;
const MAX_FILTER_BITS = 28;
const FILTER_BITS_PER_ENTRY = 8;
// 5 M people (e-mail, phone, name each) need ~6.2 M distinct entries: a 5 M cap dropped 1.2 M of them on the
// bench, and the verification refused the snapshot for the phones only those entries would have found.
const DEFAULT_MAX_ENTRIES = 11_000_000;

const TAG_VALUE = 1;
const TAG_HEAD = 2;
const TAG_PHONE = 3;
const FNV_PRIME = 0x01000193;
/** A phone number of fewer digits is not indexed nor looked up. */
const MIN_PHONE_DIGITS = 7;
/** The digits of a phone number kept: the last nine. */
const PHONE_DIGITS = 9;
/** Words of the text being read by `find` (one scan at a time: `find` is synchronous). */
const words = new WordScan();

export type KnownValueKind = 'name' | 'email' | 'phone' | 'text';

function normalise(value: string, kind: KnownValueKind): string {
  // The last nine digits survive every way of writing a number: +1 (555) 010-4477, 555-010-4477, 0044 / 0…
  // An extension ("x73659", "ext. 12") is not part of the number: text often quotes the number without it.
  if (kind === 'phone') {
    // Every form of an extension holds an x: without one, the regex has nothing to remove.
    const number = hasX(value) ? value.replace(EXTENSION, '') : value;
    return number.replace(DIGITS_ONLY, '').slice(-PHONE_DIGITS);
  }
  return normaliseText(value);
}

/**
 * NFC, lower case, whitespace runs as one space, trimmed. An ASCII value is its own NFC, and lower-cased and
 * spaced by hand only where it needs it: a value already in that form is returned as it is.
 */
function normaliseText(value: string): string {
  let upper = false;
  let spacing = false;
  let previous = 32;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
    if (c >= 65 && c <= 90) upper = true;
    else if (c === 32 ? previous === 32 : c >= 9 && c <= 13) spacing = true;
    previous = c;
  }
  if (previous === 32) spacing = true;
  const lower = upper ? value.toLowerCase() : value;
  return spacing ? lower.replace(/\s+/g, ' ').trim() : lower;
}

function hasX(value: string): boolean {
  for (let i = 0; i < value.length; i++) if ((value.charCodeAt(i) | 32) === 120) return true;
  return false;
}

/** ASCII digits in `value[from, to)`. */
function digitsIn(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((classOf(value.charCodeAt(i)) & ASCII_DIGIT) !== 0) n++;
  return n;
}

/** Slots for `entries` values at the set's 70% load, as a power of two. */
function slotsFor(entries: number): number {
  let slots = 1024;
  while (slots * 0.7 < entries) slots *= 2;
  return slots;
}

export class KnownEntityIndex {
  readonly #set: FingerprintSet;
  /** `p` or `t` + entity id, in order of first use: its position is the fingerprint's salt. */
  readonly #types: string[];
  readonly #maxEntries: number;
  readonly #score: number;
  #dropped = 0;
  /*
   * Prefilter, so that `find` looks up fingerprints only for phrases that may be indexed: one bit per
   * indexed value (`t`/`p` + normalised value) and one per first word (`h` + word), at a seeded 32-bit FNV-1a
   * hash. It leaks nothing useful: the seed is random per index and leaves the process only sealed under the
   * run's key (units of work, see pipeline/load-units.ts), each value
   * leaves at most 20 bits that thousands of other strings share (no value can be read back), and testing a
   * guessed value against it needs the seed — whoever holds the seed also holds the fingerprint key beside
   * it, which answers the same question exactly. A bitmap hit only triggers the real lookup.
   */
  readonly #filter: Uint32Array;
  readonly #filterMask: number;
  readonly #seed: number;
  readonly #seedHigh: number;
  /** Salts and entity ids of the text (`t`) and phone (`p`) types, in the order of `#types`. */
  readonly #textSalts: number[] = [];
  readonly #textTypes: EntityId[] = [];
  readonly #phoneSalts: number[] = [];
  readonly #phoneTypes: EntityId[] = [];

  constructor(options: KnownEntityIndexOptions = {}, shared?: SharedKnownEntities) {
    if (shared !== undefined) {
      this.#set = FingerprintSet.fromShared(shared.fingerprints);
      this.#filter = new Uint32Array(shared.filter);
      this.#filterMask = this.#filter.length * 32 - 1;
      [this.#seed, this.#seedHigh] = shared.filterSeeds;
      this.#types = [];
      for (const name of shared.types) this.#salt(name[0] === 'p' ? 'p' : 't', name.slice(1));
      this.#maxEntries = shared.maxEntries;
      this.#score = shared.score;
      return;
    }
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#set = new FingerprintSet({
      ...(options.key === undefined ? {} : { key: Buffer.from(options.key).subarray(0, 8) }),
      maxSlots: slotsFor(this.#maxEntries),
    });
    let bits = MIN_FILTER_BITS;
    const wanted = (options.expectedEntries ?? 0) * FILTER_BITS_PER_ENTRY;
    while (bits < MAX_FILTER_BITS && 2 ** bits < wanted) bits++;
    this.#filter = new Uint32Array(new SharedArrayBuffer(2 ** (bits - 3)));
    this.#filterMask = 2 ** bits - 1;
    const seed = randomBytes(8);
    this.#seed = seed.readUInt32LE(0);
    this.#seedHigh = seed.readUInt32LE(4);
    this.#types = [];
    this.#score = options.score ?? 0.95;
  }

  /** The index over the memory of one built elsewhere (a worker thread's view). */
  static fromShared(shared: SharedKnownEntities): KnownEntityIndex {
    return new KnownEntityIndex({}, shared);
  }

  /** Hands the built index to worker threads: the buffers stay shared, read-only by contract. */
  share(): SharedKnownEntities {
    return {
      fingerprints: this.#set.share(),
      filter: this.#filter.buffer as SharedArrayBuffer,
      filterSeeds: [this.#seed, this.#seedHigh],
      types: [...this.#types],
      maxEntries: this.#maxEntries,
      score: this.#score,
    };
  }

  get size(): number {
    return this.#set.size;
  }

  /**
   * Ends the building: the fingerprints move into the set's compact read-only form (FingerprintSet.freeze,
   * lane B only: ~5 bytes an entry instead of 11-14, e.g. 6.2 M entries of 5 M people in ~33 MB instead of
   * ~84 MB), so the index that every transform worker reads during the load holds less. Lane A's bucket bits
   * and lane B still tell values apart: an absent phrase answers present with probability ~size / 2^52
   * (~1e-9 per lookup at that size), and such a false hit only redacts a phrase that needed no redaction.
   */
  freeze(): void {
    this.#set.freeze('lane-b');
  }

  get dropped(): number {
    return this.#dropped + this.#set.dropped;
  }

  /** Seeded FNV-1a over the UTF-16 units of `tag` + `value`, finished with murmur3's avalanche. */
  #quick(tag: number, value: string, length = value.length): number {
    let h = this.#start(tag);
    for (let i = 0; i < length; i++) h = Math.imul(h ^ value.charCodeAt(i), FNV_PRIME);
    return this.#finish(h);
  }

  /** The FNV state before the first unit. */
  #start(tag: number): number {
    return (this.#seed ^ Math.imul(tag, 0x9e3779b1)) >>> 0;
  }

  /** The bit of an FNV state: seeded, avalanched, masked to the bitmap. */
  #finish(state: number): number {
    let h = state ^ this.#seedHigh;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) & this.#filterMask) >>> 0;
  }

  #mark(bit: number): void {
    this.#filter[bit >>> 5] = (this.#filter[bit >>> 5] ?? 0) | (1 << (bit & 31));
  }

  #isSet(bit: number): boolean {
    return ((this.#filter[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  /** The salt of a (phone or text, entity id) pair; the kind tag keeps digits apart from all-digit words. */
  #salt(kind: 'p' | 't', type: EntityId): number {
    const types = kind === 'p' ? this.#phoneTypes : this.#textTypes;
    const salts = kind === 'p' ? this.#phoneSalts : this.#textSalts;
    for (let k = 0; k < types.length; k++) if (types[k] === type) return salts[k] as number;
    const salt = Math.imul(this.#types.push(`${kind}${type}`), 0x2c1b3c6d);
    types.push(type);
    salts.push(salt);
    return salt;
  }

  /** The entity id a normalised value was indexed under, if any (the first in order of first use). */
  #lookup(kind: 'p' | 't', normalised: string): EntityId | undefined {
    const types = kind === 'p' ? this.#phoneTypes : this.#textTypes;
    const salts = kind === 'p' ? this.#phoneSalts : this.#textSalts;
    for (let k = 0; k < types.length; k++) if (this.#set.has(normalised, salts[k] as number)) return types[k];
    return undefined;
  }

  /** Adds `normalised` under `salt` unless the index is full; false if it was not added. */
  #admit(normalised: string, salt: number): boolean {
    if (this.#set.size >= this.#maxEntries) {
      if (!this.#set.has(normalised, salt)) this.#dropped++;
      return false;
    }
    // Already held: the set keeps it once, and its prefilter bits are set already.
    this.#set.add(normalised, salt);
    return true;
  }

  /** Adds one value of a personal column. `type` is the catalogue id reported on a hit. */
  add(
    value: string,
    type: EntityId,
    kind: KnownValueKind = type === 'PHONE_NUMBER' ? 'phone' : 'text',
  ): void {
    if (kind === 'phone') {
      if (digitsIn(value, 0, value.length) < MIN_PHONE_DIGITS) return;
      const normalised = normalise(value, kind);
      if (!this.#admit(normalised, this.#salt('p', type))) return;
      this.#mark(this.#quick(TAG_PHONE, normalised));
      return;
    }
    const normalised = normaliseText(value);
    if (normalised.length < 3) return;
    // Words are separated by single spaces: the first ends at the first space.
    let head = -1;
    let spaces = 0;
    for (let i = 0; i < normalised.length; i++) {
      if (normalised.charCodeAt(i) !== 32) continue;
      if (head < 0) head = i;
      if (++spaces >= MAX_WORDS) return;
    }
    if (!this.#admit(normalised, this.#salt('t', type))) return;
    this.#mark(this.#quick(TAG_VALUE, normalised));
    this.#mark(this.#quick(TAG_HEAD, normalised, head < 0 ? normalised.length : head));
  }

  /** Verbatim occurrences of indexed values in `text`. */
  find(text: string): TextSpan[] {
    if (this.#set.size === 0) return [];
    const spans: TextSpan[] = [];
    if (folded.length > 0) folded = [];
    const count = words.scan(text);
    const { starts, ends } = words;
    const headStart = this.#start(TAG_HEAD);
    const valueStart = this.#start(TAG_VALUE);
    for (let i = 0; i < count; i++) {
      const start = starts[i] as number;
      if (!worthHashing(text, start, ends[i] as number)) continue;
      if (!this.#isSet(this.#finish(hashWord(text, i, headStart)))) continue;
      let state = valueStart;
      let best: TextSpan | undefined;
      for (let n = 0; n < MAX_WORDS && i + n < count; n++) {
        const at = i + n;
        if (n > 0) {
          if (!isShortGap(text, ends[at - 1] as number, starts[at] as number)) break;
          // A space never composes with its neighbours: NFC of the phrase is the phrase of NFC words.
          state = Math.imul(state ^ 32, FNV_PRIME);
        }
        state = hashWord(text, at, state);
        if (!this.#isSet(this.#finish(state))) continue;
        const type = this.#lookup('t', phraseOf(text, i, at));
        if (type !== undefined) {
          best = { type, start, end: ends[at] as number, score: this.#score, detector: 'known_entity' };
        }
      }
      if (best !== undefined) {
        spans.push(best);
        while (i + 1 < count && (starts[i + 1] as number) < best.end) i++;
      }
    }
    // Word hits are in text order and never overlap one another, nor do the regexes' matches (each regex's
    // matches in turn): overlaps are found by binary search, not by a walk over every span found so far.
    const wordHits = spans.length;
    // Without an '@' the email regex would only backtrack through every word of the text. A match holds
    // exactly one '@': when every '@' lies in a span found above, every match overlaps one and is not kept.
    if (hasUncoveredAt(text, spans)) {
      // The regex's matches in text order, each read from the stretch around its '@' alone (see `emailAt`):
      // the same matches as `exec` over the whole text, which tries every word of a long text.
      let after = 0;
      for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', Math.max(at + 1, after))) {
        const match = emailAt(text, at, after);
        if (match === undefined) continue;
        const start = match.index;
        const end = start + match.value.length;
        after = end;
        if (overlapsSorted(spans, 0, wordHits, start, end)) continue;
        const normalised = normaliseText(match.value);
        if (!this.#isSet(this.#quick(TAG_VALUE, normalised))) continue;
        const type = this.#lookup('t', normalised);
        if (type !== undefined)
          spans.push({ type, start, end, score: this.#score, detector: 'known_entity' });
      }
    }
    const emailHits = spans.length;
    // A phone number needs seven digits: a text with fewer holds none.
    if (words.digits >= MIN_PHONE_DIGITS) {
      PHONE.lastIndex = 0;
      for (let match = PHONE.exec(text); match !== null; match = PHONE.exec(text)) {
        const start = match.index;
        const end = start + match[0].length;
        // The last nine digits, hashed where they stand (a match holds no extension: it has no letter).
        let h = this.#start(TAG_PHONE);
        let from = end;
        for (let kept = 0; from > start && kept < PHONE_DIGITS;) {
          from--;
          if ((classOf(text.charCodeAt(from)) & ASCII_DIGIT) !== 0) kept++;
        }
        let digits = digitsIn(text, start, from);
        for (let k = from; k < end; k++) {
          const c = text.charCodeAt(k);
          if (c < 48 || c > 57) continue;
          h = Math.imul(h ^ c, FNV_PRIME);
          digits++;
        }
        if (
          digits < MIN_PHONE_DIGITS ||
          overlapsSorted(spans, 0, wordHits, start, end) ||
          overlapsSorted(spans, wordHits, emailHits, start, end) ||
          !this.#isSet(this.#finish(h))
        )
          continue;
        const type = this.#lookup('p', normalise(match[0], 'phone'));
        if (type !== undefined)
          spans.push({ type, start, end, score: this.#score, detector: 'known_entity' });
      }
    }
    // Folded words are parts of values: not kept past the call.
    if (folded.length > 0) folded = [];
    return spans.length > 1 ? spans.sort(byStart) : spans;
  }
}

/**
 * Whether one of `spans[from, to)` overlaps `[start, end)`: such a hit is not kept, whatever its type. Those
 * spans are in text order and disjoint (so their ends are in order too): the first that ends after `start`
 * is the only one that may.
 */
function overlapsSorted(
  spans: readonly TextSpan[],
  from: number,
  to: number,
  start: number,
  end: number,
): boolean {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((spans[middle] as TextSpan).end > start) high = middle;
    else low = middle + 1;
  }
  return low < to && (spans[low] as TextSpan).start < end;
}

/** Whether some '@' of `text` lies outside every span found so far (word hits: in order, disjoint). */
function hasUncoveredAt(text: string, spans: readonly TextSpan[]): boolean {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (!overlapsSorted(spans, 0, spans.length, at, at + 1)) return true;
  }
  return false;
}

/** `EMAIL` without `g`, for the stretch around one '@'. */
const EMAIL_ONE = new RegExp(EMAIL.source, 'u');

/** An ASCII unit outside every class of `EMAIL` before its '@' ([\p{L}\p{N}._%+-]). */
function endsLocalPart(code: number): boolean {
  return (
    code < 0x80 &&
    !(isAsciiAlphanumeric(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45)
  );
}

/** An ASCII unit outside every class of `EMAIL` after its '@' ([\p{L}\p{N}.-]). */
function endsDomain(code: number): boolean {
  return code < 0x80 && !(isAsciiAlphanumeric(code) || code === 46 || code === 45);
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * The first match of `EMAIL` at or after `after` (the end of the previous match, or 0), given that no
 * match holds an earlier '@' at or after `after`: the match holding the '@' at `at`, if any. A match holds
 * one '@' and otherwise only units of its classes, so it lies between the last ASCII unit before `at`
 * outside the local part's class (an earlier '@' included) and the first after it outside the domain's, and
 * starts at or after `after`; the regex has no lookaround, anchor or \b, so it matches that stretch exactly
 * as it matches the whole text there. The stretch's ends are ASCII units, a match's end or the text's ends:
 * never inside a surrogate pair.
 */
function emailAt(
  text: string,
  at: number,
  after: number,
): { readonly index: number; readonly value: string } | undefined {
  let from = at;
  while (from > after && !endsLocalPart(text.charCodeAt(from - 1))) from--;
  let to = at + 1;
  while (to < text.length && !endsDomain(text.charCodeAt(to))) to++;
  const match = EMAIL_ONE.exec(text.slice(from, to));
  return match === null ? undefined : { index: from + match.index, value: match[0] };
}

function byStart(a: TextSpan, b: TextSpan): number {
  return a.start - b.start;
}

/** Non-ASCII words of the text `find` reads, folded, by word number: once each (emptied after each text). */
let folded: (string | undefined)[] = [];

/** Word `at` of the last scan, folded like `add` folds (NFC of the lower case). */
function foldAt(text: string, at: number): string {
  const word = text.slice(words.starts[at], words.ends[at]);
  if (words.ascii[at] === 1) return word.toLowerCase();
  return (folded[at] ??= fold(word));
}

/** FNV-1a `state` continued over the folded units of word `at`: an ASCII word's lower case is arithmetic. */
function hashWord(text: string, at: number, state: number): number {
  let h = state;
  if (words.ascii[at] === 1) {
    for (let k = words.starts[at] as number, end = words.ends[at] as number; k < end; k++) {
      const c = text.charCodeAt(k);
      h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), FNV_PRIME);
    }
    return h;
  }
  const word = foldAt(text, at);
  for (let k = 0; k < word.length; k++) h = Math.imul(h ^ word.charCodeAt(k), FNV_PRIME);
  return h;
}

/**
 * The folded phrase of words `first`…`last` (one space between words). ASCII words joined by single spaces
 * are lower-cased in one piece.
 */
function phraseOf(text: string, first: number, last: number): string {
  const { starts, ends, ascii } = words;
  let plain = true;
  for (let at = first; at <= last && plain; at++) {
    if (ascii[at] !== 1) plain = false;
    else if (
      at > first &&
      !(starts[at] === (ends[at - 1] as number) + 1 && text.charCodeAt((starts[at] as number) - 1) === 32)
    )
      plain = false;
  }
  if (plain) return text.slice(starts[first], ends[last]).toLowerCase();
  let phrase = foldAt(text, first);
  for (let at = first + 1; at <= last; at++) phrase = `${phrase} ${foldAt(text, at)}`;
  return phrase;
}

/** Lower case, NFC only where it can change anything (ASCII is its own NFC). */
function fold(word: string): string {
  const lower = word.toLowerCase();
  for (let i = 0; i < lower.length; i++) if (lower.charCodeAt(i) > 0x7f) return lower.normalize('NFC');
  return lower;
}

/** One to three whitespace characters between two words of a phrase. */
function isShortGap(text: string, from: number, to: number): boolean {
  if (to - from < 1 || to - from > 3) return false;
  for (let i = from; i < to; i++) if ((classOf(text.charCodeAt(i)) & SPACE_CHAR) === 0) return false;
  return true;
}

// A lone lower-case letter never starts a personal value worth a lookup; two letters may (a chat's
// "hi its jo gutmann": short first names typed in lower case). A word of one unit is one BMP character.
function worthHashing(text: string, start: number, end: number): boolean {
  return end - start > 1 || (classOf(text.charCodeAt(start)) & (UPPER_CHAR | ASCII_DIGIT)) !== 0;
}
