import { bitsOf, fitLength, itemsFitting, longest, pickFitting, shortest } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';
import {
  CITY_NAMES,
  COUNTRIES,
  COUNTRY_ALPHA2,
  COUNTRY_ALPHA3,
  LAST_NAMES,
  STATE_ABBREVIATIONS,
  STATES,
  STREET_NAMES,
  STREET_SUFFIXES,
} from './word-lists.js';

/** `4821 Main Street` or `4821 Kuhn Crossing`: a 3–5 digit number and a street. */
export const fakeStreetAddress: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: 4 + shortest(STREET_NAMES),
    typicalMaxLength: 6 + Math.max(longest(STREET_NAMES), longest(LAST_NAMES) + 1 + longest(STREET_SUFFIXES)),
    canBeUnique: false,
  },
  generate(seed, maxLength) {
    const stream = new SeedStream(seed);
    const digits = stream.between(3, 5);
    const number = String(stream.between(10 ** (digits - 1), 10 ** digits - 1));
    const street =
      stream.below(2) === 0
        ? stream.pick(STREET_NAMES)
        : `${stream.pick(LAST_NAMES)} ${stream.pick(STREET_SUFFIXES)}`;
    if (number.length + 1 + street.length <= maxLength) return `${number} ${street}`;
    const short = String(stream.between(100, 999));
    const fitting = stream.pick(itemsFitting(STREET_NAMES, maxLength - 4));
    return fitLength(`${short} ${fitting}`, maxLength);
  },
  uniqueCapacityBits: () =>
    bitsOf(99_900 * (STREET_NAMES.length + LAST_NAMES.length * STREET_SUFFIXES.length)),
};

const UNIT_KINDS = ['Apt.', 'Suite'] as const;

/** `Apt. 214` or `Suite 530`. */
export const fakeSecondaryAddress: KindGenerator = {
  output: { categories: ['string'], minLength: 8, typicalMaxLength: 9, canBeUnique: false },
  generate(seed, maxLength) {
    const stream = new SeedStream(seed);
    const unit = stream.pick(UNIT_KINDS);
    const number = stream.between(100, 999);
    return fitLength(`${unit.length + 4 <= maxLength ? unit : 'Apt.'} ${number}`, maxLength);
  },
  uniqueCapacityBits: () => bitsOf(UNIT_KINDS.length * 900),
};

export const fakeCity: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: shortest(CITY_NAMES),
    typicalMaxLength: longest(CITY_NAMES),
    canBeUnique: false,
  },
  generate: (seed, maxLength) => pickFitting(new SeedStream(seed), CITY_NAMES, maxLength),
  uniqueCapacityBits: () => bitsOf(CITY_NAMES.length),
};

/** A US state name, or its two-letter code when the original was that short or the column is. */
export const fakeState: KindGenerator = {
  output: { categories: ['string'], minLength: 2, typicalMaxLength: longest(STATES), canBeUnique: false },
  generate(seed, maxLength, _unique, sourceLength) {
    const index = new SeedStream(seed).below(STATES.length);
    const name = STATES[index]!;
    if ((sourceLength !== undefined && sourceLength <= 3) || name.length > maxLength) {
      return fitLength(STATE_ABBREVIATIONS[index]!, maxLength);
    }
    return name;
  },
  uniqueCapacityBits: () => bitsOf(STATES.length),
};

/** A US ZIP code, `02139`; ZIP+4 `02139-4307` when the original had 10 characters or more. */
export const fakePostalCode: KindGenerator = {
  output: { categories: ['string'], minLength: 5, typicalMaxLength: 10, canBeUnique: false },
  generate(seed, maxLength, _unique, sourceLength) {
    const stream = new SeedStream(seed);
    const zip = String(stream.between(1001, 99950)).padStart(5, '0');
    if (sourceLength !== undefined && sourceLength >= 10 && maxLength >= 10)
      return `${zip}-${stream.digits(4)}`;
    return fitLength(zip, maxLength);
  },
  uniqueCapacityBits: (maxLength) => bitsOf(98_950 * (maxLength === null || maxLength >= 10 ? 10_000 : 1)),
};

/** A country name; ISO 3166 alpha-2 or alpha-3 when the original (or the column) is 2 or 3 characters. */
export const fakeCountry: KindGenerator = {
  output: { categories: ['string'], minLength: 2, typicalMaxLength: longest(COUNTRIES), canBeUnique: false },
  generate(seed, maxLength, _unique, sourceLength) {
    const stream = new SeedStream(seed);
    const width = Math.min(sourceLength ?? Infinity, maxLength);
    if (width <= 2) return fitLength(stream.pick(COUNTRY_ALPHA2), maxLength);
    if (width === 3) return stream.pick(COUNTRY_ALPHA3);
    return pickFitting(stream, COUNTRIES, maxLength);
  },
  uniqueCapacityBits: () => bitsOf(COUNTRY_ALPHA2.length),
};
