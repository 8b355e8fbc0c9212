import { describe, expect, it } from 'vitest';
import { ValueBloomFilter } from './value-bloom-filter.js';

describe('ValueBloomFilter', () => {
  it('always finds what was added', () => {
    const filter = new ValueBloomFilter(10_000);
    for (let i = 0; i < 10_000; i++) filter.add(`person-${i}@example.com`);
    for (let i = 0; i < 10_000; i++) expect(filter.has(`person-${i}@example.com`)).toBe(true);
    expect(filter.added).toBe(10_000);
  });

  it('rarely claims values that were never added (about 1% at its design size)', () => {
    const filter = new ValueBloomFilter(50_000);
    for (let i = 0; i < 50_000; i++) filter.add(`name ${i}`);
    let falsePositives = 0;
    for (let i = 0; i < 50_000; i++) if (filter.has(`other ${i}`)) falsePositives++;
    expect(falsePositives / 50_000).toBeLessThan(0.02);
  });
});
