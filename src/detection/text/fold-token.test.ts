import { describe, expect, it } from 'vitest';
import { foldToken } from './fold-token.js';

describe('foldToken', () => {
  it('lower-cases printable ASCII, keeping a token that has no capital as it is', () => {
    expect(foldToken('SOREN')).toBe('soren');
    expect(foldToken("O'Brien")).toBe("o'brien");
    expect(foldToken('jean-luc')).toBe('jean-luc');
    expect(foldToken('')).toBe('');
  });

  it('strips diacritics and folds letters decomposition keeps', () => {
    expect(foldToken('Søren')).toBe('soren');
    expect(foldToken('MÜLLER')).toBe('muller');
    expect(foldToken('Straße')).toBe('strasse');
    expect(foldToken('O’Neil')).toBe("o'neil");
  });

  it('folds characters outside printable ASCII the slow way, as before', () => {
    // The Kelvin sign lower-cases to an ASCII "k"; a tab is not printable.
    expect(foldToken('\u212A')).toBe('k');
    expect(foldToken('A\tB')).toBe('a\tb');
  });

  it('folds Latin text a code unit at a time exactly as the whole token is folded', () => {
    const reference = (token: string): string =>
      token
        .toLowerCase()
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .replace(
          /[ßøæœłđðþı’ʼ]/g,
          (c) =>
            ({
              ß: 'ss',
              ø: 'o',
              æ: 'ae',
              œ: 'oe',
              ł: 'l',
              đ: 'd',
              ð: 'd',
              þ: 'th',
              ı: 'i',
              '’': "'",
              ʼ: "'",
            })[c] ?? c,
        );
    const units: number[] = [];
    for (let c = 0x20; c < 0x7f; c++) units.push(c);
    for (let c = 0x80; c < 0x370; c++) units.push(c);
    for (let c = 0x1e00; c < 0x1f00; c++) units.push(c);
    units.push(0x2019, 0x3a3, 0x3c3, 0x212a);
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let n = 0; n < 20_000; n++) {
      const token = String.fromCharCode(
        ...Array.from({ length: 1 + (next() % 8) }, () => units[next() % units.length] ?? 65),
      );
      expect(foldToken(token)).toBe(reference(token));
    }
    expect(foldToken('ΟΔΥΣΣΕΥΣ')).toBe(reference('ΟΔΥΣΣΕΥΣ'));
    expect(foldToken('Nguyễn')).toBe('nguyen');
  });
});
