import { describe, expect, it } from 'vitest';

import { Secret } from '../core/index.js';
import { fakePlace, formatCountry, formatPostalCode, formatState, placeKeys } from './fake-place.js';
import { createKeyedSeeder } from './keyed-seeder.js';
import { expandPrefixes, GAZETTEER, type GazetteerCountry } from './places.js';

const seeder = createKeyedSeeder(new Secret(Buffer.from(Array.from({ length: 32 }, (_, i) => 3 * i))));
const otherSeeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 0x5c)));

const POSTAL_SHAPE: Readonly<Record<GazetteerCountry['code'], RegExp>> = {
  US: /^\d{5}(?:-\d{4})?$/,
  CA: /^[A-CEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$/,
  GB: /^[A-Z]{1,2}\d{1,2} \d[ABD-HJLNP-UW-Z]{2}$/,
  DE: /^\d{5}$/,
  FR: /^\d{4}0$/,
};

const REAL = [
  { city: 'Austin', state: 'TX', postalCode: '78701', country: 'US' },
  { city: 'Cambridge', state: 'Massachusetts', postalCode: '02139-4307', country: 'USA' },
  { city: 'Smallville', state: 'Kansas', postalCode: '66002' },
  { city: 'Ottawa', state: 'ON', postalCode: 'K1A 0B1', country: 'CA' },
  { city: 'Leeds', state: 'England', postalCode: 'LS1 4AP', country: 'United Kingdom' },
  { city: 'München', state: 'Bayern', postalCode: '80331', country: 'Germany' },
  { city: 'Lyon', state: 'Auvergne-Rhône-Alpes', postalCode: '69002', country: 'France' },
  { city: 'Osaka', state: 'Kansai', postalCode: '530-0001', country: 'Japan' },
];

describe('gazetteer', () => {
  it('expands prefix runs to the width of their first item', () => {
    expect(expandPrefixes('010-012,885')).toEqual(['010', '011', '012', '885']);
    expect(expandPrefixes('E1-3,YO10')).toEqual(['E1', 'E2', 'E3', 'YO10']);
    expect(expandPrefixes('03')).toEqual(['03']);
    expect(expandPrefixes('M,K')).toEqual(['M', 'K']);
  });

  it('holds every US state and DC, each with 3-digit ZIP prefixes no other state holds', () => {
    const us = GAZETTEER.find((c) => c.code === 'US')!;
    expect(us.regions).toHaveLength(51);
    const seen = new Map<string, string>();
    for (const region of us.regions) {
      expect(region.code).toMatch(/^[A-Z]{2}$/);
      expect(region.cities.length).toBeGreaterThan(0);
      for (const prefix of region.postalPrefixes) {
        expect(prefix).toMatch(/^\d{3}$/);
        expect(seen.get(prefix)).toBeUndefined();
        seen.set(prefix, region.code);
      }
    }
    expect(seen.get('787')).toBe('TX');
    expect(seen.get('021')).toBe('MA');
    expect(seen.get('055')).toBe('MA');
    expect(seen.get('056')).toBe('VT');
  });
});

describe('placeKeys', () => {
  it('meets the spellings of one real region: code, name, a postal code in it, a gazetteer city', () => {
    const region = placeKeys({ state: 'TX' }).region;
    expect(region).toBe('US:TX');
    expect(placeKeys({ state: 'texas' }).region).toBe(region);
    expect(placeKeys({ postalCode: '78701-1234' }).region).toBe(region);
    expect(placeKeys({ city: 'Austin' }).region).toBe(region);
    expect(placeKeys({ state: 'Texas', country: 'United States of America' })).toEqual({
      country: 'US',
      region,
      city: null,
      postal: null,
    });
    expect(placeKeys({ postalCode: 'M1 1AE' })).toMatchObject({ country: 'GB', region: 'GB:ENG' });
    expect(placeKeys({ postalCode: 'H2X 1Y4' })).toMatchObject({ country: 'CA', region: 'CA:QC' });
    expect(placeKeys({ state: 'Kansai', country: 'Japan' })).toMatchObject({
      country: '?japan',
      region: '?s:kansai',
    });
  });
});

describe('fakePlace', () => {
  it('gives parts of one place: the city in the region, the postal code in its prefixes and format', () => {
    for (const real of REAL) {
      const place = fakePlace(seeder, real);
      expect(place.region.cities).toContain(place.city);
      const prefixes = place.region.citiesHavePrefixes
        ? place.city!.postalPrefixes
        : place.region.postalPrefixes;
      const code = place.postalCode!;
      expect(code).toMatch(POSTAL_SHAPE[place.country.code]);
      expect(prefixes.some((p) => code.startsWith(place.country.code === 'GB' ? `${p} ` : p))).toBe(true);
      expect(formatPostalCode(place, real.postalCode, Infinity)).toMatch(POSTAL_SHAPE[place.country.code]);
      expect(place.country.regions).toContain(place.region);
    }
  });

  it('keeps a known country (the locale) and draws a gazetteer one for an unknown country', () => {
    expect(fakePlace(seeder, REAL[3]!).country.code).toBe('CA');
    expect(fakePlace(seeder, REAL[4]!).country.code).toBe('GB');
    expect(fakePlace(seeder, REAL[5]!).country.code).toBe('DE');
    const japan = fakePlace(seeder, REAL[7]!);
    expect(japan.countryKept).toBe(false);
    expect(GAZETTEER).toContain(japan.country);
  });

  it('is deterministic per key, and another key gives other places', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      city: `Town ${i}`,
      state: 'TX',
      postalCode: `787${i % 10}1`,
    }));
    const describe = (s: typeof seeder) =>
      many.map((real) => {
        const p = fakePlace(s, real);
        return `${p.city?.name}|${p.region.code}|${p.postalCode}`;
      });
    expect(describe(seeder)).toEqual(describe(seeder));
    const other = describe(otherSeeder);
    const same = describe(seeder).filter((place, i) => place === other[i]).length;
    expect(same).toBeLessThan(3);
    // One real state is one fake state under a key, whatever the city.
    expect(new Set(describe(seeder).map((p) => p.split('|')[1])).size).toBe(1);
  });

  it('steps past regions, cities and postal codes that may be real values', () => {
    const real = { city: 'Dallas', state: 'TX', postalCode: '75201' };
    const first = fakePlace(seeder, real);
    const realStates = new Set([first.region.name, first.region.code]);
    const realCities = new Set(first.region.cities.slice(1).map((c) => c.name));
    const postal = fakePlace(seeder, real).postalCode!;
    const moved = fakePlace(seeder, real, (kind, value) =>
      kind === 'state' ? realStates.has(value) : kind === 'city' ? realCities.has(value) : value === postal,
    );
    expect(moved.region).not.toBe(first.region);
    const again = fakePlace(seeder, real, (kind, value) =>
      kind === 'city' ? realCities.has(value) : kind === 'postal_code' && value === postal,
    );
    expect(again.region).toBe(first.region);
    expect(again.city).toBe(first.region.cities[0]);
    expect(again.postalCode).not.toBe(postal);
  });
});

describe('formats', () => {
  const place = fakePlace(seeder, { state: 'Texas', postalCode: '78701', country: 'US' });

  it('writes a state as a code or a name as the real value does, in its case', () => {
    expect(formatState(place, 'TX', Infinity)).toBe(place.region.code);
    expect(formatState(place, 'tx', Infinity)).toBe(place.region.code.toLowerCase());
    expect(formatState(place, 'Texas', Infinity)).toBe(place.region.name);
    expect(formatState(place, 'TEXAS', Infinity)).toBe(place.region.name.toUpperCase());
    expect(formatState(place, 'Texas', 2)).toBe(place.region.code);
  });

  it('keeps ZIP+4 and its separator, and a 5-digit ZIP short', () => {
    expect(formatPostalCode(place, '78701', Infinity)).toBe(place.postalCode);
    expect(formatPostalCode(place, '78701-1234', Infinity)).toBe(`${place.postalCode}-${place.plus4}`);
    expect(formatPostalCode(place, '787011234', Infinity)).toBe(`${place.postalCode}${place.plus4}`);
  });

  it('writes an unknown country as the real value wrote its own', () => {
    const japan = fakePlace(seeder, REAL[7]!);
    expect(formatCountry(japan, 'JP', Infinity)).toBe(japan.country.code);
    expect(formatCountry(japan, 'JPN', Infinity)).toBe(japan.country.alpha3);
    expect(formatCountry(japan, 'JAPAN', Infinity)).toBe(japan.country.name.toUpperCase());
    expect(formatCountry(place, 'US', Infinity)).toBe('US');
  });
});
