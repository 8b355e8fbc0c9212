import { GatewayError } from '../core/index.js';

function readWord(seed: Uint8Array, index: number): number {
  const i = index * 4;
  return (seed[i]! << 24) | (seed[i + 1]! << 16) | (seed[i + 2]! << 8) | seed[i + 3]! | 0;
}

/**
 * A deterministic stream of numbers drawn from seed bytes 0..15 (bytes 16..31 are kept for
 * `uniqueDiscriminator`) (sfc32, a small fast PRNG; its
 * 128-bit state is the seed itself, so no warm-up is needed). Picks use `u32 % n`: the bias is below
 * n / 2^32, under 1e-6 for every word list here.
 */
export class SeedStream {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: Uint8Array) {
    if (seed.length < 32) throw new GatewayError('internal', 'a seed must hold 32 bytes');
    this.#a = readWord(seed, 0);
    this.#b = readWord(seed, 1);
    this.#c = readWord(seed, 2);
    this.#d = readWord(seed, 3);
  }

  /** Next unsigned 32-bit value. */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + (this.next() % (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.next() % items.length]!;
  }

  /** `count` decimal digits. */
  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String.fromCharCode(48 + (this.next() % 10));
    return out;
  }
}
