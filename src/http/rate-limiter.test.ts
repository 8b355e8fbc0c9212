import { describe, expect, it } from 'vitest';

import { createRateLimiter } from './rate-limiter.js';

describe('createRateLimiter', () => {
  it('allows a burst, then says how long to wait, and refills over time', () => {
    let t = 0;
    const limiter = createRateLimiter(2, 3, () => t);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
    t = 500; // one token back at 2 per second
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('keeps at most maxKeys buckets and drops refilled ones before busy ones', () => {
    let t = 0;
    const limiter = createRateLimiter(1, 2, () => t, 100);
    // A busy key: its bucket is empty and must survive a flood of other keys.
    limiter.take('busy');
    limiter.take('busy');
    expect(limiter.take('busy')).toBeGreaterThan(0);
    for (let i = 0; i < 99; i++) limiter.take(`idle-${i}`);
    expect(limiter.size).toBe(100);
    t = 1_500; // every idle key has refilled; 'busy' holds 1.5 of 2 tokens
    limiter.take('new');
    expect(limiter.size).toBe(2);
    limiter.take('busy');
    expect(limiter.take('busy')).toBeGreaterThan(0); // its state was kept, not reset to a full bucket
  });

  it('drops the least recently seen quarter when every key is busy', () => {
    const limiter = createRateLimiter(1, 1, () => 0, 100);
    for (let i = 0; i < 100; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBe(100);
    limiter.take('k0'); // seen again: now the most recent
    limiter.take('next');
    expect(limiter.size).toBe(76);
    expect(limiter.take('k0')).toBeGreaterThan(0); // kept, still empty
    expect(limiter.take('k1')).toBe(0); // dropped: a new, full bucket
  });

  it('stays bounded under a flood of distinct keys', () => {
    const limiter = createRateLimiter(1, 1, () => 0, 1_000);
    for (let i = 0; i < 200_000; i++) limiter.take(`flood-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(1_000);
  });
});
