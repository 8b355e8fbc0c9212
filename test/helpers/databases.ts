import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The PostgreSQL server the integration tests use (trust auth on these machines). */
export const SERVER_URL = process.env.LOOKALIKE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The pagila source loaded once per test run by test/global-setup.ts; tests only read it. The name is
 * per run (set in the main process, inherited by the test workers) so concurrent runs never drop each
 * other's copy.
 */
export const PAGILA_DATABASE =
  (process.env.LOOKALIKE_TEST_PAGILA_DB ??= `lookalike_test_pagila_${process.pid}`);

export const PAGILA_DIR = fileURLToPath(new URL('../fixtures/pagila/', import.meta.url));

export function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(database: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database with a unique name; drop it with `dropDatabase`. */
export async function createDatabase(prefix: string): Promise<string> {
  const name = `lk_${prefix}_${randomBytes(4).toString('hex')}`;
  await withClient('postgres', (c) => c.query(`CREATE DATABASE "${name}"`));
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient('postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function runSqlFile(database: string, file: string): Promise<void> {
  const url = new URL(databaseUrl(database));
  await run('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-X', '-f', file], {
    env: {
      PATH: process.env.PATH,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username || 'postgres'),
      PGDATABASE: database,
      ...(url.password === '' ? {} : { PGPASSWORD: decodeURIComponent(url.password) }),
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

export async function loadPagila(database: string): Promise<void> {
  await runSqlFile(database, `${PAGILA_DIR}pagila-schema.sql`);
  await runSqlFile(database, `${PAGILA_DIR}pagila-data.sql`);
  await withClient(database, (c) => c.query('ANALYZE'));
}

/** A throwaway test key (≥ 32 bytes); never a real key. */
export function testSecret(label = 'one'): string {
  return `lookalike-test-key-${label}-`.padEnd(48, label.slice(0, 1));
}
