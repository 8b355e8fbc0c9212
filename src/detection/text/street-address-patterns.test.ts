import { describe, expect, it } from 'vitest';
import { endsWithAny } from './street-address-patterns.js';

describe('endsWithAny', () => {
  const endings = ['strasse', 'weg', 'gracht', 'laan'];

  it('finds an ending with at least three letters before it', () => {
    expect(endsWithAny('hauptstrasse', endings)).toBe(true);
    expect(endsWithAny('kerkweg', endings)).toBe(true);
    expect(endsWithAny('prinsengracht', endings)).toBe(true);
  });

  it('refuses a word that is only (or barely more than) the ending, or ends otherwise', () => {
    expect(endsWithAny('weg', endings)).toBe(false);
    expect(endsWithAny('abweg', endings)).toBe(false);
    expect(endsWithAny('hauptstrasser', endings)).toBe(false);
    expect(endsWithAny('a', endings)).toBe(false);
    expect(endsWithAny('', endings)).toBe(false);
  });

  it('handles endings shorter than two characters the same way as longer ones', () => {
    expect(endsWithAny('abcx', ['x'])).toBe(true);
    expect(endsWithAny('abx', ['x'])).toBe(false);
  });
});
