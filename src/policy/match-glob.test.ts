import { describe, expect, it } from 'vitest';
import { matchGlob } from './match-glob.js';

describe('matchGlob', () => {
  it('matches the whole text, with * for any run and ? for one character', () => {
    expect(matchGlob('last_update', 'last_update')).toBe(true);
    expect(matchGlob('last_update', 'last_updated')).toBe(false);
    expect(matchGlob('*_id', 'customer_id')).toBe(true);
    expect(matchGlob('*_id', 'id')).toBe(false);
    expect(matchGlob('*', '')).toBe(true);
    expect(matchGlob('payment_p2022_0?', 'payment_p2022_07')).toBe(true);
    expect(matchGlob('payment_p2022_0?', 'payment_p2022_1')).toBe(false);
  });

  it('treats regular-expression characters literally and is case-sensitive', () => {
    expect(matchGlob('character varying(*)', 'character varying(45)')).toBe(true);
    expect(matchGlob('numeric(5,2)', 'numeric(5,2)')).toBe(true);
    expect(matchGlob('a.b', 'axb')).toBe(false);
    expect(matchGlob('text[]', 'text[]')).toBe(true);
    expect(matchGlob('Email', 'email')).toBe(false);
  });
});
