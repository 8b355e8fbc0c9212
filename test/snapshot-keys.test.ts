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

describe('substituted keys keep their relationships (real PostgreSQL)', () => {
  let source: string;
  let target: string;

  beforeAll(async () => {
    source = await createDatabase('keys_src');
    target = await createDatabase('keys_dst');
    await runSqlFile(source, 'test/fixtures/keys.sql');
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        'test/fixtures/keys.policy.yaml',
      ],
      { LOOKALIKE_SECRET: testSecret('keys') },
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
  });

  afterAll(async () => {
    await dropDatabase(source);
    await dropDatabase(target);
  });

  it('substitutes a primary key identically in every referencing column, composite keys included', async () => {
    await withClient(target, async (c) => {
      const joined = await c.query<{ n: string }>(
        'SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.email = s.account_email',
      );
      expect(Number(joined.rows[0]?.n)).toBe(20000);
      const composite = await c.query<{ n: string; total: string }>(
        `SELECT count(a.email) AS n, count(*) AS total FROM memberships m
           LEFT JOIN accounts a ON a.email = m.email AND a.region = m.region`,
      );
      expect(Number(composite.rows[0]?.total)).toBeGreaterThan(100);
      expect(composite.rows[0]?.n).toBe(composite.rows[0]?.total);
      const leaked = await c.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM accounts WHERE email LIKE '%@keys-fixture.test')
              + (SELECT count(*) FROM sessions WHERE account_email LIKE '%@keys-fixture.test')
              + (SELECT count(*) FROM memberships WHERE email LIKE '%@keys-fixture.test') AS n`,
      );
      expect(Number(leaked.rows[0]?.n)).toBe(0);
    });
  });

  it('keeps the join cardinalities of the source', async () => {
    const perAccount = `SELECT count(*) AS sessions FROM sessions GROUP BY account_email ORDER BY 1`;
    const a = await withClient(source, (c) => c.query(perAccount));
    const b = await withClient(target, (c) => c.query(perAccount));
    expect(b.rows).toEqual(a.rows);
  });

  it('keeps unique columns unique and recomputes generated columns from the substitutes', async () => {
    await withClient(target, async (c) => {
      const r = await c.query<{ emails: string; usernames: string; rows: string; stale: string }>(
        `SELECT count(DISTINCT email) AS emails, count(DISTINCT username) AS usernames, count(*) AS rows,
                (SELECT count(*) FROM sessions WHERE email_domain <> split_part(account_email, '@', 2)) AS stale
           FROM accounts`,
      );
      expect(r.rows[0]).toEqual({ emails: '3000', usernames: '3000', rows: '3000', stale: '0' });
    });
  });

  it('keeps a self-referencing hierarchy intact', async () => {
    const tree = `SELECT id, manager_id FROM employees ORDER BY id`;
    const a = await withClient(source, (c) => c.query(tree));
    const b = await withClient(target, (c) => c.query(tree));
    expect(b.rows).toEqual(a.rows);
    const names = await withClient(target, (c) =>
      c.query<{ n: string }>(`SELECT count(*) AS n FROM employees WHERE name LIKE 'Employee %'`),
    );
    expect(names.rows[0]?.n).toBe('0');
  });

  it('shifts timestamps by at most max_days and keeps identity columns', async () => {
    const rows = `SELECT id, started_at FROM sessions ORDER BY id`;
    const a = (await withClient(source, (c) => c.query<{ id: string; started_at: Date }>(rows))).rows;
    const b = (await withClient(target, (c) => c.query<{ id: string; started_at: Date }>(rows))).rows;
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
    let moved = 0;
    b.forEach((row, i) => {
      const days = Math.abs(row.started_at.getTime() - a[i]!.started_at.getTime()) / 86_400_000;
      expect(days).toBeLessThanOrEqual(20);
      if (days > 0) moved++;
    });
    expect(moved).toBeGreaterThan(b.length * 0.9);
  });
});

describe('drop (real PostgreSQL)', () => {
  it('removes a dropped column from the target table and keeps its rows', async () => {
    const source = await createDatabase('drop_src');
    const target = await createDatabase('drop_dst');
    try {
      await runSqlFile(source, 'test/fixtures/keys.sql');
      const result = await runLookalike(
        [
          'snapshot',
          '--source',
          databaseUrl(source),
          '--target',
          databaseUrl(target),
          '--policy',
          'test/fixtures/keys.policy.yaml',
          '--format',
          'json',
        ],
        { LOOKALIKE_SECRET: testSecret('drop') },
      );
      expect(result.stderr).not.toContain('lookalike:');
      expect(result.exitCode).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ droppedColumns: 1 });
      await withClient(target, async (c) => {
        const columns = await c.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY ordinal_position`,
        );
        expect(columns.rows.map((r) => r.column_name)).toEqual([
          'email',
          'region',
          'full_name',
          'username',
          'tier',
        ]);
        const rows = await c.query<{ n: string }>('SELECT count(*) AS n FROM accounts');
        expect(rows.rows[0]?.n).toBe('3000');
      });
    } finally {
      await dropDatabase(source);
      await dropDatabase(target);
    }
  });
});
