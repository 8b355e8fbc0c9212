import { describe, expect, it } from 'vitest';

import { DISCRIMINATOR_CHARS, uniqueDiscriminator } from './unique-discriminator.js';

describe('uniqueDiscriminator', () => {
  it('writes 13 lowercase base32 characters by default', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 37);
    expect(uniqueDiscriminator(seed)).toMatch(/^[0-9a-hjkmnp-tv-z]{13}$/);
    expect(DISCRIMINATOR_CHARS * 5).toBeGreaterThanOrEqual(64);
  });

  it('reads seed bytes 16..31 only, independent of the bytes that pick words', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    const changedLow = Uint8Array.from(seed);
    changedLow[0] = 255;
    const changedHigh = Uint8Array.from(seed);
    changedHigh[16] = 255;
    expect(uniqueDiscriminator(changedLow)).toBe(uniqueDiscriminator(seed));
    expect(uniqueDiscriminator(changedHigh)).not.toBe(uniqueDiscriminator(seed));
  });

  it('encodes bits in order: all-zero bytes give zeros, 0xff bytes give z', () => {
    expect(uniqueDiscriminator(new Uint8Array(32), 4)).toBe('0000');
    expect(uniqueDiscriminator(new Uint8Array(32).fill(255), 25)).toBe('z'.repeat(25));
  });

  it('caps the length at the 25 characters that 128 bits can fill', () => {
    expect(uniqueDiscriminator(new Uint8Array(32).fill(7), 40)).toHaveLength(25);
  });
});
