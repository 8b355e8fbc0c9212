import { randomBytes } from 'node:crypto';

import { FingerprintSet, type SharedFingerprints } from '../../core/index.js';
import type { EntityId, TextSpan } from '../detection-types.js';

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
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’.\-@+_][\p{L}\p{M}\p{N}]+)*/gu;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const PHONE = /\+?\(?\d[\d\s().-]{5,20}\d/g;
const MAX_WORDS = 4;
/**
 * Prefilter bitmap: ~32 bits per expected entry (each sets up to two), between 2^20 bits (128 KiB) and 2^28
 * (32 MiB), so that about 1 phrase in 16 or fewer reaches a lookup. A saturated bitmap sends every phrase to
 * the fingerprint table (measured: at 3 M entries in 2^20 bits, lookups took a fifth of the run).
 */
const MIN_FILTER_BITS = 20;
const MAX_FILTER_BITS = 28;
const FILTER_BITS_PER_ENTRY = 32;
// 5 M people (e-mail, phone, name each) need ~6.2 M distinct entries: a 5 M cap dropped 1.2 M of them on the
// bench, and the verification refused the snapshot for the phones only those entries would have found.
const DEFAULT_MAX_ENTRIES = 11_000_000;

const TAG_VALUE = 1;
const TAG_HEAD = 2;
const TAG_PHONE = 3;

export type KnownValueKind = 'name' | 'email' | 'phone' | 'text';

function normalise(value: string, kind: KnownValueKind): string {
  // The last nine digits survive every way of writing a number: +1 (555) 010-4477, 555-010-4477, 0044 / 0…
  // An extension ("x73659", "ext. 12") is not part of the number: text often quotes the number without it.
  if (kind === 'phone') return value.replace(EXTENSION, '').replace(DIGITS_ONLY, '').slice(-9);
  return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
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

  constructor(options: KnownEntityIndexOptions = {}, shared?: SharedKnownEntities) {
    if (shared !== undefined) {
      this.#set = FingerprintSet.fromShared(shared.fingerprints);
      this.#filter = new Uint32Array(shared.filter);
      this.#filterMask = this.#filter.length * 32 - 1;
      [this.#seed, this.#seedHigh] = shared.filterSeeds;
      this.#types = [...shared.types];
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

  get dropped(): number {
    return this.#dropped + this.#set.dropped;
  }

  /** Seeded FNV-1a over the UTF-16 units of `tag` + `value`, finished with murmur3's avalanche. */
  #quick(tag: number, value: string): number {
    let h = (this.#seed ^ Math.imul(tag, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    h ^= this.#seedHigh;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) & this.#filterMask) >>> 0;
  }

  #mark(tag: number, value: string): void {
    const bit = this.#quick(tag, value);
    this.#filter[bit >>> 5] = (this.#filter[bit >>> 5] ?? 0) | (1 << (bit & 31));
  }

  #maybe(tag: number, value: string): boolean {
    const bit = this.#quick(tag, value);
    return ((this.#filter[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  /** The salt of a (phone or text, entity id) pair; the kind tag keeps digits apart from all-digit words. */
  #salt(kind: 'p' | 't', type: EntityId): number {
    const name = `${kind}${type}`;
    let at = this.#types.indexOf(name);
    if (at < 0) at = this.#types.push(name) - 1;
    return Math.imul(at + 1, 0x2c1b3c6d);
  }

  /** The entity id a normalised value was indexed under, if any. */
  #lookup(kind: 'p' | 't', normalised: string): EntityId | undefined {
    for (let at = 0; at < this.#types.length; at++) {
      const name = this.#types[at] as string;
      if (name[0] === kind && this.#set.has(normalised, Math.imul(at + 1, 0x2c1b3c6d))) return name.slice(1);
    }
    return undefined;
  }

  /** Adds one value of a personal column. `type` is the catalogue id reported on a hit. */
  add(
    value: string,
    type: EntityId,
    kind: KnownValueKind = type === 'PHONE_NUMBER' ? 'phone' : 'text',
  ): void {
    const normalised = normalise(value, kind);
    if (kind === 'phone' ? value.replace(DIGITS_ONLY, '').length < 7 : normalised.length < 3) return;
    if (kind !== 'phone' && normalised.split(' ').length > MAX_WORDS) return;
    const tag = kind === 'phone' ? 'p' : 't';
    const salt = this.#salt(tag, type);
    if (this.#set.has(normalised, salt)) return;
    if (this.#set.size >= this.#maxEntries) {
      this.#dropped++;
      return;
    }
    this.#set.add(normalised, salt);
    if (kind === 'phone') {
      this.#mark(TAG_PHONE, normalised);
    } else {
      this.#mark(TAG_VALUE, normalised);
      this.#mark(TAG_HEAD, normalised.split(' ')[0] ?? '');
    }
  }

  /** Verbatim occurrences of indexed values in `text`. */
  find(text: string): TextSpan[] {
    if (this.#set.size === 0) return [];
    const spans: TextSpan[] = [];
    // Offsets and text only: a 1 MB document's match objects (array, input, groups) would be three times the size.
    const words = Array.from(text.matchAll(WORD), (m) => ({ index: m.index, text: m[0] }));
    // Folded like `add` folds (NFC of the lower case), once per word and only when a phrase reaches it.
    const folded: (string | undefined)[] = new Array<string | undefined>(words.length);
    const foldAt = (at: number): string => (folded[at] ??= fold((words[at] as { text: string }).text));
    for (let i = 0; i < words.length; i++) {
      const head = words[i];
      if (head === undefined || !worthHashing(head.text)) continue;
      if (!this.#maybe(TAG_HEAD, foldAt(i))) continue;
      let phrase = '';
      let best: TextSpan | undefined;
      for (let n = 0; n < MAX_WORDS && i + n < words.length; n++) {
        const word = words[i + n] as { index: number; text: string };
        if (n > 0) {
          const previous = words[i + n - 1] as { index: number; text: string };
          if (!isShortGap(text, previous.index + previous.text.length, word.index)) break;
        }
        // A space never composes with its neighbours: NFC of the phrase is the phrase of NFC words.
        phrase = n === 0 ? foldAt(i) : `${phrase} ${foldAt(i + n)}`;
        if (!this.#maybe(TAG_VALUE, phrase)) continue;
        const type = this.#lookup('t', phrase);
        if (type !== undefined) {
          best = {
            type,
            start: head.index,
            end: word.index + word.text.length,
            score: this.#score,
            detector: 'known_entity',
          };
        }
      }
      if (best !== undefined) {
        spans.push(best);
        while (i + 1 < words.length && (words[i + 1]?.index ?? Infinity) < best.end) i++;
      }
    }
    for (const pattern of [EMAIL, PHONE]) {
      // Without an '@' the email regex would only backtrack through every word of the text.
      if (pattern === EMAIL && !text.includes('@')) continue;
      for (const match of text.matchAll(pattern)) {
        const isPhone = pattern === PHONE;
        const normalised = normalise(match[0], isPhone ? 'phone' : 'email');
        if (isPhone && match[0].replace(DIGITS_ONLY, '').length < 7) continue;
        if (!this.#maybe(isPhone ? TAG_PHONE : TAG_VALUE, normalised)) continue;
        const type = this.#lookup(isPhone ? 'p' : 't', normalised);
        const start = match.index;
        const end = start + match[0].length;
        if (type !== undefined && !spans.some((s) => s.start < end && s.end > start)) {
          spans.push({ type, start, end, score: this.#score, detector: 'known_entity' });
        }
      }
    }
    return spans.sort((a, b) => a.start - b.start);
  }
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
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!(c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || /\s/.test(text[i] as string))) return false;
  }
  return true;
}

// A lone lower-case letter never starts a personal value worth a lookup; two letters may (a chat's
// "hi its jo gutmann": short first names typed in lower case).
function worthHashing(word: string): boolean {
  return word.length > 1 || /^[\p{Lu}]/u.test(word) || /[@\d]/.test(word);
}
