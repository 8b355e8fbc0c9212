import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type RowBatch, type SinkSession } from '../../src/core/index.js';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parseCsv } from '../../test/helpers/parse-csv.js';
import { createFileSink, folderOfFileUrl } from './file-sink.js';
import type { SchemaFile } from './schema-file.js';

const PRE_DATA = `
CREATE TABLE public.parent (id integer NOT NULL, name text);
CREATE TABLE public.child (id integer NOT NULL, parent_id integer, tags text[], active boolean);`;
const POST_DATA = `
ALTER TABLE ONLY public.parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.child ADD CONSTRAINT child_parent_fkey FOREIGN KEY (parent_id) REFERENCES public.parent(id);`;
const PARENT = { schema: 'public', name: 'parent' };
const CHILD = { schema: 'public', name: 'child' };

async function* batchesOf(...batches: RowBatch[]): AsyncGenerator<RowBatch> {
  for (const batch of batches) yield await Promise.resolve(batch);
}

describe('file sink', () => {
  let dir: string;
  let target: string;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-file-sink-'));
    target = join(dir, 'out');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function open(format: 'csv' | 'jsonl' | 'parquet' = 'csv'): Promise<SinkSession> {
    const sink = await createFileSink(pathToFileURL(target).href, format).openSink(signal);
    await sink.assertEmpty();
    await sink.begin();
    await sink.applyDdl(PRE_DATA, 'pre-data');
    return sink;
  }

  it('writes Parquet: typed columns, NULLs, arrays and json as JSON text, row groups streamed', async () => {
    const sink = await open('parquet');
    await sink.applyDdl(
      'CREATE TABLE public.wide (i integer, b bigint, n numeric(8,2), f double precision, t text, ok boolean, doc jsonb, tags text[], d date);',
      'pre-data',
    );
    const rows: RowBatch = Array.from({ length: 60_001 }, (_, k) => [
      String(k),
      k === 1 ? null : '9007199254740993',
      '12.50',
      k === 2 ? 'NaN' : '0.25',
      k === 3 ? null : `row ${k}`,
      k % 2 === 0 ? 't' : 'f',
      '{"a": [1, 2]}',
      '{x,NULL}',
      '2024-02-29',
    ]);
    const columns = ['i', 'b', 'n', 'f', 't', 'ok', 'doc', 'tags', 'd'];
    expect(
      await sink.writeRows(
        { schema: 'public', name: 'wide' },
        columns,
        batchesOf(rows.slice(0, 30_000), rows.slice(30_000)),
        signal,
      ),
    ).toBe(60_001);
    expect(await sink.writeRows(PARENT, ['id', 'name'], batchesOf(), signal)).toBe(0);
    await sink.commit();
    await sink.close();
    expect((await readdir(target)).sort()).toEqual([
      'public.parent.parquet',
      'public.wide.parquet',
      'schema.json',
    ]);
    const bytes = await readFile(join(target, 'public.wide.parquet'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const read = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(read).toHaveLength(60_001);
    expect(read[0]).toEqual({
      i: 0,
      b: 9007199254740993n,
      n: '12.50',
      f: 0.25,
      t: 'row 0',
      ok: true,
      doc: '{"a": [1, 2]}',
      tags: '["x",null]',
      d: '2024-02-29',
    });
    // JSON text, marked as JSON for readers that parse it.
    const types = Object.fromEntries(
      parquetMetadata(file)
        .schema.slice(1)
        .map((e) => [e.name, e.converted_type ?? e.type]),
    );
    expect(types).toMatchObject({
      i: 'INT32',
      b: 'INT64',
      n: 'UTF8',
      f: 'DOUBLE',
      ok: 'BOOLEAN',
      doc: 'JSON',
      tags: 'JSON',
    });
    expect(read[1]?.['b']).toBeNull();
    expect(read[2]?.['f']).toBeNaN();
    expect(read[3]?.['t']).toBeNull();
    expect(read[60_000]?.['i']).toBe(60_000);
    const empty = await readFile(join(target, 'public.parent.parquet'));
    expect(
      await parquetReadObjects({
        file: empty.buffer.slice(empty.byteOffset, empty.byteOffset + empty.byteLength),
      }),
    ).toEqual([]);
    const schema = JSON.parse(await readFile(join(target, 'schema.json'), 'utf8')) as SchemaFile;
    expect(schema.format).toBe('parquet');
  });

  it('delivers one file per table and schema.json only at commit, through a hidden staging folder', async () => {
    const sink = await open();
    expect(await sink.writeRows(PARENT, ['id', 'name'], batchesOf([['1', 'a']], [['2', null]]), signal)).toBe(
      2,
    );
    expect(
      await sink.writeRows(
        CHILD,
        ['id', 'parent_id', 'tags', 'active'],
        batchesOf([['1', '2', '{x,y}', 't']]),
        signal,
      ),
    ).toBe(1);
    await sink.applyDdl(POST_DATA, 'post-data');
    // Before commit the target does not exist; only a hidden, partial-named folder does.
    const before = await readdir(dir);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/^\.out\.lookalike-partial-/);
    expect(await sink.countRows(PARENT)).toBe(2);
    await sink.commit();
    await sink.close();
    expect(await readdir(dir)).toEqual(['out']);
    expect((await readdir(target)).sort()).toEqual(['public.child.csv', 'public.parent.csv', 'schema.json']);
    expect(parseCsv(await readFile(join(target, 'public.parent.csv'), 'utf8'))).toEqual([
      ['id', 'name'],
      ['1', 'a'],
      ['2', null],
    ]);
    expect(parseCsv(await readFile(join(target, 'public.child.csv'), 'utf8'))[1]).toEqual([
      '1',
      '2',
      '["x","y"]',
      'true',
    ]);
    const schema = JSON.parse(await readFile(join(target, 'schema.json'), 'utf8')) as SchemaFile;
    expect(schema.tables.map((t) => [t.table, t.file, t.rows])).toEqual([
      ['public.parent', 'public.parent.csv', 2],
      ['public.child', 'public.child.csv', 1],
    ]);
    expect(schema.tables[0]?.columns).toEqual([
      { name: 'id', type: 'integer', nullable: false },
      { name: 'name', type: 'text', nullable: true },
    ]);
    expect(schema.tables[0]?.primaryKey).toEqual(['id']);
    expect(schema.tables[1]?.foreignKeys).toEqual([
      {
        name: 'child_parent_fkey',
        columns: ['parent_id'],
        references: { table: 'public.parent', columns: ['id'] },
      },
    ]);
  });

  it('writes JSON Lines typed by the DDL', async () => {
    const sink = await open('jsonl');
    await sink.writeRows(
      CHILD,
      ['id', 'parent_id', 'tags', 'active'],
      batchesOf([['1', null, '{x,NULL}', 'f']]),
      signal,
    );
    await sink.commit();
    await sink.close();
    const lines = (await readFile(join(target, 'public.child.jsonl'), 'utf8')).split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({ id: 1, parent_id: null, tags: ['x', null], active: false });
  });

  it('leaves nothing behind when a write fails mid-stream and the run rolls back', async () => {
    const sink = await open();
    async function* failing(): AsyncGenerator<RowBatch> {
      yield await Promise.resolve([['1', 'a']]);
      throw new GatewayError('transform_failed', 'generation failed');
    }
    await expect(sink.writeRows(PARENT, ['id', 'name'], failing(), signal)).rejects.toThrow(
      'generation failed',
    );
    await sink.rollback();
    await sink.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops at a cancelled signal and close() removes the partial files', async () => {
    const sink = await open();
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<RowBatch> {
      for (let i = 0; ; i++) {
        if (i === 3) controller.abort();
        yield await Promise.resolve([[String(i), 'x']]);
      }
    }
    await expect(sink.writeRows(PARENT, ['id', 'name'], endless(), controller.signal)).rejects.toMatchObject({
      code: 'cancelled',
    });
    await sink.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes each batch before pulling the next (memory holds one batch)', async () => {
    const sink = await open();
    const sizes: number[] = [];
    const stagingFile = async (): Promise<string> => {
      const [staging] = await readdir(dir);
      return join(dir, staging!, 'public.parent.csv');
    };
    async function* observed(): AsyncGenerator<RowBatch> {
      for (let i = 0; i < 4; i++) {
        if (i > 0) sizes.push((await stat(await stagingFile())).size);
        yield [[String(i), 'x'.repeat(100)]];
      }
    }
    await sink.writeRows(PARENT, ['id', 'name'], observed(), signal);
    await sink.close();
    // Each pull finds the previous batch already on disk.
    expect(sizes).toHaveLength(3);
    expect(sizes[0]).toBeGreaterThan(100);
    expect(sizes[1]! - sizes[0]!).toBeGreaterThan(100);
    expect(sizes[2]! - sizes[1]!).toBeGreaterThan(100);
  });

  it('refuses a non-empty folder or a file at the target, and accepts an empty folder', async () => {
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'mine');
    const sink = await createFileSink(`file:${target}`, 'csv').openSink(signal);
    await expect(sink.assertEmpty()).rejects.toMatchObject({ code: 'target_not_empty' });
    await rm(target, { recursive: true });
    await writeFile(target, 'a file');
    await expect(sink.assertEmpty()).rejects.toMatchObject({ code: 'target_not_empty' });
    await rm(target);
    await mkdir(target);
    const empty = await open();
    await empty.writeRows(PARENT, ['id', 'name'], batchesOf([['1', 'a']]), signal);
    await empty.commit();
    expect((await readdir(target)).sort()).toEqual(['public.parent.csv', 'schema.json']);
  });

  it('refuses to replace a folder filled during the run, and removes its staging folder', async () => {
    const sink = await open();
    await sink.writeRows(PARENT, ['id', 'name'], batchesOf([['1', 'a']]), signal);
    await mkdir(target);
    await writeFile(join(target, 'late.txt'), 'someone else');
    await expect(sink.commit()).rejects.toMatchObject({ code: 'target_not_empty' });
    await sink.rollback();
    expect(await readdir(dir)).toEqual(['out']);
    expect(await readdir(target)).toEqual(['late.txt']);
  });

  it('fails clearly for a table or column the schema DDL does not define', async () => {
    const sink = await open();
    await expect(
      sink.writeRows({ schema: 'public', name: 'nowhere' }, ['id'], batchesOf(), signal),
    ).rejects.toMatchObject({
      code: 'schema_copy_failed',
      message: expect.stringContaining('public.nowhere'),
    });
    await sink.close();
    const again = await open();
    await expect(again.writeRows(PARENT, ['id', 'missing'], batchesOf(), signal)).rejects.toMatchObject({
      code: 'schema_copy_failed',
      message: expect.stringContaining('public.parent.missing'),
    });
    await again.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads file: URLs as folders: relative, absolute, never a root', () => {
    expect(folderOfFileUrl('file:out/')).toBe(resolve('out'));
    const absolute = join(tmpdir(), 'lookalike-out');
    expect(folderOfFileUrl(pathToFileURL(absolute).href)).toBe(absolute);
    expect(() => folderOfFileUrl('file:')).toThrow(/names no folder/);
    expect(() => folderOfFileUrl('file:///')).toThrow(/root/);
  });
});
