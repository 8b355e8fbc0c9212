import { describe, expect, it } from 'vitest';
import { isCaSin, isCreditCard, isImei, luhnCheckDigit, luhnValid } from './luhn.js';

const complete = (body: string): string => body + String(luhnCheckDigit(body));

describe('luhn', () => {
  it('accepts a completed body and rejects a changed digit', () => {
    const n = complete('79927398710'.slice(0, 10));
    expect(luhnValid(n)).toBe(true);
    const last = Number(n.slice(-1));
    expect(luhnValid(n.slice(0, -1) + String((last + 1) % 10))).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
  });

  it('accepts cards with a known issuer prefix, spaces or dashes, 12–19 digits', () => {
    const visa = complete('411111111111111');
    expect(isCreditCard(visa)).toBe(true);
    expect(isCreditCard(visa.replace(/(\d{4})(?=\d)/g, '$1 '))).toBe(true);
    expect(isCreditCard(complete('37828224631000'))).toBe(true); // Amex 15
    expect(isCreditCard(complete('555555555555444'))).toBe(true); // Mastercard 16
  });

  it('rejects Luhn-valid numbers without an issuer prefix, wrong lengths and repeated digits', () => {
    expect(isCreditCard(complete('900000000000000'))).toBe(false);
    expect(isCreditCard(complete('41111111111'))).toBe(false); // 12 digits but Visa needs 13/16/19
    expect(isCreditCard('0000000000000000')).toBe(false);
    expect(isCreditCard(complete('411111111111111').slice(0, -1) + '0')).toBe(
      luhnValid(complete('411111111111111').slice(0, -1) + '0'),
    );
  });

  it('validates IMEI (15 digits) and Canadian SIN (9 digits, not 0/8 first)', () => {
    expect(isImei(complete('49015420323751'))).toBe(true);
    expect(isImei(complete('4901542032375'))).toBe(false);
    expect(isCaSin(complete('04645698'))).toBe(false);
    expect(isCaSin(complete('14645698'))).toBe(true);
    expect(isCaSin(complete('84645698'))).toBe(false);
  });
});
