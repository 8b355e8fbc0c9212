import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, silentLogger } from '../src/core/index.js';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import { runSnapshot } from '../src/pipeline/index.js';
import { loadPolicy } from '../src/policy/index.js';
import { suppressionHash, suppressionKey, type SubsetEstimate } from '../src/subset/index.js';
import { rowCounts } from './helpers/compare-databases.js';
import {
  PAGILA_DATABASE,
  createDatabase,
  databaseUrl,
  dropDatabase,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { runLookalike } from './helpers/run-cli.js';
import { policyWithSubset } from './helpers/subset-policy.js';

const BASE_POLICY = 'examples/pagila.policy.yaml';
const source = databaseUrl(PAGILA_DATABASE);
const SECRET = testSecret('one');

interface SnapshotJson {
  status: string;
  totalRows: number;
  subset?: SubsetEstimate;
}

const targets: string[] = [];

async function plan(policy: string, flags: readonly string[] = []): Promise<SubsetEstimate> {
  return (await planJson(policy, flags)).estimate;
}

async function planJson(
  policy: string,
  flags: readonly string[] = [],
): Promise<{ estimate: SubsetEstimate; stdout: string; suppress: unknown }> {
  const result = await runLookalike(
    ['plan', '--source', source, '--policy', policy, '--format', 'json', ...flags],
    { LOOKALIKE_SECRET: SECRET },
  );
  expect(result.stderr).not.toContain('lookalike:');
  expect(result.exitCode).toBe(0);
  const parsed = JSON.parse(result.stdout) as {
    subsetEstimate?: SubsetEstimate;
    subset?: { suppress?: unknown };
  };
  if (parsed.subsetEstimate === undefined) throw new Error('plan printed no subset estimate');
  return { estimate: parsed.subsetEstimate, stdout: result.stdout, suppress: parsed.subset?.suppress };
}

async function snapshot(
  policy: string,
  flags: readonly string[] = [],
): Promise<{ database: string; summary: SnapshotJson }> {
  const database = await createDatabase('subset');
  targets.push(database);
  const result = await runLookalike(
    [
      'snapshot',
      '--source',
      source,
      '--target',
      databaseUrl(database),
      '--policy',
      policy,
      '--format',
      'json',
      ...flags,
    ],
    { LOOKALIKE_SECRET: SECRET },
  );
  expect(result.stderr).not.toContain('lookalike:');
  expect(result.exitCode).toBe(0);
  return { database, summary: JSON.parse(result.stdout) as SnapshotJson };
}

async function expectEveryForeignKeyJoins(database: string): Promise<void> {
  const checks = await checkForeignKeys(database);
  expect(checks.length).toBeGreaterThan(30); // pagila's keys, partitions' included
  expect(checks.filter((c) => c.orphans > 0)).toEqual([]);
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

async function customerIds(database: string): Promise<number[]> {
  return withClient(database, async (c) =>
    (await c.query<{ id: number }>('SELECT customer_id AS id FROM customer ORDER BY 1')).rows.map(
      (r) => r.id,
    ),
  );
}

/** Sum of stored row sizes over every table, as the estimate measures them. */
async function rowDataBytes(database: string): Promise<number> {
  return withClient(database, async (c) => {
    const tables = await c.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = 'public'`,
    );
    let bytes = 0;
    for (const t of tables.rows) {
      const r = await c.query<{ b: string }>(
        `SELECT coalesce(sum(pg_column_size(x.*)), 0) AS b FROM ONLY ${t.name} x`,
      );
      bytes += Number(r.rows[0]?.b);
    }
    return bytes;
  });
}

afterAll(async () => {
  for (const target of targets) await dropDatabase(target);
});

describe('subset of pagila (real PostgreSQL)', () => {
  it('10% of customers: about a tenth of them, with their rentals and payments, every foreign key joining', async () => {
    const policy = await policyWithSubset(
      BASE_POLICY,
      '  targets:\n    - { table: public.customer, percent: 10 }\n',
    );
    const estimate = await plan(policy);
    const { database, summary } = await snapshot(policy);
    await expectEveryForeignKeyJoins(database);

    const sourceCounts = await rowCounts(PAGILA_DATABASE);
    const counts = await rowCounts(database);
    expect(counts['public.customer']).toBeGreaterThan(0.07 * (sourceCounts['public.customer'] ?? 0));
    expect(counts['public.customer']).toBeLessThan(0.13 * (sourceCounts['public.customer'] ?? 0));
    // Every rental and payment of a kept customer came along (children of targets are followed).
    const ids = await customerIds(database);
    const expected = await withClient(PAGILA_DATABASE, async (c) => ({
      rentals: Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM rental WHERE customer_id = ANY($1)', [ids]))
          .rows[0]?.n,
      ),
      payments: Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM payment WHERE customer_id = ANY($1)', [ids]))
          .rows[0]?.n,
      ),
    }));
    const payments = Object.entries(counts)
      .filter(([name]) => name.startsWith('public.payment_p'))
      .reduce((n, [, rows]) => n + rows, 0);
    expect(counts['public.rental']).toBe(expected.rentals);
    expect(payments).toBe(expected.payments);
    // Unrelated tables are not pulled in; the catalogue is only as large as the rentals need.
    expect(counts['public.actor']).toBe(0);
    expect(counts['public.film']).toBeLessThan(sourceCounts['public.film'] ?? 0);

    // The plan's estimate is exact for rows (same data, same seed) and the summary reports it too.
    expect(estimate.totalRows).toBe(sum(counts));
    expect(summary.subset?.totalRows).toBe(sum(counts));
    expect(summary.totalRows).toBe(sum(counts));
    expect(estimate.pulls.find((p) => p.from === 'public.customer' && p.to === 'public.rental')?.rows).toBe(
      expected.rentals,
    );
  });

  it('one customer and everything about them', async () => {
    const policy = await policyWithSubset(
      BASE_POLICY,
      '  targets:\n    - { table: public.customer, where: "customer_id = 42" }\n',
    );
    const { database } = await snapshot(policy);
    await expectEveryForeignKeyJoins(database);
    expect(await customerIds(database)).toEqual([42]);
    const [rentals, payments] = await withClient(PAGILA_DATABASE, async (c) => [
      Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM rental WHERE customer_id = 42')).rows[0]?.n,
      ),
      Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM payment WHERE customer_id = 42')).rows[0]?.n,
      ),
    ]);
    expect(rentals).toBeGreaterThan(0);
    const counts = await withClient(database, async (c) => ({
      rentals: Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM rental')).rows[0]?.n),
      payments: Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM payment')).rows[0]?.n),
      otherRentals: Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM rental WHERE customer_id <> 42')).rows[0]?.n,
      ),
    }));
    expect(counts).toEqual({ rentals, payments, otherRentals: 0 });
  });

  it('verify of a subset, from its manifest or its policy: clean, row counts held to what the run recorded', async () => {
    const policy = await policyWithSubset(
      BASE_POLICY,
      '  targets:\n    - { table: public.customer, where: "customer_id < 60" }\n',
    );
    const dir = await mkdtemp(join(tmpdir(), 'lookalike-subset-'));
    try {
      const manifest = join(dir, 'manifest.json');
      const { database } = await snapshot(policy, ['--manifest-out', manifest]);
      const verify = (flags: readonly string[]) =>
        runLookalike(
          ['verify', '--source', source, '--target', databaseUrl(database), '--format', 'json', ...flags],
          {
            LOOKALIKE_SECRET: SECRET,
          },
        );
      for (const flags of [
        ['--manifest', manifest],
        ['--policy', policy],
      ]) {
        const result = await verify(flags);
        const report = JSON.parse(result.stdout) as {
          status: string;
          integrity: { checks: { check: string; status: string }[] };
        };
        expect(
          report.integrity.checks.filter((c) => c.status !== 'passed'),
          flags[0],
        ).toEqual([]);
        expect(report.integrity.checks.some((c) => c.check === 'foreign_key')).toBe(true);
        // The manifest recorded each table's rows: the target is held to them. A policy cannot know them.
        expect(
          report.integrity.checks.some((c) => c.check === 'row_count'),
          flags[0],
        ).toBe(flags[0] === '--manifest');
        expect(report.status).toBe('clean');
        expect(result.exitCode).toBe(0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a row budget: never over it, within the tolerance, the same rows for the same seed', async () => {
    const policy = await policyWithSubset(BASE_POLICY, '  targets:\n    - { table: public.customer }\n');
    const budget = 3000;
    const estimate = await plan(policy, ['--max-rows', String(budget)]);
    expect(estimate.totalRows).toBeLessThanOrEqual(budget);
    expect(estimate.totalRows).toBeGreaterThanOrEqual(0.9 * budget);
    expect(estimate.budget).toMatchObject({ maxRows: budget, withinTolerance: true });
    expect(estimate.scale).toBeLessThan(1);
    expect(estimate.attempts.length).toBeLessThanOrEqual(9);
    expect(estimate.attempts.some((a) => !a.fits)).toBe(true);

    const { database } = await snapshot(policy, ['--max-rows', String(budget)]);
    await expectEveryForeignKeyJoins(database);
    expect(sum(await rowCounts(database))).toBe(estimate.totalRows);

    const again = await plan(policy, ['--max-rows', String(budget)]);
    expect(again.tables).toEqual(estimate.tables);
    const otherSeed = await plan(policy, ['--max-rows', String(budget), '--seed', 'another']);
    expect(otherSeed.totalRows).toBeLessThanOrEqual(budget);
    expect(otherSeed.tables).not.toEqual(estimate.tables);
  });

  it('a size budget: the estimate is within tolerance of the copied row data', async () => {
    const policy = await policyWithSubset(BASE_POLICY, '  targets:\n    - { table: public.customer }\n');
    const estimate = await plan(policy, ['--max-bytes', '400kB']);
    expect(estimate.totalBytes).toBeLessThanOrEqual(400_000);
    expect(estimate.totalBytes).toBeGreaterThanOrEqual(0.9 * 400_000);
    const { database } = await snapshot(policy, ['--max-bytes', '400kB']);
    await expectEveryForeignKeyJoins(database);
    const actual = await rowDataBytes(database);
    // Substituted values (names, emails) differ in length from the real ones: allow 10%.
    expect(Math.abs(actual - estimate.totalBytes) / estimate.totalBytes).toBeLessThan(0.1);
  });

  it('suppression by keyed hash and by value removes the rows, their children, and reports the count', async () => {
    const key = suppressionKey(new Secret(Buffer.from(SECRET, 'utf8')));
    const [email] = await withClient(PAGILA_DATABASE, async (c) =>
      (await c.query<{ email: string }>('SELECT email FROM customer WHERE customer_id = 2')).rows.map(
        (r) => r.email,
      ),
    );
    const policy = await policyWithSubset(
      BASE_POLICY,
      [
        '  targets:',
        '    - { table: public.customer, where: "customer_id IN (1, 2, 3, 4)" }',
        '  suppress:',
        `    - { table: public.customer, column: email, hashes: ["${suppressionHash(key, email ?? '')}"] }`,
        '    - { table: public.customer, column: customer_id, values: ["4"] }',
        '',
      ].join('\n'),
    );
    const { estimate, stdout, suppress } = await planJson(policy);
    // The printed plan counts the suppression list; the people on it are not shown.
    const hash = suppressionHash(key, email ?? '');
    expect(stdout).not.toContain(hash);
    expect(suppress).toEqual([
      { table: 'public.customer', column: 'email', values: 0, hashes: 1 },
      { table: 'public.customer', column: 'customer_id', values: 1, hashes: 0 },
    ]);
    const { database } = await snapshot(policy);
    await expectEveryForeignKeyJoins(database);
    expect(await customerIds(database)).toEqual([1, 3]);

    const referencing = await withClient(PAGILA_DATABASE, async (c) => {
      const q = async (sql: string): Promise<number> =>
        Number((await c.query<{ n: string }>(sql)).rows[0]?.n);
      return (
        (await q('SELECT count(*) AS n FROM rental WHERE customer_id IN (2, 4)')) +
        (await q(
          `SELECT count(*) AS n FROM payment WHERE customer_id IN (2, 4)
              OR rental_id IN (SELECT rental_id FROM rental WHERE customer_id IN (2, 4))`,
        ))
      );
    });
    const excluded = estimate.excluded.reduce((n, e) => n + e.listed + e.referencing, 0);
    expect(estimate.excluded.find((e) => e.table === 'public.customer')).toMatchObject({ listed: 2 });
    expect(excluded).toBe(2 + referencing);
    const leaked = await withClient(database, async (c) =>
      Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM rental WHERE customer_id IN (2, 4)')).rows[0]
          ?.n,
      ),
    );
    expect(leaked).toBe(0);
  });

  it('refuses a subset that names an unknown table, before any data moves', async () => {
    const policy = await policyWithSubset(
      BASE_POLICY,
      '  targets:\n    - { table: public.nope, percent: 5 }\n',
    );
    const result = await runLookalike(['plan', '--source', source, '--policy', policy], {});
    expect(result.exitCode).toBe(2); // policy_unknown_table: fix the policy
    expect(result.stderr).toContain('public.nope');
  });

  it('refuses budget flags without a subset section', async () => {
    const result = await runLookalike([
      'plan',
      '--source',
      source,
      '--policy',
      BASE_POLICY,
      '--max-rows',
      '10',
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('subset');
  });
});

describe("a subset's leak scan knows every real value, not only the subset's (real PostgreSQL)", () => {
  let database: string;
  let dir: string;
  const policyText = (body: string) => `version: 1
tables:
  public.customer:
    columns:
      id: keep
      email: { action: substitute, entity: email }
  public.note:
    columns:
      id: keep
      customer_id: keep
      body: ${body}
subset:
  targets:
    - { table: public.customer, where: "id <= 3" }
`;
  afterAll(async () => {
    if (database !== undefined) await dropDatabase(database);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    database = await createDatabase('subset_leak_src');
    dir = await mkdtemp(join(tmpdir(), 'lookalike-subset-leak-'));
    await withClient(database, (c) =>
      c.query(`CREATE TABLE customer (id int PRIMARY KEY, email text NOT NULL);
               INSERT INTO customer SELECT g, 'member' || g || '@subset-leak.example' FROM generate_series(1, 200) g;
               CREATE TABLE note (id int PRIMARY KEY, customer_id int REFERENCES customer, body text);
               INSERT INTO note SELECT g, g, 'called about the order' FROM generate_series(1, 200) g;
               UPDATE note SET body = 'forwarded to member150@subset-leak.example' WHERE id = 2;
               ANALYZE;`),
    );
  });

  it('a kept note quoting the e-mail of a customer outside the subset is a leak: not delivered', async () => {
    const run = async (body: string) => {
      const policy = join(dir, `${body.replace(/\W+/g, '-')}.yaml`);
      await writeFile(policy, policyText(body));
      const target = await createDatabase('subset_leak_dst');
      targets.push(target);
      const result = await runLookalike(
        [
          'snapshot',
          '--source',
          databaseUrl(database),
          '--target',
          databaseUrl(target),
          '--policy',
          policy,
          '--format',
          'json',
        ],
        { LOOKALIKE_SECRET: SECRET },
      );
      return { result, target };
    };
    const kept = await run('keep');
    expect(kept.result.stderr).toContain('[leak_found]');
    expect(kept.result.stderr).toContain('public.note.body');
    expect(kept.result.exitCode).toBe(1);
    expect(kept.result.stdout + kept.result.stderr).not.toContain('member150@');
    expect(
      await withClient(
        kept.target,
        async (c) =>
          (await c.query<{ t: string | null }>(`SELECT to_regclass('public.note') AS t`)).rows[0]?.t,
      ),
    ).toBeNull();
    // Redacted, the same note is delivered clean: 3 customers and their 3 notes.
    const redacted = await run('redact_text');
    expect(redacted.result.exitCode).toBe(0);
    const summary = JSON.parse(redacted.result.stdout) as {
      totalRows: number;
      verification: { status: string };
    };
    expect(summary.verification.status).toBe('clean');
    expect(summary.totalRows).toBe(6);
  });
  it('a source beyond the load index: the subset indexes its own rows, and verifies as before', async () => {
    const policy = join(dir, 'redacted.yaml');
    await writeFile(policy, policyText('redact_text'));
    const target = await createDatabase('subset_leak_budget');
    targets.push(target);
    const phases: string[] = [];
    const summary = await runSnapshot({
      source: createPgSource(databaseUrl(database)),
      target: createPgSink(databaseUrl(target)),
      policy: await loadPolicy(policy),
      selection: { schemas: [], tables: [] },
      secret: new Secret(Buffer.from(SECRET)),
      batchRows: 50,
      signal: new AbortController().signal,
      logger: silentLogger,
      // 200 customers' e-mails and notes project to 400 values, past 3× 50: the whole source is not tried.
      leakScanBudget: 50,
      onEvent: (event) => {
        if (event.type === 'phase') phases.push(event.phase);
      },
    });
    expect(phases).toContain('index_values');
    expect(summary.verification.status).toBe('clean');
    expect(summary.totalRows).toBe(6);
    expect(summary.verification.integrity.checks.some((c) => c.check === 'null_count')).toBe(true);
  });
});
