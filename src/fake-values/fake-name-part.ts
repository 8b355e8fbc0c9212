import { fakeValue } from './fake-value.js';
import type { KeyedSeeder } from './keyed-seeder.js';
import { canonicalNameCase, matchNameCase } from './name-case.js';

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
 * name's case: `MARY`, `mary` and `Mary` become `KEVIN`, `kevin` and `Kevin`. A fake that may be a real
 * name in any of those cases is drawn again (`value ‖ 0x00 ‖ attempt`, as substitute does), so the choice
 * never depends on how the input was written. A capitalized name gets `fakeValue(kind, seed(scope, name))`
 * when that is not a real name: the fake prose mentions of it get.
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
  let fake = fakeValue(kind, seeder.seed(scope, canonical), { maxLength });
  for (let attempt = 1; attempt <= MAX_NAME_REDRAWS && mayBeReal(fake); attempt++) {
    fake = fakeValue(kind, seeder.seed(scope, `${canonical}\u0000${attempt}`), { maxLength });
  }
  return matchNameCase(fake, value);
}
