/** A token bucket per key (the principal): `burst` requests at once, refilled at `perSecond`. */
export interface RateLimiter {
  /** Takes a token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number;
}

const MAX_KEYS = 10_000;

export function createRateLimiter(
  perSecond: number,
  burst: number,
  now: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        // Bounded memory: the least recently seen key goes first (Map keeps insertion order).
        if (buckets.size >= MAX_KEYS) buckets.delete(buckets.keys().next().value ?? '');
        bucket = { tokens: burst, at: t };
      } else {
        buckets.delete(key);
        bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
        bucket.at = t;
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / perSecond);
    },
  };
}
