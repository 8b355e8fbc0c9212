import { bitsOf, fitLength, itemsFitting, longest, pickFitting, shortest } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';
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

/** `First Last`; when too long `F. Last`, then a last name alone. */
export const fakeFullName: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: shortest(LAST_NAMES),
    typicalMaxLength: longest(FIRST_NAMES) + 1 + longest(LAST_NAMES),
    canBeUnique: false,
  },
  generate(seed, maxLength) {
    const stream = new SeedStream(seed);
    const first = stream.pick(FIRST_NAMES);
    const last = stream.pick(LAST_NAMES);
    if (first.length + 1 + last.length <= maxLength) return `${first} ${last}`;
    const initial = stream.pick(itemsFitting(LAST_NAMES, maxLength - 3));
    if (initial.length + 3 <= maxLength) return `${first.charAt(0)}. ${initial}`;
    return fitLength(stream.pick(itemsFitting(LAST_NAMES, maxLength)), maxLength);
  },
  uniqueCapacityBits: () => bitsOf(FIRST_NAMES.length * LAST_NAMES.length),
};
