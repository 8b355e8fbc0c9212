import { describe, expect, it } from 'vitest';
import { FingerprintSet } from './fingerprint-set.js';

const KEY = Buffer.from('0123456789abcdef');

describe('FingerprintSet', () => {
  it('answers present for added values and absent for others', () => {
    const set = new FingerprintSet({ key: KEY });
    set.add('mary.smith@example.org', 1);
    expect(set.has('mary.smith@example.org', 1)).toBe(true);
    expect(set.has('mary.smith@example.com', 1)).toBe(false);
    expect(set.size).toBe(1);
  });

  it('keeps classes apart by salt', () => {
    const set = new FingerprintSet({ key: KEY });
    set.add('5550104477', 1);
    expect(set.has('5550104477', 2)).toBe(false);
  });

  it('grows past its initial size without losing values, and never stores duplicates', () => {
    const set = new FingerprintSet({ key: KEY, initialSlots: 1024 });
    for (let i = 0; i < 50_000; i++) set.add(`value-${i}`, 7);
    for (let i = 0; i < 50_000; i++) set.add(`value-${i}`, 7);
    expect(set.size).toBe(50_000);
    let missing = 0;
    for (let i = 0; i < 50_000; i++) if (!set.has(`value-${i}`, 7)) missing++;
    expect(missing).toBe(0);
    let falsePositives = 0;
    for (let i = 0; i < 200_000; i++) if (set.has(`other-${i}`, 7)) falsePositives++;
    expect(falsePositives).toBe(0);
    expect(set.falsePositiveRate).toBeLessThan(1e-12);
  });

  it('finds every value after each in-place growth, over many keys (clusters wrapping past the top too)', () => {
    let missing = 0;
    let growths = 0;
    for (let k = 0; k < 40; k++) {
      const key = Buffer.alloc(8);
      key.writeUInt32LE(Math.imul(k, 2654435761) >>> 0, 0);
      key.writeUInt32LE(k + 1, 4);
      const set = new FingerprintSet({ key, initialSlots: 1024 });
      let bytes = set.bytes;
      for (let i = 0; i < 5_000; i++) {
        set.add(`value-${i}`, 5);
        if (set.bytes === bytes) continue;
        bytes = set.bytes;
        growths++;
        for (let j = 0; j <= i; j++) if (!set.has(`value-${j}`, 5)) missing++;
      }
    }
    // 1024 → 1280 → 1536 → 1792 → 2048 → 2560 → … → 7168 slots for 5,000 values.
    expect(growths).toBe(40 * 11);
    expect(missing).toBe(0);
  });

  it('grows in quarter steps between powers of two, and stays 56-70% full', () => {
    const set = new FingerprintSet({ key: KEY, initialSlots: 1000, maxSlots: 1 << 20 });
    expect(set.bytes).toBe(1024 * 8);
    for (let i = 0; i < 30_000; i++) set.add(`value-${i}`, 3);
    const slots = set.bytes / 8;
    expect(slots).toBe(1.5 * 2 ** 15);
    expect(30_000 / slots).toBeGreaterThan(0.7 / 1.25);
    expect(30_000 / slots).toBeLessThanOrEqual(0.7);
    let missing = 0;
    for (let i = 0; i < 30_000; i++) if (!set.has(`value-${i}`, 3)) missing++;
    expect(missing).toBe(0);
  });

  it('grows in place: its memory stays one buffer, reserved up to the cap', () => {
    const set = new FingerprintSet({ key: KEY, initialSlots: 1024, maxSlots: 8192 });
    const before = set.share().slots;
    for (let i = 0; i < 6_000; i++) set.add(`value-${i}`, 1);
    const after = set.share().slots;
    expect(set.bytes).toBe(8192 * 8);
    expect(after).toBe(before);
    expect(after.byteLength).toBe(8192 * 8);
  });

  it('stops at its cap and counts what it could not hold', () => {
    const set = new FingerprintSet({ key: KEY, initialSlots: 1024, maxSlots: 2048 });
    for (let i = 0; i < 2000; i++) set.add(`v${i}`, 1);
    expect(set.bytes).toBe(2048 * 8);
    expect(set.size + set.dropped).toBe(2000);
    expect(set.dropped).toBeGreaterThan(0);
  });
});

describe('FingerprintSet sharing', () => {
  it('answers the same over shared memory, as a worker thread receives it', async () => {
    const set = new FingerprintSet({ key: KEY, initialSlots: 1024 });
    for (let i = 0; i < 5_000; i++) set.add(`value-${i}`, 3);
    const shared = set.share();
    expect(shared.slots).toBeInstanceOf(SharedArrayBuffer);
    const { Worker } = await import('node:worker_threads');
    // A real thread: the buffer crosses without a copy and the seeds give the same fingerprints there.
    const answer = await new Promise<number[]>((resolve, reject) => {
      const worker = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         parentPort.postMessage(new Uint32Array(workerData.slots).length);`,
        { eval: true, workerData: shared },
      );
      worker.once('message', (length: number) => resolve([length]));
      worker.once('error', reject);
    });
    expect(answer[0]).toBe(new Uint32Array(shared.slots).length);
    const copy = FingerprintSet.fromShared(shared);
    expect(copy.size).toBe(5_000);
    let missing = 0;
    for (let i = 0; i < 5_000; i++) if (!copy.has(`value-${i}`, 3)) missing++;
    expect(missing).toBe(0);
    expect(copy.has('value-5000', 3)).toBe(false);
    expect(copy.has('value-1', 4)).toBe(false);
  });
});

describe('FingerprintSet partitions', () => {
  it('covers every value exactly once over its partitions, each holding about its share', () => {
    const count = 3;
    const sets = Array.from(
      { length: count },
      (_, index) => new FingerprintSet({ key: KEY, partition: { index, count } }),
    );
    for (const set of sets) for (let i = 0; i < 30_000; i++) set.add(`v${i}`, 5);
    for (const set of sets) expect(set.size).toBeGreaterThan(9_000);
    expect(sets.reduce((n, s) => n + s.size, 0)).toBe(30_000);
    for (let i = 0; i < 30_000; i++) {
      expect(sets.filter((s) => s.has(`v${i}`, 5)).length).toBe(1);
    }
  });

  it('refuses a partition outside its count', () => {
    expect(() => new FingerprintSet({ partition: { index: 2, count: 2 } })).toThrow(RangeError);
  });
});

describe('FingerprintSet.freeze', () => {
  const filled = (count: number): FingerprintSet => {
    const set = new FingerprintSet({ key: KEY, initialSlots: 1024 });
    for (let i = 0; i < count; i++) set.add(`value-${i}`, 7);
    return set;
  };

  for (const lanes of ['lane-b', 'lanes'] as const) {
    it(`(${lanes}) finds every value it held and no other, in fewer bytes`, () => {
      const set = filled(50_000);
      const before = set.bytes;
      set.freeze(lanes);
      expect(set.isFrozen).toBe(true);
      expect(set.size).toBe(50_000);
      // 2^13 buckets (4 bytes each) + 4 or 6 bytes a value, against 8-byte slots at most 70% full.
      expect(set.bytes).toBe((2 ** 13 + 1) * 4 + 50_000 * (lanes === 'lanes' ? 6 : 4));
      expect(set.bytes).toBeLessThan(before * 0.6);
      let missing = 0;
      for (let i = 0; i < 50_000; i++) if (!set.has(`value-${i}`, 7)) missing++;
      expect(missing).toBe(0);
      let falsePositives = 0;
      for (let i = 0; i < 200_000; i++)
        if (set.has(`other-${i}`, 7) || set.has(`value-${i % 50_000}`, 8)) falsePositives++;
      expect(falsePositives).toBe(0);
      expect(set.falsePositiveRate).toBe(50_000 / 2 ** (13 + (lanes === 'lanes' ? 48 : 32)));
    });
  }

  it('answers the same through a shared copy, and refuses new values', () => {
    const set = filled(5_000);
    set.freeze('lanes');
    const copy = FingerprintSet.fromShared(set.share());
    expect(copy.isFrozen).toBe(true);
    expect(copy.size).toBe(5_000);
    for (let i = 0; i < 5_000; i++) expect(copy.has(`value-${i}`, 7)).toBe(true);
    expect(copy.has('value-5000', 7)).toBe(false);
    expect(() => set.add('value-x', 7)).toThrow(/frozen/);
  });

  it('finds nothing once frozen empty, and keeps a partition to its share', () => {
    const empty = new FingerprintSet({ key: KEY });
    empty.freeze('lane-b');
    expect(empty.has('value-1', 7)).toBe(false);
    const part = new FingerprintSet({ key: KEY, partition: { index: 1, count: 2 } });
    for (let i = 0; i < 10_000; i++) part.add(`v${i}`, 5);
    const held = Array.from({ length: 10_000 }, (_, i) => part.has(`v${i}`, 5));
    part.freeze('lanes');
    expect(Array.from({ length: 10_000 }, (_, i) => part.has(`v${i}`, 5))).toEqual(held);
  });
});
