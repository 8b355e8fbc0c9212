import { createHmac } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GatewayError,
  SELECT_ALL,
  qualifiedName,
  type DatabaseSchema,
  type SourceSession,
  type SubsetClosure,
  type SubsetRequest,
  type TableInfo,
  type TableRef,
} from '../../src/core/index.js';
import { demoDataSql, demoSchemaSql } from '../../src/demo/index.js';
import { createPgliteSource } from './pglite-source.js';

/**
 * Subsets on the embedded source: the closure code of the server connector (pg-subset.ts) runs in the
 * PGlite session's own snapshot transaction, and reads then return only the kept rows.
 */

const signal = new AbortController().signal;
const CUSTOMERS: TableRef = { schema: 'public', name: 'customers' };
const ORDERS: TableRef = { schema: 'public', name: 'orders' };
const SUPPRESSION_KEY = Buffer.from('a test suppression key, 32 bytes or more');
const CUSTOMER_COUNT = 150;

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(demoSchemaSql());
  for (const statement of demoDataSql({ customers: CUSTOMER_COUNT, seed: 5 })) await db.exec(statement);
  await db.exec('ANALYZE');
}, 180_000);

afterAll(async () => {
  await db.close();
});

async function withSource<T>(run: (session: SourceSession) => Promise<T>): Promise<T> {
  const session = await createPgliteSource(db).openSource(signal);
  try {
    return await run(session);
  } finally {
    await session.close();
  }
}

/** Every table with its primary key, every foreign key followed both ways (as the pipeline builds it). */
function subsetRequest(schema: DatabaseSchema, overrides: Partial<SubsetRequest>): SubsetRequest {
  return {
    tables: schema.tables.map((t) => ({
      table: t.ref,
      kind: 'table' as const,
      key: t.constraints.find((c) => c.kind === 'primary_key')?.columns ?? null,
      partitions: [],
      where: null,
    })),
    relations: schema.tables.flatMap((t) =>
      t.constraints.flatMap((c) =>
        c.kind === 'foreign_key' && c.references !== null
          ? [
              {
                name: c.name,
                child: t.ref,
                childColumns: c.columns,
                parent: c.references.table,
                parentColumns: c.references.columns,
                down: true,
                limit: null,
              },
            ]
          : [],
      ),
    ),
    targets: [{ table: CUSTOMERS, where: null, fraction: 0.1, rows: null }],
    suppress: [],
    seed: 'lookalike',
    scale: 1,
    suppressionKey: null,
    ...overrides,
  };
}

/** The rows a read returns now, as text tuples of `columns`. */
async function read(
  session: SourceSession,
  table: TableRef,
  columns: readonly string[],
): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of session.readRows({ table, columns, batchRows: 50 }, signal)) {
    for (const row of batch) rows.push(row.map((v) => String(v)));
  }
  return rows;
}

/** A table's primary key columns first, then its foreign key columns. */
function keyAndReferences(table: TableInfo): string[] {
  const key = table.constraints.find((c) => c.kind === 'primary_key')?.columns ?? [];
  const references = table.constraints.flatMap((c) => (c.kind === 'foreign_key' ? c.columns : []));
  return [...new Set([...key, ...references])];
}

function rowsOf(closure: SubsetClosure, table: TableRef): number {
  return closure.tables.find((t) => qualifiedName(t.table) === qualifiedName(table))?.rows ?? -1;
}

async function countIn(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n);
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('PGlite source subsets', { timeout: 120_000 }, () => {
  it('10% of customers with their closure: reads return the counted rows, and every foreign key joins', async () => {
    const { closure, kept } = await withSource(async (session) => {
      const schema = await session.introspect(SELECT_ALL);
      const closure = await session.computeSubset!(subsetRequest(schema, {}), signal);
      const kept = new Map<string, string[][]>();
      for (const table of schema.tables) {
        const columns = keyAndReferences(table);
        const rows = await read(session, table.ref, columns);
        kept.set(qualifiedName(table.ref), rows);
        // The closure's count is the number of rows a read returns.
        expect(rows.length, qualifiedName(table.ref)).toBe(rowsOf(closure, table.ref));
      }
      // Every foreign key of every kept row points at a kept row.
      for (const table of schema.tables) {
        const columns = keyAndReferences(table);
        for (const fk of table.constraints) {
          if (fk.kind !== 'foreign_key' || fk.references === null) continue;
          const parent = schema.tables.find(
            (t) => qualifiedName(t.ref) === qualifiedName(fk.references!.table),
          )!;
          const parentKey = parent.constraints.find((c) => c.kind === 'primary_key')!.columns;
          expect(fk.references.columns).toEqual(parentKey);
          const parents = new Set(
            (kept.get(qualifiedName(parent.ref)) ?? []).map((row) =>
              row.slice(0, parentKey.length).join(','),
            ),
          );
          const at = fk.columns.map((c) => columns.indexOf(c));
          const orphans = (kept.get(qualifiedName(table.ref)) ?? [])
            .map((row) => at.map((i) => row[i]))
            .filter((values) => values.every((v) => v !== 'null'))
            .filter((values) => !parents.has(values.join(',')));
          expect(orphans, fk.name).toEqual([]);
        }
      }
      return { closure, kept };
    });

    const customers = (kept.get('public.customers') ?? []).map((row) => Number(row[0]));
    // A tenth of the customers, by the seeded order (the same rows every time: the data is seeded too).
    expect(customers.length).toBeGreaterThanOrEqual(0.05 * CUSTOMER_COUNT);
    expect(customers.length).toBeLessThanOrEqual(0.15 * CUSTOMER_COUNT);
    expect(closure.selected).toEqual([{ table: CUSTOMERS, rows: customers.length }]);
    // Downwards: all of their orders, addresses and tickets, and every line of those orders.
    expect(kept.get('public.orders')?.length).toBe(
      await countIn('SELECT count(*) AS n FROM orders WHERE customer_id = ANY($1::int8[])', [customers]),
    );
    expect(kept.get('public.support_tickets')?.length).toBe(
      await countIn('SELECT count(*) AS n FROM support_tickets WHERE customer_id = ANY($1::int8[])', [
        customers,
      ]),
    );
    expect(kept.get('public.order_items')?.length).toBe(
      await countIn(
        'SELECT count(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = ANY($1::int8[])',
        [customers],
      ),
    );
    expect(rowsOf(closure, ORDERS)).toBeGreaterThan(0);
    expect(closure.rounds).toBeGreaterThanOrEqual(2);
  });

  it('leaves the snapshot read-only after the closure, and nothing behind once closed', async () => {
    const before = await countIn('SELECT count(*) AS n FROM customers');
    await withSource(async (session) => {
      // pg_dump first, as a snapshot does: its SET TRANSACTION READ ONLY must not stop the closure.
      await session.schemaDdl('pre_data', SELECT_ALL);
      const schema = await session.introspect(SELECT_ALL);
      const closure = await session.computeSubset!(subsetRequest(schema, {}), signal);
      expect(rowsOf(closure, CUSTOMERS)).toBeGreaterThan(0);
      expect((await read(session, CUSTOMERS, ['id'])).length).toBe(rowsOf(closure, CUSTOMERS));
      // Equivalence classes are counted over the subset's rows too.
      const classes = await session.countEquivalenceClasses!(
        { table: CUSTOMERS, columns: ['status'], withPartitions: false, minClassSize: 1 },
        signal,
      );
      expect(classes.rows).toBe(rowsOf(closure, CUSTOMERS));
      // Last: a failed statement aborts the snapshot transaction, whoever sent it.
      await expect(db.query(`CREATE TABLE lk_stray (id int)`)).rejects.toMatchObject({ code: '25006' });
    });
    expect(db.isInTransaction()).toBe(false);
    expect(
      (await db.query<{ r: string | null }>(`SELECT to_regclass('pg_temp.lk_keep_0')::text AS r`)).rows[0]?.r,
    ).toBe(null);
    expect(await countIn('SELECT count(*) AS n FROM customers')).toBe(before);
    expect(
      (await db.query<{ r: string | null }>(`SELECT to_regclass('public.lk_stray')::text AS r`)).rows[0]?.r,
    ).toBe(null);
    expect((await db.query<{ p: string }>(`SELECT current_setting('search_path') AS p`)).rows[0]?.p).toBe(
      'public',
    );
  });

  it('suppresses people by value and by keyed hash, with every row that belongs to them', async () => {
    const email = (await db.query<{ email: string }>('SELECT email FROM customers WHERE id = 2')).rows[0]
      ?.email;
    expect(email).toBeDefined();
    const hash = createHmac('sha256', SUPPRESSION_KEY)
      .update(email ?? '', 'utf8')
      .digest('hex');
    const theirs = async (table: string): Promise<number> =>
      countIn(`SELECT count(*) AS n FROM ${table} WHERE customer_id IN (1, 2)`);
    const theirOrders = await theirs('orders');
    const theirItems = await countIn(
      'SELECT count(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.customer_id IN (1, 2)',
    );
    expect(theirOrders).toBeGreaterThan(0);

    const { closure, ids, orderCustomers } = await withSource(async (session) => {
      const schema = await session.introspect(SELECT_ALL);
      const closure = await session.computeSubset!(
        subsetRequest(schema, {
          targets: [{ table: CUSTOMERS, where: null, fraction: 1, rows: null }],
          suppress: [
            { table: CUSTOMERS, column: 'id', values: ['1'], hashes: [] },
            { table: CUSTOMERS, column: 'email', values: [], hashes: [hash] },
          ],
          suppressionKey: SUPPRESSION_KEY,
        }),
        signal,
      );
      return {
        closure,
        ids: (await read(session, CUSTOMERS, ['id'])).map((r) => Number(r[0])),
        orderCustomers: (await read(session, ORDERS, ['customer_id'])).map((r) => Number(r[0])),
      };
    });
    expect(ids).toHaveLength(CUSTOMER_COUNT - 2);
    expect(ids).not.toContain(1);
    expect(ids).not.toContain(2);
    expect(orderCustomers.filter((c) => c === 1 || c === 2)).toEqual([]);
    const excluded = (name: string) => closure.excluded.find((e) => e.table.name === name);
    expect(excluded('customers')).toMatchObject({ listed: 2, referencing: 0 });
    expect(excluded('orders')).toMatchObject({ listed: 0, referencing: theirOrders });
    expect(excluded('order_items')).toMatchObject({ listed: 0, referencing: theirItems });
    expect(excluded('support_tickets')?.referencing ?? 0).toBe(await theirs('support_tickets'));
  });

  it('recomputes at another scale, also after a cancelled attempt; reads follow the latest closure', async () => {
    await withSource(async (session) => {
      const schema = await session.introspect(SELECT_ALL);
      const request = subsetRequest(schema, {
        targets: [{ table: CUSTOMERS, where: null, fraction: 0.4, rows: null }],
      });
      const full = await session.computeSubset!(request, signal);
      const cancelled = new AbortController();
      cancelled.abort();
      expect(
        (await rejection(session.computeSubset!({ ...request, scale: 0.5 }, cancelled.signal))).code,
      ).toBe('cancelled');
      // The session is not broken (a cancelled closure is no failed statement): it reads, and computes again.
      await read(session, CUSTOMERS, ['id']);
      const half = await session.computeSubset!({ ...request, scale: 0.5 }, signal);
      expect(rowsOf(half, CUSTOMERS)).toBeLessThan(rowsOf(full, CUSTOMERS));
      expect(rowsOf(half, CUSTOMERS)).toBeGreaterThan(0);
      expect((await read(session, CUSTOMERS, ['id'])).length).toBe(rowsOf(half, CUSTOMERS));
      expect((await read(session, ORDERS, ['id'])).length).toBe(rowsOf(half, ORDERS));
      // The same request, the same closure.
      const again = await session.computeSubset!(request, signal);
      expect(again.tables).toEqual(full.tables);
      // Read-only again after all three attempts.
      await expect(db.query(`UPDATE customers SET status = 'closed' WHERE id = 1`)).rejects.toMatchObject({
        code: '25006',
      });
    });
  });
});
