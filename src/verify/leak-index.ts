import { randomBytes } from 'node:crypto';
import { hash32 } from './column-figures.js';
import { FingerprintSet, type FingerprintSetOptions, type SharedFingerprints } from '../core/index.js';

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

/** Lower case, single spaces, trimmed: how names, emails and identifiers are compared. */
export function foldValue(value: string): string {
  return value.toLowerCase().replace(SPACES, ' ').trim();
}

/**
 * The last ten digits (the national number of a NANP phone; country and trunk prefixes dropped), which
 * survive every way of writing a number: +1 (415) 555-0132, 415.555.0132, 0044 20 7946 0958 = 020 7946 0958.
 * Nine would merge area codes that differ in their first digit (measured: 62% false matches between two
 * sets of 555 numbers). Shorter numbers keep all their digits.
 */
export function phoneDigits(value: string): string | null {
  if (DATE_SHAPE.test(value)) return null;
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
  const letters = LETTER.test(value);
  return (letters && DIGIT.test(value)) || (letters && JOINER.test(value)) || /^\d{9,}$/.test(value);
}

/** A built leak index as worker threads receive it (shared memory, read-only by contract). */
export interface SharedLeakIndex {
  readonly set: SharedFingerprints;
  /** The first-word bitmap (see LeakIndex), and its seed. */
  readonly heads: SharedArrayBuffer;
  readonly headSeed: number;
}

/** Bits of the first-word bitmap: 2^20 = 128 KB, within a core's cache; first words are few. */
const HEAD_BITS = 1 << 20;

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

  constructor(options: FingerprintSetOptions = {}) {
    this.#set = new FingerprintSet(options);
    this.#partitioned = (options.partition?.count ?? 1) > 1;
    this.#heads = new Uint32Array(new SharedArrayBuffer(HEAD_BITS / 8));
    this.#headSeed = Buffer.from(options.key ?? randomBytes(4)).readUInt32LE(0);
  }

  /** The same index over the same memory, for worker threads (read-only by contract; one pass only). */
  static fromShared(shared: SharedLeakIndex): LeakIndex {
    const index = new LeakIndex({ initialSlots: 1024, maxSlots: 1024 });
    index.#set = FingerprintSet.fromShared(shared.set);
    index.#heads = new Uint32Array(shared.heads);
    index.#headSeed = shared.headSeed;
    return index;
  }

  /** Hands an unpartitioned index to worker threads without a copy. */
  share(): SharedLeakIndex {
    if (this.#partitioned) throw new RangeError('a partitioned leak index is not shared');
    return {
      set: this.#set.share(),
      heads: this.#heads.buffer as SharedArrayBuffer,
      headSeed: this.#headSeed,
    };
  }

  #markHead(word: string): void {
    const bit = headHash(word, this.#headSeed) & (HEAD_BITS - 1);
    this.#heads[bit >>> 5] = (this.#heads[bit >>> 5] as number) | (1 << (bit & 31));
  }

  #mayBeHead(word: string): boolean {
    const bit = headHash(word, this.#headSeed) & (HEAD_BITS - 1);
    return ((this.#heads[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
  }

  stats(): LeakIndexStats {
    return {
      values: this.#set.size,
      dropped: this.#set.dropped,
      bytes: this.#set.bytes,
      falsePositiveRate: this.#set.falsePositiveRate,
    };
  }

  get isEmpty(): boolean {
    return this.#set.size === 0;
  }

  addEmail(value: string): void {
    const folded = foldValue(value);
    if (folded.length >= 3) this.#set.add(folded, SALT.email);
  }

  addPhone(value: string): void {
    const digits = phoneDigits(value);
    if (digits !== null) this.#set.add(digits, SALT.phone);
  }

  /** A full name, or `first last` of one row. */
  addName(value: string): void {
    const folded = foldValue(value);
    if (folded.length < 3 || !folded.includes(' ')) return;
    // A name and its first word share a partition: text is searched for the name only after the word.
    const head = firstWord(folded);
    this.#set.add(folded, SALT.name, head);
    this.#set.add(head, SALT.first_word, head);
    this.#markHead(head);
  }

  addIdentifier(value: string): void {
    const folded = foldValue(value);
    if (folded.length < 3) return;
    const head = firstWord(folded);
    this.#set.add(folded, SALT.identifier, head);
    if (folded.includes(' ')) {
      this.#set.add(head, SALT.first_word, head);
      this.#markHead(head);
    }
  }

  hasEmail(value: string): boolean {
    return this.#set.has(foldValue(value), SALT.email);
  }

  hasPhone(value: string): boolean {
    const digits = phoneDigits(value);
    return digits !== null && this.#set.has(digits, SALT.phone);
  }

  /** `folded` must already be folded (text n-grams are built folded). */
  hasFoldedName(folded: string): boolean {
    return this.#set.has(folded, SALT.name, this.#partitioned ? firstWord(folded) : undefined);
  }

  hasFoldedIdentifier(folded: string): boolean {
    return this.#set.has(folded, SALT.identifier, this.#partitioned ? firstWord(folded) : undefined);
  }

  startsIndexedPhrase(foldedWord: string): boolean {
    return this.#mayBeHead(foldedWord) && this.#set.has(foldedWord, SALT.first_word, foldedWord);
  }
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
