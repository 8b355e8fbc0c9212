import { describe, expect, it } from 'vitest';

import { fitLength, itemsFitting } from './fit-length.js';

describe('fitLength', () => {
  it('returns text that fits unchanged', () => {
    expect(fitLength('Main Street', 11)).toBe('Main Street');
  });

  it('cuts and drops dangling separators', () => {
    expect(fitLength('New York', 4)).toBe('New');
    expect(fitLength('St. Louis', 4)).toBe('St');
    expect(fitLength('abc', 0)).toBe('');
  });
});

describe('itemsFitting', () => {
  const list = ['Al', 'Bea', 'Clementine'];

  it('keeps only items short enough', () => {
    expect(itemsFitting(list, 3)).toEqual(['Al', 'Bea']);
  });

  it('returns the list itself when everything or nothing fits', () => {
    expect(itemsFitting(list, Infinity)).toBe(list);
    expect(itemsFitting(list, 10)).toBe(list);
    expect(itemsFitting(list, 1)).toBe(list);
  });

  it('returns the same cached array for the same length', () => {
    expect(itemsFitting(list, 3)).toBe(itemsFitting(list, 3));
  });
});
