import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cutRowSlabs, semiSpaceFlagOf, transformWorkersFor, PARALLEL_MIN_ROWS } from './parallel-copy.js';

async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield await Promise.resolve(bytes.subarray(at, at + size));
}

async function slabsOf(text: string, chunkBytes: number, targetBytes: number): Promise<Uint8Array[]> {
  const slabs: Uint8Array[] = [];
  for await (const slab of cutRowSlabs(chunksOf(text, chunkBytes), 0x0a, targetBytes)) slabs.push(slab);
  return slabs;
}

describe('cutRowSlabs', () => {
  const rows = Array.from({ length: 500 }, (_, i) => `${i}\tZoë ${'x'.repeat(i % 37)}\n`).join('');

  it('cuts chunks at row ends only, keeping every byte in order', async () => {
    for (const [chunkBytes, targetBytes] of [
      [7, 64],
      [1000, 64],
      [3, 1],
      [50_000, 1024],
    ] as const) {
      const slabs = await slabsOf(rows, chunkBytes, targetBytes);
      expect(Buffer.concat(slabs).toString('utf8')).toBe(rows);
      for (const slab of slabs) expect(slab.at(-1)).toBe(0x0a);
      if (chunkBytes < rows.length) expect(slabs.length).toBeGreaterThan(1);
    }
  });

  it('makes slabs of about the target size and never splits a long row', async () => {
    const longRow = `${'y'.repeat(5000)}\n`;
    const slabs = (await slabsOf(`a\n${longRow}b\n`, 100, 1000)).map((s) => Buffer.from(s).toString());
    expect(slabs.join('')).toBe(`a\n${longRow}b\n`);
    expect(slabs.some((slab) => slab.includes(longRow))).toBe(true);
    expect(slabs[0]).toBe('a\n'); // cut at the first row end once the target size is reached
  });

  it('passes on a final row without its row end', async () => {
    const slabs = await slabsOf('a\nb', 1, 1);
    expect(slabs.map((s) => Buffer.from(s).toString())).toEqual(['a\n', 'b']);
  });

  it('gives slabs that own their memory (transferable)', async () => {
    const [slab] = await slabsOf('a\tb\n', 4, 1);
    expect(slab?.byteOffset).toBe(0);
    expect(slab?.buffer.byteLength).toBe(slab?.length);
  });
});

describe('transformWorkersFor', () => {
  it('takes an explicit count (none below 1) and caps it', () => {
    expect(transformWorkersFor(10, 3, false)).toBe(3);
    expect(transformWorkersFor(10_000_000, 0, true)).toBe(0);
    expect(transformWorkersFor(10_000_000, 1.7, false)).toBe(1);
    expect(transformWorkersFor(10, 1000, false)).toBe(16);
  });

  it('by default leaves small tables and light transforms in this thread', () => {
    expect(transformWorkersFor(PARALLEL_MIN_ROWS - 1, undefined, true)).toBe(0);
    expect(transformWorkersFor(100_000_000, undefined, false)).toBe(0);
    const cores = availableParallelism();
    expect(transformWorkersFor(PARALLEL_MIN_ROWS, undefined, true)).toBe(cores > 1 ? Math.min(cores, 4) : 0);
  });
});

describe('semiSpaceFlagOf', () => {
  it("reads this process's --max-semi-space-size, from the command line over NODE_OPTIONS", () => {
    expect(semiSpaceFlagOf([], '')).toBeUndefined();
    expect(semiSpaceFlagOf(['--max-semi-space-size=32'], '')).toBe('32');
    expect(semiSpaceFlagOf(['--max_semi_space_size', '16'], '')).toBe('16');
    expect(semiSpaceFlagOf(['--max-old-space-size=512'], '--max-semi-space-size=8')).toBe('8');
    expect(semiSpaceFlagOf(['--max-semi-space-size=32'], '--max-semi-space-size=8')).toBe('32');
    expect(semiSpaceFlagOf(['--max-semi-space-size=x'], '')).toBeUndefined();
  });
});
