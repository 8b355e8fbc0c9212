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
export function keepFreeSpans<T extends Range>(ranked: readonly T[], textLength: number, from = 0): T[] {
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
    // Marks for [from, textLength]: every span lies there.
    const taken = new Uint8Array(textLength - from + 1);
    for (const span of ranked) {
      let free = true;
      for (let i = span.start - from; i < span.end - from && free; i++) free = taken[i] === 0;
      if (!free) continue;
      taken.fill(1, span.start - from, span.end - from);
      kept.push(span);
    }
  }
  return sortSmall(kept, (a, b) => a.start - b.start || a.end - b.end);
}

/** Above this many spans, `keepBestSpans` resolves them cluster by cluster. */
const RANK_WHOLE_UP_TO = 32;
/** Span indices are packed below the start in one float64 sort key: 2^21 spans, starts below 2^32. */
const INDEX_BITS = 2 ** 21;

/**
 * `keepFreeSpans(sortSmall([...spans], compare), textLength)`: the best of overlapping spans, best by
 * `compare` (ties: the earlier in `spans`), in text order. A span only loses to a better one it overlaps,
 * so the spans are split into clusters (runs of spans overlapping one another, in text order) and each
 * cluster is ranked and resolved on its own, in the list's order; a span that overlaps nothing is kept. The
 * same spans, without ranking all the spans of a long text with `compare` (a text's stages return hundreds
 * of spans per 16 KB, nearly all overlapping nothing). Few spans, an empty one (it overlaps nothing but
 * sorts among its neighbours by rank), or offsets too large for the sort key: ranked whole.
 */
export function keepBestSpans<T extends Range>(
  spans: readonly T[],
  compare: (a: T, b: T) => number,
  textLength: number,
  /** The caller's own array, which may be ranked in place (no copy). */
  owned = false,
): T[] {
  const n = spans.length;
  if (n <= RANK_WHOLE_UP_TO || n >= INDEX_BITS) return rankWhole(spans, compare, textLength, owned);
  // Spans by start (then list order): one native numeric sort of start × 2^21 + index.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { start, end } = spans[i] as T;
    if (!(end > start && start >= 0 && end <= 2 ** 32 && Number.isInteger(start)))
      return rankWhole(spans, compare, textLength, owned);
    keys[i] = start * INDEX_BITS + i;
  }
  keys.sort();
  // The indices in that order (the key less its start part: exact, and no float remainder per read).
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const key = keys[k] as number;
    order[k] = key - Math.floor(key / INDEX_BITS) * INDEX_BITS;
  }
  const kept: T[] = [];
  const members: number[] = [];
  for (let k = 0; k < n;) {
    const first = spans[order[k] as number] as T;
    let reach = first.end;
    let j = k + 1;
    for (; j < n; j++) {
      const span = spans[order[j] as number] as T;
      if (span.start >= reach) break;
      if (span.end > reach) reach = span.end;
    }
    if (j === k + 1) kept.push(first);
    else {
      // The cluster in list order, so that the stable ranking breaks ties as it would over the whole list.
      members.length = 0;
      for (let m = k; m < j; m++) members.push(order[m] as number);
      sortSmall(members, (a, b) => a - b);
      const cluster = members.map((i) => spans[i] as T);
      for (const span of keepFreeSpans(sortSmall(cluster, compare), reach, first.start)) kept.push(span);
    }
    k = j;
  }
  return kept;
}

function rankWhole<T extends Range>(
  spans: readonly T[],
  compare: (a: T, b: T) => number,
  textLength: number,
  owned: boolean,
): T[] {
  return keepFreeSpans(sortSmall(owned ? (spans as T[]) : [...spans], compare), textLength);
}
