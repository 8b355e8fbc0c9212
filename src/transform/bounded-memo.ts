import { ownString } from '../core/index.js';

/** Entries kept before the memo starts over. */
export const MEMO_LIMIT = 50_000;
/** Longer values are not memoized: they rarely repeat and would make the memo large. */
const MAX_MEMO_KEY_LENGTH = 256;

/**
 * The first generation is judged early, so that a column of values that never repeat does not fill the
 * memo first (on the 1M-people bench, the memos of note, email and phone held ~30 MB in each transform
 * worker before turning off): when its first `PROBATION_ENTRIES` entries saw fewer than
 * `PROBATION_MIN_HITS` hits, the memo empties and only watches the values that follow, through 32-bit
 * hashes of them (a few bytes each): it comes back as soon as they repeat as often as a worthwhile memo
 * (hits ≥ distinct values; e.g. values that recur in a fixed order, each once per 20,000 rows), and
 * turns off for good once it watched `limit` distinct values that did not.
 */
const PROBATION_ENTRIES = 4096;
const PROBATION_MIN_HITS = 16;

/** FNV-1a over UTF-16 code units, as a small integer (a watched value's identity; collisions are rare). */
function hashOf(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/**
 * Memoizes a pure string function in a Map cleared when it holds `limit` entries. Real columns repeat
 * values (names, cities) and a hit skips the HMAC and the fake: ~0.1 µs instead of ~2 µs. Values that do
 * not repeat only pay for the Map, so when a full generation of `limit` new entries saw fewer hits than
 * misses, the memo turns itself off for good (the first generation: see `PROBATION_ENTRIES`). Figures:
 * bench/fake-values/run.ts. Entries are own copies (`ownString`): the memo holds its entries, not the
 * batches of rows their values were decoded from.
 */
export function boundedMemo(
  compute: (value: string) => string,
  limit = MEMO_LIMIT,
): (value: string) => string {
  const memo = new Map<string, string>();
  let hits = 0;
  let enabled = true;
  let probation = limit > PROBATION_ENTRIES;
  /** After a failed probation: hashes of the values seen since, and how many of those repeated. */
  let watched: Set<number> | undefined;
  let watchedHits = 0;
  const watch = (value: string, seen: Set<number>): void => {
    const hash = hashOf(value);
    if (seen.has(hash)) watchedHits++;
    else seen.add(hash);
    if (watchedHits >= PROBATION_MIN_HITS && watchedHits >= seen.size) {
      watched = undefined;
      enabled = true;
    } else if (seen.size >= limit) {
      watched = undefined;
    }
  };
  return (value) => {
    if (value.length > MAX_MEMO_KEY_LENGTH) return compute(value);
    if (watched !== undefined) {
      watch(value, watched);
      return compute(value);
    }
    if (!enabled) return compute(value);
    const known = memo.get(value);
    if (known !== undefined) {
      hits++;
      return known;
    }
    const result = compute(value);
    if (probation && memo.size >= PROBATION_ENTRIES) {
      probation = false;
      if (hits < PROBATION_MIN_HITS) {
        memo.clear();
        hits = 0;
        enabled = false;
        watched = new Set();
        return result;
      }
    }
    if (memo.size >= limit) {
      memo.clear();
      enabled = hits >= limit;
      hits = 0;
      if (!enabled) return result;
    }
    const key = ownString(value);
    memo.set(key, result === value ? key : ownString(result));
    return result;
  };
}
