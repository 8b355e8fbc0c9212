import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Secret } from '../src/core/index.js';
import { suppressionHash, suppressionKey } from '../src/subset/index.js';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { createDatabase, databaseUrl, dropDatabase, loadPagila, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';
import { policyWithSubset } from './helpers/subset-policy.js';

const KEY = 'k'.repeat(32);

async function count(database: string, sql: string): Promise<number> {
  return withClient(database, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]?.n));
}

interface Summary {
  status: string;
  subset?: {
    totalRows: number;
    tables: { table: string; rows: number }[];
    excluded: { table: string; listed: number; referencing: number }[];
  };
  tables: { table: string; rows: number }[];
}

describe('synth learns from a subset (real PostgreSQL, pagila)', () => {
  let source: string;
  let target: string;
  let summary: Summary;
  let suppressedEmail: string;

  beforeAll(async () => {
    source = await createDatabase('synth_subset_src');
    await loadPagila(source);
    target = await createDatabase('synth_subset_dst');
    suppressedEmail = await withClient(
      source,
      async (c) =>
        (await c.query<{ email: string }>('SELECT email FROM customer WHERE customer_id = 2')).rows[0]
          ?.email ?? '',
    );
    // Customer 1 by value, customer 2 by a keyed hash in a file beside the policy.
    const policy = await policyWithSubset(
      'examples/pagila.policy.yaml',
      '  targets:\n' +
        '    - { table: public.customer, percent: 20 }\n' +
        '    - { table: public.customer, where: "customer_id <= 5" }\n' +
        '  suppress:\n' +
        '    - { table: public.customer, column: customer_id, values: ["1"] }\n' +
        '    - { table: public.customer, column: email, hashes_file: erased.txt }\n',
    );
    const hash = suppressionHash(suppressionKey(new Secret(Buffer.from(KEY))), suppressedEmail);
    await writeFile(join(dirname(policy), 'erased.txt'), `# erasure requests\n${hash}\n`);
    const result = await runLookalike(
      [
        'synth',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        policy,
        '--format',
        'json',
      ],
      { LOOKALIKE_SECRET: KEY },
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    summary = JSON.parse(result.stdout) as Summary;
  }, 240_000);

  afterAll(async () => {
    if (target !== undefined) await dropDatabase(target);
    if (source !== undefined) await dropDatabase(source);
  });

  it('reports the subset and generates as many rows as the subset held, with every foreign key joining', async () => {
    expect(summary.status).toBe('completed');
    const subset = summary.subset;
    expect(subset).toBeDefined();
    const sourceRows = await count(source, 'SELECT count(*) AS n FROM rental');
    const subsetRentals = subset?.tables.find((t) => t.table === 'public.rental')?.rows ?? -1;
    const subsetCustomers = subset?.tables.find((t) => t.table === 'public.customer')?.rows ?? -1;
    // About a fifth of the customers, minus the two suppressed ones, and only their rentals.
    expect(subsetCustomers).toBeGreaterThan(80);
    expect(subsetCustomers).toBeLessThan(200);
    expect(subsetRentals).toBeGreaterThan(0);
    expect(subsetRentals).toBeLessThan(sourceRows / 2);
    expect(await count(target, 'SELECT count(*) AS n FROM customer')).toBe(subsetCustomers);
    expect(await count(target, 'SELECT count(*) AS n FROM rental')).toBe(subsetRentals);
    expect((await checkForeignKeys(target)).filter((c) => c.orphans > 0)).toEqual([]);
    // Both suppressed customers (one by value, one by the hash from the file), though a target asked for
    // them, and the rentals and payments that belong to them.
    const excluded = (table: string) => subset?.excluded.find((e) => e.table === table);
    expect(excluded('public.customer')?.listed).toBe(2);
    expect(excluded('public.rental')?.referencing).toBeGreaterThan(0);
  });

  it('keeps fakes apart from every real value, not only the subset’s', async () => {
    const realEmails = new Set(
      await withClient(source, async (c) =>
        (await c.query<{ email: string }>('SELECT email FROM customer')).rows.map((r) => r.email),
      ),
    );
    const fakes = await withClient(target, async (c) =>
      (await c.query<{ email: string }>('SELECT email FROM customer')).rows.map((r) => r.email),
    );
    expect(fakes.length).toBeGreaterThan(0);
    expect(fakes.filter((e) => realEmails.has(e))).toEqual([]);
    expect(fakes).not.toContain(suppressedEmail);
  });
});
