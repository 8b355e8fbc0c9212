import { sortSmall } from './patterns/sort-small.js';

/** A span of text: [start, end) in JavaScript string offsets. */
interface Range {
  readonly start: number;
  readonly end: number;
}

/** Up to this many spans, overlaps are tested pairwise: cheaper than allocating a mark per character. */
const PAIRWISE_UP_TO = 24;

/**
 * The spans of `ranked` (best first) that overlap no better one, in text order. Linear in the text for
 * many spans (one mark per character, so a long document costs no pairwise comparisons); for the few
 * spans of a short text, pairwise tests without allocating anything.
 */
export function keepFreeSpans<T extends Range>(ranked: readonly T[], textLength: number): T[] {
  const kept: T[] = [];
  if (ranked.length <= PAIRWISE_UP_TO) {
    for (const span of ranked) {
      let free = true;
      for (const k of kept) {
        // An empty span takes no character, as with the marks below.
        if (span.start < k.end && k.start < span.end && span.start < span.end) {
          free = false;
          break;
        }
      }
      if (free) kept.push(span);
    }
  } else {
    const taken = new Uint8Array(textLength + 1);
    for (const span of ranked) {
      let free = true;
      for (let i = span.start; i < span.end && free; i++) free = taken[i] === 0;
      if (!free) continue;
      taken.fill(1, span.start, span.end);
      kept.push(span);
    }
  }
  return sortSmall(kept, (a, b) => a.start - b.start || a.end - b.end);
}
