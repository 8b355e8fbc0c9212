import { describe, expect, it } from 'vitest';
import {
  BATCH_BYTES,
  COPY_TEXT_FORMAT,
  CopyTextDecoder,
  CopyTextEncoder,
  decodeBatches,
  decodeLine,
  decodeRows,
  encodeRows,
  rowCodec,
} from './copy-text.js';

describe('COPY text codec', () => {
  it('decodes NULL, empty strings and escapes', () => {
    expect(decodeLine('1\t\\N\t\ta\\tb\\nc\\\\d')).toEqual(['1', null, '', 'a\tb\nc\\d']);
  });

  it('decodes octal and hex escapes', () => {
    expect(decodeLine('\\101\\x42')).toEqual(['AB']);
  });

  it('round-trips values with every special character', () => {
    const rows = [['tab\there', 'new\nline', 'back\\slash', 'cr\rx', null, '', '\\N literal']];
    const text = encodeRows(rows);
    const decoder = new CopyTextDecoder();
    expect(decoder.push(Buffer.from(text))).toEqual(rows);
  });

  it('keeps partial lines and multi-byte characters across chunk boundaries', () => {
    const text = Buffer.from('1\tZoë Ñandú\n2\t日本語\n');
    const decoder = new CopyTextDecoder();
    const rows = [];
    for (let i = 0; i < text.length; i += 3) rows.push(...decoder.push(text.subarray(i, i + 3)));
    rows.push(...decoder.end());
    expect(rows).toEqual([
      ['1', 'Zoë Ñandú'],
      ['2', '日本語'],
    ]);
  });

  it('returns a final line that has no trailing newline at end()', () => {
    const decoder = new CopyTextDecoder();
    expect(decoder.push(Buffer.from('a\tb\nc\td'))).toEqual([['a', 'b']]);
    expect(decoder.end()).toEqual([['c', 'd']]);
  });

  const SPECIAL_ROWS = [
    ['tab\there', 'new\nline', 'back\\slash', 'cr\rx', null, '', '\\N literal'],
    ['Zoë Ñandú', '日本語', '😀 emoji', 'plain', null, '\\', 'x'],
  ];

  it('encodes straight into bytes exactly as the string encoder does', () => {
    const encoder = new CopyTextEncoder(8); // tiny on purpose: every row makes it grow
    for (let i = 0; i < 3; i++) {
      expect(encoder.encode(SPECIAL_ROWS).toString('utf8')).toBe(encodeRows(SPECIAL_ROWS));
    }
    expect(encoder.encode([]).length).toBe(0);
  });

  it('returns buffers that own their memory, so they can be transferred to another thread', () => {
    const bytes = new CopyTextEncoder().encode([['a', 'b']]);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
    port1.close();
    port2.close();
    expect(bytes.buffer.byteLength).toBe(0); // detached: it was moved, not copied
  });

  it('decodes whole rows from bytes, a final row without newline included', () => {
    const bytes = rowCodec.encodeRows(SPECIAL_ROWS);
    expect(decodeRows(bytes)).toEqual(SPECIAL_ROWS);
    expect(decodeRows(new Uint8Array(bytes).subarray(0, bytes.length - 1))).toEqual(SPECIAL_ROWS);
    expect(decodeRows(new Uint8Array(0))).toEqual([]);
    expect(decodeRows(Buffer.from('\n'))).toEqual([['']]);
  });

  it('cuts batches at batchRows rows or about BATCH_BYTES of text, keeping every row once and in order', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [String(i), 'x'.repeat(90)]);
    const bytes = rowCodec.encodeRows(rows);
    // Chunks that split rows, as a socket delivers them.
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 7000) chunks.push(Buffer.from(bytes.subarray(at, at + 7000)));
    const fail = (): Error => new Error('bad width');
    const byRows = await collect(decodeBatches(chunks, 2, 100, fail));
    expect(byRows.map((b) => b.length)).toEqual(Array.from({ length: 30 }, () => 100));
    const byBytes = await collect(decodeBatches(chunks, 2, 1_000_000, fail));
    expect(byBytes.flat()).toEqual(rows);
    const rowBytes = bytes.length / rows.length;
    for (const batch of byBytes.slice(0, -1)) {
      expect(batch.length * rowBytes).toBeGreaterThanOrEqual(BATCH_BYTES * 0.9);
      expect(batch.length * rowBytes).toBeLessThanOrEqual(BATCH_BYTES * 1.1);
    }
    await expect(collect(decodeBatches(chunks, 3, 100, fail))).rejects.toThrow('bad width');
    // Rows longer than a chunk, and rows wider than a batch's bytes: each row once, a batch each.
    const wide = Array.from({ length: 5 }, (_, i) => [String(i), 'y'.repeat(BATCH_BYTES + 9000)]);
    const wideBytes = rowCodec.encodeRows(wide);
    const small: Buffer[] = [];
    for (let at = 0; at < wideBytes.length; at += 7000)
      small.push(Buffer.from(wideBytes.subarray(at, at + 7000)));
    const wideBatches = await collect(decodeBatches(small, 2, 1000, fail));
    expect(wideBatches.flat()).toEqual(wide);
    expect(wideBatches.every((b) => b.length === 1)).toBe(true);
  });

  it('declares a format whose codec module is this file', async () => {
    expect(COPY_TEXT_FORMAT.rowEnd).toBe(0x0a);
    const loaded = (await import(COPY_TEXT_FORMAT.codecModule)) as { rowCodec: typeof rowCodec };
    expect(loaded.rowCodec.decodeRows(loaded.rowCodec.encodeRows(SPECIAL_ROWS))).toEqual(SPECIAL_ROWS);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
