import { bitsOf, fitLength, itemsFitting, longest, pickFitting, shortest } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { GAZETTEER, US_CITY_NAMES, type CountryCode } from './places.js';
import { SeedStream } from './seed-stream.js';
import {
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

/** A US city of the gazetteer (`places.ts`); columns beside a state or postal code get a coherent one. */
export const fakeCity: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: shortest(US_CITY_NAMES),
    typicalMaxLength: longest(US_CITY_NAMES),
    canBeUnique: false,
  },
  generate: (seed, maxLength) => pickFitting(new SeedStream(seed), US_CITY_NAMES, maxLength),
  uniqueCapacityBits: () => bitsOf(US_CITY_NAMES.length),
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

const US_ZIP_PREFIXES = GAZETTEER[0]!.regions.flatMap((r) => r.postalPrefixes);

/**
 * A US ZIP code with a state's 3-digit prefix, `02139`; ZIP+4 `02139-4307` when the original had 10
 * characters or more.
 */
export const fakePostalCode: KindGenerator = {
  output: { categories: ['string'], minLength: 5, typicalMaxLength: 10, canBeUnique: false },
  generate(seed, maxLength, _unique, sourceLength) {
    const stream = new SeedStream(seed);
    const zip = `${stream.pick(US_ZIP_PREFIXES)}${String(stream.between(1, 99)).padStart(2, '0')}`;
    if (sourceLength !== undefined && sourceLength >= 10 && maxLength >= 10)
      return `${zip}-${stream.digits(4)}`;
    return fitLength(zip, maxLength);
  },
  uniqueCapacityBits: (maxLength) =>
    bitsOf(US_ZIP_PREFIXES.length * 99 * (maxLength === null || maxLength >= 10 ? 10_000 : 1)),
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

/** Street names of the other gazetteer countries, written as there: `Hauptstraße 12`, `12 rue Pasteur`. */
const LOCAL_STREETS: Readonly<Record<Exclude<CountryCode, 'US' | 'CA'>, readonly string[]>> = {
  GB: [
    'High Street',
    'Station Road',
    'Church Lane',
    'Park Road',
    'Victoria Road',
    'Green Lane',
    'Manor Road',
    'Church Street',
    'Mill Lane',
    'Queens Road',
    'King Street',
    'London Road',
    'The Crescent',
    'Albert Road',
  ],
  DE: [
    'Hauptstraße',
    'Bahnhofstraße',
    'Schulstraße',
    'Gartenstraße',
    'Dorfstraße',
    'Bergstraße',
    'Lindenstraße',
    'Kirchstraße',
    'Waldstraße',
    'Ringstraße',
    'Goethestraße',
    'Schillerstraße',
    'Mozartstraße',
    'Birkenweg',
    'Am Markt',
  ],
  FR: [
    'rue de la République',
    'rue Victor Hugo',
    'avenue Jean Jaurès',
    'rue Pasteur',
    'rue de la Gare',
    'place de la Mairie',
    'boulevard Gambetta',
    'rue du Moulin',
    "rue de l'Église",
    'avenue Foch',
    'rue des Écoles',
    'rue Nationale',
  ],
};

/**
 * A street line in the custom of `country`: the US (and Canadian) one is `fakeStreetAddress` itself (same
 * seed, same fake); GB `12 High Street`, DE `Hauptstraße 12`, FR `12 rue Pasteur`.
 */
export function fakeStreetIn(country: CountryCode, seed: Uint8Array, maxLength: number): string {
  if (country === 'US' || country === 'CA')
    return fakeStreetAddress.generate(seed, maxLength, false, undefined);
  const stream = new SeedStream(seed);
  const number = String(stream.between(1, 250));
  // Half the streets are named after a surname, so a real street line is rarely drawn (and redrawn then).
  const street =
    stream.below(2) === 0
      ? stream.pick(LOCAL_STREETS[country])
      : namedStreet(country, stream.pick(LAST_NAMES), stream);
  return fitLength(country === 'DE' ? `${street} ${number}` : `${number} ${street}`, maxLength);
}

function namedStreet(country: Exclude<CountryCode, 'US' | 'CA'>, name: string, stream: SeedStream): string {
  switch (country) {
    case 'GB':
      return `${name} ${stream.pick(['Road', 'Street', 'Lane', 'Close', 'Avenue'])}`;
    case 'DE':
      return `${name}${stream.pick(['straße', 'weg', 'allee'])}`;
    case 'FR':
      return `${stream.pick(['rue', 'avenue', 'allée'])} ${name}`;
  }
}
