import { randomBytes } from 'node:crypto';
import { hash32 } from './column-figures.js';
import {
  DEFAULT_MAX_SLOTS,
  FingerprintSet,
  type FingerprintSetOptions,
  type SharedFingerprints,
} from '../core/index.js';

/**
 * What a leaked value is, for reporting: an email, a phone number, a person's name (a full name, or a first
 * and last name of one row), or another identifying value (username, street line, national id, card, IBAN,
 * IP address, URL, credential, any long token mixing letters and digits).
 */
export type LeakKind = 'email' | 'phone' | 'name' | 'identifier';

const SALT: Readonly<Record<LeakKind | 'first_word', number>> = {
  email: 0x51ed27,
  phone: 0x2c1b3c6d,
  name: 0x297a2d39,
  identifier: 0x6b43a9b5,
  // First words of indexed multi-word values: text n-grams are only built from a word that starts one.
  first_word: 0x4cf5ad43,
};

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/u;
const PHONE_SHAPE = /^\+?[\d\s().\-/]{7,25}(?:\s*(?:x|ext\.?)\s*\d+)?$/i;
const EXTENSION = /\s*(?:x|ext\.?|extension)\s*\d+\s*$/i;
const NON_DIGITS = /\D+/g;
/** ISO and common written dates are not phone numbers, whatever their digits. */
const DATE_SHAPE = /^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:[ T]\d|\s*$)/;
const LETTER = /\p{L}/u;
const DIGIT = /\d/;
const JOINER = /[._@+-]/;
const SPACES = /\s+/g;
/** White space that foldValue changes: other than a space, two spaces, a space at either end. */
const RESPACE = /[^\S ]| {2}|^ | $/;

/** Lower case, single spaces, trimmed: how names, emails and identifiers are compared. */
export function foldValue(value: string): string {
  const lower = value.toLowerCase();
  // Most values have no white space to change: replace would still copy one with a space in it.
  return RESPACE.test(lower) ? lower.replace(SPACES, ' ').trim() : lower;
}

/**
 * The last ten digits (the national number of a NANP phone; country and trunk prefixes dropped), which
 * survive every way of writing a number: +1 (415) 555-0132, 415.555.0132, 0044 20 7946 0958 = 020 7946 0958.
 * Nine would merge area codes that differ in their first digit (measured: 62% false matches between two
 * sets of 555 numbers). Shorter numbers keep all their digits.
 */
export function phoneDigits(value: string): string | null {
  // DATE_SHAPE starts with optional white space, then a digit: any other printable ASCII first character
  // rules it out without the regex.
  const first = value.charCodeAt(0);
  if (!(first > 32 && first < 127 && (first < 48 || first > 57)) && DATE_SHAPE.test(value)) return null;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    // Every way of writing an extension has an x: only then can EXTENSION remove digits.
    else if (c === 120 || c === 88) return digitsWithoutExtension(value);
  }
  if (digits < 7 || digits > 15) return null;
  // The last ten digits, copied run by run (what `replace(NON_DIGITS, '').slice(-10)` returns).
  let skip = digits - 10;
  let out = '';
  let run = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (skip > 0) skip--;
      else if (run < 0) run = i;
    } else if (run >= 0) {
      out += value.slice(run, i);
      run = -1;
    }
  }
  return run >= 0 ? out + value.slice(run) : out;
}

function digitsWithoutExtension(value: string): string | null {
  const digits = value.replace(EXTENSION, '').replace(NON_DIGITS, '');
  return digits.length >= 7 && digits.length <= 15 ? digits.slice(-10) : null;
}

export function isEmailShaped(value: string): boolean {
  return value.length >= 6 && value.length <= 254 && EMAIL_SHAPE.test(value);
}

export function isPhoneShaped(value: string): boolean {
  return PHONE_SHAPE.test(value) && phoneDigits(value) !== null;
}

/**
 * A token worth an exact lookup on its own: long enough and mixing letters with digits or joiners
 * (`mike.hillyer`, `jsmith_77`, `GB82WEST12345698765432`, `8cb2237d…`). Plain words are not: a fake
 * that happens to be a common word is no leak.
 */
export function isIdentifierLike(value: string): boolean {
  if (value.length < 6 || value.length > 200 || value.includes(' ')) return false;
  const ascii = asciiIdentifierLike(value);
  if (ascii !== undefined) return ascii;
  const letters = LETTER.test(value);
  return (letters && DIGIT.test(value)) || (letters && JOINER.test(value)) || /^\d{9,}$/.test(value);
}

/** A built leak index as worker threads receive it (shared memory, read-only by contract). */
export interface SharedLeakIndex {
  readonly set: SharedFingerprints;
  /** The first-word bitmap (see LeakIndex), and its seed. */
  readonly heads: SharedArrayBuffer;
  readonly headSeed: number;
  /** The presence bitmap (see LeakIndex), and its seed. */
  readonly present: SharedArrayBuffer;
  readonly presentSeed: number;
}

/** Bits of the first-word bitmap: 2^20 = 128 KB, within a core's cache; first words are few. */
const HEAD_BITS = 1 << 20;
/**
 * Most bits of the presence bitmap: 2^24 = 2 MB, one bit per value (~11% of its bits set at the 1M-people
 * bench's ~2 M values, ~50% at the index's default capacity of ~11.7 M). A smaller index: two bits per slot.
 */
const MAX_PRESENT_BITS = 1 << 24;
const MIN_PRESENT_BITS = 1 << 13;
const PRESENT_SALT = 0x3c6ef372;

export interface LeakIndexStats {
  readonly values: number;
  readonly dropped: number;
  readonly bytes: number;
  readonly falsePositiveRate: number;
}

/**
 * The source's identifying values as keyed fingerprints, by kind. Nothing that could be read back is kept.
 */
export class LeakIndex {
  #set: FingerprintSet;
  /** Only a partitioned index needs a phrase's first word to find it (see `add`'s `share`). */
  readonly #partitioned: boolean;
  /**
   * One bit per cheap (seeded FNV) hash of every first word added: text probes ask for every word of a
   * text whether it starts an indexed phrase, and almost none does — the bitmap answers most of them
   * without the keyed fingerprint and its random read of the large set. A set bit only means "look".
   */
  #heads: Uint32Array;
  #headSeed: number;
  /**
   * One bit per cheap (seeded FNV) hash of every (value, kind) added to the set: most lookups are of fakes,
   * which are not there, and the bitmap answers them without the set's two keyed hashes and its random read
   * of up to 128 MB. A set bit only means "look"; a clear one is certain (every add marks its bit).
   */
  #present: Uint32Array;
  #presentShift: number;
  #presentSeed: number;

  constructor(options: FingerprintSetOptions = {}) {
    this.#set = new FingerprintSet(options);
    this.#partitioned = (options.partition?.count ?? 1) > 1;
    this.#heads = new Uint32Array(new SharedArrayBuffer(HEAD_BITS / 8));
    this.#headSeed = Buffer.from(options.key ?? randomBytes(4)).readUInt32LE(0);
    this.#presentSeed = (this.#headSeed ^ PRESENT_SALT) >>> 0;
    const slots = options.maxSlots ?? DEFAULT_MAX_SLOTS;
    let bits = MIN_PRESENT_BITS;
    while (bits < MAX_PRESENT_BITS && bits < slots * 2) bits *= 2;
    this.#present = new Uint32Array(new SharedArrayBuffer(bits / 8));
    this.#presentShift = 32 - Math.log2(bits);
  }

  /** The same index over the same memory, for worker threads (read-only by contract; one pass only). */
  static fromShared(shared: SharedLeakIndex): LeakIndex {
    const index = new LeakIndex({ initialSlots: 1024, maxSlots: 1024 });
    index.#set = FingerprintSet.fromShared(shared.set);
    index.#heads = new Uint32Array(shared.heads);
    index.#headSeed = shared.headSeed;
    index.#present = new Uint32Array(shared.present);
    index.#presentShift = 32 - Math.log2(shared.present.byteLength * 8);
    index.#presentSeed = shared.presentSeed;
    return index;
  }

  /** Hands an unpartitioned index to worker threads without a copy. */
  share(): SharedLeakIndex {
    if (this.#partitioned) throw new RangeError('a partitioned leak index is not shared');
    return {
      set: this.#set.share(),
      heads: this.#heads.buffer as SharedArrayBuffer,
      headSeed: this.#headSeed,
      present: this.#present.buffer as SharedArrayBuffer,
      presentSeed: this.#presentSeed,
    };
  }

  #markHead(word: string): void {
    const bit = headHash(word, this.#headSeed) & (HEAD_BITS - 1);
    this.#heads[bit >>> 5] = (this.#heads[bit >>> 5] as number) | (1 << (bit & 31));
  }

  #mayBeHead(word: string): boolean {
    return this.#mayBeHeadHash(headHash(word, this.#headSeed));
  }

  /** Whether the first-word bitmap has the bit of a headHash. */
  #mayBeHeadHash(hash: number): boolean {
    const bit = hash & (HEAD_BITS - 1);
    return ((this.#heads[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
  }

  #presentBit(value: string, salt: number): number {
    return Math.imul(hash32(value, this.#presentSeed ^ salt), 0x9e3779b1) >>> this.#presentShift;
  }

  #add(value: string, salt: number, share?: string): void {
    this.#set.add(value, salt, share);
    const bit = this.#presentBit(value, salt);
    this.#present[bit >>> 5] = (this.#present[bit >>> 5] as number) | (1 << (bit & 31));
  }

  #has(value: string, salt: number, share?: string): boolean {
    const bit = this.#presentBit(value, salt);
    return (
      ((this.#present[bit >>> 5] as number) & (1 << (bit & 31))) !== 0 && this.#set.has(value, salt, share)
    );
  }

  /**
   * Ends the building of an index that the load will search (see startLeakScan): its fingerprints move into
   * the set's compact read-only form keeping 48 bits besides the bucket (FingerprintSet.freeze `lanes`: ~7
   * bytes a value instead of 11-14), so a false leak stays as unlikely as before (~size / 2^66 a lookup).
   */
  freeze(): void {
    this.#set.freeze('lanes');
  }

  stats(): LeakIndexStats {
    return {
      values: this.#set.size,
      dropped: this.#set.dropped,
      // The fingerprint table and both bitmaps: what the index holds in memory.
      bytes: this.#set.bytes + this.#heads.byteLength + this.#present.byteLength,
      falsePositiveRate: this.#set.falsePositiveRate,
    };
  }

  get isEmpty(): boolean {
    return this.#set.size === 0;
  }

  addEmail(value: string): void {
    const folded = foldValue(value);
    if (folded.length >= 3) this.#add(folded, SALT.email);
  }

  addPhone(value: string): void {
    const digits = phoneDigits(value);
    if (digits !== null) this.#add(digits, SALT.phone);
  }

  /** A full name, or `first last` of one row. */
  addName(value: string): void {
    const folded = foldValue(value);
    if (folded.length < 3 || !folded.includes(' ')) return;
    // A name and its first word share a partition: text is searched for the name only after the word.
    const head = firstWord(folded);
    this.#add(folded, SALT.name, head);
    this.#add(head, SALT.first_word, head);
    this.#markHead(head);
  }

  addIdentifier(value: string): void {
    const folded = foldValue(value);
    if (folded.length < 3) return;
    const head = firstWord(folded);
    this.#add(folded, SALT.identifier, head);
    if (folded.includes(' ')) {
      this.#add(head, SALT.first_word, head);
      this.#markHead(head);
    }
  }

  hasEmail(value: string): boolean {
    return this.#has(foldValue(value), SALT.email);
  }

  hasPhone(value: string): boolean {
    const digits = phoneDigits(value);
    return digits !== null && this.#has(digits, SALT.phone);
  }

  /** `folded` must already be folded (text n-grams are built folded). */
  hasFoldedName(folded: string): boolean {
    return this.#has(folded, SALT.name, this.#partitioned ? firstWord(folded) : undefined);
  }

  hasFoldedIdentifier(folded: string): boolean {
    return this.#has(folded, SALT.identifier, this.#partitioned ? firstWord(folded) : undefined);
  }

  /** Where a word's first-word hash starts (FNV-1a's basis, seeded): see mayStartPhrase. */
  get phraseHashBasis(): number {
    return (0x811c9dc5 ^ this.#headSeed) >>> 0;
  }

  /**
   * Whether a folded word may start an indexed phrase, from its hash: FNV-1a from `phraseHashBasis` over its
   * characters (`h = Math.imul(h ^ charCode, 0x01000193)`), computed by the caller as it reads the word, so
   * the word is not copied. The first-word bitmap only: true means "ask startsIndexedPhrase".
   */
  mayStartPhrase(hash: number): boolean {
    const h = hash >>> 0;
    return this.#mayBeHeadHash((h ^ (h >>> 15)) >>> 0);
  }

  startsIndexedPhrase(foldedWord: string): boolean {
    return this.#mayBeHead(foldedWord) && this.#set.has(foldedWord, SALT.first_word, foldedWord);
  }
}

/** isIdentifierLike of a value of 6–200 characters without a space, when it is ASCII: without the regexes. */
function asciiIdentifierLike(value: string): boolean | undefined {
  let letters = false;
  let digits = false;
  let joiners = false;
  let others = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 127) return undefined;
    if (c >= 48 && c <= 57) digits = true;
    else if ((c | 32) >= 97 && (c | 32) <= 122) letters = true;
    else if (c === 46 || c === 95 || c === 64 || c === 43 || c === 45) joiners = true;
    else others = true;
  }
  if (letters) return digits || joiners;
  return !joiners && !others && value.length >= 9;
}

function firstWord(folded: string): string {
  const space = folded.indexOf(' ');
  return space < 0 ? folded : folded.slice(0, space);
}

/** The first-word bitmap's bit: seeded FNV-1a, its high bits folded into the low ones the mask keeps. */
function headHash(word: string, seed: number): number {
  const h = hash32(word, seed);
  return (h ^ (h >>> 15)) >>> 0;
}
