import { describe, expect, it } from 'vitest';

import { keepBestSpans, keepFreeSpans } from './keep-free-spans.js';
import { sortSmall } from './patterns/sort-small.js';

interface Scored {
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly id: number;
}

const compare = (a: Scored, b: Scored): number =>
  b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start;

/** A seeded generator (mulberry32): the same spans on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` spans in a text of `textLength`; with `empties`, some are empty (these take the whole ranking). */
function spansOf(next: () => number, count: number, textLength: number, empties = false): Scored[] {
  return Array.from({ length: count }, (_, id) => {
    const start = Math.floor(next() * textLength);
    const end = Math.min(textLength, start + (empties ? 0 : 1) + Math.floor(next() * 30));
    // Few distinct scores, so that ties fall to length, position and then list order.
    return { start, end, score: Math.floor(next() * 4) / 4, id };
  });
}

describe('keepBestSpans', () => {
  it('keeps exactly the spans that ranking every span and keeping the free ones keeps', () => {
    const next = random(7);
    let clustered = 0;
    for (let round = 0; round < 300; round++) {
      const textLength = 200 + Math.floor(next() * 5000);
      const count = Math.floor(next() * 400);
      const spans = spansOf(next, count, textLength, round % 10 === 0);
      const reference = keepFreeSpans(sortSmall([...spans], compare), textLength);
      const kept = keepBestSpans(spans, compare, textLength);
      expect(kept.map((s) => s.id)).toEqual(reference.map((s) => s.id));
      if (count > 32 && spans.every((s) => s.end > s.start)) clustered++;
    }
    // The cluster-by-cluster path (more than 32 spans, none empty) is what most rounds took.
    expect(clustered).toBeGreaterThan(100);
  });

  it('ranks in place only when the caller owns the array', () => {
    const spans = spansOf(random(11), 20, 300);
    const before = spans.map((s) => s.id);
    keepBestSpans(spans, compare, 300);
    expect(spans.map((s) => s.id)).toEqual(before);
  });
});
