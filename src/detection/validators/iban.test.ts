import { describe, expect, it } from 'vitest';
import { IBAN_LENGTHS, isIban, mod97 } from './iban.js';

/** Builds an IBAN for a country and BBAN by computing its check digits. */
function iban(country: string, bban: string): string {
  const check = 98 - mod97(`${bban}${country}00`);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

describe('isIban', () => {
  it('accepts generated IBANs of the right length, with or without spaces', () => {
    const de = iban('DE', '370400440532013000');
    expect(isIban(de)).toBe(true);
    expect(isIban(de.replace(/(.{4})/g, '$1 ').trim())).toBe(true);
    expect(isIban(iban('GB', 'NWBK60161331926819'))).toBe(true);
    expect(isIban(iban('NO', '86011117947'))).toBe(true);
  });

  it('rejects a wrong check, a wrong length and unknown countries', () => {
    const de = iban('DE', '370400440532013000');
    expect(isIban(de.slice(0, -1) + (de.endsWith('0') ? '1' : '0'))).toBe(false);
    expect(isIban(iban('DE', '3704004405320130001'))).toBe(false);
    expect(isIban(iban('QQ', '370400440532013000'))).toBe(false);
    expect(isIban('DE00')).toBe(false);
  });

  it('has lengths for every SEPA country', () => {
    for (const c of [
      'AT',
      'BE',
      'BG',
      'CH',
      'CY',
      'CZ',
      'DE',
      'DK',
      'EE',
      'ES',
      'FI',
      'FR',
      'GB',
      'GR',
      'HR',
      'HU',
      'IE',
      'IS',
      'IT',
      'LI',
      'LT',
      'LU',
      'LV',
      'MC',
      'MT',
      'NL',
      'NO',
      'PL',
      'PT',
      'RO',
      'SE',
      'SI',
      'SK',
      'SM',
      'VA',
      'AD',
    ]) {
      expect(IBAN_LENGTHS[c]).toBeGreaterThan(14);
    }
  });
});
