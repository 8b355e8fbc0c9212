import type { TextSpan } from '../detection-types.js';
import { keepBestSpans } from '../keep-free-spans.js';

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
  return keepBestSpans(spans, better, textLength);
}

function better(a: ScoredSpan, b: ScoredSpan): number {
  return (
    Number(b.validated) - Number(a.validated) ||
    b.score - a.score ||
    b.end - b.start - (a.end - a.start) ||
    a.start - b.start
  );
}
