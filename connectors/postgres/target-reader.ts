import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import {
  GatewayError,
  qualifiedName,
  type EquivalenceClassCounts,
  type EquivalenceClassRequest,
  type ReadRequest,
  type RowBatch,
  type TableRef,
  type TargetReader,
} from '../../src/core/index.js';
import { introspectCatalog, quoteIdent, quoteTable, type Queryable } from './catalog.js';
import { copyOutChunks } from './copy-out.js';
import { COPY_TEXT_FORMAT, decodeBatches } from './copy-text.js';
import { translateDatabaseError } from './pg-errors.js';
import { queryEquivalenceClasses } from './equivalence-classes-sql.js';
import { pgliteQueryable } from './pglite-queryable.js';
import { selectRowsSql } from './select-rows-sql.js';

/**
 * Reads a target back for verification, on the sink's own connection: inside the load transaction it sees
 * the uncommitted snapshot, so a leaking snapshot can be rolled back instead of delivered.
 */

function orphansSql(
  table: TableRef,
  columns: readonly string[],
  references: { readonly table: TableRef; readonly columns: readonly string[] },
): string {
  const notNull = columns.map((c) => `t.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const join = columns
    .map((c, i) => `r.${quoteIdent(references.columns[i] ?? c)} = t.${quoteIdent(c)}`)
    .join(' AND ');
  return `SELECT count(*)::text AS n FROM ONLY ${quoteTable(table)} t WHERE ${notNull}
    AND NOT EXISTS (SELECT 1 FROM ${quoteTable(references.table)} r WHERE ${join})`;
}

function duplicatesSql(table: TableRef, columns: readonly string[]): string {
  const list = columns.map(quoteIdent).join(', ');
  const notNull = columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  return `SELECT coalesce(sum(n - 1), 0)::text AS n FROM (SELECT count(*) AS n FROM ${quoteTable(table)}
    WHERE ${notNull} GROUP BY ${list} HAVING count(*) > 1) d`;
}

function selectSql(request: ReadRequest): string {
  return (
    selectRowsSql(request) ??
    `SELECT ${request.columns.map(quoteIdent).join(', ')} FROM ONLY ${quoteTable(request.table)}`
  );
}

abstract class BaseTargetReader implements TargetReader {
  constructor(protected readonly label: string) {}

  protected abstract queryable(): Queryable;
  abstract readRows(request: ReadRequest, signal: AbortSignal): AsyncIterable<RowBatch>;

  async introspect(selection: Parameters<TargetReader['introspect']>[0]) {
    return this.#run('cannot read the target catalog', () => introspectCatalog(this.queryable(), selection));
  }

  async countRows(table: TableRef): Promise<number> {
    const rows = await this.#run(`counting ${qualifiedName(table)}`, () =>
      this.queryable().query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${quoteTable(table)}`),
    );
    return Number(rows[0]?.n ?? 0);
  }

  async countOrphans(
    table: TableRef,
    columns: readonly string[],
    references: { readonly table: TableRef; readonly columns: readonly string[] },
  ): Promise<number> {
    const rows = await this.#run(`checking foreign key of ${qualifiedName(table)}`, () =>
      this.queryable().query<{ n: string }>(orphansSql(table, columns, references)),
    );
    return Number(rows[0]?.n ?? 0);
  }

  async countDuplicates(table: TableRef, columns: readonly string[]): Promise<number> {
    const rows = await this.#run(`checking unique columns of ${qualifiedName(table)}`, () =>
      this.queryable().query<{ n: string }>(duplicatesSql(table, columns)),
    );
    return Number(rows[0]?.n ?? 0);
  }

  async countEquivalenceClasses(request: EquivalenceClassRequest): Promise<EquivalenceClassCounts> {
    return this.#run(`counting equivalence classes of ${qualifiedName(request.table)}`, () =>
      queryEquivalenceClasses(this.queryable(), request),
    );
  }

  protected decodeBatches = (
    chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
    request: ReadRequest,
    table: string,
  ): AsyncGenerator<RowBatch> =>
    decodeBatches(
      chunks,
      request.columns.length,
      request.batchRows,
      () =>
        new GatewayError('verification_failed', `${table}: a row has an unexpected number of fields`, {
          table,
        }),
    );

  async #run<T>(context: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw translateDatabaseError(error, 'verification_failed', `${this.label}: ${context}`);
    }
  }
}

class PgTargetReader extends BaseTargetReader {
  readonly #queryable: Queryable;

  constructor(
    private readonly client: pg.Client,
    label: string,
    /** Told when a read stops midway: the connection is then inside a COPY and runs nothing else. */
    private readonly onAbandoned: () => void,
  ) {
    super(label);
    this.#queryable = {
      query: async <T extends object>(sql: string, params?: readonly unknown[]) =>
        (await client.query<T>(sql, params as unknown[] | undefined)).rows,
    };
  }

  protected queryable(): Queryable {
    return this.#queryable;
  }

  readonly encodedFormat = COPY_TEXT_FORMAT;

  /** COPY TO chunks as the server sends them, on the load transaction (what `readRows` decodes). */
  async *readEncoded(request: ReadRequest, signal: AbortSignal): AsyncIterable<Buffer> {
    const table = qualifiedName(request.table);
    yield* copyOutChunks(this.client, `COPY (${selectSql(request)}) TO STDOUT`, {
      table,
      signal,
      failed: (error) =>
        translateDatabaseError(error, 'verification_failed', `${this.label}: reading ${table} failed`, {
          table,
        }),
      onAbandoned: this.onAbandoned,
    });
  }

  async *readRows(request: ReadRequest, signal: AbortSignal): AsyncIterable<RowBatch> {
    yield* this.decodeBatches(this.readEncoded(request, signal), request, qualifiedName(request.table));
  }
}

class PgliteTargetReader extends BaseTargetReader {
  readonly #queryable: Queryable;

  constructor(
    private readonly db: PGlite,
    label: string,
  ) {
    super(label);
    this.#queryable = pgliteQueryable(db);
  }

  protected queryable(): Queryable {
    return this.#queryable;
  }

  /** PGlite returns a COPY as one Blob: fine at demo scale (as for the PGlite source). */
  async *readRows(request: ReadRequest, signal: AbortSignal): AsyncIterable<RowBatch> {
    const table = qualifiedName(request.table);
    if (signal.aborted) throw new GatewayError('cancelled', `cancelled while reading ${table}`, { table });
    let data: Buffer;
    try {
      const blob = (await this.db.query(`COPY (${selectSql(request)}) TO '/dev/blob'`)).blob;
      data = blob === undefined ? Buffer.alloc(0) : Buffer.from(await blob.arrayBuffer());
    } catch (error) {
      throw translateDatabaseError(error, 'verification_failed', `${this.label}: reading ${table} failed`, {
        table,
      });
    }
    yield* this.decodeBatches([data], request, table);
  }
}

/** `onAbandoned`: a read stopped midway left the connection inside a COPY (see PgTargetReader). */
export function createPgTargetReader(
  client: pg.Client,
  label: string,
  onAbandoned: () => void = () => undefined,
): TargetReader {
  return new PgTargetReader(client, label, onAbandoned);
}

export function createPgliteTargetReader(db: PGlite, label: string): TargetReader {
  return new PgliteTargetReader(db, label);
}
