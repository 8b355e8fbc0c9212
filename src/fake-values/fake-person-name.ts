import { bitsOf, fitLength, itemsFitting, longest, pickFitting, shortest } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';
import {
  LETTER_DISCRIMINATOR_CHARS,
  letterDiscriminator,
  letterDiscriminatorBits,
} from './unique-discriminator.js';
import { FIRST_NAMES, LAST_NAMES } from './word-lists.js';

export const fakeFirstName: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: shortest(FIRST_NAMES),
    typicalMaxLength: longest(FIRST_NAMES),
    canBeUnique: false,
  },
  generate: (seed, maxLength) => pickFitting(new SeedStream(seed), FIRST_NAMES, maxLength),
  uniqueCapacityBits: () => bitsOf(FIRST_NAMES.length),
};

export const fakeLastName: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: shortest(LAST_NAMES),
    typicalMaxLength: longest(LAST_NAMES),
    canBeUnique: false,
  },
  generate: (seed, maxLength) => pickFitting(new SeedStream(seed), LAST_NAMES, maxLength),
  uniqueCapacityBits: () => bitsOf(LAST_NAMES.length),
};

/**
 * `First Last`; when too long `F. Last`, then a last name alone. With `unique`, the last name carries a
 * keyed, letters-only discriminator as a second, hyphenated part (`Mary Smith-Kqwnzhtexbvrda`, ≥ 64 bits),
 * so distinct inputs get distinct names, with no coordination between workers.
 */
export const fakeFullName: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: shortest(LAST_NAMES),
    typicalMaxLength: longest(FIRST_NAMES) + 1 + longest(LAST_NAMES),
    canBeUnique: true,
  },
  generate(seed, maxLength, unique) {
    const stream = new SeedStream(seed);
    const first = stream.pick(FIRST_NAMES);
    const last = stream.pick(LAST_NAMES);
    if (unique) return uniqueFullName(seed, first, last, maxLength);
    if (first.length + 1 + last.length <= maxLength) return `${first} ${last}`;
    const initial = stream.pick(itemsFitting(LAST_NAMES, maxLength - 3));
    if (initial.length + 3 <= maxLength) return `${first.charAt(0)}. ${initial}`;
    return fitLength(stream.pick(itemsFitting(LAST_NAMES, maxLength)), maxLength);
  },
  uniqueCapacityBits: (maxLength) =>
    maxLength === null
      ? letterDiscriminatorBits(LETTER_DISCRIMINATOR_CHARS)
      : letterDiscriminatorBits(Math.max(0, maxLength - 1)),
};

/** `First Last-Disc`, else `F. Last-Disc`, else `Disc` alone (capitalised), cut to what fits. */
function uniqueFullName(seed: Uint8Array, first: string, last: string, maxLength: number): string {
  const tag = letterDiscriminator(seed);
  const part = tag.charAt(0).toUpperCase() + tag.slice(1);
  const full = `${first} ${last}-${part}`;
  if (full.length <= maxLength) return full;
  const short = `${first.charAt(0)}. ${last}-${part}`;
  if (short.length <= maxLength) return short;
  return part.slice(0, Math.max(1, maxLength));
}
