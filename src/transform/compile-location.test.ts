import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';
import { Secret } from '../core/index.js';
import type { EntityKind, Row } from '../core/index.js';
import { createKeyedSeeder, type KeyedSeeder } from '../fake-values/index.js';
import { GAZETTEER } from '../fake-values/places.js';
import { columnFakeOf } from './column-fake-of.js';
import { addressGroup, addressLabel } from './compile-location.js';
import { compileTransform } from './compile-transform.js';
import type { ColumnContext, RowSubstitution } from './value-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.from(Array.from({ length: 32 }, (_, i) => 11 * i))));
const otherSeeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 0x3e)));

const US = GAZETTEER.find((c) => c.code === 'US')!;

/** A table of substituted text columns: name → kind, in row order. */
function table(
  columns: Readonly<Record<string, EntityKind>>,
  extra: Partial<ColumnContext> = {},
  keyed: KeyedSeeder = seeder,
): (row: Row) => Record<string, string | null> {
  const names = Object.keys(columns);
  const columnIndexByName = new Map(names.map((name, i) => [name, i]));
  const rowSubstitutions = new Map<string, RowSubstitution>(
    names.map((name) => [name, { entity: columns[name]!, scope: columns[name]! }]),
  );
  const transforms = names.map((name) =>
    compileTransform(
      { kind: 'substitute', entity: columns[name]! },
      {
        column: columnInfo({ name }),
        seeder: keyed,
        isUnique: false,
        columnIndexByName,
        rowKeyIndexes: [],
        rowSubstitutions,
        ...extra,
      },
    ),
  );
  return (row) => Object.fromEntries(names.map((name, i) => [name, transforms[i]!(row[i] ?? null, row)]));
}

const ADDRESS = {
  street: 'street_address',
  city: 'city',
  state: 'state',
  zip: 'postal_code',
  country: 'country',
} as const satisfies Record<string, EntityKind>;

const ROWS: Row[] = [
  ['12 Congress Ave', 'Austin', 'TX', '78701', 'US'],
  ['77 Mass Ave', 'Cambridge', 'MA', '02139-4307', 'US'],
  ['1 Main St', 'Springfield', 'IL', '62701', 'US'],
  ['5 Elm St', 'Portland', 'OR', '97201', 'US'],
  ['9 Oak Rd', 'Denver', 'CO', '80202', 'US'],
  ['3 Pine Ln', 'Miami', 'FL', '33101', 'US'],
  ['8 Lake Dr', 'Seattle', 'WA', '98101-1234', 'US'],
  ['4 Hill St', 'Phoenix', 'AZ', '85001', 'US'],
];

function stateOf(code: string) {
  const region = US.regions.find((r) => r.code === code);
  expect(region, `a US state ${code}`).toBeDefined();
  return region!;
}

/** The US state holding a gazetteer city (the first one, for names in several). */
function placeStateOf(city: string): string {
  const region = US.regions.find((r) => r.cities.some((c) => c.name === city));
  expect(region, `a US city ${city}`).toBeDefined();
  return region!.code;
}

describe('coherent address rows (substitute)', () => {
  const transform = table(ADDRESS);

  it('takes city, state and ZIP from one fake place, in the real values’ formats', () => {
    for (const row of ROWS) {
      const fake = transform([...row]);
      const state = stateOf(fake.state!);
      expect(state.cities.map((c) => c.name)).toContain(fake.city);
      expect(fake.zip).toMatch(row[3]!.length === 10 ? /^\d{5}-\d{4}$/ : /^\d{5}$/);
      expect(state.postalPrefixes).toContain(fake.zip!.slice(0, 3));
      expect(fake.country).toBe('US');
      expect(fake.street).toMatch(/^\d{3,5} \S/);
      expect(fake.city).not.toBe(row[1]);
    }
  });

  it('writes a full state name for a full name, and keeps capitals', () => {
    const coded = transform(['1 A St', 'Austin', 'TX', '78701', 'US']);
    const named = transform(['1 A St', 'AUSTIN', 'Texas', '78701', 'USA']);
    const state = stateOf(coded.state!);
    expect(named.state).toBe(state.name);
    expect(named.city).toBe(coded.city!.toUpperCase());
    expect(named.zip).toBe(coded.zip);
    expect(named.country).toBe('USA');
  });

  it('is deterministic, and another key gives other places', () => {
    const again = table(ADDRESS);
    const other = table(ADDRESS, {}, otherSeeder);
    const fakes = ROWS.map((row) => JSON.stringify(transform([...row])));
    expect(ROWS.map((row) => JSON.stringify(again([...row])))).toEqual(fakes);
    const others = ROWS.map((row) => JSON.stringify(other([...row])));
    expect(others.filter((fake, i) => fake === fakes[i])).toHaveLength(0);
  });

  it('gives the same real (city, state) the same fake in another table, with or without a ZIP', () => {
    const customers = table({ home_state: 'state', home_city: 'city' });
    const offices = table({ city: 'city', zip: 'postal_code', state: 'state', country: 'country' });
    for (const row of ROWS) {
      const full = transform([...row]);
      expect(customers([row[2]!, row[1]!])).toEqual({ home_state: full.state, home_city: full.city });
      const office = offices([row[1]!, row[3]!, row[2]!, null]);
      expect(office).toEqual({ city: full.city, zip: full.zip, state: full.state, country: null });
    }
  });

  it('gives a postal code alone, and one in free text, the fake its row gives it (US: state-wide prefixes)', () => {
    const zipAlone = table({ zip: 'postal_code' });
    const span = columnFakeOf({
      column: columnInfo(),
      seeder,
      isUnique: false,
      columnIndexByName: new Map(),
      rowKeyIndexes: [],
    });
    for (const row of ROWS) {
      const full = transform([...row]);
      expect(zipAlone([row[3]!]).zip).toBe(full.zip);
      expect(span('postal_code', row[3]!)).toBe(full.zip);
    }
  });

  it('keeps two addresses of one row apart by their column names', () => {
    const orders = table({
      billing_city: 'city',
      billing_state: 'state',
      shipping_city: 'city',
      shipping_state: 'state',
    });
    const fake = orders(['Austin', 'TX', 'Miami', 'FL']);
    expect(stateOf(fake.billing_state!).cities.map((c) => c.name)).toContain(fake.billing_city);
    expect(stateOf(fake.shipping_state!).cities.map((c) => c.name)).toContain(fake.shipping_city);
    expect(addressLabel('shipToPostalCode')).toBe('ship_to');
    const group = addressGroup(
      'billing_city',
      new Map([
        ['billing_city', { entity: 'city', scope: 'city' }],
        ['billing_state', { entity: 'state', scope: 'state' }],
        ['shipping_city', { entity: 'city', scope: 'city' }],
      ]),
      new Map([
        ['billing_city', 0],
        ['billing_state', 1],
        ['shipping_city', 2],
      ]),
    );
    expect(group).toEqual({ state: { index: 1, scope: 'state' } });
  });

  it('writes the street of a German row as Germans do, and keeps the locale', () => {
    const fake = transform(['Hauptstr. 5', 'München', 'Bayern', '80331', 'Deutschland']);
    expect(fake.street).toMatch(/^\D+ \d{1,3}$/);
    expect(fake.country).toBe('Deutschland');
    const land = GAZETTEER.find((c) => c.code === 'DE')!.regions.find((r) => r.name === fake.state)!;
    const city = land.cities.find((c) => c.name === fake.city)!;
    expect(city.postalPrefixes).toContain(fake.zip!.slice(0, 2));
  });

  it('writes a UK postcode in the real one’s spacing and case, in the fake city’s area', () => {
    const uk = table({ town: 'city', postcode: 'postal_code', country: 'country' });
    const gb = GAZETTEER.find((c) => c.code === 'GB')!;
    for (const [town, postcode] of [
      ['Leeds', 'LS1 4AP'],
      ['Leeds', 'ls14ap'],
      ['Glasgow', 'G2 1DY'],
    ] as const) {
      const fake = uk([town, postcode, 'GB']);
      expect(fake.country).toBe('GB');
      const city = gb.regions
        .flatMap((r) => r.cities)
        .find((c) => c.name.toLowerCase() === fake.town!.toLowerCase());
      expect(city, fake.town!).toBeDefined();
      const shape = postcode.includes(' ')
        ? /^([A-Z]{1,2}\d{1,2}) \d[A-Z]{2}$/
        : /^([a-z]{1,2}\d{1,2})\d[a-z]{2}$/;
      const outward = shape.exec(fake.postcode!)?.[1]?.toUpperCase();
      expect(outward, fake.postcode!).toBeDefined();
      const prefixes = city!.postalPrefixes;
      expect(prefixes).toContain(outward);
    }
  });

  it('draws a street line again while it may be a real one', () => {
    const row = ['Hauptstr. 5', 'München', 'Bayern', '80331', 'DE'];
    const first = transform([...row]).street!;
    const redrawn = table(ADDRESS, { isSourceValue: (v) => v === first })([...row]).street!;
    expect(redrawn).not.toBe(first);
    expect(redrawn).toMatch(/^\D+ \d{1,3}$/);
  });

  it('takes the locale from a kept country column the gazetteer knows', () => {
    const columnIndexByName = new Map([
      ['city', 0],
      ['zip', 1],
      ['country', 2],
    ]);
    const rowSubstitutions = new Map<string, RowSubstitution>([
      ['city', { entity: 'city', scope: 'city' }],
      ['zip', { entity: 'postal_code', scope: 'postal_code' }],
    ]);
    const [city, zip] = (['city', 'postal_code'] as const).map((entity, i) =>
      compileTransform(
        { kind: 'substitute', entity },
        {
          column: columnInfo({ name: i === 0 ? 'city' : 'zip' }),
          seeder,
          isUnique: false,
          columnIndexByName,
          rowKeyIndexes: [],
          rowSubstitutions,
          keptColumns: new Set(['country']),
        },
      ),
    );
    const de = GAZETTEER.find((c) => c.code === 'DE')!;
    for (const row of [
      ['Hamburg', '20095', 'DE'],
      ['Lakeview', '10115', 'Germany'],
    ]) {
      const fakeCity = city!(row[0]!, row)!;
      const fakeZip = zip!(row[1]!, row)!;
      const place = de.regions.flatMap((r) => r.cities).find((c) => c.name === fakeCity);
      expect(place, fakeCity).toBeDefined();
      expect(place!.postalPrefixes).toContain(fakeZip.slice(0, 2));
    }
    // A country the gazetteer does not know leaves the default locale.
    const row = ['Lakeview', '10115', 'Atlantis'];
    expect(stateOf(placeStateOf(city!(row[0]!, row)!)).cities.length).toBeGreaterThan(0);
  });

  it('never writes a real city when another is left, in a row or alone', () => {
    const first = transform([...ROWS[0]!]);
    const state = stateOf(first.state!);
    const spare = state.cities.at(-1)!.name === first.city ? state.cities[0]! : state.cities.at(-1)!;
    const real = new Set(state.cities.filter((c) => c !== spare).map((c) => c.name));
    const isScopeValue = (scope: string, value: string): boolean => scope === 'city' && real.has(value);
    const kept = table(ADDRESS, { isScopeValue });
    expect(kept([...ROWS[0]!]).city).toBe(spare.name);
    const alone = table({ city: 'city' }, { isSourceValue: (v) => real.has(v) });
    for (const city of ['Austin', 'Dallas', 'Houston', 'Nowhere'])
      expect(real.has(alone([city]).city!)).toBe(false);
  });

  it('leaves a unique column to the value alone, and NULL and empty values as they are', () => {
    const fake = transform([null, '', 'TX', null, 'US']);
    expect(fake.street).toBeNull();
    expect(fake.city).toBe('');
    expect(fake.zip).toBeNull();
    const unique = table({ city: 'city', state: 'state' }, { isUnique: true });
    const a = unique(['Austin', 'TX']).city;
    expect(unique(['Austin', 'CA']).city).toBe(a);
  });
});

describe('a country column alone', () => {
  it('follows the rule it follows beside a city: a known country is kept, another is the same fake everywhere', () => {
    const alone = table({ country: 'country' });
    const beside = table({ city: 'city', country: 'country' });
    expect(alone(['Germany']).country).toBe('Germany');
    expect(beside(['Berlin', 'Germany']).country).toBe('Germany');
    const unknown = alone(['Atlantis']).country;
    expect(unknown).not.toBe('Atlantis');
    expect(beside(['Poseidonia', 'Atlantis']).country).toBe(unknown);
    expect(beside(['Other Town', 'Atlantis']).country).toBe(unknown);
  });

  it('leaves a unique country column to its value-only fake and keys no place on it', () => {
    const columnIndexByName = new Map([
      ['city', 0],
      ['country', 1],
    ]);
    const rowSubstitutions = new Map<string, RowSubstitution>([
      ['city', { entity: 'city', scope: 'city' }],
      ['country', { entity: 'country', scope: 'country', unique: true }],
    ]);
    expect(addressGroup('city', rowSubstitutions, columnIndexByName)).toEqual({});
  });
});
