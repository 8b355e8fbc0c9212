import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  RAW_TARGET_DATABASE,
  SOURCE_DATABASE,
  checkpoint,
  copySchemaSection,
  createEmptyDatabase,
  databaseUrl,
} from './bench-database.js';

/**
 * The physical limit: `COPY t TO STDOUT` piped into `COPY t FROM STDIN` between two node-postgres
 * connections (pg-copy-streams, text format, no transforms), table by table in FK order, into a fresh
 * database holding the source's pre-data schema (tables, no indexes or constraints yet).
 */

export interface TableTiming {
  readonly table: string;
  readonly rows: number;
  readonly seconds: number;
}

export interface RawCopyResult {
  readonly tables: readonly TableTiming[];
  readonly rows: number;
  /** COPY time only (the schema is created before the clock starts). */
  readonly seconds: number;
  /** `pg_dump --section=post-data | psql` afterwards: primary keys, unique, FK, index. */
  readonly postDataSeconds: number;
}

export const BENCH_TABLES = ['public.people', 'public.orders'] as const;

export async function timeRawCopy(serverUrl: string): Promise<RawCopyResult> {
  await createEmptyDatabase(serverUrl, RAW_TARGET_DATABASE);
  await copySchemaSection(serverUrl, SOURCE_DATABASE, RAW_TARGET_DATABASE, 'pre-data');
  await checkpoint(serverUrl);

  const source = new pg.Client({ connectionString: databaseUrl(serverUrl, SOURCE_DATABASE) });
  const target = new pg.Client({ connectionString: databaseUrl(serverUrl, RAW_TARGET_DATABASE) });
  await source.connect();
  await target.connect();
  const tables: TableTiming[] = [];
  try {
    for (const table of BENCH_TABLES) {
      const started = performance.now();
      const output = source.query(copyTo(`COPY ${table} TO STDOUT`));
      const input = target.query(copyFrom(`COPY ${table} FROM STDIN`));
      await pipeline(output, input);
      tables.push({ table, rows: input.rowCount, seconds: (performance.now() - started) / 1000 });
    }
  } finally {
    await source.end();
    await target.end();
  }

  const postStarted = performance.now();
  await copySchemaSection(serverUrl, SOURCE_DATABASE, RAW_TARGET_DATABASE, 'post-data');
  const postDataSeconds = (performance.now() - postStarted) / 1000;

  return {
    tables,
    rows: tables.reduce((sum, t) => sum + t.rows, 0),
    seconds: tables.reduce((sum, t) => sum + t.seconds, 0),
    postDataSeconds,
  };
}
