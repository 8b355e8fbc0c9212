import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataSql, demoSchemaSql } from '../src/demo/index.js';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  loadPagila,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import { silentLogger } from '../src/core/index.js';
import { createDetection } from '../src/detection/index.js';
import { runVerification, type SnapshotEvent } from '../src/pipeline/index.js';
import { loadPolicy } from '../src/policy/index.js';

const PAGILA_POLICY = 'examples/pagila.policy.yaml';

// An own copy of pagila: the shared one is dropped by other runs' global teardown.
let pagila: string;
beforeAll(async () => {
  pagila = await createDatabase('verify_pagila_src');
  await loadPagila(pagila);
});
afterAll(async () => {
  await dropDatabase(pagila);
});
const ENV = { LOOKALIKE_SECRET: testSecret('verify') };

interface Verification {
  status: string;
  leakScan: {
    totalLeaks: number;
    indexedValues: number;
    leaks: { table: string; column: string; path: string | null; kind: string; count: number }[];
    keptPersonalColumns: string[];
  };
  integrity: {
    passed: boolean;
    checks: {
      check: string;
      table: string;
      constraint?: string;
      status: string;
      method: string;
      found?: number;
    }[];
  };
}

async function one(database: string, sql: string): Promise<string> {
  return withClient(database, async (c) => String((await c.query<{ v: unknown }>(sql)).rows[0]?.v));
}

async function userTables(database: string): Promise<number> {
  return Number(
    await one(
      database,
      "SELECT count(*) AS v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname = 'public'",
    ),
  );
}

function verify(target: string, extra: string[] = ['--policy', PAGILA_POLICY]) {
  return runLookalike(
    [
      'verify',
      '--source',
      databaseUrl(pagila),
      '--target',
      databaseUrl(target),
      ...extra,
      '--format',
      'json',
    ],
    ENV,
  );
}

describe('verify on pagila (real PostgreSQL)', () => {
  let target: string;
  let dir: string;
  let snapshot: { exitCode: number; stdout: string; stderr: string };
  beforeAll(async () => {
    target = await createDatabase('verify_pagila');
    dir = await mkdtemp(join(tmpdir(), 'lookalike-verify-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'signing.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(join(dir, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    snapshot = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(pagila),
        '--target',
        databaseUrl(target),
        '--policy',
        PAGILA_POLICY,
        '--manifest-out',
        join(dir, 'manifest.json'),
        '--signing-key',
        join(dir, 'signing.pem'),
        '--format',
        'json',
      ],
      ENV,
    );
  });
  afterAll(async () => {
    await dropDatabase(target);
    await rm(dir, { recursive: true, force: true });
  });

  it('the snapshot verifies itself before the commit: clean, every integrity check passed', () => {
    expect(snapshot.stderr).not.toContain('lookalike:');
    expect(snapshot.exitCode).toBe(0);
    const verification = (JSON.parse(snapshot.stdout) as { verification: Verification }).verification;
    expect(verification.status).toBe('clean');
    expect(verification.leakScan.indexedValues).toBeGreaterThan(1000);
    expect(verification.integrity.checks.some((c) => c.check === 'foreign_key')).toBe(true);
    expect(verification.integrity.passed).toBe(true);
  });

  it('verify --policy passes on the delivered snapshot (exit 0)', async () => {
    const result = await verify(target);
    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as Verification).status).toBe('clean');
  });

  it('verify --manifest (signature checked with --public-key) passes too; a tampered manifest is refused', async () => {
    const manifest = join(dir, 'manifest.json');
    const withManifest = await verify(target, [
      '--manifest',
      manifest,
      '--public-key',
      join(dir, 'public.pem'),
    ]);
    expect(withManifest.exitCode).toBe(0);
    expect((JSON.parse(withManifest.stdout) as Verification).status).toBe('clean');
    const changed = join(dir, 'changed.json');
    await writeFile(
      changed,
      (await readFile(manifest, 'utf8')).replace('"rule": "rules[0] (bookkeeping)"', '"rule": "x"'),
    );
    const refused = await verify(target, ['--manifest', changed, '--public-key', join(dir, 'public.pem')]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('differs from what was signed');
  });

  it('finds leaks planted in a column, a JSON leaf and inside text; counts per column, no values', async () => {
    const email = await one(pagila, 'SELECT email AS v FROM customer WHERE customer_id = 7');
    const name = await one(
      pagila,
      "SELECT first_name || ' ' || last_name AS v FROM customer WHERE customer_id = 9",
    );
    const phone = await one(pagila, 'SELECT phone AS v FROM address WHERE address_id = 12');
    const other = await one(pagila, 'SELECT email AS v FROM customer WHERE customer_id = 8');
    const fake = await one(target, 'SELECT email AS v FROM customer WHERE customer_id = 7');
    const description = await one(target, 'SELECT description AS v FROM film WHERE film_id = 3');
    await withClient(target, async (c) => {
      await c.query('UPDATE customer SET email = $1 WHERE customer_id = 7', [email]);
      await c.query('UPDATE film SET description = $1 WHERE film_id = 3', [
        `${description} Ask ${name} on ${phone}.`,
      ]);
      await c.query('ALTER TABLE store ADD COLUMN extra jsonb');
      await c.query('UPDATE store SET extra = $1 WHERE store_id = 1', [
        JSON.stringify({ contact: { email: other }, note: 'none' }),
      ]);
    });
    try {
      const result = await verify(target);
      expect(result.exitCode).toBe(1);
      const report = JSON.parse(result.stdout) as Verification;
      expect(report.status).toBe('leak_found');
      const leaks = report.leakScan.leaks.map(
        (l) => `${l.table}.${l.column} ${l.path ?? '-'} ${l.kind} ${l.count}`,
      );
      expect(leaks).toEqual(
        expect.arrayContaining([
          'public.customer.email - email 1',
          'public.film.description - name 1',
          'public.film.description - phone 1',
          'public.store.extra $.contact.email email 1',
        ]),
      );
      for (const value of [email, name, phone, other]) {
        expect(result.stdout).not.toContain(value);
        expect(result.stderr).not.toContain(value);
      }
      expect(result.stderr).toContain('public.customer.email: 1 real email value(s)');
      // An index too small for the source: the scan runs in passes over keyed shares and finds the same.
      const events: SnapshotEvent[] = [];
      const split = await runVerification({
        source: createPgSource(databaseUrl(pagila)),
        target: createPgSink(databaseUrl(target)),
        policy: await loadPolicy(PAGILA_POLICY),
        detection: await createDetection({ packageRoot: process.cwd() }),
        selection: { schemas: [], tables: [] },
        batchRows: 500,
        signal: new AbortController().signal,
        logger: silentLogger,
        leakScanCapacity: 1_000,
        onEvent: (event) => events.push(event),
      });
      expect(split.leakScan.passes).toBeGreaterThan(2);
      // Progress as a snapshot reports it: the phases, then every pass's reads of both sides, counts only.
      expect(events.filter((e) => e.type === 'phase').map((e) => e.phase)).toEqual([
        'introspect',
        'plan',
        'verify',
        'integrity',
      ]);
      const reads = events.filter((e) => e.type === 'read_progress');
      expect(reads.every((e) => e.phase === 'verify')).toBe(true);
      const customer = (side: 'source' | 'target') =>
        reads.filter((e) => e.side === side && e.table.name === 'customer');
      expect(customer('source').at(-1)?.estimatedRows).toBeGreaterThan(0);
      // Each pass reads the table on both sides, its count starting over; the source is read once more
      // first, to measure it. (A pass that overflows starts the scan again in more: at least `passes`.)
      const readsOf = (side: 'source' | 'target') =>
        customer(side).filter((e, i, all) => i === 0 || e.rows < (all[i - 1]?.rows ?? 0)).length;
      expect(readsOf('target')).toBeGreaterThanOrEqual(split.leakScan.passes);
      expect(readsOf('source')).toBe(readsOf('target') + 1);
      for (const side of ['source', 'target'] as const)
        expect(Math.max(...customer(side).map((e) => e.rows))).toBe(599);
      expect(JSON.stringify(events)).not.toContain(email);
      expect(split.leakScan.droppedValues).toBe(0);
      expect(split.leakScan.indexedValues).toBe(report.leakScan.indexedValues);
      const splitLeaks = split.leakScan.leaks.map(
        (l) => `${l.table}.${l.column} ${l.path ?? '-'} ${l.kind} ${l.count}`,
      );
      expect(splitLeaks.sort()).toEqual([...leaks].sort());
    } finally {
      await withClient(target, async (c) => {
        await c.query('UPDATE customer SET email = $1 WHERE customer_id = 7', [fake]);
        await c.query('UPDATE film SET description = $1 WHERE film_id = 3', [description]);
        await c.query('ALTER TABLE store DROP COLUMN extra');
      });
    }
  });

  it('finds broken integrity: a dropped foreign key and an orphan row (exit 1)', async () => {
    await withClient(target, async (c) => {
      await c.query('ALTER TABLE rental DROP CONSTRAINT rental_customer_id_fkey');
      await c.query('UPDATE rental SET customer_id = 99999 WHERE rental_id = 1');
    });
    const result = await verify(target);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as Verification;
    expect(report.status).toBe('integrity_failed');
    const failed = report.integrity.checks.filter((c) => c.status === 'failed');
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'foreign_key', table: 'public.rental', method: 'query', found: 1 }),
        expect.objectContaining({ check: 'constraint_present', constraint: 'rental_customer_id_fkey' }),
      ]),
    );
  });

  it('manifest: signed, verifies with the public key, fails when one byte changes or it is unsigned', async () => {
    const file = join(dir, 'manifest.json');
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(testSecret('verify'));
    const manifest = JSON.parse(text) as {
      manifest: {
        tables: { columns: { rule: string }[] }[];
        verification: { status: string };
        keyId: string;
      };
      signature: { kid: string } | null;
    };
    expect(manifest.signature?.kid).toMatch(/^[0-9a-f]{16}$/);
    expect(manifest.manifest.verification.status).toBe('clean');
    expect(manifest.manifest.tables.every((t) => t.columns.every((c) => c.rule.length > 0))).toBe(true);
    const check = (path: string) =>
      runLookalike(['manifest', 'verify', path, '--public-key', join(dir, 'public.pem')], ENV);
    expect((await check(file)).exitCode).toBe(0);

    const tampered = join(dir, 'tampered.json');
    await writeFile(tampered, text.replace('"status": "clean"', '"status": "clewn"'));
    const bad = await check(tampered);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('tampered');

    const unsigned = join(dir, 'unsigned.json');
    await writeFile(unsigned, JSON.stringify({ ...manifest, signature: null }));
    const none = await check(unsigned);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('unsigned');
  });
});

describe('the built-in verify refuses a leaking snapshot (real PostgreSQL)', () => {
  let target: string;
  let dir: string;
  beforeAll(async () => {
    target = await createDatabase('verify_keep');
    dir = await mkdtemp(join(tmpdir(), 'lookalike-verify-'));
  });
  afterAll(async () => {
    await dropDatabase(target);
    await rm(dir, { recursive: true, force: true });
  });

  it('a policy that keeps customer.email: leak_found, exit 1, the target left empty', async () => {
    const policy = (await readFile(PAGILA_POLICY, 'utf8')).replace(
      / {6}email: # the long form[^\n]*\n {8}action: substitute\n {8}entity: email\n {8}reason: direct identifier\n/,
      '      email: { action: keep, reason: a mistake }\n',
    );
    expect(policy).toContain('a mistake');
    await writeFile(join(dir, 'keep-email.yaml'), policy);
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(pagila),
        '--target',
        databaseUrl(target),
        '--policy',
        join(dir, 'keep-email.yaml'),
      ],
      ENV,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('[leak_found]');
    expect(result.stderr).toContain('leak: public.customer.email: 599 real email value(s)');
    expect(result.stderr).not.toMatch(/@sakilacustomer\.org/i);
    expect(await userTables(target)).toBe(0);
  });
});

describe('verify on the demo shop (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  beforeAll(async () => {
    source = await createDatabase('verify_demo_src');
    target = await createDatabase('verify_demo_dst');
    await withClient(source, async (c) => {
      await c.query(demoSchemaSql());
      // Enough customers for the ticket templates' rarer shapes (a two-letter first name typed in lower
      // case, street lines without a suffix) that once slipped past redaction.
      for (const statement of demoDataSql({ customers: 3000 })) await c.query(statement);
    });
  });
  afterAll(async () => {
    await dropDatabase(source);
    await dropDatabase(target);
  });

  it('snapshot with examples/demo.policy.yaml of 3,000 demo customers: verified clean and delivered', async () => {
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        'examples/demo.policy.yaml',
        '--format',
        'json',
      ],
      ENV,
    );
    const output = JSON.parse(result.stdout) as {
      verification?: Verification;
      error?: { code: string; details: { items?: string[] } };
    };
    // The demo's own data and policy deliver clean: a leak here is a detection or substitution defect.
    expect(output.error).toBeUndefined();
    expect(result.exitCode).toBe(0);
    expect(output.verification?.status).toBe('clean');
    expect(await userTables(target)).toBeGreaterThan(0);
  });
});

describe('verify holds a target to what its run recorded (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  let dir: string;
  const POLICY_TEXT = `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
  public.audit:
    skip: true
    columns:
      "*": keep
`;
  beforeAll(async () => {
    source = await createDatabase('verify_recorded_src');
    target = await createDatabase('verify_recorded_dst');
    dir = await mkdtemp(join(tmpdir(), 'lookalike-recorded-'));
    await writeFile(join(dir, 'policy.yaml'), POLICY_TEXT);
    await withClient(source, (c) =>
      c.query(`CREATE TABLE people (id int PRIMARY KEY, email text);
               INSERT INTO people SELECT g, 'member' || g || '@recorded.example' FROM generate_series(1, 50) g;
               CREATE TABLE audit (id int, note text);
               INSERT INTO audit SELECT g, 'login ' || g FROM generate_series(1, 5) g;`),
    );
    const snapshot = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        join(dir, 'policy.yaml'),
        '--manifest-out',
        join(dir, 'manifest.json'),
      ],
      ENV,
    );
    expect(snapshot.exitCode).toBe(0);
  });
  afterAll(async () => {
    await dropDatabase(source);
    await dropDatabase(target);
    await rm(dir, { recursive: true, force: true });
  });

  const verifyWith = (flag: string, file: string) =>
    runLookalike(
      [
        'verify',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        flag,
        join(dir, file),
        '--format',
        'json',
      ],
      ENV,
    );
  const failedChecks = (stdout: string) =>
    (JSON.parse(stdout) as Verification).integrity.checks
      .filter((c) => c.status === 'failed')
      .map((c) => `${c.check} ${c.table} ${c.found}`);

  it('a skipped table must stay empty; a manifest says how many rows each table got', async () => {
    const clean = await verifyWith('--manifest', 'manifest.json');
    expect(clean.exitCode).toBe(0);
    // Without --public-key the manifest is trusted as written, and the run says so.
    expect(clean.stderr).toContain("the manifest's signature was not checked");
    const checks = (JSON.parse(clean.stdout) as Verification).integrity.checks;
    expect(checks.filter((c) => c.check === 'row_count').map((c) => c.table)).toEqual(
      expect.arrayContaining(['public.people', 'public.audit']),
    );

    // Rows appear in the skipped table, and the source grows after the snapshot.
    await withClient(target, (c) => c.query(`INSERT INTO audit VALUES (1, 'restored')`));
    await withClient(source, (c) => c.query(`INSERT INTO people VALUES (51, 'late@recorded.example')`));
    for (const [flag, file] of [
      ['--policy', 'policy.yaml'],
      ['--manifest', 'manifest.json'],
    ] as const) {
      const result = await verifyWith(flag, file);
      expect(result.exitCode, flag).toBe(1);
      const failed = failedChecks(result.stdout);
      expect(failed, flag).toContain('row_count public.audit 1');
      // Against the source as it is now (--policy) 51 people are expected; the manifest recorded 50.
      if (flag === '--policy') expect(failed).toContain('row_count public.people 50');
      else expect(failed).not.toContain('row_count public.people 50');
    }
  });
});
