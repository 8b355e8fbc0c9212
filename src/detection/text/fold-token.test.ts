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
});
