import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type RowBatch, type SinkSession } from '../../src/core/index.js';
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

  async function open(format: 'csv' | 'jsonl' = 'csv'): Promise<SinkSession> {
    const sink = await createFileSink(pathToFileURL(target).href, format).openSink(signal);
    await sink.assertEmpty();
    await sink.begin();
    await sink.applyDdl(PRE_DATA, 'pre-data');
    return sink;
  }

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
