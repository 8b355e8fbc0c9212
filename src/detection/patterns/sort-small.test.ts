import { describe, expect, it } from 'vitest';

import { sortSmall } from './sort-small.js';
import { mulberry32 } from '../../../test/helpers/mulberry32.js';

describe('sortSmall', () => {
  it('gives the order of the built-in (stable) sort, ties included', () => {
    const r = mulberry32(5);
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
