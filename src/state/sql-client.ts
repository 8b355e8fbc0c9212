import { PGlite, type Transaction } from '@electric-sql/pglite';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { GatewayError, type Secret } from '../core/index.js';

/**
 * The state store's one SQL dialect over two drivers: node-postgres (production) and PGlite on disk
 * (embedded default). Parameters are `$n`; jsonb is passed as text and cast; timestamps come back as Date.
 */
export interface SqlClient {
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (schema set-up). */
  exec(sql: string): Promise<void>;
  /** Runs `use` in one transaction (BEGIN … COMMIT, ROLLBACK on error). */
  transaction<T>(use: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL: a small pool on the state database's URL (read from config, never logged). */
export function openPgSqlClient(url: Secret, maxConnections = 5): SqlClient {
  const pool = new pg.Pool({ connectionString: url.reveal().toString('utf8'), max: maxConnections });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const run = async <T extends object>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
  ): Promise<T[]> => {
    try {
      return (await client.query<T>(sql, params === undefined ? undefined : [...params])).rows;
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => {
      await run(pool, sql);
    },
    async transaction(use) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translate(error);
      }
      const tx: SqlClient = {
        query: (sql, params) => run(client, sql, params),
        exec: async (sql) => {
          await run(client, sql);
        },
        transaction: (inner) => inner(tx),
        close: () => Promise.resolve(),
      };
      try {
        await client.query('BEGIN');
        const result = await use(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** PGlite on disk: one in-process PostgreSQL; its transactions serialise every other query. */
export async function openPgliteSqlClient(dataDir: string): Promise<SqlClient> {
  const releaseLock = await lockDirectory(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
  } catch {
    await releaseLock();
    throw new GatewayError('config_invalid', `cannot open the embedded state store at ${dataDir}`, {
      file: dataDir,
    });
  }
  type Runner = Pick<Transaction, 'query' | 'exec'>;
  const run = async <T extends object>(
    runner: Runner,
    sql: string,
    params?: readonly unknown[],
  ): Promise<T[]> => {
    try {
      return (await runner.query<T>(sql, params === undefined ? undefined : [...params])).rows;
    } catch (error) {
      throw translate(error);
    }
  };
  const exec = async (runner: Runner, sql: string): Promise<void> => {
    try {
      await runner.exec(sql);
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    query: (sql, params) => run(db, sql, params),
    exec: (sql) => exec(db, sql),
    transaction: (use) =>
      db.transaction(async (raw) => {
        const tx: SqlClient = {
          query: (sql, params) => run(raw, sql, params),
          exec: (sql) => exec(raw, sql),
          transaction: (inner) => inner(tx),
          close: () => Promise.resolve(),
        };
        return use(tx);
      }),
    close: async () => {
      await db.close();
      await releaseLock();
    },
  };
}

/**
 * Two processes on one PGlite directory corrupt it: a lock file holding the owner's pid refuses a second
 * one, and is taken over when that pid is gone (a gateway killed mid-job must be able to restart).
 */
async function lockDirectory(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'lookalike-gateway.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') break;
      const owner = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner))
        throw new GatewayError(
          'conflict',
          `the embedded state store at ${dataDir} is in use by process ${owner}`,
        );
      await rm(lockFile, { force: true });
    }
  }
  throw new GatewayError('config_invalid', `cannot lock the embedded state store at ${dataDir}`, {
    file: dataDir,
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/** Keeps SQLSTATE only: driver messages can quote values. GatewayErrors pass through. */
function translate(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown }).code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  return new GatewayError(
    'internal',
    `state store query failed${sqlState === undefined ? '' : ` (SQLSTATE ${sqlState})`}`,
    sqlState === undefined ? {} : { sqlState },
  );
}
