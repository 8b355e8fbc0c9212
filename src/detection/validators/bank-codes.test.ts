import { describe, expect, it } from 'vitest';
import { isSwiftBic, isVatNumber } from './bank-codes.js';
import { isCoordinateComponent, isGeoCoordinate } from './geo.js';

describe('bank codes, VAT and coordinates', () => {
  it('BIC: 8 or 11 characters with an ISO country code', () => {
    expect(isSwiftBic('DEUTDEFF')).toBe(true);
    expect(isSwiftBic('DEUTDEFF500')).toBe(true);
    expect(isSwiftBic('NWBKGB2L')).toBe(true);
    expect(isSwiftBic('DOCUQQNT')).toBe(false);
    expect(isSwiftBic('DEUTDEF')).toBe(false);
  });

  it('VAT: country prefix and per-country body', () => {
    for (const ok of [
      'DE123456789',
      'ATU12345678',
      'FR12345678901',
      'NL123456789B01',
      'GB123456789',
      'CHE-123.456.789 MWST',
    ]) {
      expect(isVatNumber(ok)).toBe(true);
    }
    for (const bad of ['DE12345678', 'QQ123456789', 'ATU1234567', 'DE111111111'])
      expect(isVatNumber(bad)).toBe(false);
  });

  it('coordinates: ranges and precision', () => {
    expect(isGeoCoordinate('48.8566, 2.3522')).toBe(true);
    expect(isGeoCoordinate('-33.8688 151.2093')).toBe(true);
    expect(isGeoCoordinate('95.1234, 2.3522')).toBe(false);
    expect(isGeoCoordinate('12.50, 3.99')).toBe(false);
    expect(isCoordinateComponent('-122.4194')).toBe(true);
    expect(isCoordinateComponent('181.000')).toBe(false);
  });
});
