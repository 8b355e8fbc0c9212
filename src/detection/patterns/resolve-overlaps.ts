import type { TextSpan } from '../detection-types.js';
import { keepFreeSpans } from '../keep-free-spans.js';
import { sortSmall } from './sort-small.js';

/** A scored span plus whether a validator passed, before overlap resolution. */
export interface ScoredSpan extends TextSpan {
  readonly validated: boolean;
}

/**
 * Keeps the best of overlapping spans: validated first, then higher score, then longer, then earlier.
 * Returns the kept spans in text order.
 */
export function resolveOverlaps(spans: readonly ScoredSpan[], textLength: number): ScoredSpan[] {
  if (spans.length <= 1) return [...spans];
  const ranked = sortSmall(
    [...spans],
    (a, b) =>
      Number(b.validated) - Number(a.validated) ||
      b.score - a.score ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  return keepFreeSpans(ranked, textLength);
}
