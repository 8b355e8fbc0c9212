import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataSql, demoSchemaSql } from '../src/demo/index.js';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'examples/demo.policy.yaml';

async function count(database: string, sql: string): Promise<number> {
  return withClient(database, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]?.n));
}

/** Constraints of the public schema, created and valid (CHECKs included). */
const validConstraints = (database: string): Promise<number> =>
  count(
    database,
    `SELECT count(*) AS n FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
      WHERE n.nspname = 'public' AND con.convalidated`,
  );

const checkConstraints = (database: string): Promise<number> =>
  count(
    database,
    `SELECT count(*) AS n FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
      WHERE n.nspname = 'public' AND con.contype = 'c' AND con.convalidated`,
  );

describe('synth on the demo shop (real PostgreSQL)', () => {
  let source: string;
  const targets: string[] = [];
  const reportFile = join(tmpdir(), `lk-synth-demo-report-${process.pid}.html`);
  let plain: string;
  let conditioned: string;
  let plainRun: { exitCode: number; stdout: string; stderr: string };
  let conditionedRun: { exitCode: number; stdout: string; stderr: string };

  const target = async (prefix: string): Promise<string> => {
    const name = await createDatabase(prefix);
    targets.push(name);
    return name;
  };
  const synth = (into: string, ...extra: string[]) =>
    runLookalike([
      'synth',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(into),
      '--policy',
      POLICY,
      '--seed',
      '5',
      ...extra,
    ]);

  beforeAll(async () => {
    source = await createDatabase('synth_demo_src');
    await withClient(source, async (c) => {
      await c.query(demoSchemaSql());
      for (const statement of demoDataSql({ customers: 200 })) await c.query(statement);
      // A CHECK of a form conditions are not checked against (OR): left to the database, and said so.
      await c.query(
        `ALTER TABLE public.orders ADD CONSTRAINT orders_placed_check
           CHECK (placed_at > '2000-01-01' OR currency = 'USD')`,
      );
      await c.query('ANALYZE');
    });
    plain = await target('synth_demo');
    plainRun = await synth(plain, '--format', 'json');
    conditioned = await target('synth_demo_cond');
    conditionedRun = await synth(
      conditioned,
      '--where',
      "orders: status not in (cancelled, refunded) and customer_id.status <> 'closed' and placed_at >= 2020-01-01",
      '--where',
      'order_items: quantity != 1 and order_id.status != pending',
    );
  });

  afterAll(async () => {
    for (const name of targets) await dropDatabase(name);
    if (source !== undefined) await dropDatabase(source);
    await rm(reportFile, { force: true });
  });

  it('loads every table with every constraint (CHECKs included) created and valid, and foreign keys that join', async () => {
    expect(plainRun.stderr).not.toContain('lookalike:');
    expect(plainRun.exitCode).toBe(0);
    const summary = JSON.parse(plainRun.stdout) as {
      status: string;
      tables: { table: string; rows: number }[];
    };
    expect(summary.status).toBe('completed');
    for (const table of ['customers', 'addresses', 'orders', 'order_items', 'support_tickets']) {
      expect(summary.tables.find((t) => t.table === `public.${table}`)?.rows).toBeGreaterThan(0);
    }
    expect(await checkConstraints(source)).toBeGreaterThanOrEqual(6);
    expect(await validConstraints(plain)).toBe(await validConstraints(source));
    expect(await checkConstraints(plain)).toBe(await checkConstraints(source));
    expect((await checkForeignKeys(plain)).filter((c) => c.orphans > 0)).toEqual([]);
    // The materialized view was refreshed over the synthetic orders.
    expect(await count(plain, 'SELECT count(*) AS n FROM daily_revenue')).toBeGreaterThan(0);
  });

  it('produces a report (JSON and HTML) that leaves bookkeeping stamps out of Intertable Trends and says so', async () => {
    const result = await runLookalike([
      'synth',
      'report',
      '--real',
      databaseUrl(source),
      '--synthetic',
      databaseUrl(plain),
      '--policy',
      POLICY,
      '--out',
      reportFile,
      '--format',
      'json',
    ]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as {
      overall: number | null;
      privacy: { exactMatchRate: number | null };
      bookkeeping: { included: boolean; excluded: { table: string; column: string; reason: string }[] };
      intertable: { name: string; pairs: { columns: [string, string] }[] }[];
    };
    expect(report.overall).toBeGreaterThan(0.7);
    expect(report.privacy.exactMatchRate).toBe(0);
    expect(report.bookkeeping.included).toBe(false);
    // The policy substitutes customers' stamps (not scored); tickets keep theirs: named like stamps.
    expect(report.bookkeeping.excluded).toContainEqual({
      table: 'public.support_tickets',
      column: 'created_at',
      reason: 'bookkeeping_name',
    });
    const paired = report.intertable.flatMap((r) => r.pairs.flatMap((p) => p.columns));
    expect(paired).not.toContain('created_at');
    expect(paired).not.toContain('updated_at');
    const html = await readFile(reportFile, 'utf8');
    expect(html).toContain('public.support_tickets.created_at: named like a housekeeping stamp');
    expect(html).not.toMatch(/<script|https?:\/\//);

    const included = await runLookalike([
      'synth',
      'report',
      '--real',
      databaseUrl(source),
      '--synthetic',
      databaseUrl(plain),
      '--policy',
      POLICY,
      '--include-bookkeeping',
      '--format',
      'json',
    ]);
    const all = JSON.parse(included.stdout) as typeof report;
    expect(all.bookkeeping).toEqual({ included: true, excluded: [] });
    expect(all.intertable.flatMap((r) => r.pairs.flatMap((p) => p.columns))).toContain('created_at');
  });

  it('!= and not in hold on every row, through foreign keys, with every constraint valid', async () => {
    expect(conditionedRun.stderr).not.toContain('lookalike:');
    expect(conditionedRun.exitCode).toBe(0);
    expect(conditionedRun.stderr).toContain(
      'public.orders: CHECK constraint orders_placed_check not checked against the conditions (left to the database)',
    );
    expect(conditionedRun.stderr).not.toContain('orders_status_check not checked');
    expect(await count(conditioned, `SELECT count(*) AS n FROM orders WHERE placed_at < '2020-01-01'`)).toBe(
      0,
    );
    expect(await count(conditioned, 'SELECT count(*) AS n FROM orders')).toBeGreaterThan(100);
    expect(
      await count(conditioned, `SELECT count(*) AS n FROM orders WHERE status IN ('cancelled', 'refunded')`),
    ).toBe(0);
    expect(
      await count(
        conditioned,
        `SELECT count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.status = 'closed'`,
      ),
    ).toBe(0);
    expect(await count(conditioned, 'SELECT count(*) AS n FROM order_items')).toBeGreaterThan(100);
    expect(
      await count(
        conditioned,
        `SELECT count(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id
          WHERE i.quantity = 1 OR o.status = 'pending'`,
      ),
    ).toBe(0);
    // The other statuses are still drawn from the learned distribution, not one value.
    expect(await count(conditioned, 'SELECT count(DISTINCT status) AS n FROM orders')).toBeGreaterThanOrEqual(
      3,
    );
    expect(await validConstraints(conditioned)).toBe(await validConstraints(source));
    expect((await checkForeignKeys(conditioned)).filter((c) => c.orphans > 0)).toEqual([]);
  });

  it('refuses a condition that contradicts a CHECK constraint, naming table, column and constraint, before the target opens', async () => {
    const empty = await target('synth_demo_bad');
    const cases = [
      [
        "orders: status = 'lost-in-transit'",
        'public.orders.status: contradicts CHECK constraint orders_status_check',
      ],
      ['orders: total < 0', 'public.orders.total: contradicts CHECK constraint orders_total_check'],
      [
        'order_items: quantity <= 0',
        'public.order_items.quantity: contradicts CHECK constraint order_items_quantity_check',
      ],
      [
        'support_tickets: channel not in (email, phone, chat)',
        'public.support_tickets.channel: contradicts CHECK constraint support_tickets_channel_check',
      ],
      [
        'customers: status not in (active, inactive, suspended, closed)',
        'public.customers.status: excludes every value the column can hold',
      ],
    ] as const;
    for (const [where, message] of cases) {
      const result = await synth(empty, '--where', where);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`--where 1: ${message}`);
      expect(result.stderr).not.toContain('lost-in-transit');
    }
    expect(await count(empty, `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`)).toBe(0);
  });
});
