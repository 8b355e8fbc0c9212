import type pg from 'pg';
import {
  GatewayError,
  qualifiedName,
  type DatabaseSchema,
  type DdlSection,
  type EquivalenceClassCounts,
  type EquivalenceClassRequest,
  type ReadRequest,
  type RowBatch,
  type Selection,
  type SourceConnector,
  type SourceSession,
  type SubsetClosure,
  type SubsetRequest,
  type TableRef,
} from '../../src/core/index.js';
import { introspectCatalog, quoteIdent, quoteTable, type Queryable } from './catalog.js';
import { copyOutChunks } from './copy-out.js';
import { COPY_TEXT_FORMAT, decodeBatches } from './copy-text.js';
import { selectRowsSql } from './select-rows-sql.js';
import { dropTablesSql, dumpSection, findPgDump, resolveDumpScope, type PgDumpTool } from './pg-dump.js';
import { connect, libpqEnvironment, parseEndpoint, type PgEndpoint } from './pg-connection.js';
import { isConnectionLoss, translateDatabaseError } from './pg-errors.js';
import { PgSubset } from './pg-subset.js';
import { queryEquivalenceClasses } from './equivalence-classes-sql.js';

export interface PgSourceOptions {
  /** Path of a pg_dump binary; default: the newest one found on PATH or in Debian's layout. */
  readonly pgDumpPath?: string | undefined;
}

/** A PostgreSQL source over node-postgres: one REPEATABLE READ READ ONLY snapshot, streamed with COPY. */
export function createPgSource(url: string, options: PgSourceOptions = {}): SourceConnector {
  const endpoint = parseEndpoint(url, 'source');
  return {
    kind: 'postgres',
    openSource: (signal, join) =>
      join?.snapshot === undefined
        ? openPgSource(endpoint, options, signal)
        : openPgSnapshotSession(endpoint, options, join.snapshot, null, signal),
  };
}

async function openPgSource(
  endpoint: PgEndpoint,
  options: PgSourceOptions,
  signal: AbortSignal,
): Promise<SourceSession> {
  if (signal.aborted) throw new GatewayError('cancelled', 'cancelled before connecting to the source');
  const client = await connect(endpoint);
  let snapshotId: string;
  let serverMajor: number;
  try {
    // Other sessions (units of work) may read this snapshot while this one waits idle in its transaction.
    await client.query('SET idle_in_transaction_session_timeout = 0');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const exported = await client.query<{ id: string; version: string }>(
      'SELECT pg_export_snapshot() AS id, current_setting($1) AS version',
      ['server_version_num'],
    );
    snapshotId = exported.rows[0]?.id ?? '';
    serverMajor = Math.floor(Number(exported.rows[0]?.version ?? '0') / 10_000);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translateDatabaseError(error, 'source_read_failed', `${endpoint.label}: cannot open a snapshot`);
  }
  return new PgSourceSession(client, endpoint, snapshotId, serverMajor, options);
}

/**
 * A second read-only session importing an exported snapshot (in this process or another): the same rows
 * the first one sees, for as long as the exporting session stays open.
 */
async function openPgSnapshotSession(
  endpoint: PgEndpoint,
  options: PgSourceOptions,
  snapshotId: string,
  knownServerMajor: number | null,
  signal: AbortSignal,
): Promise<SourceSession> {
  if (signal.aborted) throw new GatewayError('cancelled', 'cancelled before connecting to the source');
  if (!/^[0-9A-F]+-[0-9A-F]+-[0-9]+$/i.test(snapshotId))
    throw new GatewayError('internal', 'not an exported snapshot id');
  const client = await connect(endpoint);
  let serverMajor = knownServerMajor ?? 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${snapshotId}'`);
    if (knownServerMajor === null) {
      const version = await client.query<{ version: string }>('SELECT current_setting($1) AS version', [
        'server_version_num',
      ]);
      serverMajor = Math.floor(Number(version.rows[0]?.version ?? '0') / 10_000);
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translateDatabaseError(
      error,
      'source_read_failed',
      `${endpoint.label}: cannot join the snapshot (the run that exported it may have ended)`,
    );
  }
  return new PgSourceSession(client, endpoint, snapshotId, serverMajor, options);
}

class PgSourceSession implements SourceSession {
  readonly encodedFormat = COPY_TEXT_FORMAT;
  #closed = false;
  #broken = false;
  #pgDump: PgDumpTool | undefined;
  /** A second connection in the same snapshot that may create temporary tables: the subset's keys. */
  #subset: { readonly client: pg.Client; readonly subset: PgSubset } | undefined;
  readonly #queryable: Queryable;

  constructor(
    private readonly client: pg.Client,
    private readonly endpoint: PgEndpoint,
    readonly snapshotId: string,
    private readonly serverMajor: number,
    private readonly options: PgSourceOptions,
  ) {
    this.#queryable = {
      query: async <T extends object>(sql: string, params?: readonly unknown[]) =>
        (await client.query<T>(sql, params as unknown[] | undefined)).rows,
    };
  }

  async introspect(selection: Selection): Promise<DatabaseSchema> {
    try {
      return await introspectCatalog(this.#queryable, selection);
    } catch (error) {
      throw translateDatabaseError(
        error,
        'source_read_failed',
        `${this.endpoint.label}: cannot read the catalog`,
      );
    }
  }

  async schemaDdl(section: DdlSection, selection: Selection): Promise<string> {
    this.#pgDump ??= await findPgDump(this.serverMajor, this.options.pgDumpPath);
    const scope = await resolveDumpScope(this.#queryable, selection);
    const ddl = await dumpSection(
      this.#pgDump,
      libpqEnvironment(this.endpoint),
      section,
      this.snapshotId,
      scope,
    );
    return section === 'pre_data' ? ddl + dropTablesSql(scope.excludeTables) : ddl;
  }

  /** COPY TO chunks as the server sends them (not row-aligned): the pass-through path for kept tables. */
  async *readEncoded(request: ReadRequest, signal: AbortSignal): AsyncIterable<Buffer> {
    if (this.#broken)
      throw new GatewayError('source_read_failed', `${this.endpoint.label}: connection is unusable`);
    const table = qualifiedName(request.table);
    const client = this.#subset?.client ?? this.client;
    yield* copyOutChunks(client, this.#copyToSql(this.#subset?.subset.restrict(request) ?? request), {
      table,
      signal,
      failed: (error) =>
        translateDatabaseError(
          error,
          'source_read_failed',
          `${this.endpoint.label}: reading ${table} failed${isConnectionLoss(error) ? ' (connection lost)' : ''}`,
          { table },
        ),
      // The connection is mid-COPY: it cannot run another statement, so the session is done.
      onAbandoned: () => (this.#broken = true),
    });
  }

  /**
   * Locks the table (ACCESS SHARE, for the session's life, as pg_dump does) so that no VACUUM FULL, CLUSTER
   * or rewrite moves rows between pages while other sessions read it in page ranges, then sizes it. Before
   * PostgreSQL 14 (no TID range scans, a range would read the whole table) it answers 0: one unit a table.
   */
  async tableBlocks(table: TableRef): Promise<number> {
    const name = qualifiedName(table);
    try {
      await this.client.query(`LOCK TABLE ${quoteTable(table)} IN ACCESS SHARE MODE`);
      if (this.serverMajor < 14) return 0;
      const rows = await this.client.query<{ blocks: string }>(
        `SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint AS blocks`,
        [quoteTable(table)],
      );
      return Number(rows.rows[0]?.blocks ?? 0);
    } catch (error) {
      this.#broken = true;
      throw translateDatabaseError(
        error,
        'source_read_failed',
        `${this.endpoint.label}: cannot size ${name}`,
        {
          table: name,
        },
      );
    }
  }

  /** Parallel readers join this session's exported snapshot; a subset's temporary tables stay here. */
  async forkSession(signal: AbortSignal): Promise<SourceSession> {
    if (this.#closed || this.#broken)
      throw new GatewayError('source_read_failed', `${this.endpoint.label}: connection is unusable`);
    return openPgSnapshotSession(this.endpoint, this.options, this.snapshotId, this.serverMajor, signal);
  }

  /**
   * The closure runs on a second connection importing this session's snapshot: the session's own
   * transaction is READ ONLY, which forbids even temporary tables. Reads then go through that connection.
   */
  async computeSubset(request: SubsetRequest, signal: AbortSignal): Promise<SubsetClosure> {
    if (this.#broken)
      throw new GatewayError('source_read_failed', `${this.endpoint.label}: connection is unusable`);
    try {
      if (this.#subset === undefined) {
        const client = await connect(this.endpoint);
        try {
          await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
          await client.query(`SET TRANSACTION SNAPSHOT '${this.snapshotId}'`);
        } catch (error) {
          await client.end().catch(() => undefined);
          throw error;
        }
        this.#subset = { client, subset: new PgSubset(client, this.endpoint.label) };
      }
      return await this.#subset.subset.compute(request, signal);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      // A failed statement aborts the subset transaction: its reads are over too.
      this.#broken = true;
      throw translateDatabaseError(
        error,
        'source_read_failed',
        `${this.endpoint.label}: computing the subset failed (it needs a primary, not a hot standby: temporary tables)`,
      );
    }
  }

  #copyToSql(request: ReadRequest): string {
    const select = selectRowsSql(request);
    return select === null
      ? `COPY ${quoteTable(request.table)} (${request.columns.map(quoteIdent).join(', ')}) TO STDOUT`
      : `COPY (${select}) TO STDOUT`;
  }

  /** The pass-through chunks decoded into rows, in batches of at most `batchRows`. */
  async *readRows(request: ReadRequest, signal: AbortSignal): AsyncIterable<RowBatch> {
    const table = qualifiedName(request.table);
    const batches = decodeBatches(
      this.readEncoded(request, signal),
      request.columns.length,
      request.batchRows,
      () =>
        new GatewayError('source_read_failed', `${table}: a row has an unexpected number of fields`, {
          table,
        }),
    );
    // One server chunk can hold many batches: the signal is checked per batch, not only per chunk.
    for await (const batch of batches) {
      if (signal.aborted) throw new GatewayError('cancelled', `cancelled while reading ${table}`, { table });
      yield batch;
    }
  }

  /** Counted in the snapshot, over the rows reads return (a computed subset's, on its connection). */
  async countEquivalenceClasses(
    request: EquivalenceClassRequest,
    signal: AbortSignal,
  ): Promise<EquivalenceClassCounts> {
    const table = qualifiedName(request.table);
    if (signal.aborted) throw new GatewayError('cancelled', `cancelled while counting ${table}`, { table });
    if (this.#broken)
      throw new GatewayError('source_read_failed', `${this.endpoint.label}: connection is unusable`);
    const client = this.#subset?.client ?? this.client;
    const read = {
      table: request.table,
      columns: request.columns,
      batchRows: 1,
      ...(request.where === undefined ? {} : { where: request.where }),
    };
    const restricted = this.#subset?.subset.restrict(read) ?? read;
    try {
      return await queryEquivalenceClasses(
        { query: async <T extends object>(sql: string) => (await client.query<T>(sql)).rows },
        { ...request, ...(restricted.where === undefined ? {} : { where: restricted.where }) },
      );
    } catch (error) {
      // A failed statement aborts the snapshot transaction: nothing more can be read from it.
      this.#broken = true;
      throw translateDatabaseError(
        error,
        'source_read_failed',
        `${this.endpoint.label}: counting equivalence classes of ${table} failed`,
        { table },
      );
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#subset !== undefined) await this.#subset.client.end().catch(() => undefined);
      if (!this.#broken) await this.client.query('ROLLBACK');
    } catch {
      // The snapshot transaction is read-only; ending the connection discards it anyway.
    } finally {
      await this.client.end().catch(() => undefined);
    }
  }
}
