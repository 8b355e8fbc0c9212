import { describe, expect, it } from 'vitest';
import { clearPhoneMemo, isPhone } from './phone.js';

describe('isPhone', () => {
  it('accepts international numbers for any country and national numbers in the default regions', () => {
    for (const ok of [
      '+44 20 7946 0958',
      '+1 415 555 2671',
      '+33 1 42 68 53 00',
      '+81 3-1234-5678',
      '0044 20 7946 0958',
      '(415) 555-2671',
      '020 7946 0958',
      '030 12345678',
    ]) {
      expect(isPhone(ok)).toBe(true);
    }
  });

  it('rejects epochs, dates, IPs, short runs and impossible numbers', () => {
    for (const bad of [
      '1700000000',
      '2024-01-15',
      '15.01.2024',
      '192.168.10.20',
      '12345',
      '+999 123',
      '000 000 0000',
    ]) {
      expect(isPhone(bad)).toBe(false);
    }
  });

  it('accepts an international number of a possible length outside allocated ranges, not a wrong length', () => {
    expect(isPhone('+33 7 20 52 58 28')).toBe(true);
    expect(isPhone('+441190501454')).toBe(true);
    expect(isPhone('+44 119')).toBe(false);
    expect(isPhone('+3855475866983')).toBe(false);
  });
});

describe('isPhone verdict memo', () => {
  it('gives the same verdict from the memo as from a fresh parse', () => {
    const candidates = ['+44 20 7946 0958', '(415) 555-2671', '2024-03-05', '1700000000', '555-0100'];
    const fresh = candidates.map((c) => isPhone(c));
    expect(candidates.map((c) => isPhone(c))).toEqual(fresh);
    clearPhoneMemo();
    expect(candidates.map((c) => isPhone(` ${c} `))).toEqual(fresh);
    expect(fresh.slice(2)).toEqual([false, false, false]);
  });
});

describe('isPhone: North American layout', () => {
  it('accepts the layout with unassigned area codes and extensions', () => {
    for (const p of ['1-263-854-8053 x075', '591.762.4937', '(211) 209-0512', '1-992-345-6169'])
      expect(isPhone(p), p).toBe(true);
  });

  it('still refuses dates, IP-like dotted quads and bare digit runs', () => {
    for (const p of ['2024-02-04', '10.20.30.40', '1992345616']) expect(isPhone(p), p).toBe(false);
  });
});

describe('isPhone: region hints', () => {
  it('gives the same verdicts whatever order numbers of one shape come in', () => {
    // National numbers of one shape (ten digits from 0) valid in different regions (FR, GB, NL/AU) and
    // in none; each written two ways, so that the second is parsed again after hints were left.
    const numbers = ['01 42 68 53 00', '020 7946 0958', '06 12 34 56 78', '0000000000', '0123456789'];
    const written = [...numbers, ...numbers.map((n) => n.replace(/ /g, '.'))];
    const fresh = written.map((n) => {
      clearPhoneMemo();
      return isPhone(n);
    });
    clearPhoneMemo();
    expect(written.map((n) => isPhone(n))).toEqual(fresh);
    clearPhoneMemo();
    expect([...written].reverse().map((n) => isPhone(n))).toEqual([...fresh].reverse());
    expect(fresh.slice(0, 3)).toEqual([true, true, true]);
  });
});
