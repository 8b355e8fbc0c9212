import { spawn } from 'node:child_process';
import pg from 'pg';

/** Names of the databases the bench owns on the server. Targets are dropped at the end of every run. */
export const SOURCE_DATABASE = 'lookalike_bench_src';
export const RAW_TARGET_DATABASE = 'lookalike_bench_raw';
export const SNAPSHOT_TARGET_DATABASE = 'lookalike_bench_snap';
export const PROFILE_TARGET_DATABASE = 'lookalike_bench_prof';

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(
  serverUrl: string,
  database: string,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, database) });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(serverUrl: string, database: string): Promise<boolean> {
  const result = await withClient(serverUrl, 'postgres', (c) =>
    c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]),
  );
  return result.rowCount === 1;
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withClient(serverUrl, 'postgres', (c) =>
    c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
  );
}

/** Drops any leftover of an interrupted run, then creates the database empty. */
export async function createEmptyDatabase(serverUrl: string, database: string): Promise<void> {
  await dropDatabase(serverUrl, database);
  await withClient(serverUrl, 'postgres', (c) => c.query(`CREATE DATABASE "${database}"`));
}

/** Flushes dirty buffers so a checkpoint does not land in the middle of the next timed step. */
export async function checkpoint(serverUrl: string): Promise<void> {
  await withClient(serverUrl, 'postgres', (c) => c.query('CHECKPOINT'));
}

/**
 * `pg_dump --schema-only --section=<section> <source> | psql <target>`: copies table definitions (pre-data)
 * or indexes and constraints (post-data). Resolves when psql has applied every statement.
 */
export async function copySchemaSection(
  serverUrl: string,
  source: string,
  target: string,
  section: 'pre-data' | 'post-data',
): Promise<void> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const dump = spawn(
    'pg_dump',
    [
      '--schema-only',
      `--section=${section}`,
      '--no-owner',
      '--no-privileges',
      `--dbname=${databaseUrl(serverUrl, source)}`,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const apply = spawn(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `--dbname=${databaseUrl(serverUrl, target)}`],
    { env, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  dump.stdout.pipe(apply.stdin);
  const [dumpCode, applyCode] = await Promise.all([exitCodeOf(dump), exitCodeOf(apply)]);
  if (dumpCode !== 0 || applyCode !== 0) {
    throw new Error(
      `copying the ${section} schema failed (pg_dump exit ${dumpCode}, psql exit ${applyCode})`,
    );
  }
}

/** Resolves with the exit code; stderr (tool diagnostics, no row values) is echoed to ours. */
function exitCodeOf(child: ReturnType<typeof spawn>): Promise<number> {
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
}

/** Table size on disk including indexes and TOAST, in bytes. */
export async function tableBytes(serverUrl: string, database: string, table: string): Promise<number> {
  const result = await withClient(serverUrl, database, (c) =>
    c.query<{ bytes: string }>('SELECT pg_total_relation_size($1::regclass)::text AS bytes', [table]),
  );
  return Number(result.rows[0]?.bytes ?? 0);
}

export async function countRows(serverUrl: string, database: string, table: string): Promise<number> {
  const result = await withClient(serverUrl, database, (c) =>
    c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`),
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** Arbitrary, fixed advisory-lock key that marks "a snapshot bench run is using the bench databases". */
const BENCH_LOCK_KEY = 7_146_853_201;

/**
 * Holds a server-wide advisory lock for the whole run: two bench runs would drop each other's databases
 * (the source is rebuilt with DROP DATABASE … WITH (FORCE)) and share the CPUs. Returns a release function,
 * or null when another run holds the lock.
 */
export async function lockBench(serverUrl: string): Promise<(() => Promise<void>) | null> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    BENCH_LOCK_KEY,
  ]);
  if (result.rows[0]?.locked !== true) {
    await client.end();
    return null;
  }
  // Ending the session releases the lock, also if this process dies.
  return () => client.end();
}
