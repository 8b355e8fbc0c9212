import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  runSqlFile,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'test/fixtures/references.policy.yaml';
const ENV = { LOOKALIKE_SECRET: testSecret('references') };

describe('a reference the database does not declare, on a substituted key (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  let dir: string;

  beforeAll(async () => {
    source = await createDatabase('refs_src');
    target = await createDatabase('refs_dst');
    dir = await mkdtemp(join(tmpdir(), 'lookalike-refs-'));
    await runSqlFile(source, 'test/fixtures/references.sql');
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        POLICY,
        '--format',
        'json',
      ],
      ENV,
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'completed',
      verification: { status: 'clean' },
    });
  });

  afterAll(async () => {
    await dropDatabase(source);
    await dropDatabase(target);
    await rm(dir, { recursive: true, force: true });
  });

  it('still joins: every audit row finds its customer by the fake address, as often as in the source', async () => {
    const perCustomer = `SELECT c.customer_id, count(*) AS n FROM audit_log a JOIN customer c ON c.email = a.customer_email
                          GROUP BY 1 ORDER BY 1`;
    const before = await withClient(source, (c) => c.query(perCustomer));
    const after = await withClient(target, (c) => c.query(perCustomer));
    expect(before.rows).toHaveLength(200);
    expect(after.rows).toEqual(before.rows);
    const leaked = await withClient(target, (c) =>
      c.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM audit_log WHERE customer_email LIKE '%@shop-fixture.test')
              + (SELECT count(*) FROM customer WHERE email LIKE '%@shop-fixture.test') AS n`,
      ),
    );
    expect(leaked.rows[0]?.n).toBe('0');
  });

  it('verify finds nothing real left and every relation intact (exit 0)', async () => {
    const result = await runLookalike(
      ['verify', '--source', databaseUrl(source), '--target', databaseUrl(target), '--policy', POLICY],
      ENV,
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
  });

  it('writes numbered placeholders in text and across the leaves of one JSON document', async () => {
    const rows = await withClient(target, (c) =>
      c.query<{ body: string; meta: { note: string; reply: string; priority: number } }>(
        'SELECT body, meta FROM tickets ORDER BY id',
      ),
    );
    expect(rows.rows).toHaveLength(200);
    for (const row of rows.rows) {
      expect(row.body).toBe(
        'Call <PERSON_1> at <EMAIL_ADDRESS_1>. <PERSON_1> agreed; <PERSON_2> was copied.',
      );
      expect(row.meta).toEqual({
        note: '<PERSON_1> wrote from <EMAIL_ADDRESS_1>',
        reply: 'Thanks <PERSON_1>',
        priority: 2,
      });
    }
  });

  it('says in the plan what the column follows; without the declaration it suggests one, and the copy would leak', async () => {
    const planned = await runLookalike(['plan', '--source', databaseUrl(source), '--policy', POLICY]);
    expect(planned.exitCode).toBe(0);
    expect(planned.stdout + planned.stderr).toMatch(
      /public\.audit_log\.customer_email +substitute\(entity=email\) \[follows public\.customer\.email \(references\[0\]\)\]/,
    );

    const undeclared = join(dir, 'undeclared.policy.yaml');
    const text = await readFile(POLICY, 'utf8');
    await writeFile(undeclared, text.replace(/^references:\n(?: {2}.*\n)+/m, ''));
    const suggested = await runLookalike(['plan', '--source', databaseUrl(source), '--policy', undeclared]);
    const output = suggested.stdout + suggested.stderr;
    expect(output).toMatch(/public\.audit_log\.customer_email +keep /);
    expect(output).toContain(
      'warning  reference_suggested  public.audit_log.customer_email is copied as is (tables."public.audit_log".columns.*), but by its name and type it may hold values of public.customer.email',
    );
    expect(output).not.toContain('@shop-fixture.test');

    // Without it the copy would keep the real addresses beside their fakes: the built-in verification
    // refuses that snapshot.
    const refused = await createDatabase('refs_undeclared');
    try {
      const result = await runLookalike(
        [
          'snapshot',
          '--source',
          databaseUrl(source),
          '--target',
          databaseUrl(refused),
          '--policy',
          undeclared,
          '--format',
          'json',
        ],
        ENV,
      );
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('leak: public.audit_log.customer_email: 401 real email value(s)');
      expect(result.stderr + result.stdout).not.toContain('@shop-fixture.test');
    } finally {
      await dropDatabase(refused);
    }
  });
});
