import { describe, expect, it } from 'vitest';

import { canonicalNameCase, matchNameCase } from './name-case.js';

describe('canonicalNameCase', () => {
  it('capitalizes names written all in capitals or all in lower case, part by part', () => {
    expect(canonicalNameCase('MARY')).toBe('Mary');
    expect(canonicalNameCase('mary')).toBe('Mary');
    expect(canonicalNameCase('JEAN-LUC')).toBe('Jean-Luc');
    expect(canonicalNameCase("o'neil")).toBe("O'Neil");
    expect(canonicalNameCase('ÉLODIE')).toBe('Élodie');
  });

  it('folds inner capitals too, so a login in lower case meets the name column', () => {
    expect(canonicalNameCase('Mary')).toBe('Mary');
    expect(canonicalNameCase('McDonald')).toBe('Mcdonald');
    expect(canonicalNameCase('mcdonald')).toBe('Mcdonald');
    expect(canonicalNameCase('42')).toBe('42');
  });
});

describe('matchNameCase', () => {
  it('writes a fake in the case of the original', () => {
    expect(matchNameCase('Kevin', 'MARY')).toBe('KEVIN');
    expect(matchNameCase('Kevin', 'mary')).toBe('kevin');
    expect(matchNameCase('Kevin', 'Mary')).toBe('Kevin');
    expect(matchNameCase('Kevin', 'McDonald')).toBe('Kevin');
  });

  it('keeps the fake as it is when casing would change its length', () => {
    expect(matchNameCase('Strauß', 'MARY')).toBe('Strauß');
  });
});
