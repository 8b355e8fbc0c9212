import { describe, expect, it } from 'vitest';
import { filteredLookup, KeyFilter } from './key-filter.js';

describe('KeyFilter', () => {
  const keys = Array.from({ length: 30_000 }, (_, i) => `name${i.toString(36)}`);

  it('never calls a key absent', () => {
    const filter = new KeyFilter(keys);
    for (const key of keys) expect(filter.mightHave(key)).toBe(true);
  });

  it('calls most other words absent (a few false maybes at 30,000 keys)', () => {
    const filter = new KeyFilter(keys);
    const others = Array.from({ length: 10_000 }, (_, i) => `word${i}`);
    const maybes = others.filter((w) => filter.mightHave(w)).length;
    expect(maybes).toBeLessThan(others.length * 0.05);
  });
});

describe('filteredLookup', () => {
  it("gives the map's answer for keys, non-keys and the empty string", () => {
    const map = new Map<string, number>([
      ['anna', 1],
      ['lee', 2],
      ['søren', 3],
      ['', 4],
    ]);
    const lookup = filteredLookup(map);
    for (const key of ['anna', 'lee', 'søren', '', 'ann', 'annaa', 'LEE', 'soren'])
      expect(lookup(key), key).toBe(map.get(key) ?? 0);
  });
});
