import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataSql, demoSchemaSql } from '../src/demo/index.js';
import { rowCounts } from './helpers/compare-databases.js';
import {
  PAGILA_DATABASE,
  createDatabase,
  databaseUrl,
  dropDatabase,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { runLookalike } from './helpers/run-cli.js';

/** `snapshot` with no --policy: a scan drafts the policy in the same source snapshot, then it runs. */
async function autoSnapshot(sourceDb: string, targetDb: string): Promise<void> {
  const result = await runLookalike(
    ['snapshot', '--source', databaseUrl(sourceDb), '--target', databaseUrl(targetDb), '--format', 'json'],
    { LOOKALIKE_SECRET: testSecret('auto') },
  );
  expect(result.stderr).not.toContain('lookalike:');
  expect(result.exitCode).toBe(0);
}

async function values(database: string, sql: string): Promise<string[]> {
  return withClient(database, async (c) => (await c.query<{ v: string }>(sql)).rows.map((r) => r.v));
}

describe('snapshot without a policy: pagila (real PostgreSQL)', () => {
  let target: string;
  beforeAll(async () => {
    target = await createDatabase('auto_pagila');
    await autoSnapshot(PAGILA_DATABASE, target);
  });
  afterAll(async () => {
    await dropDatabase(target);
  });

  it('copies every row, and every foreign key joins', async () => {
    expect(await rowCounts(target)).toEqual(await rowCounts(PAGILA_DATABASE));
    expect((await checkForeignKeys(target)).filter((f) => f.orphans > 0)).toEqual([]);
  });

  it('leaves no real name, email, street or phone of a customer or staff member', async () => {
    for (const sql of [
      'SELECT email AS v FROM customer',
      "SELECT first_name || ' ' || last_name AS v FROM customer",
      'SELECT address AS v FROM address',
      "SELECT phone AS v FROM address WHERE phone <> ''",
      'SELECT username AS v FROM staff',
    ]) {
      const real = new Set(await values(PAGILA_DATABASE, sql));
      const copied = await values(target, sql);
      expect(copied.length, sql).toBeGreaterThan(0);
      expect(
        copied.filter((v) => real.has(v)),
        sql,
      ).toEqual([]);
    }
  });

  it('keeps what is not personal: films, categories, amounts', async () => {
    for (const sql of [
      'SELECT title AS v FROM film ORDER BY film_id',
      'SELECT name AS v FROM category ORDER BY category_id',
      'SELECT amount::text AS v FROM payment ORDER BY payment_id, payment_date',
    ]) {
      expect(await values(target, sql), sql).toEqual(await values(PAGILA_DATABASE, sql));
    }
  });
});

describe('snapshot without a policy: the demo shop (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  beforeAll(async () => {
    source = await createDatabase('auto_demo_src');
    target = await createDatabase('auto_demo_dst');
    await withClient(source, async (c) => {
      await c.query(demoSchemaSql());
      for (const statement of demoDataSql({ customers: 120 })) await c.query(statement);
    });
    await autoSnapshot(source, target);
  });
  afterAll(async () => {
    await dropDatabase(source);
    await dropDatabase(target);
  });

  it('replaces the customers quoted in ticket texts: no real full name, email or phone is left in them', async () => {
    const bodies = (await values(target, "SELECT subject || E'\\n' || body AS v FROM support_tickets")).join(
      '\n',
    );
    const emails = await values(source, 'SELECT email AS v FROM customers');
    const names = await values(source, "SELECT first_name || ' ' || last_name AS v FROM customers");
    const phones = await values(source, 'SELECT phone AS v FROM customers WHERE phone IS NOT NULL');
    expect(emails.filter((e) => bodies.includes(e))).toEqual([]);
    expect(names.filter((n) => bodies.includes(n))).toEqual([]);
    expect(phones.filter((p) => bodies.includes(p))).toEqual([]);
    // The texts are still there and still read like tickets.
    expect(bodies).toMatch(/order/i);
  });

  it("writes the customer's fake e-mail wherever a ticket quoted the real one (found by the patterns, not the index)", async () => {
    const quoting = `SELECT t.id || E'\t' || c.email || E'\t' || t.body AS v
                       FROM support_tickets t JOIN customers c ON c.id = t.customer_id`;
    const split = (rows: string[]) =>
      new Map(rows.map((r) => r.split('\t')).map(([id, email, body]) => [id, { email, body }] as const));
    const real = split(await values(source, quoting));
    const fake = split(await values(target, quoting));
    let quoted = 0;
    for (const [id, r] of real) {
      if (r.body === undefined || r.email === undefined || !r.body.includes(r.email)) continue;
      quoted++;
      const f = fake.get(id);
      expect(f?.email).not.toBe(r.email);
      // customers.email is unique: its fake carries a keyed discriminator (`.<13 chars>` before the @),
      // and so does the same address quoted in text: one fake, character for character.
      expect(f?.email).toMatch(/\.[0-9a-z]{13}@/);
      expect(f?.body?.includes(f.email ?? '@'), `ticket ${id}`).toBe(true);
    }
    expect(quoted).toBeGreaterThan(5);
  });

  it('rewrites the JSON profile leaf by leaf: same keys, personal leaves replaced, preferences kept', async () => {
    const pairs = await withClient(
      source,
      async (c) =>
        (
          await c.query<{ id: string; profile: Record<string, Record<string, unknown>> }>(
            'SELECT id::text, profile FROM customers WHERE profile IS NOT NULL ORDER BY id',
          )
        ).rows,
    );
    const copied = new Map(
      (
        await withClient(
          target,
          async (c) =>
            (
              await c.query<{ id: string; profile: Record<string, Record<string, unknown>> }>(
                'SELECT id::text, profile FROM customers WHERE profile IS NOT NULL',
              )
            ).rows,
        )
      ).map((r) => [r.id, r.profile]),
    );
    expect(copied.size).toBe(pairs.length);
    for (const { id, profile } of pairs) {
      const fake = copied.get(id);
      expect(Object.keys(fake ?? {}).sort()).toEqual(Object.keys(profile).sort());
      expect(fake?.contact?.email).not.toBe(profile.contact?.email);
      expect(fake?.contact?.name).not.toBe(profile.contact?.name);
      expect(fake?.preferences).toEqual(profile.preferences);
    }
  });
});
