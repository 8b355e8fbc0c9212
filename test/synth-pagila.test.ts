import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { createDatabase, databaseUrl, dropDatabase, loadPagila, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'examples/pagila.policy.yaml';

async function constraintCount(database: string): Promise<number> {
  return withClient(database, async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
        WHERE n.nspname = 'public' AND con.convalidated`,
    );
    return Number(r.rows[0]?.n);
  });
}

async function column(database: string, sql: string): Promise<string[]> {
  return withClient(database, async (c) => (await c.query<{ v: string }>(sql)).rows.map((r) => r.v));
}

describe('synth on pagila (real PostgreSQL)', () => {
  // An own copy of pagila: other suites may drop and reload the shared one while this runs.
  let source: string;
  const targets: string[] = [];
  const modelFile = join(tmpdir(), `lk-synth-model-${process.pid}.json`);
  let full: string;
  let tenth: string;
  let fullSummary: { status: string; totalRows: number; tables: { table: string; rows: number }[] };

  const synth = async (target: string, scale: string): Promise<typeof fullSummary> => {
    const result = await runLookalike([
      'synth',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(target),
      '--policy',
      POLICY,
      '--scale',
      scale,
      '--seed',
      '7',
      '--format',
      'json',
    ]);
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    return JSON.parse(result.stdout) as typeof fullSummary;
  };

  beforeAll(async () => {
    source = await createDatabase('synth_src');
    await loadPagila(source);
    full = await createDatabase('synth_full');
    tenth = await createDatabase('synth_tenth');
    targets.push(full, tenth);
    fullSummary = await synth(full, '1');
    await synth(tenth, '0.1');
  });

  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
    if (source !== undefined) await dropDatabase(source);
    await rm(modelFile, { force: true });
  });

  it('loads every table at scale 1 with every constraint created and valid, and foreign keys that join', async () => {
    expect(fullSummary.status).toBe('completed');
    expect(await constraintCount(full)).toBe(await constraintCount(source));
    const orphans = (await checkForeignKeys(full)).filter((c) => c.orphans > 0);
    expect(orphans).toEqual([]);
    const counts = await column(full, 'SELECT count(*)::text AS v FROM rental');
    expect(Number(counts[0])).toBe(
      await withClient(source, async (c) =>
        Number((await c.query('SELECT count(*) AS n FROM rental')).rows[0].n),
      ),
    );
  });

  it('loads at scale 0.1 with valid constraints and about a tenth of the rows', async () => {
    expect(await constraintCount(tenth)).toBe(await constraintCount(source));
    expect((await checkForeignKeys(tenth)).filter((c) => c.orphans > 0)).toEqual([]);
    const [rentals] = await column(tenth, 'SELECT count(*)::text AS v FROM rental');
    expect(Number(rentals)).toBeGreaterThan(1400);
    expect(Number(rentals)).toBeLessThan(1800);
  });

  it('keeps dates in order and NULLs where the real data has them', async () => {
    const [before] = await column(
      full,
      'SELECT count(*)::text AS v FROM rental WHERE return_date < rental_date',
    );
    expect(before).toBe('0');
    const share = async (db: string): Promise<number> =>
      Number((await column(db, 'SELECT avg((return_date IS NULL)::int)::text AS v FROM rental'))[0]);
    const realShare = await share(source);
    expect(realShare).toBeGreaterThan(0);
    expect(Math.abs((await share(full)) - realShare)).toBeLessThan(0.01);
    // NOT NULL columns never get NULLs (the load would fail), and dates stay within the real range.
    const [outside] = await column(
      full,
      `SELECT count(*)::text AS v FROM rental WHERE rental_date < '2022-01-01' OR rental_date > '2023-01-01'`,
    );
    expect(outside).toBe('0');
  });

  it('generates personal columns as fakes: no real email or name reaches the target', async () => {
    const realEmails = new Set(await column(source, 'SELECT email AS v FROM customer'));
    const realNames = new Set(
      await column(source, "SELECT first_name || ' ' || last_name AS v FROM customer"),
    );
    const emails = await column(full, 'SELECT email AS v FROM customer');
    const names = await column(full, "SELECT first_name || ' ' || last_name AS v FROM customer");
    expect(emails.length).toBeGreaterThan(500);
    expect(emails.filter((e) => realEmails.has(e))).toEqual([]);
    expect(names.filter((n) => realNames.has(n))).toEqual([]);
    // One fake person per row: a staff member's email and username are built from their own name.
    const staff = await withClient(
      full,
      async (c) =>
        (
          await c.query<{ f: string; l: string; e: string; u: string }>(
            'SELECT first_name AS f, last_name AS l, email AS e, username AS u FROM staff',
          )
        ).rows,
    );
    const handle = (f: string, l: string): string =>
      `${f}.${l}`
        .normalize('NFD')
        .replace(/[^A-Za-z.]/g, '')
        .toLowerCase();
    expect(staff.length).toBeGreaterThan(0);
    for (const row of staff) {
      expect(row.e.startsWith(handle(row.f, row.l))).toBe(true);
      expect(row.u.startsWith(handle(row.f, row.l).slice(0, 16))).toBe(true);
    }
  });

  it('fits a model file with statistics only, then samples it into an empty target', async () => {
    const fitted = await runLookalike([
      'synth',
      'fit',
      '--source',
      databaseUrl(source),
      '--policy',
      POLICY,
      '--out',
      modelFile,
    ]);
    expect(fitted.exitCode).toBe(0);
    const text = await readFile(modelFile, 'utf8');
    expect(JSON.parse(text)).toMatchObject({
      formatVersion: 1,
      notice: expect.stringContaining('statistics only'),
    });
    for (const sql of [
      'SELECT email AS v FROM customer',
      'SELECT first_name AS v FROM customer',
      'SELECT last_name AS v FROM customer',
      'SELECT phone AS v FROM address',
      'SELECT address AS v FROM address',
    ]) {
      const leaked = (await column(source, sql)).filter(
        (v) => v !== null && v.length > 3 && text.includes(JSON.stringify(v)),
      );
      expect(leaked, sql).toEqual([]);
    }
    const sampled = await createDatabase('synth_model');
    targets.push(sampled);
    const result = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--target',
      databaseUrl(sampled),
      '--seed',
      '7',
      '--format',
      'json',
    ]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'completed',
      privacyFilters: { exactMatchFilter: false },
    });
    expect((await checkForeignKeys(sampled)).filter((c) => c.orphans > 0)).toEqual([]);
  });

  it('leaves a non-empty target untouched and the target empty on failure', async () => {
    const result = await runLookalike([
      'synth',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(full),
      '--policy',
      POLICY,
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('target_not_empty');
    const bad = await createDatabase('synth_bad');
    targets.push(bad);
    const failed = await runLookalike([
      'synth',
      'sample',
      '--model',
      join(tmpdir(), 'no-such-model.json'),
      '--target',
      databaseUrl(bad),
    ]);
    expect(failed.exitCode).toBe(2);
  });

  it('reports quality and privacy as JSON and a self-contained HTML page without values', async () => {
    const out = join(tmpdir(), `lk-synth-report-${process.pid}.html`);
    const result = await runLookalike([
      'synth',
      'report',
      '--real',
      databaseUrl(source),
      '--synthetic',
      databaseUrl(full),
      '--out',
      out,
      '--format',
      'json',
    ]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as {
      overallAllPairs: number;
      cardinality: number;
      privacy: { exactMatchRate: number };
      intertableTrendsAllPairs: number;
      bookkeeping: { included: boolean; excluded: { table: string; column: string; reason: string }[] };
      intertable: { name: string; pairs: { columns: [string, string] }[] }[];
    };
    // Without the policy, personal columns are scored as data (fakes against real names): with the stamps
    // left out, the only real intertable trend is staff address2 × last_name (~0), so the real-trend overall
    // is low here (0.62 on 2026-11-27; 0.92 when last_update × last_update pairs counted); all pairs stay high.
    expect(report.overallAllPairs).toBeGreaterThan(0.8);
    expect(report.cardinality).toBeGreaterThan(0.8);
    expect(report.privacy.exactMatchRate).toBe(0);
    // Bookkeeping stamps (pagila's last_update on every table) are left out of Intertable Trends, and listed.
    expect(report.bookkeeping.included).toBe(false);
    expect(report.bookkeeping.excluded).toContainEqual({
      table: 'public.rental',
      column: 'last_update',
      reason: 'bookkeeping_name',
    });
    expect(report.bookkeeping.excluded.map((c) => `${c.table}.${c.column}`)).toContain(
      'public.customer.create_date',
    );
    const pairedColumns = report.intertable.flatMap((r) => r.pairs.flatMap((p) => p.columns));
    expect(pairedColumns).not.toContain('last_update');
    expect(pairedColumns.length).toBeGreaterThan(0);
    const included = await runLookalike([
      'synth',
      'report',
      '--real',
      databaseUrl(source),
      '--synthetic',
      databaseUrl(full),
      '--include-bookkeeping',
      '--format',
      'json',
    ]);
    const withStamps = JSON.parse(included.stdout) as typeof report;
    expect(withStamps.bookkeeping).toEqual({ included: true, excluded: [] });
    const stampPairs = withStamps.intertable.flatMap((r) =>
      r.pairs.filter((p) => p.columns[0] === 'last_update' && p.columns[1] === 'last_update'),
    );
    expect(stampPairs.length).toBeGreaterThan(5);
    // With the policy, personal columns are left out of shapes; all-distinct text is scored on shape.
    const withPolicy = await runLookalike([
      'synth',
      'report',
      '--real',
      databaseUrl(source),
      '--synthetic',
      databaseUrl(full),
      '--policy',
      POLICY,
      '--format',
      'json',
    ]);
    const scored = JSON.parse(withPolicy.stdout) as {
      overall: number;
      tables: { table: string; columns: { column: string; metric: string; score: number }[] }[];
    };
    const film = scored.tables.find((t) => t.table === 'public.film');
    expect(film?.columns.find((c) => c.column === 'title')?.metric).toBe('text_shape');
    expect(film?.columns.find((c) => c.column === 'description')?.score).toBeGreaterThan(0.9);
    const customer = scored.tables.find((t) => t.table === 'public.customer');
    expect(customer?.columns.some((c) => c.column === 'email')).toBe(false);
    expect(scored.overall).toBeGreaterThan(0.9);
    const html = await readFile(out, 'utf8');
    await rm(out, { force: true });
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    const ratings = await column(source, 'SELECT DISTINCT rating::text AS v FROM film');
    expect(ratings.filter((r) => html.includes(`>${r}<`))).toEqual([]);
  });
});
