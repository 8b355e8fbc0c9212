import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteSink, createPgliteSource, createPgSource } from '../connectors/postgres/index.js';
import { loadDetection } from '../src/cli/detection-setup.js';
import { SELECT_ALL, Secret, silentLogger, type SourceConnector } from '../src/core/index.js';
import { demoDataSql, demoSchemaSql } from '../src/demo/index.js';
import { computeSubset, planSnapshot, runSnapshot, type SnapshotSummary } from '../src/pipeline/index.js';
import { loadPolicy, type Policy } from '../src/policy/index.js';
import type { SubsetEstimate, SubsetOverrides } from '../src/subset/index.js';
import { createDatabase, dropDatabase, databaseUrl, testSecret, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';
import { policyWithSubset } from './helpers/subset-policy.js';

/**
 * Subsets of the embedded (PGlite) source: `lookalike demo --subset-percent`, a snapshot of a share of one
 * table with its closure into an embedded target, and the same closure as the PostgreSQL server connector
 * computes on the same data (one closure implementation, two sources).
 */

const DEMO_POLICY = 'examples/demo.policy.yaml';
const CUSTOMERS = 120;
const DATA_SEED = 13;
const signal = new AbortController().signal;

let pglite: PGlite;
let serverDatabase: string;
const ORDERS_10_PERCENT = '  targets: [{ table: public.orders, percent: 10 }]\n';

beforeAll(async () => {
  pglite = await PGlite.create();
  await pglite.exec(demoSchemaSql());
  const statements = [...demoDataSql({ customers: CUSTOMERS, seed: DATA_SEED })];
  for (const statement of statements) await pglite.exec(statement);
  await pglite.exec('ANALYZE');
  // The same shop in the PostgreSQL server: the same statements, so the same rows and keys.
  serverDatabase = await createDatabase('subset_pglite_src');
  await withClient(serverDatabase, async (c) => {
    await c.query(demoSchemaSql());
    for (const statement of statements) await c.query(statement);
    await c.query('ANALYZE');
  });
});

afterAll(async () => {
  await pglite?.close();
  if (serverDatabase !== undefined) await dropDatabase(serverDatabase);
});

async function count(db: PGlite, sql: string): Promise<number> {
  return Number((await db.query<{ n: string }>(sql)).rows[0]?.n);
}

/** Every foreign key declared in `db`, checked with an anti-join (not trusting the constraint). */
async function orphansByForeignKey(db: PGlite): Promise<Record<string, number>> {
  const keys = (
    await db.query<{ name: string; child: string; parent: string; pairs: string; present: string }>(`
      SELECT con.conname AS name, con.conrelid::regclass::text AS child, con.confrelid::regclass::text AS parent,
             string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ' ORDER BY k.o) AS pairs,
             string_agg(format('c.%I IS NOT NULL', ca.attname), ' AND ' ORDER BY k.o) AS present
        FROM pg_constraint con
        CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY k(c, p, o)
        JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.c
        JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.p
       WHERE con.contype = 'f' GROUP BY con.oid, con.conname, con.conrelid, con.confrelid`)
  ).rows;
  const orphans: Record<string, number> = {};
  for (const key of keys) {
    orphans[key.name] = await count(
      db,
      `SELECT count(*) AS n FROM ${key.child} c
        WHERE ${key.present} AND NOT EXISTS (SELECT 1 FROM ${key.parent} p WHERE ${key.pairs})`,
    );
  }
  return orphans;
}

/** What `lookalike plan` reports for the policy's subset, computed by `connector`'s session. */
async function estimateOn(
  connector: SourceConnector,
  policy: Policy,
  overrides?: SubsetOverrides,
): Promise<SubsetEstimate> {
  const session = await connector.openSource(signal);
  try {
    const { schema, plan } = await planSnapshot(session, policy, SELECT_ALL);
    const estimate = await computeSubset(session, schema, plan, overrides, null, signal);
    if (estimate === null) throw new Error('no subset computed');
    return estimate;
  } finally {
    await session.close();
  }
}

describe('subsets of the embedded PGlite source', () => {
  it('lookalike demo --subset-percent copies that share of the customers with everything around them', async () => {
    const result = await runLookalike([
      'demo',
      '--customers',
      '80',
      '--subset-percent',
      '20',
      '--format',
      'json',
    ]);
    expect(result.exitCode).toBe(0);
    const { summary, before, after } = JSON.parse(result.stdout) as {
      summary: SnapshotSummary;
      before: { customers: { id: number }[] };
      after: { customers: { id: number }[] };
    };
    const subset = summary.subset;
    expect(subset).toBeDefined();
    // Counted in the source before any data moved, and exactly what was written (and counted in the target).
    const written = Object.fromEntries(summary.tables.map((t) => [t.table, t.rows]));
    for (const t of subset?.tables ?? []) expect(written[t.table], t.table).toBe(t.rows);
    const customers = written['public.customers'] ?? 0;
    expect(customers).toBeGreaterThanOrEqual(8);
    expect(customers).toBeLessThanOrEqual(24);
    expect(subset?.selected).toEqual([{ table: 'public.customers', rows: customers }]);
    expect(written['public.orders']).toBeGreaterThan(0);
    expect(written['public.order_items']).toBeGreaterThan(0);
    expect(summary.verification.status).toBe('clean');
    // Before and after show the same (kept) customers.
    expect(after.customers.map((c) => c.id)).toEqual(before.customers.map((c) => c.id));

    const refused = await runLookalike(['demo', '--subset-percent', '0']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--subset-percent');
  });

  it('snapshots 10% of the orders with their closure into an embedded target: counts as estimated, every foreign key joining', async () => {
    const policy = await loadPolicy(await policyWithSubset(DEMO_POLICY, ORDERS_10_PERCENT));
    const target = await PGlite.create();
    try {
      const summary = await runSnapshot({
        source: createPgliteSource(pglite),
        target: createPgliteSink(target),
        policy,
        detection: await loadDetection(),
        selection: SELECT_ALL,
        secret: new Secret(Buffer.from(testSecret('one'))),
        batchRows: 100,
        signal,
        logger: silentLogger,
      });
      const subset = summary.subset;
      if (subset === undefined) throw new Error('no subset in the summary');
      for (const t of subset.tables) {
        expect(await count(target, `SELECT count(*) AS n FROM ${t.table}`), t.table).toBe(t.rows);
      }
      expect(await orphansByForeignKey(target)).toEqual({
        addresses_customer_id_fkey: 0,
        orders_customer_id_fkey: 0,
        orders_shipping_address_id_fkey: 0,
        order_items_order_id_fkey: 0,
        support_tickets_customer_id_fkey: 0,
      });
      const orders = await count(target, 'SELECT count(*) AS n FROM orders');
      const sourceOrders = await count(pglite, 'SELECT count(*) AS n FROM orders');
      expect(orders).toBeGreaterThanOrEqual(0.05 * sourceOrders);
      expect(orders).toBeLessThanOrEqual(0.15 * sourceOrders);
      // Up: exactly the customers and addresses those orders reference (referenced rows are not followed
      // down again, so no other orders and no tickets); down: every line of every kept order.
      expect(await count(target, 'SELECT count(*) AS n FROM customers')).toBe(
        await count(
          target,
          `SELECT count(DISTINCT customer_id) AS n FROM (SELECT customer_id FROM orders
             UNION ALL SELECT a.customer_id FROM addresses a) x`,
        ),
      );
      expect(await count(target, 'SELECT count(*) AS n FROM support_tickets')).toBe(0);
      const keptOrders = (await target.query<{ id: string }>('SELECT id::text AS id FROM orders')).rows.map(
        (r) => r.id,
      );
      expect(await count(target, 'SELECT count(*) AS n FROM order_items')).toBe(
        await count(
          pglite,
          `SELECT count(*) AS n FROM order_items WHERE order_id::text IN (${keptOrders.map((id) => `'${id}'`).join(', ')})`,
        ),
      );
    } finally {
      await target.close();
    }
  });

  it('computes the same closure as the PostgreSQL server connector on the same rows, also under a row budget', async () => {
    const policy = await loadPolicy(
      await policyWithSubset(
        DEMO_POLICY,
        '  targets: [{ table: public.customers, percent: 30 }, { table: public.orders, where: "total > 400" }]\n',
      ),
    );
    const embedded = createPgliteSource(pglite);
    const server = createPgSource(databaseUrl(serverDatabase));
    const comparable = (e: SubsetEstimate) => ({
      tables: e.tables.map((t) => [t.table, t.rows]),
      selected: e.selected,
      pulls: e.pulls,
      excluded: e.excluded,
      rounds: e.rounds,
      scale: e.scale,
      attempts: e.attempts.map((a) => [a.scale, a.rows]),
    });
    const asked = await estimateOn(embedded, policy);
    expect(comparable(asked)).toEqual(comparable(await estimateOn(server, policy)));
    expect(asked.totalRows).toBeGreaterThan(0);

    const budget = Math.floor(asked.totalRows / 3);
    const fitted = await estimateOn(embedded, policy, { maxRows: budget });
    expect(fitted.totalRows).toBeLessThanOrEqual(budget);
    expect(fitted.budget).toMatchObject({ maxRows: budget, withinTolerance: true });
    expect(fitted.attempts.length).toBeGreaterThan(1);
    expect(comparable(fitted)).toEqual(comparable(await estimateOn(server, policy, { maxRows: budget })));
  });
});
