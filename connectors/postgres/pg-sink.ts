import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  GatewayError,
  qualifiedName,
  type RowBatch,
  type RunArea,
  type SinkConnector,
  type SinkSession,
  type TableRef,
  type TargetReader,
} from '../../src/core/index.js';
import { quoteIdent, quoteTable } from './catalog.js';
import { COPY_TEXT_FORMAT, CopyTextEncoder } from './copy-text.js';
import { connect, parseEndpoint, type PgEndpoint } from './pg-connection.js';
import { translateDatabaseError } from './pg-errors.js';
import { createPgTargetReader } from './target-reader.js';

/**
 * A PostgreSQL target over node-postgres. Everything — schema, rows, sequences, indexes, constraints —
 * happens in one transaction: a failed, cancelled or killed run leaves the target exactly as empty as it
 * was, and the server discards the transaction if the process dies.
 */
export function createPgSink(url: string): SinkConnector {
  const endpoint = parseEndpoint(url, 'target');
  return {
    kind: 'postgres',
    openSink: async (signal) => {
      if (signal.aborted) throw new GatewayError('cancelled', 'cancelled before connecting to the target');
      return new PgSinkSession(await connect(endpoint), endpoint);
    },
  };
}

/** Per-transaction memory for the post-data phase (measured in bench/results). */
const LOAD_MAINTENANCE_WORK_MEM = '512MB';
const LOAD_WORK_MEM = '128MB';

const NEWLINE = 0x0a;

/**
 * FREEZE when the table was created in this transaction (rows are written frozen, no later rewrite); a
 * unit of work writes into tables an earlier transaction created, which FREEZE refuses.
 */
function copyFromSql(table: TableRef, columns: readonly string[], freeze: boolean): string {
  const target = `${quoteTable(table)} (${columns.map(quoteIdent).join(', ')})`;
  return `COPY ${target} FROM STDIN${freeze ? ' WITH (FREEZE)' : ''}`;
}

/** The run area of a load split into units of work (see `RunArea`); dropped before delivery. */
const RUN_AREA = '_lookalike_run';

/** Counts user objects: a target with any is refused rather than mixed into. */
export const USER_OBJECTS_SQL = `
  SELECT
    (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')
  + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype IN ('e', 'd', 'c', 'r', 'm') AND (t.typtype <> 'c' OR EXISTS (
              SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')
  + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e'))
    AS objects`;

class PgSinkSession implements SinkSession {
  readonly encodedFormat = COPY_TEXT_FORMAT;
  readonly #encoder = new CopyTextEncoder();
  #closed = false;
  /** A read-back stopped midway: the connection is inside a COPY that nobody reads (see rollback). */
  #midCopy = false;
  #disconnecting: Promise<void> | undefined;
  #inTransaction = false;
  /** The schema was created in the open transaction: COPY may freeze. */
  #schemaCreatedHere = false;

  constructor(
    private readonly client: pg.Client,
    private readonly endpoint: PgEndpoint,
  ) {}

  async assertEmpty(): Promise<void> {
    const result = await this.#query<{ objects: string }>(USER_OBJECTS_SQL, [], 'cannot inspect the target');
    const objects = Number(result[0]?.objects ?? 0);
    if (objects > 0) {
      throw new GatewayError(
        'target_not_empty',
        `${this.endpoint.label} is not empty (${objects} user objects); snapshots go into an empty database`,
      );
    }
  }

  async begin(): Promise<void> {
    await this.#query('BEGIN', [], 'cannot start the load transaction');
    // Index builds and foreign-key validation after the load are the longest steps; give them memory. A
    // load may pause between statements (transform threads, synthetic draws): no idle timeout ends it.
    await this.#query(
      `SET LOCAL maintenance_work_mem = '${LOAD_MAINTENANCE_WORK_MEM}'; SET LOCAL work_mem = '${LOAD_WORK_MEM}'; ` +
        'SET LOCAL idle_in_transaction_session_timeout = 0',
      [],
      'cannot configure the load transaction',
    );
    this.#inTransaction = true;
  }

  async applyDdl(sql: string, label: string): Promise<void> {
    if (this.#inTransaction) this.#schemaCreatedHere = true;
    try {
      await this.client.query(sql);
    } catch (error) {
      throw translateDatabaseError(
        error,
        'schema_copy_failed',
        `${this.endpoint.label}: applying ${label} failed`,
      );
    }
  }

  async dropColumn(table: TableRef, column: string): Promise<void> {
    await this.#query(
      `ALTER TABLE ${quoteTable(table)} DROP COLUMN ${quoteIdent(column)} CASCADE`,
      [],
      `dropping ${qualifiedName(table)}.${column}`,
    );
  }

  async writeRows(
    table: TableRef,
    columns: readonly string[],
    batches: AsyncIterable<RowBatch>,
    signal: AbortSignal,
  ): Promise<number> {
    let rows = 0;
    const encoder = this.#encoder;
    async function* encode(): AsyncGenerator<Buffer> {
      for await (const batch of batches) {
        rows += batch.length;
        yield encoder.encode(batch);
      }
    }
    await this.#copyIn(table, columns, encode(), signal);
    return rows;
  }

  /** Pass-through of COPY text chunks; rows are counted by their newlines. */
  async writeEncoded(
    table: TableRef,
    columns: readonly string[],
    chunks: AsyncIterable<Buffer>,
    signal: AbortSignal,
    onRows?: (rowsSoFar: number) => void,
  ): Promise<number> {
    let rows = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) rows++;
        yield chunk;
        onRows?.(rows);
      }
    }
    await this.#copyIn(table, columns, counted(), signal);
    return rows;
  }

  /** One COPY FROM, fed with backpressure: the sink pauses the generator, which pauses the source. */
  async #copyIn(
    table: TableRef,
    columns: readonly string[],
    data: AsyncIterable<string | Buffer>,
    signal: AbortSignal,
  ): Promise<void> {
    const name = qualifiedName(table);
    const stream = this.client.query(copyFrom(copyFromSql(table, columns, this.#schemaCreatedHere)));
    async function* untilAborted(): AsyncGenerator<string | Buffer> {
      for await (const piece of data) {
        if (signal.aborted)
          throw new GatewayError('cancelled', `cancelled while writing ${name}`, { table: name });
        yield piece;
      }
    }
    try {
      await pipeline(Readable.from(untilAborted(), { objectMode: false, highWaterMark: 1 }), stream);
    } catch (error) {
      throw translateDatabaseError(
        error,
        'target_write_failed',
        `${this.endpoint.label}: writing ${name} failed`,
        {
          table: name,
        },
      );
    }
  }

  async setSequence(sequence: TableRef, lastValue: string, isCalled: boolean): Promise<void> {
    await this.#query(
      'SELECT pg_catalog.setval($1::regclass, $2::bigint, $3)',
      [quoteTable(sequence), lastValue, isCalled],
      `setting sequence ${qualifiedName(sequence)}`,
    );
  }

  async refreshMaterializedViews(): Promise<number> {
    const views = await this.#query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'm' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY c.oid`,
      [],
      'listing materialized views',
    );
    for (const view of views) {
      await this.#query(
        `REFRESH MATERIALIZED VIEW ${quoteTable(view)}`,
        [],
        `refreshing ${qualifiedName(view)}`,
      );
    }
    return views.length;
  }

  async countRows(table: TableRef): Promise<number> {
    const result = await this.#query<{ n: string }>(
      `SELECT count(*) AS n FROM ONLY ${quoteTable(table)}`,
      [],
      `counting ${qualifiedName(table)}`,
    );
    return Number(result[0]?.n ?? 0);
  }

  reader(): TargetReader {
    return createPgTargetReader(this.client, this.endpoint.label, () => (this.#midCopy = true));
  }

  runArea(): RunArea {
    const query = <T extends object>(sql: string, params: unknown[], context: string): Promise<T[]> =>
      this.#query<T>(sql, params, context);
    return {
      async create() {
        await query(
          `CREATE SCHEMA ${RUN_AREA};
           CREATE TABLE ${RUN_AREA}.blobs (name text PRIMARY KEY, data bytea NOT NULL);
           CREATE TABLE ${RUN_AREA}.units (unit text PRIMARY KEY, rows bigint NOT NULL)`,
          [],
          'creating the run area',
        );
      },
      async putBlob(name, bytes) {
        await query(
          `INSERT INTO ${RUN_AREA}.blobs (name, data) VALUES ($1, $2)`,
          [name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
          'storing run state',
        );
      },
      async getBlob(name) {
        const rows = await query<{ data: Buffer }>(
          `SELECT data FROM ${RUN_AREA}.blobs WHERE name = $1`,
          [name],
          'reading run state',
        );
        const data = rows[0]?.data;
        if (data === undefined) throw new GatewayError('internal', `the run area holds no ${name}`);
        return data;
      },
      async lockUnit(unit, signal) {
        // Tried, not waited for in the server: an abort must not wait on a lock held by a stuck attempt.
        for (;;) {
          const [lock] = await query<{ held: boolean }>(
            `SELECT pg_try_advisory_xact_lock(hashtextextended('lookalike-unit:' || $1, 0)) AS held`,
            [unit],
            'locking a unit of work',
          );
          if (lock?.held === true) break;
          if (signal.aborted)
            throw new GatewayError('cancelled', 'cancelled while waiting for a unit of work');
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const rows = await query<{ rows: string }>(
          `SELECT rows FROM ${RUN_AREA}.units WHERE unit = $1`,
          [unit],
          'reading a unit of work',
        );
        return rows[0] === undefined ? null : Number(rows[0].rows);
      },
      async markUnitDone(unit, rows) {
        await query(
          `INSERT INTO ${RUN_AREA}.units (unit, rows) VALUES ($1, $2)`,
          [unit, rows],
          'marking a unit of work done',
        );
      },
      async drop() {
        await query(`DROP SCHEMA ${RUN_AREA} CASCADE`, [], 'dropping the run area');
      },
      async dropBlobs() {
        await query(`DELETE FROM ${RUN_AREA}.blobs`, [], "dropping the run's state");
      },
    };
  }

  async commit(): Promise<void> {
    await this.#query('COMMIT', [], 'committing the load transaction');
    this.#inTransaction = false;
    this.#schemaCreatedHere = false;
  }

  async rollback(): Promise<void> {
    if (!this.#inTransaction) return;
    this.#inTransaction = false;
    this.#schemaCreatedHere = false;
    // A ROLLBACK would wait forever behind a COPY nobody reads: the server rolls back when we hang up.
    if (this.#midCopy) await this.#disconnect();
    else await this.client.query('ROLLBACK').catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.rollback();
    await this.#disconnect();
  }

  #disconnect(): Promise<void> {
    this.#disconnecting ??= this.client.end().catch(() => undefined);
    return this.#disconnecting;
  }

  async #query<T extends object>(sql: string, params: unknown[], context: string): Promise<T[]> {
    try {
      return (await this.client.query<T>(sql, params)).rows;
    } catch (error) {
      throw translateDatabaseError(error, 'target_write_failed', `${this.endpoint.label}: ${context}`);
    }
  }
}
