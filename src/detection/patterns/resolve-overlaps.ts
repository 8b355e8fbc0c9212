import type { TextSpan } from '../detection-types.js';

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
  const ranked = [...spans].sort(
    (a, b) =>
      Number(b.validated) - Number(a.validated) ||
      b.score - a.score ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  // One byte per character: checking a span costs its length, not the number of spans kept.
  const taken = new Uint8Array(textLength);
  const kept: ScoredSpan[] = [];
  for (const span of ranked) {
    let free = true;
    for (let i = span.start; i < span.end && free; i++) free = taken[i] === 0;
    if (!free) continue;
    taken.fill(1, span.start, span.end);
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}
