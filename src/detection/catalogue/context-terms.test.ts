import { describe, expect, it } from 'vitest';
import { compileContextTerms, matchesTerms, wordsOf } from './context-terms.js';

describe('context terms', () => {
  it('tokenises on Unicode letters and digits, lower-cased', () => {
    expect(wordsOf('E-Mail: Müller, lic#42')).toEqual(['e', 'mail', 'müller', 'lic', '42']);
  });

  it('matches whole words and consecutive phrases only', () => {
    const { terms, empty } = compileContextTerms(['lic', 'social security', '#']);
    expect(empty).toEqual([2]);
    expect(matchesTerms(wordsOf('a duplicate copy'), terms)).toBe(false);
    expect(matchesTerms(wordsOf('his LIC number'), terms)).toBe(true);
    expect(matchesTerms(wordsOf('social insurance and security'), terms)).toBe(false);
    expect(matchesTerms(wordsOf('SOCIAL SECURITY no'), terms)).toBe(true);
  });
});
