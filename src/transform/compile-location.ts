import { ownString, type EntityKind, type Row } from '../core/index.js';
import {
  fakePlace,
  fakeStreetIn,
  formatCity,
  formatCountry,
  formatPostalCode,
  formatState,
  isKnownCountry,
  placeMemo,
  type FakePlace,
  type IsRealPlaceValue,
  type PlaceKind,
  type PlaceMemo,
  type RealLocation,
} from '../fake-values/index.js';
import { boundedMemo, MEMO_LIMIT } from './bounded-memo.js';
import { perValue, valueCategory } from './column-shape.js';
import type { ActionOf, ColumnContext, RowSubstitution, ValueTransform } from './value-transform.js';

/** The parts of an address that are one place: a fake place gives them all. */
type LocationPart = 'city' | 'state' | 'postal_code' | 'country';
const LOCATION_PARTS: readonly LocationPart[] = ['country', 'state', 'city', 'postal_code'];
type AddressPart = LocationPart | 'street_address';

function isAddressPart(kind: EntityKind): kind is AddressPart {
  return kind === 'street_address' || (LOCATION_PARTS as readonly string[]).includes(kind);
}

/** Name words that say which address part a column is; what is left names the address (`billing`). */
const PART_WORDS = new Set(
  'address addr street line line1 line2 1 2 city town state province region county zip zipcode postcode postal code country cc iso'.split(
    ' ',
  ),
);

/** `billing_postal_code` → `billing`; `shipToCity` → `ship_to`; `city` → ``. */
export function addressLabel(columnName: string): string {
  return columnName
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter((word) => word !== '' && !PART_WORDS.has(word))
    .join('_');
}

interface GroupColumn {
  readonly index: number;
  readonly scope: string;
  /** A kept column (a country the table keeps): read for its locale only when the gazetteer knows it. */
  readonly kept?: true;
}

/**
 * The other address parts substituted in the same row as `columnName`: every one when each part occurs
 * once; else those whose names carry the same label (`billing_city` with `billing_zip`, not `shipping_*`).
 * Without a substituted country, a kept column named for a country (the only one, or one of the same
 * label) gives the locale.
 */
export function addressGroup(
  columnName: string,
  rowSubstitutions: ReadonlyMap<string, RowSubstitution>,
  columnIndexByName: ReadonlyMap<string, number>,
  keptColumns: ReadonlySet<string> = new Set(),
): Partial<Record<LocationPart, GroupColumn>> {
  // A unique part keeps its value-only fake (compileLocation leaves it alone): no place is keyed on it.
  const parts = [...rowSubstitutions].filter(
    ([name, s]) => columnIndexByName.has(name) && isAddressPart(s.entity) && s.unique !== true,
  );
  const kinds = parts.map(([, s]) => s.entity);
  const repeated = new Set(kinds).size < kinds.length;
  const label = addressLabel(columnName);
  const group: Partial<Record<LocationPart, GroupColumn>> = {};
  for (const [name, { entity, scope }] of parts) {
    if (name === columnName || entity === 'street_address') continue;
    if (repeated && addressLabel(name) !== label) continue;
    const part = entity as LocationPart;
    group[part] ??= { index: columnIndexByName.get(name)!, scope };
  }
  if (group.country === undefined && rowSubstitutions.get(columnName)?.entity !== 'country') {
    const countries = [...keptColumns].filter(
      (name) =>
        columnIndexByName.has(name) &&
        /(^|[^a-z])country([^a-z]|$)/i.test(name.replace(/([a-z])([A-Z])/g, '$1_$2')),
    );
    const kept =
      countries.length === 1 ? countries[0] : countries.find((name) => addressLabel(name) === label);
    if (kept !== undefined)
      group.country = { index: columnIndexByName.get(kept)!, scope: 'country', kept: true };
  }
  return group;
}

/**
 * Address parts that agree (see `fakePlace`): a city, state, postal code or country column substituted
 * beside other parts of the same address takes its fake from one fake place keyed by the row's real
 * parts, so `Austin, TX 78701` becomes e.g. `Rochester, NY 14621` wherever it occurs; a street beside
 * them is written in that place's custom. A city, state, postal code or country column alone takes the
 * fake place of its value alone (`TX` → the state `Austin, TX` gets; `Germany` stays `Germany`, as beside
 * a city); a street alone, and unique columns (keys and their references must depend on the value alone),
 * are left to `compileSubstitute` (null).
 */
export function compileLocation(
  action: ActionOf<'substitute'>,
  context: ColumnContext,
): ValueTransform | null {
  const { column, seeder } = context;
  const kind = action.entity;
  if (!isAddressPart(kind) || context.isUnique || valueCategory(column) !== 'string') return null;
  const ownScope = action.scope ?? kind;
  const group =
    context.rowSubstitutions?.get(column.name) === undefined
      ? {}
      : addressGroup(column.name, context.rowSubstitutions, context.columnIndexByName, context.keptColumns);
  const others = LOCATION_PARTS.filter((part) => group[part] !== undefined);
  // A street alone keeps compileSubstitute's fake. A country alone takes the gazetteer's rule, as beside
  // other parts (a known country is kept, another becomes the fake its value alone gives), so one real
  // country is one fake country in every table.
  if (others.length === 0 && kind === 'street_address') return null;

  const scopeOf = (part: PlaceKind): string => group[part]?.scope ?? (part === kind ? ownScope : part);
  const { isScopeValue, isSourceValue } = context;
  // Every column of a row must draw the same place, so only checks they all have: a scope's filter
  // (the pipeline gives every column all of them), or a lone column's own.
  const isReal: IsRealPlaceValue | undefined =
    isScopeValue !== undefined
      ? (part, value) => isScopeValue(scopeOf(part), value)
      : others.length === 0 && isSourceValue !== undefined
        ? (part, value) => part === kind && isSourceValue(value)
        : undefined;
  const maxLength = column.maxLength ?? Infinity;

  const write = (place: FakePlace, value: string): string => {
    switch (kind) {
      case 'city':
        return formatCity(place, value, maxLength);
      case 'state':
        return formatState(place, value, maxLength);
      case 'postal_code':
        return formatPostalCode(place, value, maxLength);
      case 'country':
        return formatCountry(place, value, maxLength);
      case 'street_address':
        return street(place, value);
    }
  };
  // A street keeps its own keyed fake (one street, one fake), written as the place's country writes it.
  const street = (place: FakePlace, value: string): string => {
    let output = fakeStreetIn(place.country.code, seeder.seed(ownScope, value), maxLength);
    for (let attempt = 1; attempt <= MAX_STREET_REDRAWS && isSourceValue?.(output) === true; attempt++) {
      output = fakeStreetIn(place.country.code, seeder.seed(ownScope, `${value}\u0000${attempt}`), maxLength);
    }
    return output;
  };

  // One fake place per row for all its address columns: they share a cache (the table's).
  const { places, memo } =
    isScopeValue === undefined
      ? newPlaceCache()
      : placeCache(
          context.rowSubstitutions ?? {},
          (['city', 'state', 'postal_code'] as const).map(scopeOf).join('\u0000'),
        );
  // Memoized on the real parts (NUL cannot occur in PostgreSQL text): rows repeat places.
  const compute = boundedMemo((key) => {
    const [country, state, city, postalCode, value = ''] = key.split('\u0000');
    const placeKey = key.slice(0, key.length - value.length - 1);
    let place = places.get(placeKey);
    if (place === undefined) {
      const real: RealLocation = { country, state, city, postalCode };
      place = fakePlace(seeder, real, isReal, memo);
      if (places.size >= MEMO_LIMIT) places.clear();
      places.set(ownString(placeKey), place);
    }
    return write(place, value);
  });
  const partOf = (part: LocationPart, value: string, row: Row): string => {
    if (part === kind) return value;
    const source = group[part];
    const real = source === undefined ? '' : (row[source.index] ?? '');
    return source?.kept === true && !isKnownCountry(real) ? '' : real;
  };
  return perValue(column, (value, row) => {
    if (value === '') return '';
    const parts = LOCATION_PARTS.map((part) => partOf(part, value, row));
    return compute(`${parts.join('\u0000')}\u0000${value}`);
  });
}

/**
 * Fake places by real parts, shared by the address columns of one table (keyed by the table's
 * `rowSubstitutions`) with the same scopes: the row's first address column draws the place, the others
 * read it. The place depends on the real parts and scopes alone, so sharing changes no fake.
 */
interface PlaceCache {
  readonly places: Map<string, FakePlace>;
  readonly memo: PlaceMemo;
}

const PLACE_CACHES = new WeakMap<object, Map<string, PlaceCache>>();

function newPlaceCache(): PlaceCache {
  return { places: new Map(), memo: placeMemo() };
}

function placeCache(table: object, scopes: string): PlaceCache {
  let byScopes = PLACE_CACHES.get(table);
  if (byScopes === undefined) {
    byScopes = new Map();
    PLACE_CACHES.set(table, byScopes);
  }
  let cache = byScopes.get(scopes);
  if (cache === undefined) {
    cache = newPlaceCache();
    byScopes.set(scopes, cache);
  }
  return cache;
}

/** As `compileSubstitute`: redraws of a street line that may be real. */
const MAX_STREET_REDRAWS = 4;
