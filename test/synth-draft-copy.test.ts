import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { createDatabase, databaseUrl, dropDatabase, loadPagila, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

async function rows(database: string, sql: string): Promise<string[]> {
  return withClient(database, async (c) =>
    (await c.query<Record<string, unknown>>(sql)).rows.map((r) => JSON.stringify(r)),
  );
}

describe('synth without a policy copies the lookup tables its draft marks (pagila, real PostgreSQL)', () => {
  let source: string;
  let target: string;
  let result: { exitCode: number; stdout: string; stderr: string };

  beforeAll(async () => {
    source = await createDatabase('syndom_pagila');
    await loadPagila(source);
    target = await createDatabase('syndom_pagila_dst');
    result = await runLookalike([
      'synth',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(target),
      '--scale',
      '0.1',
      '--seed',
      '3',
    ]);
  }, 300_000);

  afterAll(async () => {
    await dropDatabase(source);
    await dropDatabase(target);
  });

  it('loads, with language, category and country as in the source and customers synthesized', async () => {
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    for (const [table, order] of [
      ['language', 'language_id'],
      ['category', 'category_id'],
      ['country', 'country_id'],
    ] as const) {
      const sql = `SELECT * FROM ${table} ORDER BY ${order}`;
      expect(await rows(target, sql), table).toEqual(await rows(source, sql));
    }
    const names = 'SELECT first_name, last_name FROM customer ORDER BY 1, 2';
    const real = new Set(await rows(source, names));
    expect((await rows(target, names)).filter((r) => real.has(r))).toEqual([]);
    expect((await checkForeignKeys(target)).filter((c) => c.orphans > 0)).toEqual([]);
  });
});
