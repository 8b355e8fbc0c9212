import { describe, expect, it } from 'vitest';

import { fakeNumberLike } from './fake-number.js';

function seedOf(n: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (n * 131 + i * 17) & 255);
}

describe('fakeNumberLike', () => {
  it('keeps sign, decimal point, digit counts and a non-zero leading digit', () => {
    for (let n = 0; n < 200; n++) {
      expect(fakeNumberLike(seedOf(n), '-1234.50')).toMatch(/^-[1-9]\d{3}\.\d{2}$/);
      expect(fakeNumberLike(seedOf(n), '7')).toMatch(/^\d$/);
      expect(fakeNumberLike(seedOf(n), '0.05')).toMatch(/^\d\.\d\d$/);
    }
  });

  it('keeps separators and currency signs and leaves exponents alone', () => {
    expect(fakeNumberLike(seedOf(1), '$1,234.56')).toMatch(/^\$\d,[1-9]\d\d\.\d\d$/);
    expect(fakeNumberLike(seedOf(1), '1.5e+20')).toMatch(/^\d\.\de\+20$/);
  });

  it('leaves text without digits as it is', () => {
    expect(fakeNumberLike(seedOf(1), 'NaN')).toBe('NaN');
    expect(fakeNumberLike(seedOf(1), '-Infinity')).toBe('-Infinity');
  });

  it('folds same-length values above maxAbs back into range', () => {
    for (let n = 0; n < 500; n++) {
      const small = BigInt(fakeNumberLike(seedOf(n), '32767', 32_767n));
      expect(small).toBeGreaterThanOrEqual(10_000n);
      expect(small).toBeLessThanOrEqual(32_767n);
      const negative = BigInt(fakeNumberLike(seedOf(n), '-32768', 32_767n));
      expect(negative).toBeLessThanOrEqual(-10_000n);
      expect(negative).toBeGreaterThanOrEqual(-32_767n);
      const big = BigInt(fakeNumberLike(seedOf(n), '9223372036854775807', 9_223_372_036_854_775_807n));
      expect(big).toBeLessThanOrEqual(9_223_372_036_854_775_807n);
      expect(String(big)).toHaveLength(19);
    }
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(fakeNumberLike(seedOf(3), '123456')).toBe(fakeNumberLike(seedOf(3), '123456'));
    const outputs = new Set(Array.from({ length: 50 }, (_, n) => fakeNumberLike(seedOf(n), '123456')));
    expect(outputs.size).toBeGreaterThan(45);
  });
});
