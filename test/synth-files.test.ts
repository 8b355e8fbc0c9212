import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaFile } from '../connectors/files/index.js';
import { createTarget } from '../src/compose.js';
import { PAGILA_DATABASE, databaseUrl, withClient } from './helpers/databases.js';
import { parseCsv } from './helpers/parse-csv.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'examples/pagila.policy.yaml';

interface SourceColumn {
  table: string;
  name: string;
  type: string;
  nullable: boolean;
}

/** Columns of the source as pg_dump prints their types (empty search_path: user types qualified). */
async function sourceColumns(): Promise<SourceColumn[]> {
  return withClient(PAGILA_DATABASE, async (c) => {
    await c.query("SELECT pg_catalog.set_config('search_path', '', false)");
    const result = await c.query<SourceColumn>(
      `SELECT n.nspname || '.' || cl.relname AS table, a.attname AS name,
              pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_class cl ON cl.oid = a.attrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
        WHERE n.nspname = 'public' AND cl.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
    );
    return result.rows;
  });
}

async function sourceKeys(kind: 'p' | 'f'): Promise<{ table: string; name: string; columns: string[] }[]> {
  return withClient(PAGILA_DATABASE, async (c) => {
    const result = await c.query<{ table: string; name: string; columns: string[] }>(
      `SELECT con.conrelid::regclass::text AS table, con.conname AS name,
              array_agg(a.attname ORDER BY k.ord)::text[] AS columns
         FROM pg_catalog.pg_constraint con
         JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid AND cl.relkind = 'r'
         CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        WHERE con.contype = $1
        GROUP BY 1, 2`,
      [kind],
    );
    return result.rows.map((r) => ({ ...r, table: r.table.includes('.') ? r.table : `public.${r.table}` }));
  });
}

describe('synth into files (pagila, real PostgreSQL)', () => {
  let dir: string;
  let csvSummary: { exitCode: number; stderr: string };
  const modelFile = (): string => join(dir, 'model.json');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-synth-files-'));
    csvSummary = await runLookalike([
      'synth',
      '--source',
      databaseUrl(PAGILA_DATABASE),
      '--target',
      `file:${join(dir, 'csv')}`,
      '--format',
      'csv',
      '--policy',
      POLICY,
      '--scale',
      '0.1',
      '--seed',
      '5',
    ]);
    const fit = await runLookalike([
      'synth',
      'fit',
      '--source',
      databaseUrl(PAGILA_DATABASE),
      '--policy',
      POLICY,
      '--out',
      modelFile(),
    ]);
    expect(fit.exitCode).toBe(0);
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('writes one CSV per table and schema.json, row counts matching the summary, every file parsing back', async () => {
    expect(csvSummary.stderr).not.toContain('lookalike:');
    expect(csvSummary.exitCode).toBe(0);
    const summary = /synthesis complete: (\d+) tables, ([\d,]+) rows/.exec(csvSummary.stderr);
    expect(summary).not.toBeNull();
    const folder = join(dir, 'csv');
    const schema = JSON.parse(await readFile(join(folder, 'schema.json'), 'utf8')) as SchemaFile;
    expect(schema.format).toBe('csv');
    expect(schema.tables).toHaveLength(Number(summary![1]));
    expect((await readdir(folder)).sort()).toEqual(
      [...schema.tables.map((t) => t.file), 'schema.json'].sort(),
    );
    // No staging folder is left beside the delivered one.
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);

    let total = 0;
    const keysOf = new Map<string, Set<string>>();
    for (const table of schema.tables) {
      const records = parseCsv(await readFile(join(folder, table.file), 'utf8'));
      expect(records[0]).toEqual(table.columns.map((c) => c.name));
      const rows = records.slice(1);
      expect(rows).toHaveLength(table.rows);
      total += rows.length;
      table.columns.forEach((column, i) => {
        if (!column.nullable)
          expect(
            rows.filter((r) => r[i] === null),
            `${table.table}.${column.name}`,
          ).toEqual([]);
      });
      if (table.primaryKey !== null) {
        const at = table.primaryKey.map((name) => table.columns.findIndex((c) => c.name === name));
        const keys = new Set(rows.map((r) => JSON.stringify(at.map((i) => r[i]))));
        expect(keys.size, `${table.table} primary key`).toBe(rows.length);
        keysOf.set(table.table, keys);
      }
    }
    expect(total).toBe(Number(summary![2]!.replace(/,/g, '')));
    expect(total).toBeGreaterThan(3000);

    // Foreign keys join inside the files: every non-null key is a row of the referenced file.
    for (const table of schema.tables) {
      const records = parseCsv(await readFile(join(folder, table.file), 'utf8')).slice(1);
      for (const fk of table.foreignKeys) {
        const parent = keysOf.get(fk.references.table);
        if (parent === undefined) continue;
        const at = fk.columns.map((name) => table.columns.findIndex((c) => c.name === name));
        const orphans = records.filter(
          (r) => at.every((i) => r[i] !== null) && !parent.has(JSON.stringify(at.map((i) => r[i]))),
        );
        expect(orphans.length, `${table.table} ${fk.name}`).toBe(0);
      }
    }
  });

  it('describes each table as the source defines it: PostgreSQL types, nullability, primary and foreign keys', async () => {
    const schema = JSON.parse(await readFile(join(dir, 'csv', 'schema.json'), 'utf8')) as SchemaFile;
    const columns = new Map((await sourceColumns()).map((c) => [`${c.table}.${c.name}`, c]));
    let checked = 0;
    for (const table of schema.tables) {
      for (const column of table.columns) {
        const real = columns.get(`${table.table}.${column.name}`);
        expect(real, `${table.table}.${column.name}`).toBeDefined();
        expect({ type: column.type, nullable: column.nullable }).toEqual({
          type: real!.type,
          nullable: real!.nullable,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    const film = schema.tables.find((t) => t.table === 'public.film')!;
    expect(film.columns.find((c) => c.name === 'release_year')).toMatchObject({ baseType: 'integer' });
    expect(film.columns.find((c) => c.name === 'rating')?.enumLabels).toEqual([
      'G',
      'PG',
      'PG-13',
      'R',
      'NC-17',
    ]);

    const byTable = (keys: { table: string; name: string; columns: string[] }[]) =>
      keys.filter((k) => schema.tables.some((t) => t.table === k.table));
    const primaryKeys = byTable(await sourceKeys('p'));
    expect(primaryKeys.length).toBeGreaterThan(15);
    for (const key of primaryKeys) {
      expect(schema.tables.find((t) => t.table === key.table)?.primaryKey, key.table).toEqual(key.columns);
    }
    const foreignKeys = byTable(await sourceKeys('f'));
    expect(foreignKeys.length).toBeGreaterThan(15);
    for (const key of foreignKeys) {
      const found = schema.tables
        .find((t) => t.table === key.table)
        ?.foreignKeys.find((f) => f.name === key.name);
      expect(found?.columns, `${key.table} ${key.name}`).toEqual(key.columns);
    }
    const partition = schema.tables.find((t) => t.table === 'public.payment_p2022_01');
    expect(partition?.partitionOf).toBe('public.payment');
  });

  it('writes JSON Lines from a model file with numbers, booleans and arrays typed', async () => {
    const folder = join(dir, 'jsonl');
    const result = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile(),
      '--target',
      `file:${folder}`,
      '--format',
      'jsonl',
      '--scale',
      '0.1',
    ]);
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    const schema = JSON.parse(await readFile(join(folder, 'schema.json'), 'utf8')) as SchemaFile;
    expect(schema.format).toBe('jsonl');
    for (const table of schema.tables) {
      const lines = (await readFile(join(folder, table.file), 'utf8')).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(table.rows);
      for (const line of lines) {
        expect(Object.keys(JSON.parse(line) as object)).toEqual(table.columns.map((c) => c.name));
      }
    }
    const films = (await readFile(join(folder, 'public.film.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(films.length).toBeGreaterThan(50);
    for (const film of films) {
      expect(typeof film.film_id).toBe('number');
      expect(typeof film.rental_rate).toBe('number');
      expect(typeof film.title).toBe('string');
      if (film.special_features !== null) expect(Array.isArray(film.special_features)).toBe(true);
    }
    const staff = (await readFile(join(folder, 'public.staff.jsonl'), 'utf8')).trim().split('\n');
    expect(typeof (JSON.parse(staff[0]!) as { active: unknown }).active).toBe('boolean');
  });

  it('leaves no folder behind when a run fails part-way (a table the DDL cannot describe)', async () => {
    const model = JSON.parse(await readFile(modelFile(), 'utf8')) as { ddl: { preData: string } };
    // rental is generated after a dozen tables: the run fails with files already written to staging.
    const broken = model.ddl.preData.replace(
      'CREATE TABLE public.rental (',
      'CREATE TABLE public.rental_gone (',
    );
    expect(broken).not.toBe(model.ddl.preData);
    const brokenModel = join(dir, 'broken-model.json');
    await writeFile(brokenModel, JSON.stringify({ ...model, ddl: { ...model.ddl, preData: broken } }));
    const parent = join(dir, 'failed');
    await mkdir(parent);
    const result = await runLookalike([
      'synth',
      'sample',
      '--model',
      brokenModel,
      '--target',
      `file:${join(parent, 'out')}`,
      '--format',
      'csv',
      '--scale',
      '0.1',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('public.rental');
    expect(await readdir(parent)).toEqual([]);
  });

  it('leaves no folder behind when a run is cancelled while files are being written', async () => {
    const parent = join(dir, 'cancelled');
    await mkdir(parent);
    const controller = new AbortController();
    const running = runLookalike(
      [
        'synth',
        'sample',
        '--model',
        modelFile(),
        '--target',
        `file:${join(parent, 'out')}`,
        '--format',
        'csv',
      ],
      {},
      controller.signal,
    );
    // Cancel as soon as the staging folder holds a file (the whole run at scale 1 takes seconds).
    let sawStagedFile = false;
    for (let i = 0; i < 1000 && !sawStagedFile; i++) {
      const [staging] = await readdir(parent);
      if (staging !== undefined)
        sawStagedFile = (await readdir(join(parent, staging)).catch(() => [])).length > 0;
      if (!sawStagedFile) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    const result = await running;
    expect(sawStagedFile).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('cancelled');
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses a non-empty folder and leaves it as it was', async () => {
    const folder = join(dir, 'taken');
    await mkdir(folder);
    await writeFile(join(folder, 'mine.txt'), 'keep');
    const result = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile(),
      '--target',
      `file:${folder}`,
      '--format',
      'csv',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('target_not_empty');
    expect(await readdir(folder)).toEqual(['mine.txt']);
  });

  it('writes Parquet files that read back with the rows schema.json counts', async () => {
    const folder = join(dir, 'parquet');
    const result = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile(),
      '--target',
      `file:${folder}`,
      '--format',
      'parquet',
    ]);
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    const schema = JSON.parse(await readFile(join(folder, 'schema.json'), 'utf8')) as {
      format: string;
      tables: { table: string; file: string; rows: number }[];
    };
    expect(schema.format).toBe('parquet');
    expect(schema.tables.length).toBeGreaterThan(0);
    for (const table of schema.tables) {
      const bytes = await readFile(join(folder, table.file));
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      expect(Number(parquetMetadata(file).num_rows), table.table).toBe(table.rows);
    }
  });

  it('refuses a file target without a file format, and file targets outside synthesis', async () => {
    const sample = (format: string) =>
      runLookalike([
        'synth',
        'sample',
        '--model',
        modelFile(),
        '--target',
        `file:${join(dir, 'p')}`,
        '--format',
        format,
      ]);
    const text = await sample('text');
    expect(text.exitCode).toBe(2);
    expect(text.stderr).toContain('needs --format csv, jsonl, parquet');
    expect(() => createTarget(`file:${join(dir, 'snap')}`)).toThrow(/synthetic rows only/);
    expect((await readdir(dir)).filter((name) => name === 'p' || name === 'snap')).toEqual([]);
  });
});
