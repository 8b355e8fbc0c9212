import { randomBytes } from 'node:crypto';

import {
  fakerCS_CZ,
  fakerDE,
  fakerEN_IN,
  fakerEN_US,
  fakerFR,
  fakerPL,
  fakerTR,
  fakerVI,
} from '@faker-js/faker';
import { describe, expect, it } from 'vitest';

import { mulberry32 } from '../../../test/helpers/mulberry32.js';
import { FingerprintSet } from '../../core/index.js';
import type { EntityId, TextSpan } from '../detection-types.js';
import {
  KnownEntityIndex,
  type KnownEntityIndexOptions,
  type KnownValueKind,
  type SharedKnownEntities,
} from './known-entity-index.js';
import { WordScan } from './scan-words.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');

function build(): KnownEntityIndex {
  const index = new KnownEntityIndex({ key: KEY });
  index.add('Zephyrine Quillfeather', 'PERSON', 'name');
  index.add('zq.owner@example.org', 'EMAIL_ADDRESS', 'email');
  index.add('+1 (555) 010-4477', 'PHONE_NUMBER');
  return index;
}

describe('KnownEntityIndex', () => {
  it('finds planted names, emails and phones verbatim in text', () => {
    const text =
      'Ticket from ZEPHYRINE  QUILLFEATHER (zq.owner@example.org), call back on 555-010-4477 today.';
    const found = build()
      .find(text)
      .map((s) => `${s.type}:${text.slice(s.start, s.end)}:${s.detector}`);
    expect(found).toEqual([
      'PERSON:ZEPHYRINE  QUILLFEATHER:known_entity',
      'EMAIL_ADDRESS:zq.owner@example.org:known_entity',
      'PHONE_NUMBER:555-010-4477:known_entity',
    ]);
  });

  it('finds a short first name typed in lower case, and a street line quoted in a ticket', () => {
    const index = new KnownEntityIndex({ key: KEY });
    index.add('Jo Gutmann', 'PERSON', 'name');
    index.add('34557 The Glebe', 'STREET_ADDRESS');
    const text = 'Customer: hi its jo Gutmann, i moved to 34557 The Glebe, Brayanhaven.';
    expect(index.find(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`)).toEqual([
      'PERSON:jo Gutmann',
      'STREET_ADDRESS:34557 The Glebe',
    ]);
  });

  it('does not report values that were never added', () => {
    expect(build().find('Zephyrine Smith wrote from other@example.org, phone 555-010-9999')).toEqual([]);
  });

  it('stores no plain text: only keyed hashes', () => {
    const index = build();
    const dump = JSON.stringify([...Object.values(index)], (_k, v: unknown) =>
      v instanceof Map ? [...v] : v,
    );
    const internals = JSON.stringify(Object.getOwnPropertyNames(index)) + dump;
    for (const secret of ['zephyrine', 'quillfeather', 'zq.owner', '5550104477', '4477']) {
      expect(internals.toLowerCase()).not.toContain(secret);
    }
    expect(index.size).toBe(3);
  });

  it('a different key finds nothing', () => {
    const other = new KnownEntityIndex({ key: Buffer.from('another key of 32 bytes.........') });
    expect(other.find('Zephyrine Quillfeather')).toEqual([]);
    const index = build();
    expect(index.find('Zephyrine Quillfeather')).toHaveLength(1);
  });

  it('bounds its size', () => {
    const index = new KnownEntityIndex({ key: KEY, maxEntries: 2 });
    for (const name of ['Ann Lee', 'Bo Chan', 'Cy Diaz']) index.add(name, 'PERSON', 'name');
    expect([index.size, index.dropped]).toEqual([2, 1]);
  });

  it('finds a phone quoted without the extension it was stored with', () => {
    const index = new KnownEntityIndex({ key: KEY });
    index.add('1-681-433-1145 x73659', 'PHONE_NUMBER');
    const text = 'Call me on 1-681-433-1145 please';
    expect(index.find(text).map((s) => text.slice(s.start, s.end))).toEqual(['1-681-433-1145']);
  });
});

describe('KnownEntityIndex prefilter', () => {
  it('loses no hit among many indexed values, whatever their form', () => {
    const index = new KnownEntityIndex({ key: KEY });
    const names = Array.from(
      { length: 3000 },
      (_, i) => `Name${i.toString(36)} Family${(i * 7).toString(36)}`,
    );
    for (const name of names) index.add(name, 'PERSON', 'name');
    index.add('Jose\u0301 Nu\u0301n\u0303ez', 'PERSON', 'name');
    index.add('+44 20 7946 0958', 'PHONE_NUMBER');
    index.add('ops.lead@example.net', 'EMAIL_ADDRESS', 'email');
    for (const name of names.filter((_, i) => i % 97 === 0)) {
      const text = `Escalated by ${name.toUpperCase()} yesterday.`;
      expect(index.find(text).map((s) => text.slice(s.start, s.end))).toEqual([name.toUpperCase()]);
    }
    const text = 'JOSÉ NÚÑEZ (Ops.Lead@Example.net) on 020 7946 0958.';
    expect(index.find(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`)).toEqual([
      'PERSON:JOSÉ NÚÑEZ',
      'EMAIL_ADDRESS:Ops.Lead@Example.net',
      'PHONE_NUMBER:020 7946 0958',
    ]);
  });

  it('finds the same spans once frozen, here and through shared memory, and takes no more values', () => {
    const open = new KnownEntityIndex({ key: KEY });
    const frozen = new KnownEntityIndex({ key: KEY });
    for (const index of [open, frozen]) {
      for (let i = 0; i < 3000; i++) {
        index.add(`Name${i.toString(36)} Family${(i * 7).toString(36)}`, 'PERSON', 'name');
        index.add(`user${i}@example.net`, 'EMAIL_ADDRESS', 'email');
        index.add(`+1 415-555-${String(2000 + i).padStart(4, '0')}`, 'PHONE_NUMBER');
      }
    }
    frozen.freeze();
    const view = KnownEntityIndex.fromShared(frozen.share());
    const texts = Array.from(
      { length: 400 },
      (_, k) =>
        `Ticket from NAME${(k * 7).toString(36)} FAMILY${(k * 49).toString(36)} <user${k * 7}@example.net>, ` +
        `call (415) 555-${String(2000 + k * 7).padStart(4, '0')}; not Name${k} Smith or user${k}@example.org.`,
    );
    let hits = 0;
    for (const text of texts) {
      const expected = open.find(text);
      hits += expected.length;
      expect(frozen.find(text)).toEqual(expected);
      expect(view.find(text)).toEqual(expected);
    }
    // Each text quotes one indexed name, e-mail and phone (7k < 3000); the rest were never indexed.
    expect(hits).toBe(400 * 3);
    expect(() => frozen.add('Ann Quillfeather', 'PERSON', 'name')).toThrow(/frozen/);
  });

  it('two indexes of the same values use different prefilter seeds but find the same', () => {
    const a = new KnownEntityIndex({ key: KEY });
    const b = new KnownEntityIndex({ key: KEY });
    for (const index of [a, b]) index.add('Ann Quillfeather', 'PERSON', 'name');
    expect(a.find('Hi Ann Quillfeather')).toEqual(b.find('Hi Ann Quillfeather'));
    expect(a.find('Hi Ann Lee')).toEqual([]);
  });

  it('is found the same through shared memory, as a worker thread receives it', () => {
    const shared = build().share();
    expect(shared.filter).toBeInstanceOf(SharedArrayBuffer);
    const view = KnownEntityIndex.fromShared(shared);
    const text = 'ZEPHYRINE QUILLFEATHER (zq.owner@example.org) on 555-010-4477';
    expect(view.find(text).map((s) => s.type)).toEqual(['PERSON', 'EMAIL_ADDRESS', 'PHONE_NUMBER']);
    expect(view.find('Zephyrine Smith')).toEqual([]);
    expect(view.size).toBe(3);
  });

  it('sizes its prefilter for the entries expected, and a worker thread sees the same sizing', () => {
    const index = new KnownEntityIndex({ key: KEY, expectedEntries: 2_000_000 });
    for (let i = 0; i < 2_000; i++) index.add(`Person${i} Surname${i}`, 'PERSON', 'name');
    const shared = index.share();
    // 8 bits an entry: 16 M bits for 2 M entries, the next power of two.
    expect(shared.filter.byteLength).toBe(2 ** 24 / 8);
    const view = KnownEntityIndex.fromShared(shared);
    for (const i of [0, 999, 1_999]) {
      expect(view.find(`ask PERSON${i} SURNAME${i} today`).map((s) => s.type)).toEqual(['PERSON']);
    }
    expect(view.find('ask Person5 Surname6 today')).toEqual([]);
  });
});

describe('KnownEntityIndex: same output as the regex-based implementation it replaced', () => {
  const LOCALES = [fakerEN_US, fakerDE, fakerFR, fakerTR, fakerVI, fakerPL, fakerCS_CZ, fakerEN_IN] as const;
  const random = mulberry32(20261128);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  // Values as personal columns hold them, including the awkward ones: padded, tabbed, decomposed, too short,
  // too long, phones with extensions, the same value under two types.
  const values: [string, EntityId, KnownValueKind | undefined][] = [];
  for (const [n, faker] of LOCALES.entries()) {
    faker.seed(1000 + n);
    for (let i = 0; i < 250; i++) {
      values.push([faker.person.fullName(), 'PERSON', 'name']);
      values.push([faker.internet.email(), 'EMAIL_ADDRESS', undefined]);
      values.push([faker.phone.number(), 'PHONE_NUMBER', undefined]);
      if (i % 10 === 0) values.push([faker.location.streetAddress(), 'STREET_ADDRESS', undefined]);
    }
  }
  values.push(
    ['  Ann\t\tLEE ', 'PERSON', 'name'],
    ['Ann Lee', 'STREET_ADDRESS', undefined],
    ['Jose\u0301 Nu\u0301n\u0303ez', 'PERSON', 'name'],
    ['İlkay Öztürk', 'PERSON', 'name'],
    ['\u212Aelvin Stra\u00dfe', 'PERSON', 'name'],
    ['\u{1D400}\u{1D427}\u{1D427} Quill', 'PERSON', 'name'],
    ['Jo\u00a0Gutmann', 'PERSON', 'name'],
    ['O’Brien-Smythe', 'PERSON', 'name'],
    ['ab', 'PERSON', 'name'],
    ['one two three four five', 'PERSON', 'name'],
    ['Zoë.Ünal+tag@Exämple.org', 'EMAIL_ADDRESS', 'email'],
    ['first%last@example.com', 'EMAIL_ADDRESS', 'email'],
    ['555-0199', 'PHONE_NUMBER', undefined],
    ['(555) 010-4477 ext. 12', 'PHONE_NUMBER', undefined],
    ['+1 555 010 9988 X 7', 'PHONE_NUMBER', undefined],
    ['0044 20 7946 0958', 'FAX_NUMBER', 'phone'],
    ['48213', 'ACCOUNT', 'text'],
  );

  function variant(value: string): string {
    switch (Math.floor(random() * 7)) {
      case 0:
        return value.toUpperCase();
      case 1:
        return value.toLowerCase();
      case 2:
        return value.normalize('NFD');
      case 3:
        return value.replace(/ /g, () => pick([' ', '  ', '\t', '\u00a0', '\n', '\u2003', '    ', ', ']));
      case 4:
        // A lone letter at the head: only capitals and digits start a lookup.
        return `${pick(['a', 'A', 'é', 'É', '7', '٣', 'ǅ'])} ${value}`;
      default:
        return value;
    }
  }

  const FILLER = [
    'the',
    'a',
    'I',
    'x',
    'Dr.',
    "O'Brien",
    'e-mail',
    'order',
    '#48213',
    '2024-0917',
    '$1,249.99',
    '+44 (0) 20',
    'İstanbul',
    'straße',
    'ǅemal',
    '\u212A',
    '\u{1D400}\u{1D427}\u{1D427}',
    '😀',
    '\ud800',
    '\udc00',
    'e\u0301',
    '٣٤٥',
    '12345',
    '555 010 4477',
    '(555)',
    'x73659',
    'ext.',
    'support@example.org',
    '@',
    '’',
    '…',
    '_init',
    'a.b',
    'A+B',
    'mail:',
    'ΣΊΣΥΦΟΣ',
    'Ⅻ',
    '½',
    '\u0301abc',
    'ﬁne',
  ];
  const SEPARATORS = [
    ' ',
    ' ',
    ' ',
    '  ',
    '   ',
    '    ',
    '\t',
    '\n',
    '\u00a0',
    '\u2003',
    ', ',
    '. ',
    '',
    '-',
    "'",
    '’',
    '.',
    '@',
    '+',
    '_',
    '(',
    ')',
    '/',
    '\u200b',
  ];

  function text(): string {
    const parts: string[] = [];
    const n = 1 + Math.floor(random() * 12);
    for (let k = 0; k < n; k++) {
      parts.push(random() < 0.35 ? variant(pick(values)[0]) : pick(FILLER));
      parts.push(pick(SEPARATORS));
    }
    return parts.join('');
  }

  const texts = Array.from({ length: 4000 }, text);
  texts.push(
    '',
    ' ',
    '-',
    "'Ann Lee'",
    '-Ann Lee-',
    'Ann Lee.',
    '@ann.lee@',
    '+Ann_Lee_',
    'ann- lee',
    'ann -lee',
    'Ann\u00a0\u00a0Lee',
    'Ann \u00a0 \u00a0Lee',
    'ann lee',
    'ANN LEE',
    'aNn LeE',
    'ann\u2028lee',
    '\ud800Ann Lee\udc00',
    '\u{1D400}\u{1D427}\u{1D427} quill',
    'x\u{1D400}\u{1D427}\u{1D427}-Quill',
    'İLKAY ÖZTÜRK',
    'ilkay öztürk',
    'KELVIN STRASSE',
    '\u212Aelvin Straße',
    'JOSÉ NÚÑEZ',
    'Jose\u0301 NU\u0301N\u0303EZ',
    'O’BRIEN-SMYTHE',
    "O'Brien-Smythe",
    'ZOË.ÜNAL+TAG@EXÄMPLE.ORG.',
    'first%last@example.com',
    'x@first%last@example.com',
    'call 555-0199 or (555) 010-4477 x12, 5550104477, +1 555 010 9988',
    '0044 20 7946 0958 / 020 7946 0958',
    '48213',
    'order 48213 for Ann Lee',
    '1 2 3 4 5 6 7',
    '1234567',
    '٣٤٥٦٧٨٩٠١',
  );

  it('reads the same words as the WORD regex', () => {
    const WORD = /[\p{L}\p{M}\p{N}]+(?:['’.\-@+_][\p{L}\p{M}\p{N}]+)*/gu;
    const scan = new WordScan();
    // Random strings over an alphabet of every class the scanner tells apart, plus the generated texts.
    const alphabet = [
      ..."aZ9é\u0301٣Ⅻ _-.’'@+_%\t\u00a0\u2003,İ\u212Aß",
      '\ud800',
      '\udc00',
      '\u{1D400}',
      '😀',
      '\u{20000}',
    ];
    const inputs = [...texts];
    for (let k = 0; k < 4000; k++) {
      inputs.push(Array.from({ length: Math.floor(random() * 24) }, () => pick(alphabet)).join(''));
    }
    for (const input of inputs) {
      const expected = Array.from(input.matchAll(WORD), (m) => [
        m.index,
        m.index + m[0].length,
        /^[\0-\x7f]*$/.test(m[0]) ? 1 : 0,
      ]);
      const count = scan.scan(input);
      const got = Array.from({ length: count }, (_, k) => [scan.starts[k], scan.ends[k], scan.ascii[k]]);
      expect(got, JSON.stringify(input)).toEqual(expected);
      expect(scan.digits).toBe(input.replace(/\D+/g, '').length);
    }
  });

  it('indexes the same fingerprints and finds the same spans', () => {
    const index = new KnownEntityIndex({ key: KEY });
    const reference = new ReferenceIndex({ key: KEY });
    for (const [value, type, kind] of values) {
      index.add(value, type, kind);
      reference.add(value, type, kind);
    }
    expect([index.size, index.dropped]).toEqual([reference.size, reference.dropped]);
    expect(new Uint32Array(index.share().fingerprints.slots)).toEqual(
      new Uint32Array(reference.share().fingerprints.slots),
    );
    expect(index.share().types).toEqual(reference.share().types);
    const view = KnownEntityIndex.fromShared(index.share());
    let hits = 0;
    for (const input of texts) {
      const expected = reference.find(input);
      hits += expected.length;
      expect(index.find(input), JSON.stringify(input)).toEqual(expected);
      expect(view.find(input)).toEqual(expected);
    }
    // The texts quote many indexed values: the comparison covers hits, not only misses.
    expect(hits).toBeGreaterThan(1000);
  });

  it('drops the same values when full', () => {
    const index = new KnownEntityIndex({ key: KEY, maxEntries: 500 });
    const reference = new ReferenceIndex({ key: KEY, maxEntries: 500 });
    for (const [value, type, kind] of [...values, ...values]) {
      index.add(value, type, kind);
      reference.add(value, type, kind);
    }
    expect([index.size, index.dropped]).toEqual([reference.size, reference.dropped]);
    for (const input of texts.slice(0, 500)) expect(index.find(input)).toEqual(reference.find(input));
  });
});

// ---- The implementation this file's index replaced, kept as it was (module constants and helpers included).

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

/** The implementation before the word scanner (regex words, a string per folded word), verbatim: the reference. */
class ReferenceIndex {
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
  static fromShared(shared: SharedKnownEntities): ReferenceIndex {
    return new ReferenceIndex({}, shared);
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
