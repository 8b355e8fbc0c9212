import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

// A partitioned table whose partitions are partitioned again: the root's policy entry reaches the leaves
// through the intermediate level, a dropped column leaves the whole tree once, and --tables naming the
// root selects every level.
const POLICY = `version: 1
tables:
  public.events:
    columns:
      id: keep
      happened: keep
      secret: drop
`;

describe('sub-partitioned tables (real PostgreSQL)', () => {
  let source: string;
  let dir: string;
  const targets: string[] = [];
  beforeAll(async () => {
    source = await createDatabase('subpart_src');
    dir = await mkdtemp(join(tmpdir(), 'lookalike-subpart-'));
    await writeFile(join(dir, 'policy.yaml'), POLICY);
    await withClient(source, (c) =>
      c.query(`CREATE TABLE events (id int, happened date NOT NULL, secret text) PARTITION BY RANGE (happened);
               CREATE TABLE events_2025 PARTITION OF events
                 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY HASH (id);
               CREATE TABLE events_2025_h0 PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
               CREATE TABLE events_2025_h1 PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
               CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
               INSERT INTO events SELECT g, date '2025-03-01' + g, 'pin ' || g FROM generate_series(1, 500) g;
               ANALYZE;`),
    );
  });
  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
    await dropDatabase(source);
    await rm(dir, { recursive: true, force: true });
  });

  it('copies every leaf with the root’s entry, the dropped column gone from the whole tree', async () => {
    for (const selection of [[], ['--tables', 'public.events']]) {
      const target = await createDatabase('subpart_dst');
      targets.push(target);
      const result = await runLookalike(
        [
          'snapshot',
          '--source',
          databaseUrl(source),
          '--target',
          databaseUrl(target),
          '--policy',
          join(dir, 'policy.yaml'),
          ...selection,
        ],
        { LOOKALIKE_SECRET: testSecret('subpart') },
      );
      expect(result.stderr, selection.join(' ')).not.toContain('lookalike:');
      expect(result.exitCode, selection.join(' ')).toBe(0);
      const counts = await withClient(target, async (c) => {
        const rows = await c.query<{ leaf: string; n: string }>(
          `SELECT tableoid::regclass::text AS leaf, count(*) AS n FROM events GROUP BY 1 ORDER BY 1`,
        );
        const columns = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM information_schema.columns WHERE column_name = 'secret'`,
        );
        return {
          leaves: rows.rows.map((r) => `${r.leaf} ${r.n}`),
          secretColumns: Number(columns.rows[0]?.n),
        };
      });
      expect(counts.secretColumns).toBe(0);
      const total = counts.leaves.reduce((n, line) => n + Number(line.split(' ')[1]), 0);
      expect(total).toBe(500);
      expect(counts.leaves.map((line) => line.split(' ')[0])).toEqual(
        expect.arrayContaining(['events_2025_h0', 'events_2025_h1']),
      );
    }
  });
});
