import { BlockList, isIPv4 } from 'node:net';

import { describe, expect, it } from 'vitest';

import { ENTITY_KINDS, Secret } from '../core/index.js';
import type { EntityKind } from '../core/index.js';
import { EMAIL_DOMAINS } from './email-domains.js';
import { entityOutput } from './entity-output.js';
import { fakeValue } from './fake-value.js';
import { createKeyedSeeder } from './keyed-seeder.js';
import { US_CITY_NAMES } from './places.js';
import { COUNTRIES, COUNTRY_ALPHA2, COUNTRY_ALPHA3, STATE_ABBREVIATIONS, STATES } from './word-lists.js';

const TEST_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const seeder = createKeyedSeeder(new Secret(TEST_KEY));
const otherSeeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 0xa5)));
const SAMPLE = Array.from({ length: 300 }, (_, i) => `input-${i}`);

const EMAIL = /^[a-z0-9]+(?:[._-][a-z0-9]+)*@[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

/** Special-purpose IPv4 blocks, written independently of the generator's table. */
const reserved = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  reserved.addSubnet(network, prefix, 'ipv4');
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function isDateOfBirth(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return false;
  return text >= '1934-01-02' && text <= '2007-01-01';
}

/** A well-formedness check per kind, accepting the shorter layouts a short column gets. */
const VALID: { readonly [K in EntityKind]: (value: string) => boolean } = {
  first_name: (v) => /^[A-Z][A-Za-z]+$/.test(v),
  last_name: (v) => /^[A-Z][A-Za-z]+$/.test(v),
  full_name: (v) => /^(?:[A-Z][A-Za-z]+|[A-Z]\.) [A-Z][A-Za-z]+$/.test(v) || /^[A-Z][A-Za-z]+$/.test(v),
  email: (v) => EMAIL.test(v) && EMAIL_DOMAINS.includes(v.slice(v.indexOf('@') + 1)),
  phone: (v) =>
    /^(?:\+1 [2-9]\d\d-[2-9]\d\d-\d{4}|\([2-9]\d\d\) [2-9]\d\d-\d{4}|[2-9]\d\d-[2-9]\d\d-\d{4}|[2-9]\d\d[2-9]\d\d\d{4})(?: x\d{5})?$/.test(
      v,
    ),
  street_address: (v) => /^[1-9]\d{2,4} [A-Z0-9][A-Za-z0-9' .-]*[A-Za-z0-9]$/.test(v),
  secondary_address: (v) => /^(?:Apt\.|Suite) [1-9]\d\d$/.test(v),
  city: (v) => US_CITY_NAMES.includes(v),
  state: (v) => STATES.includes(v) || STATE_ABBREVIATIONS.includes(v),
  postal_code: (v) => /^\d{5}(?:-\d{4})?$/.test(v) && v !== '00000',
  country: (v) => COUNTRIES.includes(v) || COUNTRY_ALPHA2.includes(v) || COUNTRY_ALPHA3.includes(v),
  date_of_birth: isDateOfBirth,
  username: (v) => /^[a-z0-9]+(?:[._][a-z0-9]+)*$/.test(v),
  password: (v) =>
    /^\$2b\$10\$[./A-Za-z0-9]{21}[.Oeu][./A-Za-z0-9]{30}[.CGKOSWaeimquy26]$/.test(v) ||
    /^[A-Za-z0-9]{8,59}$/.test(v),
  company: (v) =>
    /^[A-Z][A-Za-z]*(?:(?:, | and | |-)[A-Z][A-Za-z]*)*(?: Inc| LLC| Group| and Sons)?$/.test(v),
  ip_address: (v) => isIPv4(v) && !reserved.check(v, 'ipv4'),
  url: (v) => {
    const url = new URL(v);
    return url.protocol === 'https:' && EMAIL_DOMAINS.includes(url.hostname) && url.href.startsWith(v);
  },
  uuid: (v) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v) ||
    /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/.test(v),
  credit_card: (v) => /^\d{15,16}$/.test(v) && passesLuhn(v),
  national_id: (v) =>
    /^9\d\d-?(?:0[1-9]|[1-4]\d)-?(?!0000)\d{4}$/.test(v) && (v.length === 9 || v.length === 11),
  free_text: (v) => /^[A-Z][a-z]*(?: [a-z]+)*\.(?: [A-Z][a-z]*(?: [a-z]+)*\.)*$/.test(v),
  string: (v) => /^[a-z]+$/.test(v),
  number: (v) => /^(?:[1-9]\d*|\d)$/.test(v),
};

function fake(kind: EntityKind, input: string, options?: Parameters<typeof fakeValue>[2]): string {
  return fakeValue(kind, seeder.seed(kind, input), options);
}

describe.each(ENTITY_KINDS)('fakeValue(%s)', (kind) => {
  it('is deterministic: the same seed gives the same value', () => {
    for (const input of SAMPLE.slice(0, 50)) expect(fake(kind, input)).toBe(fake(kind, input));
  });

  it('depends on the key: another secret gives other values for most inputs', () => {
    let differ = 0;
    for (const input of SAMPLE) {
      if (fakeValue(kind, seeder.seed(kind, input)) !== fakeValue(kind, otherSeeder.seed(kind, input)))
        differ++;
    }
    // Kinds with few outcomes (states: 50) coincide by chance now and then; most must differ.
    expect(differ).toBeGreaterThan(SAMPLE.length * 0.9);
  });

  it('produces well-formed values', () => {
    for (const input of SAMPLE) {
      const value = fake(kind, input);
      expect(VALID[kind](value), `${kind}: ${value}`).toBe(true);
    }
  });

  it('produces well-formed values with unique: true', () => {
    for (const input of SAMPLE.slice(0, 100)) {
      const value = fake(kind, input, { unique: true });
      const valid =
        kind === 'free_text'
          ? VALID.free_text(value.replace(/ Ref [0-9a-z]{13}\.$/, ''))
          : kind === 'full_name'
            ? /^[A-Z][A-Za-z]+ [A-Z][A-Za-z]+-[A-Z][a-z]{13}$/.test(value)
            : VALID[kind](value);
      expect(valid, `${kind}: ${value}`).toBe(true);
    }
  });

  it('fits every maxLength from 1 to 60, and is well-formed from the kind’s minLength on', () => {
    const { minLength } = entityOutput(kind);
    for (let maxLength = 1; maxLength <= 60; maxLength++) {
      for (const unique of [false, true]) {
        for (const input of SAMPLE.slice(0, 20)) {
          const value = fake(kind, input, { maxLength, unique });
          expect(value.length, `${kind} max ${maxLength}: ${value}`).toBeLessThanOrEqual(maxLength);
          if (maxLength >= minLength && !unique) {
            expect(VALID[kind](value), `${kind} max ${maxLength}: ${value}`).toBe(true);
          }
        }
      }
    }
  });

  it('never prints characters outside the Basic Multilingual Plane, so length counts characters', () => {
    for (const input of SAMPLE.slice(0, 50)) expect(fake(kind, input)).not.toMatch(/[\ud800-\udfff]/);
  });
});

/** Fixed key `00 01 … 1f`, scope = kind. A change means every snapshot changes: bump the seeder label. */
const PINNED: { readonly [K in EntityKind]: readonly [string, string, string] } = {
  first_name: ['Ethel', 'Roderick', 'Ella'],
  last_name: ['Jenkins', 'Viellehner', 'Merino'],
  full_name: ['Gregorio Priemer', 'Woodrow Semeraro', 'Adalgiso Sachse'],
  email: ['trautmann.jackeline@mail.test', 'illidio1953@example.org', 'joannie.leonardi@mail.example'],
  phone: ['(553) 555-0182', '(854) 555-0146', '(339) 555-0152'],
  street_address: ['805 West Lane', '76686 Cross Street', '8807 Ottonello Row'],
  secondary_address: ['Apt. 985', 'Suite 781', 'Apt. 931'],
  city: ['Tallahassee', 'Independence', 'North Platte'],
  state: ['Michigan', 'Georgia', 'New Jersey'],
  postal_code: ['25007', '89493', '17091'],
  country: ['Venezuela', 'Nepal', 'Qatar'],
  date_of_birth: ['1967-07-18', '2006-12-29', '1936-10-24'],
  username: ['szordan', 'mads1998', 'zsteuber'],
  password: [
    '$2b$10$Z7Z9PrHXZ6gGSYgjgx6BUOxtkyXeYj.ptdTP56GaydPCwMib2nw/S',
    '$2b$10$lvTwCnrJXnx41MwV7cTRGOi4Jhp2VtsYRjyBog0Jlxo2spR3aLJZS',
    '$2b$10$297gM0jv6LVgDMqOT68UK.9PDUYWb2ExyxpiO75gIjWffyrA2SwMS',
  ],
  company: ['Morabito and Sons', 'Preuss-Silenzi', 'Piazzolla LLC'],
  ip_address: ['167.211.135.44', '175.108.205.151', '219.75.138.164'],
  url: [
    'https://inbox.test/hasty-lieu',
    'https://example.com/unique-charm',
    'https://example.com/supportive-numeric',
  ],
  uuid: [
    '2b48f525-4b05-414c-8c32-c00502e0acd1',
    'd0af56ab-859a-47c1-9fb0-0a81a5330933',
    'b94268ec-95e6-4c84-a3d8-cd693c1a1ea4',
  ],
  credit_card: ['5555551302905344', '5105109922995446', '4111119853879092'],
  national_id: ['964-03-4270', '954-01-4803', '916-07-0911'],
  free_text: [
    'Please burgeon the altruistic discourse.',
    'The nutritious bump was bad.',
    'We demobilise the dividend immediately.',
  ],
  string: ['gvbgwuwxxqll', 'mxawvesfsqsm', 'pgsygyqklhtg'],
  number: ['591185106', '961649227', '425643415'],
};

describe('pinned outputs', () => {
  it.each(ENTITY_KINDS)('%s gives the pinned fakes for a fixed key', (kind) => {
    const inputs = ['Ada Lovelace', 'ada@corp.invalid', '1815-12-10'];
    expect(inputs.map((input) => fake(kind, input))).toEqual(PINNED[kind]);
  });

  it('pins unique and length-limited variants', () => {
    const input = 'Ada Lovelace';
    expect(fake('email', input, { unique: true })).toBe('trautmann.jackeline.0b22ajsnfg36p@mail.test');
    expect(fake('username', input, { unique: true })).toBe('szordan_t4yd7z77c39jt');
    expect(fake('url', input, { unique: true })).toBe('https://inbox.test/hasty-lieu/p8dh8kgmbw3qt');
    expect(fake('free_text', input, { unique: true })).toBe(
      'Please burgeon the altruistic discourse. Ref ygdztdp2694d1.',
    );
    expect(fake('phone', input, { unique: true })).toBe('(553) 422-7752 x13118');
    expect(fake('string', input, { unique: true })).toBe('gvbgwuwxxqllgq');
    expect(fake('number', input, { unique: true })).toBe('59118510675316379974');
    expect(fake('email', input, { maxLength: 16 })).toBe('trautm@mail.test');
    expect(fake('password', input, { maxLength: 16 })).toBe('FP5XpPjdpoM6SGmr');
  });
});

describe('uniqueness', () => {
  it.each(['email', 'username'] as const)(
    '%s with unique: true gives 200k distinct fakes for 200k inputs',
    (kind) => {
      const seen = new Set<string>();
      for (let i = 0; i < 200_000; i++) seen.add(fake(kind, `user-${i}`, { unique: true }));
      expect(seen.size).toBe(200_000);
    },
  );

  it.each(['url', 'string', 'number', 'free_text', 'uuid', 'password'] as const)(
    '%s with unique: true gives 20k distinct fakes for 20k inputs',
    (kind) => {
      const seen = new Set<string>();
      for (let i = 0; i < 20_000; i++) seen.add(fake(kind, `user-${i}`, { unique: true }));
      expect(seen.size).toBe(20_000);
    },
  );

  it('keeps the discriminator when a unique email is cut to a short column', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const value = fake('email', `user-${i}`, { unique: true, maxLength: 24 });
      expect(value.length).toBeLessThanOrEqual(24);
      expect(VALID.email(value)).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(20_000);
  });

  it('without unique, emails do collide across many inputs (names repeat)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(fake('email', `user-${i}`));
    expect(seen.size).toBeLessThan(200_000);
  });
});

describe('shape options', () => {
  it('keeps the source length of string and number fakes', () => {
    expect(fake('string', 'abc', { sourceLength: 3 })).toMatch(/^[a-z]{3}$/);
    expect(fake('number', '12345', { sourceLength: 5 })).toMatch(/^[1-9]\d{4}$/);
    expect(fake('string', '', { sourceLength: 0 })).toBe('');
  });

  it('uses state and country codes for short originals', () => {
    expect(STATE_ABBREVIATIONS).toContain(fake('state', 'CA', { sourceLength: 2 }));
    expect(COUNTRY_ALPHA2).toContain(fake('country', 'FR', { sourceLength: 2 }));
    expect(COUNTRY_ALPHA3).toContain(fake('country', 'FRA', { sourceLength: 3 }));
  });

  it('follows the layout of phones, postal codes, SSNs and card numbers by source length', () => {
    expect(fake('phone', 'p', { sourceLength: 10 })).toMatch(/^\d{10}$/);
    expect(fake('phone', 'p', { sourceLength: 12 })).toMatch(/^\d{3}-555-01\d\d$/);
    expect(fake('phone', 'p', { sourceLength: 15 })).toMatch(/^\+1 \d{3}-555-01\d\d$/);
    expect(fake('postal_code', 'z', { sourceLength: 10 })).toMatch(/^\d{5}-\d{4}$/);
    expect(fake('national_id', 'n', { sourceLength: 9 })).toMatch(/^9\d{8}$/);
    expect(fake('credit_card', 'c', { sourceLength: 19 })).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(fake('credit_card', 'c', { sourceLength: 15 })).toMatch(/^3[47]\d{13}$/);
  });

  it('grows free text toward the source length', () => {
    const text = fake('free_text', 'long', { sourceLength: 300 });
    expect(text.length).toBeGreaterThanOrEqual(300);
    expect(VALID.free_text(text)).toBe(true);
  });
});
