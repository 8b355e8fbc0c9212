import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnValues, describeStructure, rowCounts, tableDigests } from './helpers/compare-databases.js';
import {
  PAGILA_DATABASE,
  createDatabase,
  databaseUrl,
  dropDatabase,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'examples/pagila.policy.yaml';
const source = databaseUrl(PAGILA_DATABASE);

interface PlanJson {
  tables: {
    table: { schema: string; name: string };
    columns: { name: string; action: { kind: string }; copied: boolean }[];
  }[];
}

describe('pagila round trip (real PostgreSQL)', () => {
  const targets: string[] = [];
  let first: string;
  let second: string;
  let otherKey: string;
  let plan: PlanJson;

  const snapshotInto = async (target: string, secret: string): Promise<void> => {
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        source,
        '--target',
        databaseUrl(target),
        '--policy',
        POLICY,
        '--format',
        'json',
      ],
      { LOOKALIKE_SECRET: secret },
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed' });
  };

  beforeAll(async () => {
    first = await createDatabase('pagila_a');
    second = await createDatabase('pagila_b');
    otherKey = await createDatabase('pagila_c');
    targets.push(first, second, otherKey);
    await snapshotInto(first, testSecret('one'));
    await snapshotInto(second, testSecret('one'));
    await snapshotInto(otherKey, testSecret('two'));
    const planned = await runLookalike(['plan', '--source', source, '--policy', POLICY, '--format', 'json']);
    expect(planned.exitCode).toBe(0);
    plan = JSON.parse(planned.stdout) as PlanJson;
  });

  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
  });

  it('creates the same relations, columns, types, constraints, indexes, triggers, views and functions', async () => {
    const expected = await describeStructure(PAGILA_DATABASE);
    const actual = await describeStructure(first);
    for (const key of [
      'relations',
      'columns',
      'constraints',
      'indexes',
      'triggers',
      'types',
      'views',
      'functions',
    ]) {
      expect(actual[key], key).toEqual(expected[key]);
    }
    expect(expected.constraints!.some((c) => c.includes('FOREIGN KEY'))).toBe(true);
    expect(actual.constraints!.every((c) => c.endsWith(':true'))).toBe(true);
  });

  it('copies every table with the same row count, partitions and materialized views included', async () => {
    const expected = await rowCounts(PAGILA_DATABASE);
    expect(Object.keys(expected).length).toBeGreaterThan(15);
    expect(await rowCounts(first)).toEqual(expected);
  });

  it('sets every sequence to the source value', async () => {
    const expected = (await describeStructure(PAGILA_DATABASE)).sequences;
    expect(expected!.length).toBeGreaterThan(5);
    expect((await describeStructure(first)).sequences).toEqual(expected);
  });

  it('keeps enums and arrays intact', async () => {
    const query = `SELECT film_id, rating::text, special_features::text FROM film ORDER BY film_id`;
    const a = await withClient(PAGILA_DATABASE, (c) => c.query(query));
    const b = await withClient(first, (c) => c.query(query));
    expect(b.rows).toEqual(a.rows);
  });

  it('gives identical tables for two runs with the same key', async () => {
    expect(await tableDigests(second)).toEqual(await tableDigests(first));
  });

  it('gives different values with a different key', async () => {
    const query = `SELECT first_name, last_name, email FROM customer ORDER BY customer_id`;
    const a = await withClient(first, (c) => c.query(query));
    const b = await withClient(otherKey, (c) => c.query(query));
    const differing = a.rows.filter((row, i) => JSON.stringify(row) !== JSON.stringify(b.rows[i])).length;
    expect(differing).toBeGreaterThan(a.rows.length * 0.95);
  });

  it('leaves no value of a substituted source column in its target column', async () => {
    const replaced = plan.tables.flatMap((t) =>
      t.columns
        .filter((c) => c.copied && ['substitute', 'hash', 'mask', 'redact_text'].includes(c.action.kind))
        .map((c) => ({ table: `"${t.table.schema}"."${t.table.name}"`, column: `"${c.name}"` })),
    );
    expect(replaced.length).toBeGreaterThanOrEqual(8);
    for (const { table, column } of replaced) {
      const originals = await withClient(PAGILA_DATABASE, (c) => columnValues(c, table, column));
      const leaked = await withClient(first, async (c) => {
        const r = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${table} WHERE ${column}::text = ANY($1::text[])`,
          [originals],
        );
        return Number(r.rows[0]?.n);
      });
      expect(leaked, `${table}.${column}`).toBe(0);
    }
  });

  it('joins every foreign key in the target', async () => {
    const fks = await withClient(
      first,
      async (c) =>
        (
          await c.query<{ child: string; parent: string; cols: string; refcols: string }>(`
          SELECT con.conrelid::regclass::text AS child, con.confrelid::regclass::text AS parent,
                 (SELECT string_agg(format('c.%I', attname), ',' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS cols,
                 (SELECT string_agg(format('p.%I', attname), ',' ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS refcols
            FROM pg_constraint con WHERE con.contype = 'f'`)
        ).rows,
    );
    expect(fks.length).toBeGreaterThan(10);
    for (const fk of fks) {
      const orphans = await withClient(first, async (c) => {
        const r = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${fk.child} c WHERE ROW(${fk.cols}) IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE ROW(${fk.refcols}) = ROW(${fk.cols}))`,
        );
        return Number(r.rows[0]?.n);
      });
      expect(orphans, `${fk.child} → ${fk.parent}`).toBe(0);
    }
  });
});

describe('--tables narrows the snapshot (real PostgreSQL)', () => {
  it('copies only the selected tables when their foreign keys stay inside the selection', async () => {
    const target = await createDatabase('pagila_sel');
    try {
      const result = await runLookalike(
        [
          'snapshot',
          '--source',
          source,
          '--target',
          databaseUrl(target),
          '--policy',
          POLICY,
          '--tables',
          'country,public.city',
        ],
        { LOOKALIKE_SECRET: testSecret('one') },
      );
      expect(result.stderr).not.toContain('lookalike:');
      expect(result.exitCode).toBe(0);
      const counts = await rowCounts(target);
      const expected = await rowCounts(PAGILA_DATABASE);
      expect(counts).toEqual({
        'public.city': expected['public.city'],
        'public.country': expected['public.country'],
      });
    } finally {
      await dropDatabase(target);
    }
  });

  it('refuses, before any data moves, a selection whose foreign keys point outside it (exit 3)', async () => {
    const target = await createDatabase('pagila_sel');
    try {
      const result = await runLookalike(
        [
          'snapshot',
          '--source',
          source,
          '--target',
          databaseUrl(target),
          '--policy',
          POLICY,
          '--tables',
          'customer',
        ],
        { LOOKALIKE_SECRET: testSecret('one') },
      );
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain('reference_outside_selection');
      expect(result.stderr).toContain('public.address');
      expect(await rowCounts(target)).toEqual({});
    } finally {
      await dropDatabase(target);
    }
  });
});
