import type { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
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
} from '../../src/core/index.js';
import { introspectCatalog, quoteIdent, quoteTable, type Queryable } from './catalog.js';
import { selectRowsSql } from './select-rows-sql.js';
import { CopyTextDecoder } from './copy-text.js';
import {
  createSchemasIfMissing,
  dropTablesSql,
  dumpArgs,
  resolveDumpScope,
  stripMetaCommands,
} from './pg-dump.js';
import { translateDatabaseError } from './pg-errors.js';
import { pgliteQueryable } from './pglite-queryable.js';
import { queryEquivalenceClasses } from './equivalence-classes-sql.js';
import { PgSubset } from './pg-subset.js';

const LABEL = 'PGlite source';
/** Slice of a table's COPY output decoded at a time, so rows are materialised one batch at a time. */
const DECODE_CHUNK_BYTES = 256 * 1024;
/** The savepoint whose subtransaction is read-only: everything but a subset's closure runs inside it. */
const READ_ONLY = 'lk_read_only';
/** Makes the rest of the transaction read-only again, in a subtransaction that can be rolled back. */
const ENTER_READ_ONLY = `SAVEPOINT ${READ_ONLY}; SET TRANSACTION READ ONLY;`;

/**
 * A PostgreSQL source over an in-process PGlite instance (the caller owns it and closes it). PGlite has a
 * single connection, so the session holds one REPEATABLE READ transaction: every read, pg_dump and a
 * subset's closure see the same snapshot. The transaction itself may write (a subset's temporary key
 * tables), but everything else runs in a READ ONLY subtransaction, so a write through the same instance
 * fails while the session is open. Uses PGlite's own API (COPY through `/dev/blob`), not a socket: over
 * pglite-socket, COPY FROM STDIN lost protocol sync.
 */
export function createPgliteSource(db: PGlite): SourceConnector {
  return { kind: 'pglite', openSource: (signal) => openPgliteSource(db, signal) };
}

async function openPgliteSource(db: PGlite, signal: AbortSignal): Promise<SourceSession> {
  if (signal.aborted) throw new GatewayError('cancelled', `cancelled before opening the ${LABEL}`);
  try {
    await db.waitReady;
  } catch {
    throw new GatewayError('source_unreachable', `${LABEL} failed to start`);
  }
  if (db.closed) throw new GatewayError('source_unreachable', `${LABEL} is closed`);
  if (db.isInTransaction()) {
    // Its single connection is busy with someone else's transaction: no snapshot of our own is possible.
    throw new GatewayError('source_read_failed', `${LABEL} is inside a transaction; finish it first`);
  }
  try {
    // pg_dump's own BEGIN and SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY are accepted
    // inside this transaction (same level), so the dump runs in the same snapshot. Run outside one,
    // pgDump leaves its transaction open on the shared connection (measured with pglite-tools 0.4.8).
    // The top level is read-write only so that a subset can create its temporary key tables: this is our
    // own embedded database, opened for this run, and close() always rolls the transaction back, so
    // nothing written in it persists. Everything else runs in the read-only subtransaction entered below;
    // what is set in there (pg_dump's SET TRANSACTION READ ONLY and session settings) ends with it.
    await db.exec(`BEGIN ISOLATION LEVEL REPEATABLE READ;
      SET LOCAL DateStyle = 'ISO, MDY';
      SET LOCAL IntervalStyle = 'postgres';
      SET LOCAL extra_float_digits = 3;
      SET LOCAL bytea_output = 'hex';
      SELECT 1;
      ${ENTER_READ_ONLY}`);
  } catch (error) {
    // Best-effort cleanup of a half-opened transaction; the error worth reporting is the one above.
    await db.exec('ROLLBACK').catch(() => undefined);
    throw translateDatabaseError(error, 'source_read_failed', `${LABEL}: cannot open a snapshot`);
  }
  return new PgliteSourceSession(db);
}

class PgliteSourceSession implements SourceSession {
  readonly #db: PGlite;
  readonly #queryable: Queryable;
  #closed = false;
  /** A failed statement aborts the snapshot transaction: nothing more can be read from it. */
  #broken = false;
  /** pg_dump talks to PGlite below its query lock; our own queue keeps it from interleaving with reads. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The closure's temporary key tables, once a subset was computed: reads then return only kept rows. */
  #subset: PgSubset | undefined;

  constructor(db: PGlite) {
    this.#db = db;
    this.#queryable = pgliteQueryable(db);
  }

  introspect(selection: Selection): Promise<DatabaseSchema> {
    return this.#exclusive('cannot read the catalog', () => introspectCatalog(this.#queryable, selection));
  }

  async schemaDdl(section: DdlSection, selection: Selection): Promise<string> {
    const sectionName = section === 'pre_data' ? 'pre-data' : 'post-data';
    const scope = await this.#exclusive('cannot read the catalog', () =>
      resolveDumpScope(this.#queryable, selection),
    );
    return this.#exclusive(`pg_dump failed to read the ${sectionName} schema`, async () => {
      let text: string;
      try {
        const file = await pgDump({
          pg: this.#db,
          args: dumpArgs(section, scope),
        });
        text = await file.text();
      } catch {
        // pgDump's error quotes pg_dump's stderr; keep it out, as for the pg_dump binary.
        throw new GatewayError(
          'schema_copy_failed',
          `${LABEL}: pg_dump failed to read the ${sectionName} schema`,
        );
      }
      const ddl = createSchemasIfMissing(stripMetaCommands(text));
      return section === 'pre_data' ? ddl + dropTablesSql(scope.excludeTables) : ddl;
    });
  }

  /**
   * Reads one table with `COPY (SELECT …) TO '/dev/blob'`. Unlike the node-postgres transport, this buffers
   * the table's whole COPY output in memory (PGlite returns it as one Blob): fine at demo scale, not for
   * large tables. Rows are decoded and yielded one bounded batch at a time.
   */
  async *readRows(request: ReadRequest, signal: AbortSignal): AsyncIterable<RowBatch> {
    const table = qualifiedName(request.table);
    if (!Number.isInteger(request.batchRows) || request.batchRows < 1) {
      throw new GatewayError('usage', `batchRows must be a positive whole number (reading ${table})`, {
        table,
      });
    }
    if (signal.aborted) throw new GatewayError('cancelled', `cancelled while reading ${table}`, { table });
    const columns = request.columns.map(quoteIdent).join(', ');
    const restricted = this.#subset?.restrict(request) ?? request;
    const select = selectRowsSql(restricted) ?? `SELECT ${columns} FROM ONLY ${quoteTable(request.table)}`;
    const sql = `COPY (${select}) TO '/dev/blob'`;
    const blob = await this.#exclusive(
      `reading ${table} failed`,
      async () => (await this.#db.query(sql)).blob,
      {
        table,
      },
    );
    // An empty result has no blob at all.
    const data = blob === undefined ? Buffer.alloc(0) : Buffer.from(await blob.arrayBuffer());

    const decoder = new CopyTextDecoder();
    let batch: RowBatch = [];
    for (let offset = 0; ; offset += DECODE_CHUNK_BYTES) {
      const done = offset >= data.length;
      const rows = done ? decoder.end() : decoder.push(data.subarray(offset, offset + DECODE_CHUNK_BYTES));
      for (const row of rows) {
        if (row.length !== request.columns.length) {
          throw new GatewayError('source_read_failed', `${table}: a row has an unexpected number of fields`, {
            table,
          });
        }
        batch.push(row);
        if (batch.length >= request.batchRows) {
          yield batch;
          batch = [];
          if (signal.aborted)
            throw new GatewayError('cancelled', `cancelled while reading ${table}`, { table });
        }
      }
      if (done) break;
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * The closure (the same code as the server connector's) runs in the snapshot transaction itself, outside
   * the read-only subtransaction: leave that subtransaction (rolling back only what pg_dump set in it),
   * compute at the top level, where temporary tables may be created and emptied, then enter a read-only
   * one again. PGlite locks per statement, so another caller of the instance could slip a statement in
   * between the closure's and write: the instance is this run's own, and close() rolls that back too.
   */
  computeSubset(request: SubsetRequest, signal: AbortSignal): Promise<SubsetClosure> {
    return this.#exclusive('computing the subset failed', async () => {
      await this.#db.exec(`ROLLBACK TO SAVEPOINT ${READ_ONLY}; RELEASE SAVEPOINT ${READ_ONLY};`);
      this.#subset ??= new PgSubset(this.#db, LABEL);
      let closure: SubsetClosure;
      try {
        closure = await this.#subset.compute(request, signal);
      } catch (error) {
        // A cancelled closure leaves the transaction usable: read-only again. A failed statement aborted
        // it; the session is over, and the statement's error is the one to report.
        if (error instanceof GatewayError) await this.#db.exec(ENTER_READ_ONLY);
        throw error;
      }
      await this.#db.exec(ENTER_READ_ONLY);
      return closure;
    });
  }

  /** Counted in the snapshot, over the rows reads return (a computed subset's included). */
  countEquivalenceClasses(request: EquivalenceClassRequest): Promise<EquivalenceClassCounts> {
    const table = qualifiedName(request.table);
    const read = {
      table: request.table,
      columns: request.columns,
      batchRows: 1,
      ...(request.where === undefined ? {} : { where: request.where }),
    };
    const restricted = this.#subset?.restrict(read) ?? read;
    return this.#exclusive(
      `counting equivalence classes of ${table}`,
      () =>
        queryEquivalenceClasses(this.#queryable, {
          ...request,
          ...(restricted.where === undefined ? {} : { where: restricted.where }),
        }),
      { table },
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    // Nothing is lost: reads only, and the subset's temporary tables (dropped with the transaction). ROLLBACK
    // also undoes the session settings pg_dump changed.
    if (!this.#db.closed && this.#db.isInTransaction()) {
      try {
        await this.#db.exec('ROLLBACK');
      } catch (error) {
        throw translateDatabaseError(error, 'source_read_failed', `${LABEL}: cannot end the snapshot`);
      }
    }
  }

  /** Runs one step after the previous one; a database error breaks the session and loses its text. */
  #exclusive<T>(context: string, step: () => Promise<T>, extra: { table?: string } = {}): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) throw new GatewayError('source_read_failed', `${LABEL}: the session is closed`);
      if (this.#broken) throw new GatewayError('source_read_failed', `${LABEL}: the snapshot failed earlier`);
      try {
        return await step();
      } catch (error) {
        if (!(error instanceof GatewayError) || error.code === 'schema_copy_failed') this.#broken = true;
        throw translateDatabaseError(error, 'source_read_failed', `${LABEL}: ${context}`, extra);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
