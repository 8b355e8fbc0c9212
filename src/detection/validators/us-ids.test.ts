import { describe, expect, it } from 'vitest';
import { isAbaRouting, isUsItin, isUsSsn } from './us-ids.js';

function abaComplete(body: string): string {
  const w = [3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * (w[i % 3] ?? 0);
  return body + String((10 - (sum % 10)) % 10);
}

describe('US identifiers', () => {
  it('accepts SSNs with valid area/group/serial and consistent delimiters', () => {
    expect(isUsSsn('536-22-1234')).toBe(true);
    expect(isUsSsn('536 22 1234')).toBe(true);
    expect(isUsSsn('536221234')).toBe(true);
  });

  it('rejects invalid SSN areas, groups, serials, dummies and mixed delimiters', () => {
    for (const bad of [
      '000-22-1234',
      '666-22-1234',
      '912-22-1234',
      '536-00-1234',
      '536-22-0000',
      '111-11-1111',
      '078-05-1120',
      '123-45-6789',
      '536-22 1234',
      '5362-2-1234',
    ]) {
      expect(isUsSsn(bad)).toBe(false);
    }
  });

  it('accepts ITINs only in the IRS group ranges', () => {
    expect(isUsItin('912-70-1234')).toBe(true);
    expect(isUsItin('912-93-1234')).toBe(false);
    expect(isUsItin('912-40-1234')).toBe(false);
    expect(isUsItin('812-70-1234')).toBe(false);
  });

  it('validates ABA routing numbers by 3-7-1 checksum and prefix', () => {
    const good = abaComplete('01100001');
    expect(isAbaRouting(good)).toBe(true);
    expect(isAbaRouting(good.slice(0, -1) + String((Number(good.slice(-1)) + 1) % 10))).toBe(false);
    expect(isAbaRouting(abaComplete('50000001'))).toBe(false);
  });
});
