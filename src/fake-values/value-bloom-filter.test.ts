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

  it('answers the same through shared memory, as a worker thread receives it', () => {
    const filter = new ValueBloomFilter(1_000);
    for (let i = 0; i < 1_000; i++) filter.add(`v${i}`);
    const shared = filter.share();
    expect(shared.bits).toBeInstanceOf(SharedArrayBuffer);
    const view = ValueBloomFilter.fromShared(shared);
    for (let i = 0; i < 1_000; i++) expect(view.has(`v${i}`)).toBe(true);
    expect(view.added).toBe(1_000);
    let claimed = 0;
    for (let i = 0; i < 1_000; i++) if (view.has(`w${i}`)) claimed++;
    expect(claimed).toBeLessThan(50);
  });
});
