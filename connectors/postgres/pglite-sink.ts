import type { PGlite } from '@electric-sql/pglite';
import {
  GatewayError,
  qualifiedName,
  type ErrorCode,
  type ErrorDetails,
  type RowBatch,
  type SinkConnector,
  type SinkSession,
  type TableRef,
  type TargetReader,
} from '../../src/core/index.js';
import { quoteIdent, quoteTable } from './catalog.js';
import { encodeRows } from './copy-text.js';
import { translateDatabaseError } from './pg-errors.js';
import { createPgliteTargetReader } from './target-reader.js';

const LABEL = 'PGlite target';

/**
 * Settings that pg_dump scripts change with plain SET (which outlives the transaction once committed).
 * They are put back after each DDL step so the caller's instance keeps its search_path and timeouts.
 */
const DUMP_SETTINGS = [
  'search_path',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'transaction_timeout',
  'client_encoding',
  'standard_conforming_strings',
  'check_function_bodies',
  'xmloption',
  'client_min_messages',
  'row_security',
  'default_tablespace',
  'default_table_access_method',
];

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
const NOT_EXTENSION_MEMBER = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

const COUNT_USER_OBJECTS = `
SELECT
  (SELECT count(*) FROM pg_catalog.pg_namespace n WHERE ${USER_SCHEMAS} AND n.nspname <> 'public')::int AS schemas,
  (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${USER_SCHEMAS}
      AND ${NOT_EXTENSION_MEMBER('pg_catalog.pg_class', 'c.oid')})::int AS relations,
  (SELECT count(*) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE ${USER_SCHEMAS} AND ${NOT_EXTENSION_MEMBER('pg_catalog.pg_type', 't.oid')}
      AND (t.typtype IN ('e', 'd', 'r')
           OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))))::int AS types,
  (SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE ${USER_SCHEMAS} AND ${NOT_EXTENSION_MEMBER('pg_catalog.pg_proc', 'p.oid')})::int AS functions,
  (SELECT count(*) FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql')::int AS extensions`;

interface ObjectCounts {
  schemas: number;
  relations: number;
  types: number;
  functions: number;
  extensions: number;
}

/**
 * A PostgreSQL target over an in-process PGlite instance (the caller owns it and closes it). Everything
 * runs in one transaction; rows go in with `COPY … FROM '/dev/blob'`, one COPY per batch.
 */
export function createPgliteSink(db: PGlite): SinkConnector {
  return { kind: 'pglite', openSink: (signal) => openPgliteSink(db, signal) };
}

async function openPgliteSink(db: PGlite, signal: AbortSignal): Promise<SinkSession> {
  if (signal.aborted) throw new GatewayError('cancelled', `cancelled before opening the ${LABEL}`);
  try {
    await db.waitReady;
  } catch {
    throw new GatewayError('target_unreachable', `${LABEL} failed to start`);
  }
  if (db.closed) throw new GatewayError('target_unreachable', `${LABEL} is closed`);
  return new PgliteSinkSession(db);
}

type TransactionState = 'none' | 'open' | 'failed' | 'ended';

class PgliteSinkSession implements SinkSession {
  readonly #db: PGlite;
  #state: TransactionState = 'none';
  #closed = false;
  #settings: { names: string[]; values: string[] } = { names: [], values: [] };

  constructor(db: PGlite) {
    this.#db = db;
  }

  async assertEmpty(): Promise<void> {
    let counts: ObjectCounts | undefined;
    try {
      counts = (await this.#db.query<ObjectCounts>(COUNT_USER_OBJECTS)).rows[0];
    } catch (error) {
      if (this.#state === 'open') this.#state = 'failed';
      throw translateDatabaseError(error, 'target_write_failed', `${LABEL}: cannot list its objects`);
    }
    // Fail closed: no answer is not an empty target.
    if (counts === undefined)
      throw new GatewayError('target_write_failed', `${LABEL}: cannot list its objects`);
    const found: [string, number][] = [
      ['schemas', counts.schemas],
      ['relations', counts.relations],
      ['types', counts.types],
      ['functions', counts.functions],
      ['extensions', counts.extensions],
    ];
    const parts = found.filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`);
    if (parts.length === 0) return;
    const total = found.reduce((sum, [, n]) => sum + n, 0);
    throw new GatewayError(
      'target_not_empty',
      `${LABEL} is not empty: it holds ${total} user object${total === 1 ? '' : 's'} (${parts.join(', ')})`,
    );
  }

  async begin(): Promise<void> {
    if (this.#closed || this.#state !== 'none') {
      throw new GatewayError('internal', `${LABEL}: a session runs one transaction, begun once`);
    }
    if (this.#db.isInTransaction()) {
      throw new GatewayError('target_write_failed', `${LABEL} is inside a transaction; finish it first`);
    }
    try {
      await this.#db.exec('BEGIN');
      this.#state = 'open';
      const rows = (
        await this.#db.query<{ name: string; value: string | null }>(
          'SELECT s.name, pg_catalog.current_setting(s.name, true) AS value FROM unnest($1::text[]) AS s(name)',
          [DUMP_SETTINGS],
        )
      ).rows.filter((r): r is { name: string; value: string } => r.value !== null);
      this.#settings = { names: rows.map((r) => r.name), values: rows.map((r) => r.value) };
    } catch (error) {
      this.#state = this.#state === 'open' ? 'failed' : this.#state;
      throw translateDatabaseError(error, 'target_write_failed', `${LABEL}: cannot begin a transaction`);
    }
  }

  async applyDdl(sql: string, label: string): Promise<void> {
    this.#requireOpen();
    await this.#step('schema_copy_failed', `applying ${label} failed`, {}, async () => {
      await this.#db.exec(sql);
      await this.#db.query(
        'SELECT pg_catalog.set_config(s.name, s.value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)',
        [this.#settings.names, this.#settings.values],
      );
    });
  }

  async dropColumn(table: TableRef, column: string): Promise<void> {
    this.#requireOpen();
    const name = qualifiedName(table);
    await this.#step('schema_copy_failed', `dropping ${name}.${column} failed`, { table: name, column }, () =>
      this.#db.exec(`ALTER TABLE ${quoteTable(table)} DROP COLUMN ${quoteIdent(column)} CASCADE`),
    );
  }

  async writeRows(
    table: TableRef,
    columns: readonly string[],
    batches: AsyncIterable<RowBatch>,
    signal: AbortSignal,
  ): Promise<number> {
    this.#requireOpen();
    const name = qualifiedName(table);
    const sql = `COPY ${quoteTable(table)} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob'`;
    let written = 0;
    // Errors from upstream (`batches`) pass through untouched; only this COPY's errors are translated.
    for await (const batch of batches) {
      if (signal.aborted)
        throw new GatewayError('cancelled', `cancelled while writing ${name}`, { table: name });
      if (batch.length === 0) continue;
      written += await this.#step(
        'target_write_failed',
        `writing ${name} failed`,
        { table: name },
        async () => {
          const result = await this.#db.query(sql, [], { blob: new Blob([encodeRows(batch)]) });
          return result.rowCount ?? batch.length;
        },
      );
    }
    return written;
  }

  async setSequence(sequence: TableRef, lastValue: string, isCalled: boolean): Promise<void> {
    this.#requireOpen();
    const name = qualifiedName(sequence);
    await this.#step('target_write_failed', `setting sequence ${name} failed`, { table: name }, () =>
      this.#db.query('SELECT pg_catalog.setval($1::regclass, $2::int8, $3::boolean)', [
        quoteTable(sequence),
        lastValue,
        isCalled,
      ]),
    );
  }

  async refreshMaterializedViews(): Promise<number> {
    this.#requireOpen();
    // Creation order (oid) follows pg_dump's dependency order, so a view is refreshed after those it reads.
    const views = await this.#step(
      'target_write_failed',
      'listing materialized views failed',
      {},
      async () =>
        (
          await this.#db.query<{ schema: string; name: string }>(
            `SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'm' AND ${USER_SCHEMAS} ORDER BY c.oid`,
          )
        ).rows,
    );
    for (const view of views) {
      const name = qualifiedName(view);
      await this.#step('target_write_failed', `refreshing ${name} failed`, { table: name }, () =>
        this.#db.exec(`REFRESH MATERIALIZED VIEW ${quoteTable(view)}`),
      );
    }
    return views.length;
  }

  /** Rows of the table itself (`ONLY`), matching what `readRows` reads from a source table. */
  async countRows(table: TableRef): Promise<number> {
    const name = qualifiedName(table);
    if (this.#state === 'failed') this.#requireOpen();
    const rows = await this.#step(
      'verification_failed',
      `counting rows of ${name} failed`,
      { table: name },
      async () =>
        (await this.#db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${quoteTable(table)}`))
          .rows,
    );
    return Number(rows[0]?.n ?? 0);
  }

  reader(): TargetReader {
    return createPgliteTargetReader(this.#db, LABEL);
  }

  async commit(): Promise<void> {
    this.#requireOpen();
    this.#state = 'ended';
    let results;
    try {
      results = await this.#db.exec('COMMIT');
    } catch (error) {
      throw translateDatabaseError(error, 'target_write_failed', `${LABEL}: commit failed`);
    }
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK instead of an error.
    if (results.at(-1)?.command === 'ROLLBACK') {
      throw new GatewayError(
        'target_write_failed',
        `${LABEL}: the transaction had failed and was rolled back`,
      );
    }
  }

  async rollback(): Promise<void> {
    if (this.#state !== 'open' && this.#state !== 'failed') return;
    this.#state = 'ended';
    if (this.#db.closed || !this.#db.isInTransaction()) return;
    try {
      await this.#db.exec('ROLLBACK');
    } catch (error) {
      throw translateDatabaseError(error, 'target_write_failed', `${LABEL}: rollback failed`);
    }
  }

  /** Rolls back a transaction that was neither committed nor rolled back. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.rollback();
  }

  #requireOpen(): void {
    if (this.#state === 'open') return;
    if (this.#state === 'failed') {
      throw new GatewayError(
        'target_write_failed',
        `${LABEL}: an earlier step failed; the run must roll back`,
      );
    }
    throw new GatewayError(
      'internal',
      `${LABEL}: ${this.#state === 'none' ? 'begin() was not called' : 'the transaction has ended'}`,
    );
  }

  /** One statement in the transaction; any database error fails the transaction and loses its text. */
  async #step<T>(code: ErrorCode, context: string, details: ErrorDetails, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (this.#state === 'open') this.#state = 'failed';
      throw translateDatabaseError(error, code, `${LABEL}: ${context}`, details);
    }
  }
}
