import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GatewayError,
  SELECT_ALL,
  qualifiedName,
  type DatabaseSchema,
  type RowBatch,
  type SourceSession,
  type TableInfo,
} from '../../src/core/index.js';
import { demoDataSql, demoSchemaSql } from '../../src/demo/index.js';
import { quoteTable } from './catalog.js';
import { createPgliteSink } from './pglite-sink.js';
import { createSchemasIfMissing } from './pg-dump.js';
import { createPgliteSource } from './pglite-source.js';

const signal = new AbortController().signal;
const CUSTOMERS = { schema: 'public', name: 'customers' };
const ORDERS = { schema: 'public', name: 'orders' };

let source: PGlite;
let target: PGlite;
let scratch: PGlite;

beforeAll(async () => {
  [source, target, scratch] = await Promise.all([PGlite.create(), PGlite.create(), PGlite.create()]);
  await source.exec(demoSchemaSql());
  for (const statement of demoDataSql({ customers: 120, seed: 11 })) await source.exec(statement);
}, 180_000);

afterAll(async () => {
  await Promise.all([source.close(), target.close(), scratch.close()]);
});

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function collect(batches: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const all: RowBatch[] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

async function withSource<T>(run: (session: SourceSession) => Promise<T>): Promise<T> {
  const session = await createPgliteSource(source).openSource(signal);
  try {
    return await run(session);
  } finally {
    await session.close();
  }
}

function keyColumns(table: TableInfo): readonly string[] {
  return table.constraints.find((c) => c.kind === 'primary_key')?.columns ?? table.columns.map((c) => c.name);
}

async function checksum(db: PGlite, table: TableInfo): Promise<{ n: string; md5: string | null }> {
  const order = keyColumns(table)
    .map((c) => `t."${c}"`)
    .join(', ');
  const sql = `SELECT count(*)::text AS n, md5(string_agg(t::text, ',' ORDER BY ${order})) AS md5 FROM ${quoteTable(table.ref)} t`;
  const row = (await db.query<{ n: string; md5: string | null }>(sql)).rows[0];
  return row ?? { n: '0', md5: null };
}

describe('PGlite source', { timeout: 60_000 }, () => {
  it('introspects tables, foreign keys, enum labels, identity and jsonb columns', async () => {
    const schema = await withSource((s) => s.introspect(SELECT_ALL));
    expect(schema.tables.map((t) => t.ref.name)).toEqual([
      'addresses',
      'customers',
      'order_items',
      'orders',
      'support_tickets',
    ]);
    const customers = schema.tables.find((t) => t.ref.name === 'customers');
    const column = (name: string) => customers?.columns.find((c) => c.name === name);
    expect(column('id')?.identity).toBe('always');
    expect(column('status')?.enumLabels).toEqual(['active', 'inactive', 'suspended', 'closed']);
    expect(column('profile')?.category).toBe('json');
    expect(customers?.uniqueColumnSets).toContainEqual(['email']);
    const orders = schema.tables.find((t) => t.ref.name === 'orders');
    expect(orders?.constraints.find((c) => c.name === 'orders_customer_id_fkey')?.references).toEqual({
      table: CUSTOMERS,
      columns: ['id'],
    });
    const items = schema.tables.find((t) => t.ref.name === 'order_items');
    expect(items?.constraints.find((c) => c.kind === 'primary_key')?.columns).toEqual([
      'order_id',
      'line_no',
    ]);
    expect(schema.sequences.map((s) => s.ref.name)).toContain('ticket_number_seq');
  });

  it('dumps pre-data and post-data DDL as plain SQL without psql meta-commands', async () => {
    const [pre, post] = await withSource(async (s) => [
      await s.schemaDdl('pre_data', SELECT_ALL),
      await s.schemaDdl('post_data', SELECT_ALL),
    ]);
    for (const sql of [pre, post]) expect(sql.split('\n').filter((l) => l.startsWith('\\'))).toEqual([]);
    expect(pre).toContain('CREATE TYPE public.customer_status AS ENUM');
    expect(pre).toContain('CREATE TABLE public.customers');
    expect(pre).toContain('CREATE FUNCTION public.set_updated_at()');
    expect(pre).toContain('CREATE VIEW public.customer_order_totals');
    expect(pre).not.toContain('CREATE INDEX');
    expect(post).toContain('CREATE INDEX orders_placed_at_idx');
    expect(post).toContain('CREATE TRIGGER customers_set_updated_at');
    expect(post).toContain('FOREIGN KEY (customer_id) REFERENCES public.customers(id)');
  });

  it('keeps only the selected tables, with the types they need', async () => {
    const selection = { schemas: [], tables: [CUSTOMERS] };
    const pre = await withSource((s) => s.schemaDdl('pre_data', selection));
    expect(pre).toContain('CREATE TABLE public.customers');
    expect(pre).toContain('CREATE TYPE public.customer_status');
    // Views over left-out tables must still create: every table is created, then the others are dropped.
    expect(pre).toContain('DROP TABLE IF EXISTS "public"."orders" CASCADE;');
    expect(pre).not.toMatch(/^CREATE SCHEMA public;/m);
    const post = await withSource((s) => s.schemaDdl('post_data', selection));
    expect(post).toContain('public.customers');
    expect(post).not.toContain('ON public.orders');
  });

  it('reads rows in batches of at most batchRows, with the where filter applied', async () => {
    const batches = await withSource((s) =>
      collect(
        s.readRows({ table: ORDERS, columns: ['id', 'total'], where: 'total >= 100', batchRows: 7 }, signal),
      ),
    );
    const expected = (
      await source.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE total >= 100')
    ).rows[0]?.n;
    expect(batches.every((b) => b.length >= 1 && b.length <= 7)).toBe(true);
    expect(batches.flat().length).toBe(expected);
    expect(batches.flat().every((row) => row.length === 2 && Number(row[1]) >= 100)).toBe(true);
  });

  it('reads text, NULLs, jsonb and escapes exactly as PostgreSQL prints them', async () => {
    const rows = (
      await withSource((s) =>
        collect(
          s.readRows(
            { table: CUSTOMERS, columns: ['id', 'last_name', 'phone', 'profile'], batchRows: 1000 },
            signal,
          ),
        ),
      )
    )
      .flat()
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    const printed = (
      await source.query<{ id: string; last_name: string; phone: string | null; profile: string | null }>(
        'SELECT c.id::text AS id, last_name, phone, profile::text AS profile FROM customers c ORDER BY c.id',
      )
    ).rows.map((r) => [r.id, r.last_name, r.phone, r.profile]);
    expect(rows).toEqual(printed);
    expect(rows.some((r) => r[2] === null)).toBe(true);
  });

  it('can stop after the first batch and read another table afterwards', async () => {
    const counts = await withSource(async (s) => {
      for await (const batch of s.readRows({ table: ORDERS, columns: ['id'], batchRows: 5 }, signal)) {
        expect(batch).toHaveLength(5);
        break;
      }
      return (await collect(s.readRows({ table: CUSTOMERS, columns: ['id'], batchRows: 50 }, signal))).flat()
        .length;
    });
    expect(counts).toBe(120);
  });

  it('stops with cancelled when the signal is aborted between batches', async () => {
    const controller = new AbortController();
    const error = await withSource((s) =>
      rejection(
        (async () => {
          for await (const _batch of s.readRows(
            { table: ORDERS, columns: ['id'], batchRows: 10 },
            controller.signal,
          )) {
            controller.abort();
          }
        })(),
      ),
    );
    expect(error.code).toBe('cancelled');
    expect(error.details.table).toBe('public.orders');
  });

  it('holds a read-only snapshot: a write through the same instance fails while the session is open', async () => {
    await withSource(async (s) => {
      await s.schemaDdl('pre_data', SELECT_ALL);
      await expect(source.query(`UPDATE customers SET status = 'closed' WHERE id = 1`)).rejects.toMatchObject(
        {
          code: '25006',
        },
      );
    });
    expect(source.isInTransaction()).toBe(false);
    // pg_dump's session settings (search_path = '') ended with the snapshot.
    expect((await source.query<{ p: string }>(`SELECT current_setting('search_path') AS p`)).rows[0]?.p).toBe(
      'public',
    );
  });

  it('reports a failed read by SQLSTATE only, and refuses further reads from the aborted snapshot', async () => {
    await withSource(async (s) => {
      const error = await rejection(
        collect(
          s.readRows({ table: ORDERS, columns: ['id'], where: `status::int > 0`, batchRows: 10 }, signal),
        ),
      );
      expect(error.code).toBe('source_read_failed');
      expect(error.details).toMatchObject({ sqlState: '22P02', table: 'public.orders' });
      expect(error.message).not.toMatch(/invalid input|paid|delivered/);
      const next = await rejection(
        collect(s.readRows({ table: ORDERS, columns: ['id'], batchRows: 10 }, signal)),
      );
      expect(next.code).toBe('source_read_failed');
    });
  });

  it('creates dumped schemas only if missing, so the default public schema does not collide', () => {
    expect(
      createSchemasIfMissing('SET x = 1;\nCREATE SCHEMA public;\nCREATE SCHEMA IF NOT EXISTS a;\n'),
    ).toBe('SET x = 1;\nCREATE SCHEMA IF NOT EXISTS public;\nCREATE SCHEMA IF NOT EXISTS a;\n');
  });
});

describe('PGlite sink', { timeout: 60_000 }, () => {
  let schema: DatabaseSchema;
  let preData: string;
  let postData: string;

  beforeAll(async () => {
    [schema, preData, postData] = await withSource(async (s) => [
      await s.introspect(SELECT_ALL),
      await s.schemaDdl('pre_data', SELECT_ALL),
      await s.schemaDdl('post_data', SELECT_ALL),
    ]);
  }, 60_000);

  it('rolls back a failing write: the target stays empty and the error quotes no value', async () => {
    const sink = await createPgliteSink(scratch).openSink(signal);
    try {
      await sink.assertEmpty();
      await sink.begin();
      await sink.applyDdl(preData, 'pre-data');
      const customerRow = ['1', 'Leaky', "O'Leak", 'leaky@example.com', null, null, 'active', null];
      const customerColumns = [
        'id',
        'first_name',
        'last_name',
        'email',
        'phone',
        'date_of_birth',
        'status',
        'profile',
      ];
      async function* one(batch: RowBatch): AsyncIterable<RowBatch> {
        yield await Promise.resolve(batch);
      }
      expect(await sink.writeRows(CUSTOMERS, customerColumns, one([customerRow]), signal)).toBe(1);

      const badOrder = ['1', '1', null, 'paid', '-12345.67', 'USD', '2024-01-01 00:00:00+00'];
      const orderColumns = [
        'id',
        'customer_id',
        'shipping_address_id',
        'status',
        'total',
        'currency',
        'placed_at',
      ];
      const error = await rejection(sink.writeRows(ORDERS, orderColumns, one([badOrder]), signal));
      expect(error.code).toBe('target_write_failed');
      expect(error.details).toMatchObject({
        sqlState: '23514',
        table: 'public.orders',
        constraint: 'orders_total_check',
      });
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(
        /12345|Leak|leaky|Failing row/,
      );
      expect(error.cause).toBeUndefined();

      expect(
        (await rejection(sink.writeRows(CUSTOMERS, customerColumns, one([customerRow]), signal))).code,
      ).toBe('target_write_failed');
      expect((await rejection(sink.commit())).code).toBe('target_write_failed');
      await sink.rollback();
    } finally {
      await sink.close();
    }
    expect(scratch.isInTransaction()).toBe(false);
    await expect(
      createPgliteSink(scratch)
        .openSink(signal)
        .then((s) => s.assertEmpty()),
    ).resolves.toBeUndefined();
    expect((await scratch.query(`SELECT to_regclass('public.customers') AS r`)).rows).toEqual([{ r: null }]);
  });

  it('drops a column inside the transaction and rolls it back on close', async () => {
    const sink = await createPgliteSink(scratch).openSink(signal);
    await sink.begin();
    await sink.applyDdl(preData, 'pre-data');
    await sink.dropColumn(CUSTOMERS, 'profile');
    const columns = await scratch.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'profile'`,
    );
    expect(columns.rows[0]?.n).toBe(0);
    await sink.close();
    await sink.close();
    expect(scratch.isInTransaction()).toBe(false);
    await expect(
      createPgliteSink(scratch)
        .openSink(signal)
        .then((s) => s.assertEmpty()),
    ).resolves.toBeUndefined();
  });

  it('copies the demo database through the contract: same rows, checksums and sequences', async () => {
    const sourceSession = await createPgliteSource(source).openSource(signal);
    const sink = await createPgliteSink(target).openSink(signal);
    const copied = schema.tables.filter((t) => t.kind !== 'partitioned');
    try {
      await sink.assertEmpty();
      await sink.begin();
      await sink.applyDdl(preData, 'pre-data');
      for (const table of copied) {
        const columns = table.columns.filter((c) => !c.isGenerated).map((c) => c.name);
        const written = await sink.writeRows(
          table.ref,
          columns,
          sourceSession.readRows({ table: table.ref, columns, batchRows: 100 }, signal),
          signal,
        );
        expect(written).toBe(Number((await checksum(source, table)).n));
      }
      for (const sequence of schema.sequences) {
        if (sequence.lastValue !== null)
          await sink.setSequence(sequence.ref, sequence.lastValue, sequence.isCalled);
      }
      await sink.applyDdl(postData, 'post-data');
      expect(await sink.refreshMaterializedViews()).toBe(1);
      for (const table of copied) {
        expect(await sink.countRows(table.ref)).toBe(Number((await checksum(source, table)).n));
      }
      await sink.commit();
    } finally {
      await sink.close();
      await sourceSession.close();
    }

    for (const table of copied) {
      const [from, to] = [await checksum(source, table), await checksum(target, table)];
      expect({ table: qualifiedName(table.ref), ...to }).toEqual({
        table: qualifiedName(table.ref),
        ...from,
      });
      expect(Number(to.n)).toBeGreaterThan(0);
    }
    const sequenceState = (db: PGlite) =>
      db.query(
        `SELECT schemaname, sequencename, last_value::text FROM pg_sequences WHERE schemaname = 'public' ORDER BY 2`,
      );
    expect((await sequenceState(target)).rows).toEqual((await sequenceState(source)).rows);
    const derived = `SELECT (SELECT md5(string_agg(v::text, ',' ORDER BY v.customer_id)) FROM customer_order_totals v)
                         || (SELECT md5(string_agg(r::text, ',' ORDER BY r.day)) FROM daily_revenue r) AS h`;
    expect((await target.query(derived)).rows).toEqual((await source.query(derived)).rows);
    const triggers = `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`;
    expect((await target.query(triggers)).rows).toEqual((await source.query(triggers)).rows);
    // pg_dump's SET search_path = '' did not outlive the load.
    expect((await target.query<{ p: string }>(`SELECT current_setting('search_path') AS p`)).rows[0]?.p).toBe(
      'public',
    );
  });

  it('refuses a target that is not empty, saying how many objects it holds', async () => {
    const sink = await createPgliteSink(target).openSink(signal);
    const error = await rejection(sink.assertEmpty());
    await sink.close();
    expect(error.code).toBe('target_not_empty');
    expect(error.message).toMatch(/holds \d+ user objects \(\d+ relations, \d+ types, \d+ functions/);
  });

  it('stops with cancelled before writing when the signal is aborted', async () => {
    const sink = await createPgliteSink(scratch).openSink(signal);
    await sink.begin();
    const controller = new AbortController();
    controller.abort();
    async function* rows(): AsyncIterable<RowBatch> {
      yield await Promise.resolve([['1']]);
    }
    const error = await rejection(sink.writeRows(CUSTOMERS, ['id'], rows(), controller.signal));
    expect(error.code).toBe('cancelled');
    await sink.close();
    expect(scratch.isInTransaction()).toBe(false);
  });
});
