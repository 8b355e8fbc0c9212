import { ownString } from '../core/index.js';
import { fitLength } from './fit-length.js';
import type { KeyedSeeder } from './keyed-seeder.js';
import {
  GAZETTEER,
  type CountryCode,
  type GazetteerCity,
  type GazetteerCountry,
  type GazetteerRegion,
} from './places.js';
import { SeedStream } from './seed-stream.js';

/** The real location parts of one row (or of one value alone); absent or empty: unknown. */
export interface RealLocation {
  readonly country?: string | null | undefined;
  readonly state?: string | null | undefined;
  readonly city?: string | null | undefined;
  readonly postalCode?: string | null | undefined;
}

/** Location kinds whose real values are kept away from (Bloom filters of the source's values). */
export type PlaceKind = 'city' | 'state' | 'postal_code';

/** Whether a text may be a real source value of a location kind (its default scope). */
export type IsRealPlaceValue = (kind: PlaceKind, value: string) => boolean;

/** One fake place: every part is taken from it, so the parts agree. */
export interface FakePlace {
  readonly country: GazetteerCountry;
  /** Whether the real country was recognized and kept: the fake stays in the real row's locale. */
  readonly countryKept: boolean;
  readonly region: GazetteerRegion;
  /** Null when the real location has no city: postal codes then come from the whole region. */
  readonly city: GazetteerCity | null;
  /** Keyed postal code in the fake place (canonical form: `02139`, `M3 4AB`), null without a real one. */
  readonly postalCode: string | null;
  /** Keyed ZIP+4 extension, kept for US postal codes that had one. */
  readonly plus4: string;
}

/** Scopes of the place seeds: one per level, so a city redraw never moves its state. */
const SCOPE = {
  country: 'place#country',
  region: 'place#region',
  city: 'place#city',
  postal: 'place#postal',
} as const;

/** Entries a memo map keeps before it starts over. */
const PLACE_MEMO_LIMIT = 50_000;

/** Random draws of a postal code before one that may be real is accepted. */
const MAX_POSTAL_REDRAWS = 4;

/** Letters after the first of a Canadian postal code (never D F I O Q U). */
const CA_LETTERS = 'ABCEGHJKLMNPRSTVWXYZ';

/** Letters of the UK inward code's unit (never C I K M O V). */
const GB_UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** Case-, accent- and space-insensitive form for lookups and keys. */
export function foldPlace(text: string): string {
  let folded = FOLDED.get(text);
  if (folded === undefined) {
    // eslint-disable-next-line no-control-regex -- plain ASCII needs no decomposition
    const ascii = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}/gu, '');
    folded = ascii.toLowerCase().replace(/\s+/g, ' ').trim();
    if (FOLDED.size >= PLACE_MEMO_LIMIT) FOLDED.clear();
    FOLDED.set(ownString(text), ownString(folded));
  }
  return folded;
}

/** Folded forms of recent place names: countries, states and cities repeat from row to row. */
const FOLDED = new Map<string, string>();

interface RegionRef {
  readonly country: GazetteerCountry;
  readonly region: GazetteerRegion;
}

const COUNTRY_BY_NAME = new Map<string, GazetteerCountry>();
/** Region names and codes, per country and across countries (the first country wins: US). */
const REGION_BY_NAME = new Map<string, RegionRef>();
const CITY_BY_NAME = new Map<string, RegionRef>();
/** `US:021` → Massachusetts; `GB:M` → England; `DE:80`, `FR:69`. */
const REGION_BY_PREFIX = new Map<string, RegionRef>();

for (const country of GAZETTEER) {
  for (const name of [country.code, country.alpha3, country.name, ...country.aliases]) {
    if (!COUNTRY_BY_NAME.has(foldPlace(name))) COUNTRY_BY_NAME.set(foldPlace(name), country);
  }
  for (const region of country.regions) {
    const ref = { country, region };
    for (const name of [region.name, region.code]) {
      const folded = foldPlace(name);
      REGION_BY_NAME.set(`${country.code}:${folded}`, ref);
      if (!REGION_BY_NAME.has(folded)) REGION_BY_NAME.set(folded, ref);
    }
    for (const city of region.cities) {
      const folded = foldPlace(city.name);
      if (!CITY_BY_NAME.has(`${country.code}:${folded}`)) CITY_BY_NAME.set(`${country.code}:${folded}`, ref);
      if (!CITY_BY_NAME.has(folded)) CITY_BY_NAME.set(folded, ref);
    }
    for (const prefix of region.postalPrefixes) {
      const key = country.code === 'GB' ? prefix.replace(/\d+$/, '') : prefix;
      REGION_BY_PREFIX.set(`${country.code}:${key}`, ref);
    }
  }
}

/** Whether the gazetteer knows the country a text names (`DE`, `DEU`, `Germany`, `Deutschland`). */
export function isKnownCountry(text: string): boolean {
  return COUNTRY_BY_NAME.has(foldPlace(text));
}

function present(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

const GB_POSTCODE = /^([A-Z]{1,2})\d[A-Z\d]?\s*\d[A-Z]{2}$/;
const CA_POSTAL_CODE = /^([A-Z])\d[A-Z]\s*\d[A-Z]\d$/;
const FIVE_DIGITS = /^(\d{5})(?:\s*-?\s*\d{4})?$/;

/** The country a postal code's shape says, when the country is not known: GB shape, else 5 digits: US. */
function countryOfPostal(postal: string): CountryCode | null {
  const canonical = postal.trim().toUpperCase();
  if (GB_POSTCODE.test(canonical)) return 'GB';
  if (CA_POSTAL_CODE.test(canonical)) return 'CA';
  return FIVE_DIGITS.test(canonical) ? 'US' : null;
}

/** The region a postal code belongs to in a country, when the gazetteer knows its prefix. */
function regionOfPostal(country: CountryCode, postal: string): RegionRef | undefined {
  const canonical = postal.trim().toUpperCase();
  if (country === 'GB' || country === 'CA') {
    const area = (country === 'GB' ? GB_POSTCODE : CA_POSTAL_CODE).exec(canonical)?.[1];
    return area === undefined ? undefined : REGION_BY_PREFIX.get(`${country}:${area}`);
  }
  const digits = FIVE_DIGITS.exec(canonical)?.[1];
  if (digits === undefined) return undefined;
  return REGION_BY_PREFIX.get(`${country}:${digits.slice(0, country === 'US' ? 3 : 2)}`);
}

/** The postal code's keyed part: the 5-digit ZIP (its +4 is keyed apart), or the folded code. */
function postalKey(postal: string): string {
  const canonical = postal.trim().toUpperCase();
  return FIVE_DIGITS.exec(canonical)?.[1] ?? canonical.replace(/\s+/g, '');
}

export interface PlaceKeys {
  /** A gazetteer code when the real country is known or implied, else `?` and the folded text. */
  readonly country: string;
  /** `US:TX` for a recognized real region (from the state, else the postal code, else the city). */
  readonly region: string;
  readonly city: string | null;
  readonly postal: string | null;
}

/**
 * What identifies a real location, so that spellings of one place meet: `TX` and `Texas`, a ZIP in
 * Texas, `Austin` alone (a gazetteer city) all key the region `US:TX`. Unknown values key by their folded
 * text. The region is the state's when there is one, so `Austin, TX` is one place in every table.
 */
export function placeKeys(real: RealLocation): PlaceKeys {
  const country = present(real.country);
  const state = present(real.state);
  const city = present(real.city);
  const postal = present(real.postalCode);
  let known: GazetteerCountry | undefined;
  let countryKey: string;
  if (country !== null) {
    known = COUNTRY_BY_NAME.get(foldPlace(country));
    countryKey = known?.code ?? `?${foldPlace(country)}`;
  } else {
    const postalCountry = postal === null ? null : countryOfPostal(postal);
    known =
      (state === null ? undefined : REGION_BY_NAME.get(foldPlace(state))?.country) ??
      (postalCountry === 'GB' || postalCountry === 'CA'
        ? GAZETTEER.find((c) => c.code === postalCountry)
        : undefined) ??
      (city === null ? undefined : CITY_BY_NAME.get(foldPlace(city))?.country) ??
      GAZETTEER[0];
    countryKey = known?.code ?? 'US';
  }
  const scoped = (map: ReadonlyMap<string, RegionRef>, text: string): RegionRef | undefined =>
    known === undefined ? map.get(foldPlace(text)) : map.get(`${known.code}:${foldPlace(text)}`);
  let regionRef: RegionRef | undefined;
  let region: string;
  if (state !== null) {
    regionRef = scoped(REGION_BY_NAME, state);
    region = `?s:${foldPlace(state)}`;
  } else if (postal !== null) {
    const postalCountry = known?.code ?? countryOfPostal(postal);
    regionRef = postalCountry === null ? undefined : regionOfPostal(postalCountry, postal);
    region = `?p:${postalKey(postal)}`;
  } else if (city !== null) {
    regionRef = scoped(CITY_BY_NAME, city);
    region = `?c:${foldPlace(city)}`;
  } else {
    region = '';
  }
  if (regionRef !== undefined) region = `${regionRef.country.code}:${regionRef.region.code}`;
  return {
    country: countryKey,
    region,
    city: city === null ? null : foldPlace(city),
    postal: postal === null ? null : postalKey(postal),
  };
}

/**
 * Draws of the region and the city by their real keys, kept across calls that share a seeder and
 * `isReal` (a table's address columns): rows repeat states and cities, so most rows draw a postal code only.
 */
export interface PlaceMemo {
  readonly regions: Map<string, { readonly country: GazetteerCountry; readonly region: GazetteerRegion }>;
  readonly cities: Map<string, GazetteerCity>;
}

function remember<T>(map: Map<string, T> | undefined, key: string, value: T): void {
  if (map === undefined) return;
  if (map.size >= PLACE_MEMO_LIMIT) map.clear();
  map.set(ownString(key), value);
}

export function placeMemo(): PlaceMemo {
  return { regions: new Map(), cities: new Map() };
}

/** Index `(start + step) mod n`, stepping until `accept` or every index was tried (then `start`). */
function firstAccepted(start: number, count: number, accept: (index: number) => boolean): number {
  for (let step = 0; step < count; step++) {
    const index = (start + step) % count;
    if (accept(index)) return index;
  }
  return start;
}

/**
 * The fake place of a real location, keyed by the run key: the country is kept when the gazetteer knows
 * it (the locale stays; a country is no identifier) and drawn from the gazetteer otherwise; the region is
 * keyed by the real region, the city by the real (region, city), the postal code by the real (region,
 * postal code) — and the city where cities carry their own prefixes (GB, DE, FR). Regions, cities and
 * postal codes that may be real values (`isReal`) are stepped past, deterministically, while any is left.
 */
export function fakePlace(
  seeder: KeyedSeeder,
  real: RealLocation,
  isReal?: IsRealPlaceValue,
  memo?: PlaceMemo,
): FakePlace {
  const keys = placeKeys(real);
  const kept = GAZETTEER.find((c) => c.code === keys.country);
  const regionKey = `${keys.country}\u0000${keys.region}`;
  let drawn = memo?.regions.get(regionKey);
  if (drawn === undefined) {
    const country =
      kept ?? GAZETTEER[new SeedStream(seeder.seed(SCOPE.country, keys.country)).below(GAZETTEER.length)]!;
    const regions = country.regions;
    const start = new SeedStream(seeder.seed(SCOPE.region, regionKey)).below(regions.length);
    const region =
      regions[
        firstAccepted(
          start,
          regions.length,
          (i) =>
            isReal === undefined || !(isReal('state', regions[i]!.name) || isReal('state', regions[i]!.code)),
        )
      ]!;
    drawn = { country, region };
    remember(memo?.regions, regionKey, drawn);
  }
  const { country, region } = drawn;
  let city: GazetteerCity | null = null;
  if (keys.city !== null) {
    const cityKey = `${regionKey}\u0000${keys.city}`;
    city = memo?.cities.get(cityKey) ?? null;
    if (city === null) {
      const cities = region.cities;
      const start = new SeedStream(seeder.seed(SCOPE.city, cityKey)).below(cities.length);
      city =
        cities[
          firstAccepted(start, cities.length, (i) => isReal === undefined || !isReal('city', cities[i]!.name))
        ]!;
      remember(memo?.cities, cityKey, city);
    }
  }
  let postalCode: string | null = null;
  let plus4 = '';
  if (keys.postal !== null) {
    const byCity = city !== null && region.citiesHavePrefixes;
    const prefixes = byCity ? city!.postalPrefixes : region.postalPrefixes;
    const base = `${keys.country}\u0000${keys.region}\u0000${byCity ? keys.city : ''}\u0000${keys.postal}`;
    for (let attempt = 0; attempt <= MAX_POSTAL_REDRAWS; attempt++) {
      const stream = new SeedStream(
        seeder.seed(SCOPE.postal, attempt === 0 ? base : `${base}\u0000${attempt}`),
      );
      postalCode = postalIn(country.code, stream.pick(prefixes), stream);
      plus4 = String(stream.between(1, 9999)).padStart(4, '0');
      if (isReal === undefined || !isReal('postal_code', postalCode)) break;
    }
  }
  return { country, countryKept: kept !== undefined, region, city, postalCode, plus4 };
}

/** A postal code of the country with the prefix: `02139`, `M3 4AB`, `80331`, `69100`. */
function postalIn(country: CountryCode, prefix: string, stream: SeedStream): string {
  switch (country) {
    case 'US':
      return `${prefix}${String(stream.between(1, 99)).padStart(2, '0')}`;
    case 'CA':
      return `${prefix}${stream.below(10)}${stream.pick([...CA_LETTERS])} ${stream.below(10)}${stream.pick([...CA_LETTERS])}${stream.below(10)}`;
    case 'GB':
      return `${prefix} ${stream.between(1, 9)}${stream.pick([...GB_UNIT_LETTERS])}${stream.pick([...GB_UNIT_LETTERS])}`;
    case 'DE':
      return `${prefix}${String(stream.between(1, 999)).padStart(3, '0')}`;
    case 'FR':
      // Most French codes end in 0 (one per distributing office).
      return `${prefix}${stream.digits(2)}0`;
  }
}

/** `fake` in the case of `real`: all capitals or all small letters when `real` is, else as is. */
export function keepCase(fake: string, real: string): string {
  if (real.toUpperCase() === real.toLowerCase()) return fake;
  if (real.length > 1 && real === real.toUpperCase()) return fake.toUpperCase();
  if (real === real.toLowerCase()) return fake.toLowerCase();
  return fake;
}

/** The fake city in the real value's case; a city that fits when the column is short. */
export function formatCity(place: FakePlace, real: string, maxLength: number): string {
  let name = place.city?.name ?? place.region.cities[0]!.name;
  if (name.length > maxLength) {
    name = place.region.cities.find((c) => c.name.length <= maxLength)?.name ?? name;
  }
  return fitLength(keepCase(name, real), maxLength);
}

/** The region's code when the real value is a code (3 characters at most) or the name does not fit. */
export function formatState(place: FakePlace, real: string, maxLength: number): string {
  const { region } = place;
  const asCode = real.trim().length <= 3 || region.name.length > maxLength;
  return fitLength(keepCase(asCode ? region.code : region.name, real), maxLength);
}

/** The postal code in the real one's layout: ZIP+4 kept (with its separator), GB space and case kept. */
export function formatPostalCode(place: FakePlace, real: string, maxLength: number): string {
  let code = place.postalCode ?? '';
  const trimmed = real.trim();
  if (place.country.code === 'US') {
    const plus = /^\d{5}(\s*-?\s*)\d{4}$/.exec(trimmed);
    if (plus !== null) code = `${code}${plus[1]}${place.plus4}`;
  } else if (
    (place.country.code === 'GB' || place.country.code === 'CA') &&
    trimmed.length > 0 &&
    !/\s/.test(trimmed)
  ) {
    code = code.replace(' ', '');
  }
  return fitLength(keepCase(code, real), maxLength);
}

/**
 * The real country when it was kept, else the fake one as the real value wrote its country: ISO alpha-2
 * for 2 characters, alpha-3 for 3, the name otherwise (alpha-2 when the name does not fit).
 */
export function formatCountry(place: FakePlace, real: string, maxLength: number): string {
  if (place.countryKept && real.length <= maxLength) return real;
  const { country } = place;
  const width = Math.min(real.trim().length, maxLength);
  const text =
    width <= 2
      ? country.code
      : width === 3
        ? country.alpha3
        : country.name.length <= maxLength
          ? country.name
          : country.code;
  return fitLength(keepCase(text, real), maxLength);
}
