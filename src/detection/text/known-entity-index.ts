import { createHmac, randomBytes } from 'node:crypto';

import type { EntityId, TextSpan } from '../detection-types.js';

/**
 * Values from a source's personal columns (names, emails, phones), recognised when they recur verbatim in
 * free text. Only keyed hashes are kept: HMAC-SHA256 truncated to 8 bytes, held as a 16-hex-char Map key
 * with the entity id — about 100 bytes per entry in V8 (string + Map slot), so 1 M values ≈ 100 MB; callers
 * bound it with `maxEntries`. 64 bits make an accidental hit on a random n-gram ~1e-19 per lookup.
 */
export interface KnownEntityIndexOptions {
  readonly key: Uint8Array;
  /** Entries beyond this are ignored (and counted in `dropped`). Default 1,000,000. */
  readonly maxEntries?: number;
  /** Score of a verbatim hit. Default 0.95. */
  readonly score?: number;
}

const DIGITS_ONLY = /\D+/g;
const EXTENSION = /\s*(?:x|ext\.?|extension)\s*\d+\s*$/i;
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’.\-@+_][\p{L}\p{M}\p{N}]+)*/gu;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const PHONE = /\+?\(?\d[\d\s().-]{5,20}\d/g;
const MAX_WORDS = 4;
/** Prefilter bitmap: 2^20 bits (128 KiB); 100k values set ≤ 200k bits, so ~1 phrase in 30 reaches an HMAC. */
const FILTER_BITS = 20;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

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

export class KnownEntityIndex {
  readonly #key: Buffer;
  readonly #entries = new Map<string, EntityId>();
  readonly #maxEntries: number;
  readonly #score: number;
  #dropped = 0;
  /*
   * Prefilter, so that `find` computes the keyed HMAC only for phrases that may be indexed: one bit per
   * indexed value (`t`/`p` + normalised value) and one per first word (`h` + word), at a seeded 32-bit FNV-1a
   * hash. It leaks nothing useful: the seed is random per index and never leaves the process, each value
   * leaves at most 20 bits that thousands of other strings share (no value can be read back), and testing a
   * guessed value against it needs the seed — whoever holds the seed also holds the HMAC key beside it,
   * which answers the same question exactly. A bitmap hit only triggers the real HMAC lookup.
   */
  readonly #filter = new Uint32Array(1 << (FILTER_BITS - 5));
  readonly #seed: number;
  readonly #seedHigh: number;

  constructor(options: KnownEntityIndexOptions) {
    this.#key = Buffer.from(options.key);
    const seed = randomBytes(8);
    this.#seed = seed.readUInt32LE(0);
    this.#seedHigh = seed.readUInt32LE(4);
    this.#maxEntries = options.maxEntries ?? 1_000_000;
    this.#score = options.score ?? 0.95;
  }

  get size(): number {
    return this.#entries.size;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Seeded FNV-1a over the UTF-16 units of `tag` + `value`, finished with murmur3's avalanche. */
  #quick(tag: number, value: string): number {
    let h = (this.#seed ^ Math.imul(tag, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    h ^= this.#seedHigh;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & FILTER_MASK;
  }

  #mark(tag: number, value: string): void {
    const bit = this.#quick(tag, value);
    this.#filter[bit >>> 5] = (this.#filter[bit >>> 5] ?? 0) | (1 << (bit & 31));
  }

  #maybe(tag: number, value: string): boolean {
    const bit = this.#quick(tag, value);
    return ((this.#filter[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  #hash(kind: 'p' | 't', normalised: string): string {
    // The kind tag keeps a phone's digits from colliding with a word that is all digits.
    return createHmac('sha256', this.#key).update(`${kind}\u0000${normalised}`).digest('hex').slice(0, 16);
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
    const hash = this.#hash(kind === 'phone' ? 'p' : 't', normalised);
    if (!this.#entries.has(hash) && this.#entries.size >= this.#maxEntries) {
      this.#dropped++;
      return;
    }
    this.#entries.set(hash, type);
    if (kind === 'phone') {
      this.#mark(TAG_PHONE, normalised);
    } else {
      this.#mark(TAG_VALUE, normalised);
      this.#mark(TAG_HEAD, normalised.split(' ')[0] ?? '');
    }
  }

  /** Verbatim occurrences of indexed values in `text`. */
  find(text: string): TextSpan[] {
    if (this.#entries.size === 0) return [];
    const spans: TextSpan[] = [];
    // Offsets and text only: a 1 MB document's match objects (array, input, groups) would be three times the size.
    const words = Array.from(text.matchAll(WORD), (m) => ({ index: m.index, text: m[0] }));
    for (let i = 0; i < words.length; i++) {
      const head = words[i];
      if (head === undefined || !this.#worthHashing(head.text)) continue;
      // Same first word as `add` keeps: NFC of the lower-cased word (a space never composes with its neighbours).
      if (!this.#maybe(TAG_HEAD, head.text.toLowerCase().normalize('NFC'))) continue;
      let phrase = '';
      let best: TextSpan | undefined;
      for (let n = 0; n < MAX_WORDS && i + n < words.length; n++) {
        const word = words[i + n];
        if (word === undefined) break;
        const previous = words[i + n - 1];
        if (
          n > 0 &&
          previous !== undefined &&
          !/^\s{1,3}$/.test(text.slice(previous.index + previous.text.length, word.index))
        )
          break;
        phrase = n === 0 ? word.text.toLowerCase() : `${phrase} ${word.text.toLowerCase()}`;
        const candidate = phrase.normalize('NFC');
        if (!this.#maybe(TAG_VALUE, candidate)) continue;
        const type = this.#entries.get(this.#hash('t', candidate));
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
        const type = this.#entries.get(this.#hash(isPhone ? 'p' : 't', normalised));
        const start = match.index;
        const end = start + match[0].length;
        if (type !== undefined && !spans.some((s) => s.start < end && s.end > start)) {
          spans.push({ type, start, end, score: this.#score, detector: 'known_entity' });
        }
      }
    }
    return spans.sort((a, b) => a.start - b.start);
  }

  // Only capitalised words, or words holding @ or digits, can start a personal value worth a hash.
  #worthHashing(word: string): boolean {
    return /^[\p{Lu}]/u.test(word) || /[@\d]/.test(word) || word.length > 2;
  }
}
