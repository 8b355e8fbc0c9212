import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

/** Reference tables (country, region, status) and one table of people that references them. */
const SOURCE_SQL = `
CREATE TABLE country (country_id serial PRIMARY KEY, name text NOT NULL, code char(2) NOT NULL UNIQUE);
CREATE TABLE region (
  region_id integer PRIMARY KEY,
  country_id integer NOT NULL REFERENCES country,
  name text NOT NULL
);
CREATE TABLE status (code text PRIMARY KEY, label text NOT NULL);
CREATE TABLE customer (
  id serial PRIMARY KEY,
  name text NOT NULL,
  country_id integer NOT NULL REFERENCES country,
  region_id integer REFERENCES region,
  status_code text NOT NULL REFERENCES status,
  spend numeric(10,2) NOT NULL
);
-- Keys that are not row numbers, and names each seen once (rarer than k): synthesis alone never keeps them.
INSERT INTO country (country_id, name, code) VALUES
  (101, 'Germany', 'DE'), (102, 'France', 'FR'), (103, 'Spain', 'ES'), (104, 'Portugal', 'PT'),
  (105, 'Tuvalu', 'TV'), (106, 'Nauru', 'NR'), (107, 'Palau', 'PW'), (108, 'Iceland', 'IS');
SELECT setval('country_country_id_seq', 108);
INSERT INTO region VALUES (11, 101, 'Bavaria'), (12, 101, 'Saxony'), (21, 102, 'Brittany'), (31, 103, 'Aragon');
INSERT INTO status VALUES ('A', 'active'), ('P', 'paused'), ('C', 'closed'), ('X', 'banned');
INSERT INTO customer (name, country_id, region_id, status_code, spend)
SELECT 'Real Person ' || g,
       CASE WHEN g % 10 < 5 THEN 101 WHEN g % 10 < 8 THEN 102 WHEN g % 10 < 9 THEN 103 ELSE 104 END,
       CASE WHEN g % 10 < 3 THEN 11 WHEN g % 10 < 5 THEN 12 WHEN g % 10 < 8 THEN 21 ELSE NULL END,
       CASE WHEN g % 7 = 0 THEN 'P' WHEN g % 13 = 0 THEN 'C' ELSE 'A' END,
       (g % 97) * 3.5
  FROM generate_series(1, 600) g;
ANALYZE;
`;

const COLUMNS = `
  public.customer:
    columns:
      id: keep
      name: { action: substitute, entity: full_name }
      country_id: keep
      region_id: keep
      status_code: keep
      spend: keep`;

const POLICY = `version: 1
strict: true
tables:
  public.country: { synth: copy, columns: { '*': keep } }
  public.region: { synth: copy, columns: { '*': keep } }
  public.status: { synth: copy, columns: { '*': keep } }
${COLUMNS}
`;

async function rows(database: string, sql: string): Promise<string[]> {
  return withClient(database, async (c) =>
    (await c.query<Record<string, unknown>>(sql)).rows.map((r) => JSON.stringify(r)),
  );
}

describe('synth: copy — reference tables copied as they are (real PostgreSQL)', () => {
  let source: string;
  const databases: string[] = [];
  const dir = join(tmpdir(), `lk-synref-${process.pid}`);
  const policyFile = `${dir}-policy.yaml`;
  const modelFile = `${dir}-model.json`;
  let target: string;
  let model: {
    notice: string;
    copiedTables?: string[];
    tables: { table: { name: string }; copy?: { rows: unknown[] } }[];
  };

  const database = async (prefix: string): Promise<string> => {
    const name = await createDatabase(prefix);
    databases.push(name);
    return name;
  };

  beforeAll(async () => {
    source = await database('synref_src');
    await withClient(source, (c) => c.query(SOURCE_SQL));
    await writeFile(policyFile, POLICY);
    const fit = await runLookalike([
      'synth',
      'fit',
      '--source',
      databaseUrl(source),
      '--policy',
      policyFile,
      '--seed',
      '5',
      '--out',
      modelFile,
    ]);
    expect(fit.stderr).not.toContain('lookalike:');
    expect(fit.exitCode).toBe(0);
    expect(fit.stdout + fit.stderr).toContain('reference tables copied as they are');
    model = JSON.parse(await readFile(modelFile, 'utf8')) as typeof model;
    target = await database('synref_dst');
    const sample = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(target),
      '--scale',
      '10',
      '--seed',
      '5',
      '--format',
      'json',
    ]);
    expect(sample.stderr).not.toContain('lookalike:');
    expect(sample.exitCode).toBe(0);
  }, 120_000);

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
    await rm(policyFile, { force: true });
    await rm(modelFile, { force: true });
  });

  it('the model file names the copied tables in its header and holds their rows only', () => {
    expect(model.copiedTables).toEqual(['public.country', 'public.region', 'public.status']);
    expect(model.notice).toContain('copiedTables');
    const byName = new Map(model.tables.map((t) => [t.table.name, t]));
    expect(byName.get('country')?.copy?.rows).toHaveLength(8);
    expect(byName.get('customer')?.copy).toBeUndefined();
    expect(JSON.stringify(model)).not.toContain('Real Person');
  });

  it('copied tables arrive identical, at any scale, and their sequence continues after the real keys', async () => {
    for (const [table, order] of [
      ['country', 'country_id'],
      ['region', 'region_id'],
      ['status', 'code'],
    ] as const) {
      const sql = `SELECT * FROM ${table} ORDER BY ${order}`;
      expect(await rows(target, sql)).toEqual(await rows(source, sql));
    }
    const next = await rows(target, "SELECT nextval('country_country_id_seq') AS n");
    expect(next).toEqual(['{"n":"109"}']);
  });

  it('synthesized children reference the real keys with the learned distribution, and every key joins', async () => {
    expect((await checkForeignKeys(target)).filter((c) => c.orphans > 0)).toEqual([]);
    const customers = await rows(target, 'SELECT count(*)::int AS n FROM customer');
    expect(customers).toEqual(['{"n":6000}']);
    const joined = await rows(
      target,
      `SELECT count(*)::int AS n FROM customer c JOIN country k USING (country_id) JOIN status s ON s.code = c.status_code`,
    );
    expect(joined).toEqual(['{"n":6000}']);
    const shares = await withClient(target, async (c) => {
      const r = await c.query<{ country_id: number; n: number }>(
        'SELECT country_id, count(*)::int AS n FROM customer GROUP BY 1',
      );
      return new Map(r.rows.map((x) => [x.country_id, x.n / 6000]));
    });
    // Source: 50 % Germany, 30 % France, 10 % Spain, 10 % Portugal; none in the small islands.
    expect(shares.get(101)).toBeGreaterThan(0.4);
    expect(shares.get(101)).toBeLessThan(0.6);
    expect(shares.get(102)).toBeGreaterThan(0.2);
    expect(shares.get(102)).toBeLessThan(0.4);
    expect([...shares.keys()].every((k) => [101, 102, 103, 104].includes(k))).toBe(true);
    const names = await rows(
      target,
      "SELECT count(*)::int AS n FROM customer WHERE name LIKE 'Real Person%'",
    );
    expect(names).toEqual(['{"n":0}']);
  });

  it('the report lists the copied tables as copied, outside the scores', async () => {
    const report = await runLookalike([
      'synth',
      'report',
      '--real',
      databaseUrl(source),
      '--synthetic',
      databaseUrl(target),
      '--policy',
      policyFile,
      '--format',
      'json',
    ]);
    expect(report.exitCode).toBe(0);
    const result = JSON.parse(report.stdout) as {
      copiedTables: { table: string; identical: boolean | null }[];
      tables: { table: string }[];
      relations: { child: string; parent: string }[];
    };
    expect(result.copiedTables).toEqual([
      { table: 'public.country', realRows: 8, syntheticRows: 8, identical: true },
      { table: 'public.region', realRows: 4, syntheticRows: 4, identical: true },
      { table: 'public.status', realRows: 4, syntheticRows: 4, identical: true },
    ]);
    expect(result.tables.map((t) => t.table)).toEqual(['public.customer']);
    // Foreign keys from the synthesized table into copied ones are scored; region → country is not.
    expect(result.relations.map((r) => `${r.child}>${r.parent}`).sort()).toEqual([
      'public.customer>public.country',
      'public.customer>public.region',
      'public.customer>public.status',
    ]);
  });

  it('conditions reach through copied parents; conditions on a copied table itself are refused', async () => {
    const conditioned = await database('synref_cond');
    const where = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--target',
      databaseUrl(conditioned),
      '--where',
      "customer: country_id.name = 'Portugal'",
    ]);
    expect(where.stderr).not.toContain('lookalike:');
    expect(where.exitCode).toBe(0);
    expect(await rows(conditioned, 'SELECT country_id, count(*)::int AS n FROM customer GROUP BY 1')).toEqual(
      ['{"country_id":104,"n":600}'],
    );
    expect(await rows(conditioned, 'SELECT count(*)::int AS n FROM country')).toEqual(['{"n":8}']);
    const refused = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--target',
      databaseUrl(await database('synref_cond_bad')),
      '--where',
      "country: name = 'Spain'",
    ]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('public.country is copied as it is (policy synth: copy)');
  });

  it('refuses to copy a table with a personal column, naming the table and the column', async () => {
    const bad = `${dir}-bad.yaml`;
    await writeFile(bad, POLICY.replace('  public.customer:\n', '  public.customer:\n    synth: copy\n'));
    try {
      const empty = await database('synref_bad');
      const result = await runLookalike([
        'synth',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(empty),
        '--policy',
        bad,
      ]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        'public.customer.name: synth: copy needs every column of public.customer kept',
      );
      expect(result.stderr).toContain('substitute(entity=full_name)');
      expect(result.stderr).not.toContain('Real Person');
      expect(
        await rows(empty, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'"),
      ).toEqual(['{"n":0}']);
    } finally {
      await rm(bad, { force: true });
    }
  });

  it('refuses to copy a kept column that holds personal values, and a table larger than a copy may be', async () => {
    const other = await database('synref_kept');
    await withClient(other, (c) =>
      c.query(`
        CREATE TABLE store (store_id integer PRIMARY KEY, city text NOT NULL, manager_email text NOT NULL);
        INSERT INTO store SELECT g, (ARRAY['Oslo','Graz','Split'])[1 + g % 3], 'manager' || g || '@shop-mail.example'
          FROM generate_series(1, 40) g;
        CREATE TABLE big_ref (id integer PRIMARY KEY, label text NOT NULL);
        INSERT INTO big_ref SELECT g, 'label ' || (g % 50) FROM generate_series(1, 100005) g;
        -- Never analysed: the planner's estimate (0) must not make a cut read look whole.`),
    );
    const keptFile = `${dir}-kept.yaml`;
    const bigFile = `${dir}-big.yaml`;
    const out = `${dir}-kept-model.json`;
    await writeFile(
      keptFile,
      "version: 1\ntables:\n  public.store: { synth: copy, columns: { '*': keep } }\n  public.big_ref: { skip: true, columns: { '*': keep } }\n",
    );
    await writeFile(
      bigFile,
      "version: 1\ntables:\n  public.big_ref: { synth: copy, columns: { '*': keep } }\n  public.store: { skip: true, columns: { '*': keep } }\n",
    );
    try {
      const fit = (policy: string) =>
        runLookalike(['synth', 'fit', '--source', databaseUrl(other), '--policy', policy, '--out', out]);
      const kept = await fit(keptFile);
      expect(kept.exitCode).toBe(2);
      expect(kept.stderr).toContain('public.store.manager_email: synth: copy would put');
      expect(kept.stderr).not.toContain('@shop-mail.example');
      const big = await fit(bigFile);
      expect(big.exitCode).toBe(2);
      expect(big.stderr).toContain('public.big_ref: synth: copy is for small reference tables');
      await expect(readFile(out, 'utf8')).rejects.toThrow();
    } finally {
      await rm(keptFile, { force: true });
      await rm(bigFile, { force: true });
      await rm(out, { force: true });
    }
  }, 120_000);

  it('refuses to copy a table that references a synthesized one (its keys would not exist)', async () => {
    const bad = `${dir}-bad-ref.yaml`;
    await writeFile(
      bad,
      POLICY.replace(
        "public.country: { synth: copy, columns: { '*': keep } }",
        "public.country: { columns: { '*': keep } }",
      ),
    );
    try {
      const result = await runLookalike([
        'synth',
        'fit',
        '--source',
        databaseUrl(source),
        '--policy',
        bad,
        '--out',
        `${dir}-unused.json`,
      ]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        'public.region.country_id: synth: copy needs the tables public.region references copied too',
      );
    } finally {
      await rm(bad, { force: true });
      await rm(`${dir}-unused.json`, { force: true });
    }
  });
});
