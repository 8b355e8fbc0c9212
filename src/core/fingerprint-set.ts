import { randomBytes } from 'node:crypto';

/**
 * A set of keyed 64-bit fingerprints of strings (open addressing over a Uint32Array): membership without
 * holding the strings, at 8 bytes per slot. The key is random per set (per run), never stored or printed,
 * so the fingerprints mean nothing outside this process. A lookup of a string that was never added answers
 * "present" with probability about `size / 2^64` (two independent 32-bit lanes), i.e. ~5e-13 at 10 M values:
 * unlike a Bloom filter, a false leak is practically impossible even over billions of text n-grams.
 * The slots live in a SharedArrayBuffer: once built, `share()` hands the set to worker threads without a
 * copy (`FingerprintSet.fromShared`), read-only by contract.
 */
export interface FingerprintSetOptions {
  /** Slots start here (at least 1024) and grow in quarter steps between powers of two as the set fills. */
  readonly initialSlots?: number;
  /**
   * Never more slots than this, rounded up to a power of two (8 bytes each); values beyond ~70% of it are
   * counted in `dropped`.
   */
  readonly maxSlots?: number;
  /** 8 random bytes by default; tests pass a fixed key. */
  readonly key?: Uint8Array;
  /**
   * Holds only the values of one of `count` keyed partitions: others are neither added nor found. Lets a
   * caller cover more values than fit in memory in `count` passes, each over its own share.
   */
  readonly partition?: { readonly index: number; readonly count: number };
}

/**
 * What a frozen set keeps of each fingerprint besides the bucket it sorts into (see `freeze`): `lane-b`
 * 32 bits (4 bytes a value), `lanes` 48 bits (6 bytes a value).
 */
export type FrozenLanes = 'lane-b' | 'lanes';

/** A built set as worker threads receive it (postMessage / workerData keep the buffer shared). */
export interface SharedFingerprints {
  /** The open-addressed slots, or a frozen set's buckets and fingerprints (`frozen`). */
  readonly slots: SharedArrayBuffer;
  readonly seedA: number;
  readonly seedB: number;
  readonly size: number;
  readonly dropped: number;
  readonly maxSlots: number;
  readonly frozen?: { readonly bucketBits: number; readonly lanes: FrozenLanes };
}

/**
 * A frozen set: its fingerprints sorted into 2^bucketBits buckets by the high bits of lane A, each bucket a
 * run of `laneB` (and the low 16 bits of lane A in `laneALow`) between `offsets[bucket]` and the next one.
 */
interface Frozen {
  readonly buffer: SharedArrayBuffer;
  readonly bucketBits: number;
  readonly lanes: FrozenLanes;
  readonly shift: number;
  readonly offsets: Uint32Array;
  readonly laneB: Uint32Array;
  readonly laneALow: Uint16Array | undefined;
}

/** 2^24 slots = 128 MB at most, ~11.7 M values. */
export const DEFAULT_MAX_SLOTS = 1 << 24;
const MAX_LOAD = 0.7;

export class FingerprintSet {
  #slots: Uint32Array;
  /** Slots in the table (`#slots.length / 2`). */
  #slotCount: number;
  /** `#slotCount / 2^32`: a 32-bit hash times this, truncated, is a slot in 0 … #slotCount − 1. */
  #scale: number;
  #size = 0;
  #dropped = 0;
  readonly #maxSlots: number;
  readonly #seedA: number;
  readonly #seedB: number;
  readonly #partitions: number;
  readonly #partition: number;
  /** Set by `freeze`: the compact read-only form, which replaces the slots. */
  #frozen: Frozen | undefined;

  constructor(options: FingerprintSetOptions = {}) {
    const key = options.key ?? randomBytes(8);
    if (key.length < 8) throw new RangeError('a fingerprint key has at least 8 bytes');
    const view = Buffer.from(key);
    this.#seedA = view.readUInt32LE(0);
    this.#seedB = view.readUInt32LE(4);
    this.#maxSlots = powerOfTwo(options.maxSlots ?? DEFAULT_MAX_SLOTS);
    this.#partitions = options.partition?.count ?? 1;
    this.#partition = options.partition?.index ?? 0;
    if (!(this.#partitions >= 1 && this.#partition >= 0 && this.#partition < this.#partitions))
      throw new RangeError('a partition index lies in 0 … count − 1');
    const slots = Math.min(Math.max(1024, Math.ceil(options.initialSlots ?? 1 << 16)), this.#maxSlots);
    this.#slots = sharedSlots(slots, this.#maxSlots);
    this.#slotCount = slots;
    this.#scale = slots / 2 ** 32;
  }

  /** The same set over the same memory, e.g. in a worker thread. Only `has` is meant to be called on it. */
  static fromShared(shared: SharedFingerprints): FingerprintSet {
    const key = Buffer.alloc(8);
    key.writeUInt32LE(shared.seedA >>> 0, 0);
    key.writeUInt32LE(shared.seedB >>> 0, 4);
    const set = new FingerprintSet({ key, maxSlots: shared.maxSlots, initialSlots: 1024 });
    set.#size = shared.size;
    set.#dropped = shared.dropped;
    if (shared.frozen !== undefined) {
      set.#frozen = frozenView(shared.slots, shared.frozen.bucketBits, shared.size, shared.frozen.lanes);
      set.#slots = new Uint32Array(0);
      set.#slotCount = 0;
      return set;
    }
    set.#slots = fixedView(shared.slots, shared.slots.byteLength / 8);
    set.#slotCount = set.#slots.length / 2;
    set.#scale = set.#slotCount / 2 ** 32;
    return set;
  }

  share(): SharedFingerprints {
    const frozen = this.#frozen;
    return {
      slots: frozen?.buffer ?? (this.#slots.buffer as SharedArrayBuffer),
      seedA: this.#seedA,
      seedB: this.#seedB,
      size: this.#size,
      dropped: this.#dropped,
      maxSlots: this.#maxSlots,
      ...(frozen === undefined ? {} : { frozen: { bucketBits: frozen.bucketBits, lanes: frozen.lanes } }),
    };
  }

  /**
   * Turns the built set into a compact read-only one: the fingerprints sorted into buckets by the high bits
   * of lane A (about 4-8 a bucket, a 4-byte offset each), keeping per value only lane B (`lane-b`, 4 bytes)
   * or lane B and the low 16 bits of lane A (`lanes`, 6 bytes) — instead of 8-byte slots 56-70% full, i.e.
   * 11-14 bytes a value. The bucket stands for the lane-A bits it is named by, so a lookup of an absent value
   * answers present with probability size / 2^(bucket bits + kept bits) (`falsePositiveRate`): ~1e-9 for
   * `lane-b` and ~1e-14 for `lanes` at a few million values. The slots are let go (their memory returns at
   * the next GC once no worker holds them); `add` is refused from then on. Measured: see the callers.
   */
  freeze(lanes: FrozenLanes): void {
    if (this.#frozen !== undefined) return;
    const size = this.#size;
    let bucketBits = 10;
    while (bucketBits < 28 && 2 ** bucketBits * FROZEN_BUCKET_VALUES < size) bucketBits++;
    const frozen = frozenView(
      new SharedArrayBuffer(frozenBytes(bucketBits, size, lanes)),
      bucketBits,
      size,
      lanes,
    );
    const { offsets, laneB, laneALow, shift } = frozen;
    const slots = this.#slots;
    const slotCount = this.#slotCount;
    for (let i = 0; i < slotCount; i++) {
      const a = slots[i * 2] as number;
      if (a === 0 && (slots[i * 2 + 1] as number) === 0) continue;
      const at = (a >>> shift) + 1;
      offsets[at] = (offsets[at] as number) + 1;
    }
    for (let k = 1; k < offsets.length; k++) offsets[k] = (offsets[k] as number) + (offsets[k - 1] as number);
    const next = offsets.slice(0, offsets.length - 1);
    for (let i = 0; i < slotCount; i++) {
      const a = slots[i * 2] as number;
      const b = slots[i * 2 + 1] as number;
      if (a === 0 && b === 0) continue;
      const bucket = a >>> shift;
      const at = next[bucket] as number;
      next[bucket] = at + 1;
      laneB[at] = b;
      if (laneALow !== undefined) laneALow[at] = a & 0xffff;
    }
    this.#frozen = frozen;
    this.#slots = new Uint32Array(0);
    this.#slotCount = 0;
  }

  get isFrozen(): boolean {
    return this.#frozen !== undefined;
  }

  /** Distinct fingerprints held. */
  get size(): number {
    return this.#size;
  }

  /** Values not added because the set reached `maxSlots` (they cannot be found). */
  get dropped(): number {
    return this.#dropped;
  }

  get bytes(): number {
    return this.#frozen?.buffer.byteLength ?? this.#slots.byteLength;
  }

  /** Chance that one lookup of an absent value answers present, at the current size. */
  get falsePositiveRate(): number {
    const frozen = this.#frozen;
    if (frozen === undefined) return this.#size / 2 ** 64;
    return this.#size / 2 ** (frozen.bucketBits + (frozen.lanes === 'lanes' ? 48 : 32));
  }

  /** `salt` separates classes of values (emails, phones, names) without building a longer string. */
  /**
   * `share`: the string whose partition the value joins (default: the value itself), so that values that
   * are looked up together — a phrase and its first word — are held in the same pass.
   */
  add(value: string, salt: number, share?: string): void {
    if (this.#frozen !== undefined) throw new RangeError('a frozen fingerprint set takes no more values');
    if (!this.#holds(value, share)) return;
    const a = lanes(value, this.#seedA ^ salt, this.#seedB ^ Math.imul(salt, 0x9e3779b1));
    const b = laneBOfLast;
    if (this.#find(a, b) >= 0) return;
    if (this.#size + 1 > this.#slotCount * MAX_LOAD) {
      if (this.#slotCount >= this.#maxSlots) {
        this.#dropped++;
        return;
      }
      this.#grow(Math.min(this.#maxSlots, nextSlotCount(this.#slotCount)));
    }
    this.#insert(a, b);
    this.#size++;
  }

  has(value: string, salt: number, share?: string): boolean {
    if (this.#size === 0 || !this.#holds(value, share)) return false;
    const a = lanes(value, this.#seedA ^ salt, this.#seedB ^ Math.imul(salt, 0x9e3779b1));
    const frozen = this.#frozen;
    if (frozen === undefined) return this.#find(a, laneBOfLast) >= 0;
    const b = laneBOfLast;
    const bucket = a >>> frozen.shift;
    const end = frozen.offsets[bucket + 1] as number;
    const laneB = frozen.laneB;
    const laneALow = frozen.laneALow;
    for (let i = frozen.offsets[bucket] as number; i < end; i++) {
      if (laneB[i] === b && (laneALow === undefined || laneALow[i] === (a & 0xffff))) return true;
    }
    return false;
  }

  /** Whether this set's partition is the one of `share ?? value` (always, unpartitioned). */
  #holds(value: string, share: string | undefined): boolean {
    if (this.#partitions === 1) return true;
    return (
      partitionOf(laneA(share ?? value, this.#seedA ^ PARTITION_SALT), this.#partitions) === this.#partition
    );
  }

  #find(a: number, b: number): number {
    const slots = this.#slots;
    const last = this.#slotCount - 1;
    for (let i = (a * this.#scale) >>> 0; ; i = i === last ? 0 : i + 1) {
      const sa = slots[i * 2] as number;
      const sb = slots[i * 2 + 1] as number;
      if (sa === 0 && sb === 0) return -1;
      if (sa === a && sb === b) return i;
    }
  }

  #insert(a: number, b: number): void {
    const slots = this.#slots;
    const last = this.#slotCount - 1;
    let i = (a * this.#scale) >>> 0;
    while ((slots[i * 2] as number) !== 0 || (slots[i * 2 + 1] as number) !== 0) i = i === last ? 0 : i + 1;
    slots[i * 2] = a;
    slots[i * 2 + 1] = b;
  }

  /**
   * Grows the table to `slotCount` slots in place: the buffer is a growable SharedArrayBuffer, so no second
   * table is allocated and no discarded one waits for a major GC (measured on the 1M-people bench: the
   * tables left behind by doubling kept ~64 MB resident into the load). Every home slot changes, so each
   * value is re-placed: taken out of its old slot and inserted from its new home, where a slot still holding
   * a value not yet re-placed is taken over and that value re-placed next (one bit per slot marks the values
   * re-placed, which never move again). A probe chain then only runs over re-placed values, so every value is
   * found from its new home.
   */
  #grow(slotCount: number): void {
    const oldCount = this.#slotCount;
    (this.#slots.buffer as GrowableSharedArrayBuffer).grow(slotCount * 8);
    this.#slots = fixedView(this.#slots.buffer as SharedArrayBuffer, slotCount);
    this.#slotCount = slotCount;
    this.#scale = slotCount / 2 ** 32;
    const slots = this.#slots;
    const placed = new Uint32Array(Math.ceil(slotCount / 32));
    const last = slotCount - 1;
    for (let k = 0; k < oldCount; k++) {
      if ((placed[k >>> 5] as number) & (1 << (k & 31))) continue;
      let a = slots[k * 2] as number;
      let b = slots[k * 2 + 1] as number;
      if (a === 0 && b === 0) continue;
      slots[k * 2] = 0;
      slots[k * 2 + 1] = 0;
      for (;;) {
        let i = (a * this.#scale) >>> 0;
        while ((placed[i >>> 5] as number) & (1 << (i & 31))) i = i === last ? 0 : i + 1;
        placed[i >>> 5] = (placed[i >>> 5] as number) | (1 << (i & 31));
        const na = slots[i * 2] as number;
        const nb = slots[i * 2 + 1] as number;
        slots[i * 2] = a;
        slots[i * 2 + 1] = b;
        if (na === 0 && nb === 0) break;
        a = na;
        b = nb;
      }
    }
  }
}

const PARTITION_SALT = 0x5f3759df;
/** A frozen set's buckets hold 4-8 values on average: its offsets cost 0.5-1 byte a value. */
const FROZEN_BUCKET_VALUES = 8;

function frozenBytes(bucketBits: number, size: number, lanes: FrozenLanes): number {
  return (2 ** bucketBits + 1) * 4 + size * (lanes === 'lanes' ? 6 : 4);
}

/** The views of a frozen set's buffer: offsets, then lane B, then (for `lanes`) lane A's low 16 bits. */
function frozenView(buffer: SharedArrayBuffer, bucketBits: number, size: number, lanes: FrozenLanes): Frozen {
  const buckets = 2 ** bucketBits;
  if (buffer.byteLength < frozenBytes(bucketBits, size, lanes))
    throw new RangeError('a frozen fingerprint set needs a larger buffer');
  const laneBAt = (buckets + 1) * 4;
  return {
    buffer,
    bucketBits,
    lanes,
    shift: 32 - bucketBits,
    offsets: new Uint32Array(buffer, 0, buckets + 1),
    laneB: new Uint32Array(buffer, laneBAt, size),
    laneALow: lanes === 'lanes' ? new Uint16Array(buffer, laneBAt + size * 4, size) : undefined,
  };
}

/** The partition of a string's keyed hash (its high 16 bits scaled to `count`). */
function partitionOf(hash: number, count: number): number {
  return Math.floor(((hash >>> 16) * count) / 0x10000);
}

/**
 * `slots` empty slots of two 32-bit lanes each, in memory worker threads can share, growable in place up
 * to `maxSlots` (address space is reserved for them; only the pages written become resident).
 */
function sharedSlots(slots: number, maxSlots: number): Uint32Array {
  return fixedView(
    new GrowableSharedArrayBuffer(slots * 8, { maxByteLength: Math.max(slots, maxSlots) * 8 }),
    slots,
  );
}

/**
 * A fixed-length view of `slots` slots: a view that tracks a growable buffer's length is read ~3x slower
 * (measured, Node 20.20: 20 M random reads 6.9-7.3 s against 1.3-2.6 s), and lookups are the hot path.
 */
function fixedView(buffer: SharedArrayBuffer, slots: number): Uint32Array {
  return new Uint32Array(buffer, 0, slots * 2);
}

/** ES2024's growable SharedArrayBuffer (Node ≥ 20), which the project's `lib` does not declare yet. */
interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  grow(byteLength: number): void;
}
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => GrowableSharedArrayBuffer;

/**
 * The size a full set grows to: the next of 2^k × 1, 1.25, 1.5, 1.75 slots, not the next power of two. Any
 * slot count works (a value's home slot is the high part of lane A times the slot count), so the final table
 * is 56-70% full instead of 35-70%, and never larger than doubling would make it. Measured on the 1M-people
 * bench: the leak index's 1.94 M values in 25 MB of slots instead of 32 MB. Each growth re-places every value
 * in place (see #grow): over a set's life ~5x its final size in values instead of ~1x.
 */
function nextSlotCount(slots: number): number {
  let p = 1024;
  while (p * 2 <= slots) p *= 2;
  for (const step of [1.25, 1.5, 1.75]) if (p * step > slots) return p * step;
  return p * 2;
}

function powerOfTwo(n: number): number {
  let p = 1024;
  while (p < n) p *= 2;
  return p;
}

// Two differently built 32-bit hashes (murmur3-style and FNV-style with position mixing), each finalised
// with murmur3's fmix32; (0,0) marks an empty slot, so lane B is never 0. `lanes` computes both in one
// pass (add + has 0.89x the time of one pass per lane, paired); `laneA` alone picks a partition.
/** Lane B of the last `lanes` call (a module-level slot: no pair object per lookup). */
let laneBOfLast = 1;

/** Lane A of `value` (returned) and lane B (in `laneBOfLast`) in one pass over its characters. */
function lanes(value: string, seedA: number, seedB: number): number {
  let h = seedA | 0;
  let g = (seedB ^ 0x811c9dc5) | 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let k = Math.imul(c, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
    g = Math.imul(g ^ c, 0x01000193);
    g ^= g >>> 13;
    g = Math.imul(g, 0x5bd1e995) + i;
  }
  laneBOfLast = fmix(g ^ Math.imul(value.length, 0x27d4eb2d)) || 1;
  return fmix(h ^ value.length);
}

function laneA(value: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < value.length; i++) {
    let k = Math.imul(value.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  return fmix(h ^ value.length);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
