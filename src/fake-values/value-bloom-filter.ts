/** A built filter as worker threads receive it. */
export interface SharedBloomFilter {
  readonly bits: SharedArrayBuffer;
  readonly hashes: number;
  readonly added: number;
}

/**
 * A Bloom filter of strings: "certainly not seen" or "probably seen". It lets substitution avoid fakes that
 * equal a real source value without holding the values themselves: ~10 bits per value at a 1% false-positive
 * rate (a false positive only costs one extra draw). Held in memory for one run; written only sealed (a run
 * split into units of work stores it encrypted under the run's key, see pipeline/load-units.ts). The bits
 * are in shared memory so worker threads use the built filter without a copy (`share`).
 */
export class ValueBloomFilter {
  readonly #bits: Uint32Array;
  readonly #bitCount: number;
  readonly #hashes: number;
  #added = 0;

  /** Sized for `expectedValues` at about 1% false positives. */
  constructor(expectedValues: number, shared?: SharedBloomFilter) {
    if (shared !== undefined) {
      this.#bits = new Uint32Array(shared.bits);
      this.#bitCount = this.#bits.length * 32;
      this.#hashes = shared.hashes;
      this.#added = shared.added;
      return;
    }
    const n = Math.max(1024, Math.ceil(expectedValues));
    this.#bitCount = Math.ceil((n * 9.6) / 32) * 32;
    this.#bits = new Uint32Array(new SharedArrayBuffer(this.#bitCount / 8));
    this.#hashes = 7;
  }

  /** The same filter over the same memory (a worker thread's view); read-only by contract. */
  static fromShared(shared: SharedBloomFilter): ValueBloomFilter {
    return new ValueBloomFilter(0, shared);
  }

  share(): SharedBloomFilter {
    return { bits: this.#bits.buffer as SharedArrayBuffer, hashes: this.#hashes, added: this.#added };
  }

  get added(): number {
    return this.#added;
  }

  add(value: string): void {
    const [h1, h2] = hashPair(value);
    for (let i = 0; i < this.#hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const index = bit % this.#bitCount;
      this.#bits[index >>> 5] = (this.#bits[index >>> 5] as number) | (1 << (index & 31));
    }
    this.#added++;
  }

  has(value: string): boolean {
    const [h1, h2] = hashPair(value);
    for (let i = 0; i < this.#hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const index = bit % this.#bitCount;
      if (((this.#bits[index >>> 5] as number) & (1 << (index & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two independent 32-bit hashes (FNV-1a and a murmur-style mix) for double hashing. */
function hashPair(value: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, (b | 1) >>> 0];
}
