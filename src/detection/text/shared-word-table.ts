/**
 * A read-only map from words (or phrases) to small flag numbers in one SharedArrayBuffer: an open-addressing
 * hash table over the keys' UTF-16 code units. The name lexicon and the place gazetteer are built once per
 * process in this form, so that the pipeline's transform workers wrap the same memory (`share` /
 * `fromShared`) instead of importing every faker locale and building their own maps (see text-resources.ts).
 *
 * It is also smaller and as fast as the JS Map it replaces: ~40,000 keys take ~1 MB here against ~4 MB of
 * Map, strings and hidden classes; a lookup is one FNV-1a pass over the key and, for most words that are not
 * there, one empty slot (a load of at most 50%), so it needs no Bloom filter in front.
 */

/** Everything a worker thread needs to use a table built elsewhere. */
export interface SharedWordTableData {
  readonly buffer: SharedArrayBuffer;
  readonly entries: number;
  readonly slots: number;
  readonly chars: number;
}

/** FNV-1a over the UTF-16 units, finished with murmur3's avalanche so that the low bits index well. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Byte offsets of the sections of a table's buffer (each aligned for its element size). */
function layout(entries: number, slots: number, chars: number) {
  const slotPairs = 0;
  const offsets = slotPairs + 8 * slots;
  const text = offsets + 4 * (entries + 1);
  const values = text + 2 * chars;
  return { slotPairs, offsets, text, values, bytes: values + entries };
}

export class SharedWordTable {
  readonly #data: SharedWordTableData;
  /**
   * Two numbers a slot, side by side (one cache line for both): 1 + the entry's index (0 when the slot is
   * empty), then the entry's key hash (compared before the key).
   */
  readonly #slots: Int32Array;
  /** Per entry: where its key starts in `#text`; one more at the end. */
  readonly #offsets: Uint32Array;
  readonly #text: Uint16Array;
  readonly #values: Uint8Array;
  readonly #mask: number;

  private constructor(data: SharedWordTableData) {
    const at = layout(data.entries, data.slots, data.chars);
    if (data.buffer.byteLength < at.bytes || (data.slots & (data.slots - 1)) !== 0)
      throw new RangeError('not a word table');
    this.#data = data;
    this.#slots = new Int32Array(data.buffer, at.slotPairs, 2 * data.slots);
    this.#offsets = new Uint32Array(data.buffer, at.offsets, data.entries + 1);
    this.#text = new Uint16Array(data.buffer, at.text, data.chars);
    this.#values = new Uint8Array(data.buffer, at.values, data.entries);
    this.#mask = data.slots - 1;
  }

  /** A table of `entries` (keys distinct, as a Map's; values 0–255). */
  static build(entries: ReadonlyMap<string, number>): SharedWordTable {
    let slots = 64;
    while (slots < 2 * entries.size) slots *= 2;
    let chars = 0;
    for (const key of entries.keys()) chars += key.length;
    const data: SharedWordTableData = {
      buffer: new SharedArrayBuffer(layout(entries.size, slots, chars).bytes),
      entries: entries.size,
      slots,
      chars,
    };
    const table = new SharedWordTable(data);
    table.#fill(entries);
    return table;
  }

  /** The table over the memory of one built elsewhere (a worker thread's view). */
  static fromShared(data: SharedWordTableData): SharedWordTable {
    return new SharedWordTable(data);
  }

  /** Hands the table to worker threads: the buffer stays shared, read-only by contract. */
  share(): SharedWordTableData {
    return this.#data;
  }

  get size(): number {
    return this.#data.entries;
  }

  #fill(entries: ReadonlyMap<string, number>): void {
    let index = 0;
    let offset = 0;
    for (const [key, value] of entries) {
      if (!Number.isInteger(value) || value < 0 || value > 255)
        throw new RangeError('a word table holds values 0-255');
      this.#offsets[index] = offset;
      for (let i = 0; i < key.length; i++) this.#text[offset + i] = key.charCodeAt(i);
      offset += key.length;
      this.#values[index] = value;
      const h = hashOf(key);
      let slot = h & this.#mask;
      while (this.#slots[2 * slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#slots[2 * slot] = index + 1;
      this.#slots[2 * slot + 1] = h;
      index++;
    }
    this.#offsets[index] = offset;
  }

  /** The value of `key`, 0 when it is not in the table (as `map.get(key) ?? 0`). */
  get(key: string): number {
    const h = hashOf(key);
    const length = key.length;
    const mask = this.#mask;
    const slots = this.#slots;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot] as number;
      if (entry === 0) return 0;
      if (slots[2 * slot + 1] !== h) continue;
      const offsets = this.#offsets;
      const start = offsets[entry - 1] as number;
      if ((offsets[entry] as number) - start !== length) continue;
      const text = this.#text;
      let i = 0;
      while (i < length && text[start + i] === key.charCodeAt(i)) i++;
      if (i === length) return this.#values[entry - 1] as number;
    }
  }

  /** Every key and value, in the order they were added. */
  *entries(): IterableIterator<[string, number]> {
    for (let index = 0; index < this.#data.entries; index++) {
      const start = this.#offsets[index] as number;
      const end = this.#offsets[index + 1] as number;
      yield [String.fromCharCode(...this.#text.subarray(start, end)), this.#values[index] as number];
    }
  }
}
