import { fakeValue } from './fake-value.js';
import { firstNameGender } from './first-name-gender.js';
import { pickFitting } from './fit-length.js';
import type { KeyedSeeder } from './keyed-seeder.js';
import { canonicalNameCase, matchNameCase } from './name-case.js';
import { SeedStream } from './seed-stream.js';
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES } from './word-lists.js';

/** The name parts a person's other values (e-mail, username) are built from. */
export type NamePartKind = 'first_name' | 'last_name';

/** Redraws when a fake may be a real name; the same bound as substitute's for every kind. */
const MAX_NAME_REDRAWS = 4;

export interface NamePartOptions {
  /** The column's maximum length; null or absent: unbounded. */
  readonly maxLength?: number | null;
  /** Whether a text may be a real value of the scope (a keyed Bloom filter): such a fake is drawn again. */
  readonly isRealValue?: ((value: string) => boolean) | undefined;
}

/**
 * The fake of a first or last name, seeded by (scope, the name in canonical case) and written in the
 * name's case: `MARY`, `mary` and `Mary` become `LINDA`, `linda` and `Linda`. A fake that may be a real
 * name in any of those cases is drawn again (`value ‖ 0x00 ‖ attempt`, as substitute does), so the choice
 * never depends on how the input was written. A first name the name lists give a gender gets a fake of
 * that gender (so a kept gender or title column still matches); any other name gets
 * `fakeValue(kind, seed(scope, name))` when that is not a real name.
 */
export function fakeNamePart(
  kind: NamePartKind,
  seeder: KeyedSeeder,
  scope: string,
  value: string,
  options: NamePartOptions = {},
): string {
  const canonical = canonicalNameCase(value);
  const { isRealValue } = options;
  const maxLength = options.maxLength ?? null;
  const mayBeReal = (fake: string): boolean =>
    isRealValue !== undefined &&
    (isRealValue(fake) || isRealValue(fake.toUpperCase()) || isRealValue(fake.toLowerCase()));
  // A first name keeps its gender (Mary → a female name), so a gender or title column still matches it.
  const gender = kind === 'first_name' ? firstNameGender(canonical) : null;
  const draw = (seed: Uint8Array): string =>
    gender === null
      ? fakeValue(kind, seed, { maxLength })
      : pickFitting(
          new SeedStream(seed),
          gender === 'female' ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES,
          maxLength ?? Infinity,
        );
  let fake = draw(seeder.seed(scope, canonical));
  for (let attempt = 1; attempt <= MAX_NAME_REDRAWS && mayBeReal(fake); attempt++) {
    fake = draw(seeder.seed(scope, `${canonical}\u0000${attempt}`));
  }
  return matchNameCase(fake, value);
}
