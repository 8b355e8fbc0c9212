/** A token bucket per key (the principal): `burst` requests at once, refilled at `perSecond`. */
export interface RateLimiter {
  /** Takes a token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number;
  /** Keys holding a bucket (for tests and metrics; bounded by the limiter's `maxKeys`). */
  readonly size: number;
}

const MAX_KEYS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Memory stays bounded when many distinct keys arrive: at `maxKeys` buckets, one sweep drops every bucket
 * that has refilled (it holds nothing a new bucket would not); when the keys are all busy, the least recently
 * seen quarter goes too. A sweep frees at least a quarter of the buckets, so it runs at most once per
 * `maxKeys / 4` new keys: O(1) per request, amortized. (Dropping the oldest key on every new key instead
 * walks the Map's deleted slots from its start each time: slow under exactly such a flood.)
 */
export function createRateLimiter(
  perSecond: number,
  burst: number,
  now: () => number = () => performance.now(),
  maxKeys = MAX_KEYS,
): RateLimiter {
  // Map order is last-seen order: a key seen again is deleted and set anew.
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, t: number): void => {
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
  };
  const sweep = (t: number): void => {
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= burst) buckets.delete(key);
    }
    const keep = maxKeys - Math.ceil(maxKeys / 4);
    for (const key of buckets.keys()) {
      if (buckets.size <= keep) break;
      buckets.delete(key);
    }
  };
  return {
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxKeys) sweep(t);
        bucket = { tokens: burst, at: t };
      } else {
        buckets.delete(key);
        refill(bucket, t);
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / perSecond);
    },
    get size() {
      return buckets.size;
    },
  };
}
