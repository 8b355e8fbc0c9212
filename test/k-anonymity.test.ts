import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

/**
 * k-anonymity over declared quasi-identifiers (birth_date, zip, sex), on real PostgreSQL. Twelve patients
 * in three groups; the figures below are counted by hand from these rows.
 *
 *  raw (source):                 11 classes (rows 8 and 9 share every quasi-identifier), smallest 1,
 *                                with k = 3: 11 classes / 12 rows below k
 *  year + 3-digit zip prefix:    3 classes (1980·101·F ×4, 1975·201·M ×3, 1990·803·F ×5), smallest 3
 *  year + 4-digit zip prefix:    4 classes (1980·1011·F ×3, 1980·1017·F ×1, 1975·2014·M ×3,
 *                                1990·8033·F ×5), smallest 1, 1 class / 1 row below k
 */
const ROWS: readonly (readonly [number, string, string, string, string])[] = [
  [1, 'Anna Berg', '1980-02-03', '10115', 'F'],
  [2, 'Clara Dorn', '1980-05-17', '10117', 'F'],
  [3, 'Eva Falk', '1980-07-21', '10119', 'F'],
  [4, 'Greta Hahn', '1980-11-30', '10178', 'F'],
  [5, 'Ivo Jung', '1975-01-09', '20144', 'M'],
  [6, 'Karl Lenz', '1975-06-14', '20146', 'M'],
  [7, 'Max Nagel', '1975-12-01', '20148', 'M'],
  [8, 'Olga Popp', '1990-03-03', '80331', 'F'],
  [9, 'Rita Sommer', '1990-03-03', '80331', 'F'],
  [10, 'Tina Ulm', '1990-08-08', '80333', 'F'],
  [11, 'Uta Vogt', '1990-09-09', '80335', 'F'],
  [12, 'Vera Wolf', '1990-10-10', '80336', 'F'],
];

function policy(zipPrefix: number, extra = ''): string {
  return `version: 1
tables:
  public.patient:
    quasi_identifiers: [birth_date, zip, sex]
    k: 3
${extra}    columns:
      id: keep
      full_name: { action: substitute, entity: full_name }
      birth_date: { action: generalize, to: year }
      zip: { action: generalize, prefix: ${zipPrefix} }
      sex: keep
`;
}

interface Figures {
  rows: number;
  classes: number;
  smallestClass: number;
  classesBelowK: number;
  rowsBelowK: number;
}
interface Figure {
  table: string;
  quasiIdentifiers: string[];
  k: number | null;
  mode: string;
  reached: boolean | null;
  target: Figures;
  source: Figures | null;
}
interface Output {
  verification?: { status: string; kAnonymity?: Figure[] };
  error?: { code: string; message: string; details: { items?: string[] } };
}

const ENV = { LOOKALIKE_SECRET: testSecret('kanon') };
const SOURCE_FIGURES: Figures = {
  rows: 12,
  classes: 11,
  smallestClass: 1,
  classesBelowK: 11,
  rowsBelowK: 12,
};

let source: string;
let dir: string;
const targets: string[] = [];

beforeAll(async () => {
  source = await createDatabase('kanon_src');
  dir = await mkdtemp(join(tmpdir(), 'lookalike-kanon-'));
  await withClient(source, async (c) => {
    await c.query(`CREATE TABLE patient (id integer PRIMARY KEY, full_name text NOT NULL,
      birth_date date NOT NULL, zip text NOT NULL, sex text NOT NULL)`);
    for (const row of ROWS) await c.query('INSERT INTO patient VALUES ($1, $2, $3, $4, $5)', [...row]);
  });
});
afterAll(async () => {
  await dropDatabase(source);
  for (const target of targets) await dropDatabase(target);
  await rm(dir, { recursive: true, force: true });
});

async function snapshot(
  policyText: string,
  name: string,
  extra: string[] = [],
): Promise<{ exitCode: number; output: Output; stdout: string; stderr: string; target: string }> {
  const target = await createDatabase('kanon_dst');
  targets.push(target);
  const file = join(dir, `${name}.policy.yaml`);
  await writeFile(file, policyText);
  const result = await runLookalike(
    [
      'snapshot',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(target),
      '--policy',
      file,
      ...extra,
    ],
    ENV,
  );
  const output = extra.includes('json') ? (JSON.parse(result.stdout) as Output) : {};
  return { ...result, output, target };
}

async function userTables(database: string): Promise<number> {
  return withClient(database, async (c) =>
    Number(
      (
        await c.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname = 'public'",
        )
      ).rows[0]?.n,
    ),
  );
}

function expectNoValues(text: string): void {
  for (const [, name, birth, zip] of ROWS) {
    expect(text).not.toContain(name);
    expect(text).not.toContain(birth);
    expect(text).not.toContain(zip);
  }
}

describe('k-anonymity over declared quasi-identifiers (real PostgreSQL)', () => {
  it('generalizing birth dates to the year and zips to 3 digits reaches k=3: delivered, figures as counted by hand', async () => {
    const manifest = join(dir, 'manifest.json');
    const run = await snapshot(policy(3), 'reaches', ['--format', 'json', '--manifest-out', manifest]);
    expect(run.stderr).not.toContain('lookalike:');
    expect(run.exitCode).toBe(0);
    expect(run.output.verification?.status).toBe('clean');
    const expected: Figure = {
      table: 'public.patient',
      quasiIdentifiers: ['birth_date', 'zip', 'sex'],
      k: 3,
      mode: 'enforce',
      reached: true,
      target: { rows: 12, classes: 3, smallestClass: 3, classesBelowK: 0, rowsBelowK: 0 },
      source: SOURCE_FIGURES,
    };
    expect(run.output.verification?.kAnonymity).toEqual([expected]);
    // The target holds the classes the report counted.
    const sizes = await withClient(run.target, async (c) =>
      (
        await c.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM patient GROUP BY birth_date, zip, sex ORDER BY 1',
        )
      ).rows.map((r) => r.n),
    );
    expect(sizes).toEqual([3, 4, 5]);
    // The manifest carries the figures and the declaration (counts and names only).
    const file = JSON.parse(await readFile(manifest, 'utf8')) as {
      manifest: {
        verification: { kAnonymity?: Figure[] };
        tables: { table: { name: string }; kAnonymity?: unknown }[];
      };
    };
    expect(file.manifest.verification.kAnonymity).toEqual([expected]);
    expect(file.manifest.tables.find((t) => t.table.name === 'patient')?.kAnonymity).toEqual({
      quasiIdentifiers: ['birth_date', 'zip', 'sex'],
      k: 3,
      mode: 'enforce',
    });
    expectNoValues(run.stdout + run.stderr + (await readFile(manifest, 'utf8')));

    // `lookalike verify --policy` on the delivered target counts the same classes.
    const file2 = join(dir, 'reaches.policy.yaml');
    const verify = await runLookalike(
      [
        'verify',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(run.target),
        '--policy',
        file2,
        '--format',
        'json',
      ],
      ENV,
    );
    expect(verify.exitCode).toBe(0);
    expect((JSON.parse(verify.stdout) as { kAnonymity?: Figure[] }).kAnonymity).toEqual([expected]);
  });

  it('a 4-digit zip prefix leaves a class of 1: not delivered, the target stays empty, the error names table and columns', async () => {
    const run = await snapshot(policy(4), 'misses', ['--format', 'json']);
    expect(run.exitCode).toBe(1);
    expect(run.output.error?.code).toBe('verification_failed');
    expect(run.output.error?.message).toContain(
      'k-anonymity not reached: public.patient (birth_date, zip, sex): smallest class 1 < k=3',
    );
    expect(run.output.error?.details.items).toEqual([
      'k-anonymity: public.patient (birth_date, zip, sex): k=3 not reached: 4 class(es) over 12 row(s), smallest 1, 1 row(s) in 1 class(es) below 3; source: 11 class(es), smallest 1, 12 row(s) below k',
    ]);
    expect(await userTables(run.target)).toBe(0);
    expectNoValues(run.stdout + run.stderr);
  });

  it('with k_anonymity: report the same miss is delivered with a warning and the figures', async () => {
    const json = await snapshot(policy(4, '    k_anonymity: report\n'), 'report', ['--format', 'json']);
    expect(json.exitCode).toBe(0);
    expect(json.output.verification?.status).toBe('clean');
    expect(json.output.verification?.kAnonymity).toEqual([
      {
        table: 'public.patient',
        quasiIdentifiers: ['birth_date', 'zip', 'sex'],
        k: 3,
        mode: 'report',
        reached: false,
        target: { rows: 12, classes: 4, smallestClass: 1, classesBelowK: 1, rowsBelowK: 1 },
        source: SOURCE_FIGURES,
      },
    ]);
    expect(await userTables(json.target)).toBe(1);
    // `lookalike verify` with the enforcing policy refuses the same target: exit 1, k_anonymity_failed.
    const enforcing = join(dir, 'enforcing.policy.yaml');
    await writeFile(enforcing, policy(4));
    const verify = await runLookalike(
      [
        'verify',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(json.target),
        '--policy',
        enforcing,
        '--format',
        'json',
      ],
      ENV,
    );
    expect(verify.exitCode).toBe(1);
    expect((JSON.parse(verify.stdout) as { status: string }).status).toBe('k_anonymity_failed');
    const text = await snapshot(policy(4, '    k_anonymity: report\n'), 'report-text');
    expect(text.exitCode).toBe(0);
    expect(text.stderr).toContain(
      'k-anonymity (warning, report only): public.patient (birth_date, zip, sex): k=3 not reached: 4 class(es) over 12 row(s), smallest 1',
    );
    expectNoValues(text.stdout + text.stderr);
  });
});

describe('k-anonymity with a row filter and a partitioned table (real PostgreSQL)', () => {
  let filtered: string;
  beforeAll(async () => {
    filtered = await createDatabase('kanon_part_src');
    await withClient(filtered, async (c) => {
      await c.query(`CREATE TABLE patient (id integer PRIMARY KEY, full_name text NOT NULL,
        birth_date date NOT NULL, zip text NOT NULL, sex text NOT NULL)`);
      await c.query(`CREATE TABLE visit (id integer, birth_date date NOT NULL, zip text NOT NULL,
        sex text NOT NULL, PRIMARY KEY (id, sex)) PARTITION BY LIST (sex)`);
      await c.query(`CREATE TABLE visit_f PARTITION OF visit FOR VALUES IN ('F')`);
      await c.query(`CREATE TABLE visit_m PARTITION OF visit FOR VALUES IN ('M')`);
      for (const [id, name, birth, zip, sex] of ROWS) {
        await c.query('INSERT INTO patient VALUES ($1, $2, $3, $4, $5)', [id, name, birth, zip, sex]);
        await c.query('INSERT INTO visit VALUES ($1, $2, $3, $4)', [id, birth, zip, sex]);
      }
    });
  });
  afterAll(async () => {
    await dropDatabase(filtered);
  });

  it('counts the source over the filtered rows and a partitioned table over all its partitions', async () => {
    const target = await createDatabase('kanon_part_dst');
    targets.push(target);
    const file = join(dir, 'filtered.policy.yaml');
    await writeFile(
      file,
      `version: 1
tables:
  public.patient:
    where: "sex = 'F'"
    quasi_identifiers: [birth_date, zip, sex]
    k: 3
    columns:
      id: keep
      full_name: { action: substitute, entity: full_name }
      birth_date: { action: generalize, to: year }
      zip: { action: generalize, prefix: 3 }
      sex: keep
  public.visit:
    quasi_identifiers: [birth_date, zip, sex]
    k: 3
    columns:
      birth_date: { action: generalize, to: year }
      zip: { action: generalize, prefix: 3 }
      "*": keep
`,
    );
    const run = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(filtered),
        '--target',
        databaseUrl(target),
        '--policy',
        file,
        '--format',
        'json',
      ],
      ENV,
    );
    expect(run.stderr).not.toContain('lookalike:');
    expect(run.exitCode).toBe(0);
    const figures = (JSON.parse(run.stdout) as Output).verification?.kAnonymity ?? [];
    // Women only: rows 1–4 and 8–12; raw, rows 8 and 9 share a class (8 classes), generalized 4 + 5.
    expect(figures.find((f) => f.table === 'public.patient')).toMatchObject({
      reached: true,
      target: { rows: 9, classes: 2, smallestClass: 4, classesBelowK: 0, rowsBelowK: 0 },
      source: { rows: 9, classes: 8, smallestClass: 1, classesBelowK: 8, rowsBelowK: 9 },
    });
    // Both partitions together: the same 3 classes as the plain table, not one count per partition.
    expect(figures.find((f) => f.table === 'public.visit')).toMatchObject({
      reached: true,
      target: { rows: 12, classes: 3, smallestClass: 3, classesBelowK: 0, rowsBelowK: 0 },
      source: SOURCE_FIGURES,
    });
    expect(figures.map((f) => f.table).sort()).toEqual(['public.patient', 'public.visit']);
  });
});
