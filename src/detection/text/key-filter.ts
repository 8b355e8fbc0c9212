/**
 * A Bloom filter over a lexicon's keys, in front of its map: "certainly absent" for most words that are
 * not in it, from two bits of a 64 KB table that stays in the CPU caches. A lookup in the lexicon's own
 * map touches its hash table and the key strings of a multi-megabyte structure — the single most costly
 * line of the text passes in profiles, and most words looked up (87% for places) are not there. No false
 * "absent": every key sets its bits, so a filtered lookup gives exactly the map's answer.
 */
export class KeyFilter {
  readonly #bits: Int32Array;
  readonly #mask: number;

  /** `log2Bits` 19: 2^19 bits (64 KB), ~1% false "maybe" for 30,000 keys with two probes. */
  constructor(keys: Iterable<string>, log2Bits = 19) {
    this.#bits = new Int32Array(1 << (log2Bits - 5));
    this.#mask = (1 << log2Bits) - 1;
    for (const key of keys) {
      const h = hashOf(key);
      this.#set(h & this.#mask);
      this.#set(second(h) & this.#mask);
    }
  }

  /** False when `key` was certainly not among the keys; true when it may have been. */
  mightHave(key: string): boolean {
    const h = hashOf(key);
    return this.#get(h & this.#mask) && this.#get(second(h) & this.#mask);
  }

  #set(bit: number): void {
    const word = bit >>> 5;
    this.#bits[word] = (this.#bits[word] ?? 0) | (1 << (bit & 31));
  }

  #get(bit: number): boolean {
    return ((this.#bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }
}

/** FNV-1a over the UTF-16 code units (32-bit). */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A second probe from the same hash (its halves swapped and remixed). */
function second(h: number): number {
  return Math.imul((h >>> 16) | (h << 16), 0x85ebca6b) >>> 0;
}

/** `map.get(key) ?? 0` with the filter in front: the same answer for every key. */
export function filteredLookup(map: ReadonlyMap<string, number>): (key: string) => number {
  const filter = new KeyFilter(map.keys());
  return (key) => (filter.mightHave(key) ? (map.get(key) ?? 0) : 0);
}
