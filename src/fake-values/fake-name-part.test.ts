import { describe, expect, it } from 'vitest';

import { Secret } from '../core/index.js';
import { fakeNamePart } from './fake-name-part.js';
import { fakeValue } from './fake-value.js';
import { firstNameGender } from './first-name-gender.js';
import { createKeyedSeeder } from './keyed-seeder.js';
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES } from './word-lists.js';

const seeder = createKeyedSeeder(new Secret(Buffer.from(Array.from({ length: 32 }, (_, i) => i))));
const otherSeeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 0xa5)));
const NAMES = Array.from({ length: 200 }, (_, i) => `Name${String.fromCharCode(97 + (i % 26))}${i}`);

describe('fakeNamePart', () => {
  it('gives a capitalized name the fake its kind gets from seed(scope, name), unless the name has a gender', () => {
    expect(fakeNamePart('last_name', seeder, 'last_name', 'Lee')).toBe(
      fakeValue('last_name', seeder.seed('last_name', 'Lee')),
    );
    // Not in the name lists, so no gender: any first name.
    for (const name of ['Zephyrine', 'Quillon']) {
      expect(firstNameGender(name)).toBeNull();
      expect(fakeNamePart('first_name', seeder, 'first_name', name)).toBe(
        fakeValue('first_name', seeder.seed('first_name', name)),
      );
    }
  });

  it('keeps a first name’s gender, for every name the lists give one', () => {
    const female = FEMALE_FIRST_NAMES.slice(0, 300);
    const male = MALE_FIRST_NAMES.slice(0, 300);
    expect(firstNameGender('Mary')).toBe('female');
    expect(firstNameGender('JOHN')).toBe('male');
    for (const name of female)
      expect(firstNameGender(fakeNamePart('first_name', seeder, 'first_name', name)), name).toBe('female');
    for (const name of male)
      expect(firstNameGender(fakeNamePart('first_name', seeder, 'first_name', name)), name).toBe('male');
    // Still spread over the list, not a few names.
    const fakes = new Set(female.map((n) => fakeNamePart('first_name', seeder, 'first_name', n)));
    expect(fakes.size).toBeGreaterThan(200);
  });

  it('gives one fake to a name in any case, written in that case', () => {
    for (const kind of ['first_name', 'last_name'] as const) {
      const fake = fakeNamePart(kind, seeder, kind, 'Mary');
      expect(fakeNamePart(kind, seeder, kind, 'MARY')).toBe(fake.toUpperCase());
      expect(fakeNamePart(kind, seeder, kind, 'mary')).toBe(fake.toLowerCase());
      // Inner capitals are folded for the key; a name in mixed case gets the fake as drawn.
      expect(fakeNamePart(kind, seeder, kind, 'mcdonald')).toBe(
        fakeNamePart(kind, seeder, kind, 'McDonald').toLowerCase(),
      );
    }
  });

  it('is keyed by scope and key', () => {
    const mine = NAMES.map((n) => fakeNamePart('last_name', seeder, 'last_name', n));
    const scoped = NAMES.map((n) => fakeNamePart('last_name', seeder, 'people', n));
    const theirs = NAMES.map((n) => fakeNamePart('last_name', otherSeeder, 'last_name', n));
    expect(mine.filter((m, i) => m !== scoped[i]).length).toBeGreaterThan(180);
    expect(mine.filter((m, i) => m !== theirs[i]).length).toBeGreaterThan(180);
  });

  it('draws again when the fake is a real name in any case, whatever the input’s case', () => {
    const first = fakeNamePart('first_name', seeder, 'first_name', 'Mary');
    // The source holds the first fake in capitals only: the capitalized input must still avoid it.
    const isRealValue = (value: string): boolean => value === first.toUpperCase();
    const redrawn = fakeNamePart('first_name', seeder, 'first_name', 'Mary', { isRealValue });
    expect(redrawn).not.toBe(first);
    expect(fakeNamePart('first_name', seeder, 'first_name', 'MARY', { isRealValue })).toBe(
      redrawn.toUpperCase(),
    );
  });

  it('fits the column length', () => {
    for (const name of NAMES) {
      expect(
        fakeNamePart('last_name', seeder, 'last_name', name, { maxLength: 5 }).length,
      ).toBeLessThanOrEqual(5);
    }
  });
});
