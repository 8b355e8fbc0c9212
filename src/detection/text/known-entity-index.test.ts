import { describe, expect, it } from 'vitest';

import { KnownEntityIndex } from './known-entity-index.js';

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
    expect(shared.filter.byteLength).toBe(2 ** 26 / 8);
    const view = KnownEntityIndex.fromShared(shared);
    for (const i of [0, 999, 1_999]) {
      expect(view.find(`ask PERSON${i} SURNAME${i} today`).map((s) => s.type)).toEqual(['PERSON']);
    }
    expect(view.find('ask Person5 Surname6 today')).toEqual([]);
  });
});
