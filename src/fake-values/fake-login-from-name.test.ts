import { describe, expect, it } from 'vitest';

import { Secret } from '../core/index.js';
import {
  fakeEmailFromName,
  fakeNameShapedLogin,
  fakeUsernameFromName,
  splitRunTogetherName,
} from './fake-login-from-name.js';
import type { NameFakes } from './fake-login-from-name.js';
import { fakeNamePart } from './fake-name-part.js';
import { createKeyedSeeder } from './keyed-seeder.js';

const seeder = createKeyedSeeder(new Secret(Buffer.from(Array.from({ length: 32 }, (_, i) => i))));
const otherSeeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 0xa5)));
const names: NameFakes = (kind, name) => fakeNamePart(kind, seeder, kind, name);
const first = (name: string): string => names('first_name', name);
const last = (name: string): string => names('last_name', name);
const seed = (value: string): Uint8Array => seeder.seed('email', value);
const domainSeed = (domain: string): Uint8Array => seeder.seed('email\u0000domain', domain);
const email = (value: string, unique = false, maxLength: number | null = null): string | null =>
  fakeEmailFromName(value, names, seed(value), domainSeed(value.split('@')[1] ?? ''), { maxLength, unique });

describe('fakeNameShapedLogin', () => {
  it('replaces the names of a login with their fakes, in their case and order', () => {
    expect(fakeNameShapedLogin('ann.lee', names, seed('x'))).toBe(
      `${first('Ann')}.${last('Lee')}`.toLowerCase(),
    );
    expect(fakeNameShapedLogin('ANN_LEE', names, seed('x'))).toBe(
      `${first('Ann')}_${last('Lee')}`.toUpperCase(),
    );
    expect(fakeNameShapedLogin('Ann', names, seed('x'))).toBe(first('Ann'));
    expect(fakeNameShapedLogin('ann.marie.lee', names, seed('x'))).toBe(
      `${first('Ann')}.${first('Marie')}.${last('Lee')}`.toLowerCase(),
    );
  });

  it('writes an initial as the initial of its fake name, and keyed digits for digits', () => {
    const login = fakeNameShapedLogin('a.lee1984', names, seed('a.lee1984'));
    expect(login).toMatch(
      new RegExp(`^${first('A').charAt(0).toLowerCase()}\\.${last('Lee').toLowerCase()}\\d{4}$`),
    );
    expect(fakeNameShapedLogin('a.lee1984', names, seed('other'))).not.toBe(login);
  });

  it('takes a lone name for a first name unless it is known to be a last name', () => {
    expect(fakeNameShapedLogin('lee', names, seed('x'))).toBe(first('Lee').toLowerCase());
    expect(fakeNameShapedLogin('lee84', names, seed('x'), (n) => n === 'lee')).toMatch(
      new RegExp(`^${last('Lee').toLowerCase()}\\d\\d$`),
    );
  });

  it('gives up on what is not one to three names with digits and ._+-', () => {
    for (const local of ['', '1984', 'a.b.c.d', 'jürgen', 'ann lee', "o'neil"])
      expect(fakeNameShapedLogin(local, names, seed(local))).toBeNull();
  });
  it('reads two names last-first when the first is known as a last name and the second is not', () => {
    const isLastName = (n: string): boolean => n === 'grady';
    expect(fakeNameShapedLogin('grady.isabelle', names, seed('x'), isLastName)).toBe(
      `${last('Grady').toLowerCase()}.${first('Isabelle').toLowerCase()}`,
    );
    // Both known as last names, or neither: the usual first-last reading.
    expect(fakeNameShapedLogin('grady.isabelle', names, seed('x'), () => true)).toBe(
      `${first('Grady').toLowerCase()}.${last('Isabelle').toLowerCase()}`,
    );
  });
});

describe('splitRunTogetherName', () => {
  const firsts = new Set(['mary', 'ann', 'anna', 'jo']);
  const lasts = new Set(['smith', 'lee', 'alee', 'nguyen']);
  const split = (run: string) =>
    splitRunTogetherName(
      run,
      (n) => firsts.has(n.toLowerCase()),
      (n) => lasts.has(n.toLowerCase()),
    );

  it('reads a first name or an initial followed by a last name, the longest first name first', () => {
    expect(split('marysmith')).toEqual(['mary', 'smith']);
    expect(split('jsmith')).toEqual(['j', 'smith']);
    expect(split('JNguyen')).toEqual(['J', 'Nguyen']);
    expect(split('annalee')).toEqual(['anna', 'lee']);
  });

  it('leaves names, short runs and words that split into no first + last name alone', () => {
    expect(split('smith')).toBeNull();
    expect(split('jolee')).toEqual(['jo', 'lee']);
    expect(split('jlee')).toBeNull(); // shorter than five letters: one name
    expect(split('dragonslayer')).toBeNull();
    expect(split('marybrown')).toBeNull();
  });

  it('makes a run-together login from the fakes of its parts, so it follows the person’s fake name', () => {
    const splitter = (run: string) =>
      splitRunTogetherName(
        run,
        (n) => firsts.has(n.toLowerCase()),
        (n) => lasts.has(n.toLowerCase()),
      );
    expect(fakeNameShapedLogin('marysmith77', names, seed('x'), undefined, splitter)).toMatch(
      new RegExp(`^${first('mary')}${last('smith')}\\d\\d$`),
    );
    expect(fakeNameShapedLogin('jsmith', names, seed('x'), undefined, splitter)).toBe(
      `${first('j').charAt(0)}${last('smith')}`,
    );
    // Without the source's names, the run is one first name, as before.
    expect(fakeNameShapedLogin('marysmith', names, seed('x'))).toBe(first('marysmith'));
  });
});

describe('fakeEmailFromName', () => {
  it('follows the names and keeps the kind of domain: a company stays one company, free mail stays free mail', () => {
    const a = email('ann.lee@corp.example.com');
    const b = email('bob.ray@corp.example.com');
    const g = email('ann.lee@gmail.com');
    expect(a?.split('@')[0]).toBe(`${first('Ann')}.${last('Lee')}`.toLowerCase());
    expect(a?.split('@')[1]).toMatch(/^example\.(com|net|org)$/);
    expect(b?.split('@')[1]).toBe(a?.split('@')[1]);
    expect(g?.split('@')[1]).toMatch(/^(mail\.example|inbox\.test|mail\.test)$/);
  });

  it('adds the keyed discriminator for unique columns, in the handle’s case', () => {
    expect(email('ann.lee@corp.example', true)).toMatch(
      /^[a-z]+\.[a-z]+\.[0-9a-z]{13}@example\.(com|net|org)$/,
    );
    expect(email('ANN.LEE@corp.example', true)).toMatch(
      /^[A-Z]+\.[A-Z]+\.[0-9A-Z]{13}@example\.(com|net|org)$/,
    );
    const many = new Set(
      Array.from({ length: 5000 }, (_, i) => email(`ann.lee${i % 7 === 0 ? '' : i}@c${i}.example`, true)),
    );
    expect(many.size).toBe(5000);
  });

  it('gives up when the address has no name shape or the result does not fit', () => {
    expect(email('no-at-sign')).toBeNull();
    expect(email('@corp.example')).toBeNull();
    expect(email('ann.lee@')).toBeNull();
    expect(email('ann.lee@corp.example', false, 8)).toBeNull();
  });

  it('pins its outputs', () => {
    expect([
      email('ann.lee@corp.example'),
      email('MARY.SMITH@sakilacustomer.org'),
      email('jdoe77@gmail.com', true),
    ]).toMatchInlineSnapshot(`
      [
        "demi.acquistapace@example.net",
        "ARVILLA.CEPEDA@example.net",
        "emmanuelle11.hj412xne07tb2@inbox.test",
      ]
    `);
  });

  it('depends on the key', () => {
    const others: NameFakes = (kind, name) => fakeNamePart(kind, otherSeeder, kind, name);
    const inputs = Array.from(
      { length: 50 },
      (_, i) => `person${String.fromCharCode(97 + (i % 26))}.x${i}@corp.example`,
    );
    const differing = inputs.filter(
      (v) =>
        email(v) !==
        fakeEmailFromName(v, others, otherSeeder.seed('email', v), domainSeed('corp.example'), {
          maxLength: null,
          unique: false,
        }),
    );
    expect(differing.length).toBeGreaterThan(45);
  });
});

describe('fakeUsernameFromName', () => {
  it('follows the names; unique usernames end in _ and the discriminator', () => {
    expect(fakeUsernameFromName('Mike', names, seed('Mike'), { maxLength: null, unique: false })).toBe(
      first('Mike'),
    );
    expect(fakeUsernameFromName('mike_h', names, seed('mike_h'), { maxLength: null, unique: true })).toMatch(
      new RegExp(`^${first('Mike').toLowerCase()}_[a-z]_[0-9a-z]{13}$`),
    );
    expect(fakeUsernameFromName('mike', names, seed('mike'), { maxLength: 2, unique: false })).toBeNull();
  });
});
