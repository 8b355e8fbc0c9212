import { describe, expect, it } from 'vitest';

import { sortSmall } from './sort-small.js';

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sortSmall', () => {
  it('gives the order of the built-in (stable) sort, ties included', () => {
    const r = random(5);
    const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;
    const byScore = (
      a: { score: number; start: number; end: number },
      b: { score: number; start: number; end: number },
    ) => b.score - a.score || b.end - b.start - (a.end - a.start);
    for (let n = 0; n < 3000; n++) {
      const length = Math.floor(r() * 48);
      const items = Array.from({ length }, (_, id) => {
        const start = Math.floor(r() * 20);
        return { id, start, end: start + Math.floor(r() * 5), score: Math.floor(r() * 4) / 4 };
      });
      for (const compare of [byStart, byScore]) {
        const expected = [...items].sort(compare).map((s) => s.id);
        expect(sortSmall([...items], compare).map((s) => s.id)).toEqual(expected);
      }
    }
  });
});
