import { describe, expect, it } from 'vitest';

import { ownString } from '../core/index.js';
import { boundedMemo } from './bounded-memo.js';

function counting(): { compute: (value: string) => string; calls: () => number } {
  let calls = 0;
  return {
    compute: (value) => {
      calls++;
      return `f(${value})`;
    },
    calls: () => calls,
  };
}

describe('boundedMemo', () => {
  it('computes each repeated value once', () => {
    const { compute, calls } = counting();
    const memo = boundedMemo(compute, 10);
    for (let i = 0; i < 100; i++) expect(memo(`v${i % 5}`)).toBe(`f(v${i % 5})`);
    expect(calls()).toBe(5);
  });

  it('starts over when full and keeps going while values repeat', () => {
    const { compute, calls } = counting();
    const memo = boundedMemo(compute, 4);
    for (let round = 0; round < 3; round++) {
      for (let repeat = 0; repeat < 4; repeat++) for (let i = 0; i < 4; i++) memo(`r${round}-${i}`);
    }
    expect(calls()).toBe(12);
  });

  it('turns itself off when a full generation saw fewer hits than misses', () => {
    const { compute, calls } = counting();
    const memo = boundedMemo(compute, 4);
    for (let i = 0; i < 5; i++) memo(`distinct-${i}`);
    const before = calls();
    memo('distinct-4');
    memo('distinct-4');
    expect(calls()).toBe(before + 2);
  });

  it('does not memoize long values', () => {
    const { compute, calls } = counting();
    const memo = boundedMemo(compute, 10);
    const long = 'x'.repeat(300);
    memo(long);
    memo(long);
    expect(calls()).toBe(2);
  });

  it('stops memoizing after 4096 entries with fewer than 16 hits, and stays off while values stay new', () => {
    const { compute, calls } = counting();
    const memo = boundedMemo(compute);
    for (let i = 0; i < 4097; i++) memo(`unique-${i}`);
    let before = calls();
    memo('unique-1');
    expect(calls()).toBe(before + 1);
    // Watched: 50,000 more values that do not repeat turn it off for good.
    for (let i = 0; i < 50_000; i++) memo(`later-${i}`);
    for (let i = 0; i < 100; i++) memo('again');
    before = calls();
    memo('again');
    expect(calls()).toBe(before + 1);
  });

  it('comes back after a failed first generation when values start repeating', () => {
    const { compute, calls } = counting();
    const memo = boundedMemo(compute);
    // 20,000 values in a fixed order: none repeats within the first 4096.
    for (let round = 0; round < 4; round++) for (let i = 0; i < 20_000; i++) memo(`cycle-${i}`);
    const before = calls();
    for (let i = 0; i < 20_000; i++) memo(`cycle-${i}`);
    expect(calls()).toBe(before);
  });

  it('keeps going after its first 4096 entries when they saw enough hits', () => {
    const { compute, calls } = counting();
    const memo = boundedMemo(compute);
    for (let i = 0; i < 16; i++) memo('unique-0');
    for (let i = 0; i < 4097; i++) memo(`unique-${i}`);
    const before = calls();
    memo('unique-1');
    expect(calls()).toBe(before);
  });

  it('copies values that outlive their batch into equal strings', () => {
    const text = Array.from({ length: 100 }, (_, i) => `${i}\tsome.person.${i}@example.com`).join('\n');
    const field = text.split('\n')[7]?.split('\t')[1] ?? '';
    const own = ownString(field);
    expect(own).toBe(field);
    expect(ownString('short')).toBe('short');
  });
});
