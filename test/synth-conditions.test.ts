import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  PAGILA_DATABASE,
  withClient,
} from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'examples/pagila.policy.yaml';
const SCENARIO = 'examples/pagila.scenario.yaml';

async function count(database: string, sql: string): Promise<number> {
  return withClient(database, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]?.n));
}

const validConstraints = (database: string): Promise<number> =>
  count(
    database,
    `SELECT count(*) AS n FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
      WHERE n.nspname = 'public' AND con.convalidated`,
  );

const tables = (database: string): Promise<number> =>
  count(database, `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`);

const CUSTOMER_COUNTRY = `customer c JOIN address a USING (address_id) JOIN city ci USING (city_id)
  JOIN country co USING (country_id)`;

describe('synth with conditions on pagila (real PostgreSQL)', () => {
  const source = PAGILA_DATABASE;
  const targets: string[] = [];
  const modelFile = join(tmpdir(), `lk-synth-cond-model-${process.pid}.json`);
  const badScenario = join(tmpdir(), `lk-synth-cond-bad-${process.pid}.yaml`);
  let restricted: string;
  let sliced: string;
  let sourceConstraints: number;

  const target = async (prefix: string): Promise<string> => {
    const name = await createDatabase(prefix);
    targets.push(name);
    return name;
  };

  beforeAll(async () => {
    sourceConstraints = await validConstraints(source);
    // One-shot synth: every payment and rental of the usual rows honours its --where.
    restricted = await target('cond_where');
    const oneShot = await runLookalike([
      'synth',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(restricted),
      '--policy',
      POLICY,
      '--scale',
      '0.1',
      '--where',
      'payment: amount >= 5',
      '--where',
      'rental: customer_id.active = 0 and rental_date >= 2022-06-01',
      '--format',
      'json',
    ]);
    expect(oneShot.stderr).not.toContain('lookalike:');
    expect(oneShot.exitCode).toBe(0);
    // Split form: fit once, then sample the example scenario from the model file.
    const fitted = await runLookalike([
      'synth',
      'fit',
      '--source',
      databaseUrl(source),
      '--policy',
      POLICY,
      '--out',
      modelFile,
    ]);
    expect(fitted.exitCode).toBe(0);
    sliced = await target('cond_slices');
    const sampled = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(sliced),
      '--scale',
      '0.1',
      '--scenario',
      SCENARIO,
    ]);
    expect(sampled.stderr).not.toContain('lookalike:');
    expect(sampled.stderr).toContain('rows generated under conditions');
    expect(sampled.exitCode).toBe(0);
  });

  afterAll(async () => {
    for (const name of targets) await dropDatabase(name);
    await rm(modelFile, { force: true });
    await rm(badScenario, { force: true });
  });

  it('--where: every row honours its condition, including conditions on referenced rows', async () => {
    const payments = await count(restricted, 'SELECT count(*) AS n FROM payment');
    expect(payments).toBeGreaterThan(1000);
    expect(await count(restricted, 'SELECT count(*) AS n FROM payment WHERE amount < 5')).toBe(0);
    const rentals = await count(restricted, 'SELECT count(*) AS n FROM rental');
    expect(rentals).toBeGreaterThan(1400);
    expect(
      await count(
        restricted,
        `SELECT count(*) AS n FROM rental r JOIN customer c USING (customer_id)
          WHERE c.active <> 0 OR r.rental_date < '2022-06-01'`,
      ),
    ).toBe(0);
    // The real data has 15 inactive customers of 599: inactive ones were added for the rentals.
    expect(await count(restricted, 'SELECT count(*) AS n FROM customer WHERE active = 0')).toBeGreaterThan(
      10,
    );
    // Learned order between columns still holds under the condition.
    expect(await count(restricted, 'SELECT count(*) AS n FROM rental WHERE return_date < rental_date')).toBe(
      0,
    );
  });

  it('scenario slices: each slice has its rows, honouring its conditions through foreign keys', async () => {
    expect(
      await count(
        sliced,
        `SELECT count(*) AS n FROM rental JOIN ${CUSTOMER_COUNTRY} USING (customer_id) WHERE co.country = 'Germany'`,
      ),
    ).toBeGreaterThanOrEqual(300);
    expect(
      await count(
        sliced,
        `SELECT count(*) AS n FROM payment p JOIN customer c USING (customer_id) WHERE p.amount >= 9.99 AND c.active = 0`,
      ),
    ).toBeGreaterThanOrEqual(200);
    expect(
      await count(
        sliced,
        `SELECT count(*) AS n FROM film WHERE rating IN ('R', 'NC-17') AND length BETWEEN 150 AND 185`,
      ),
    ).toBeGreaterThanOrEqual(50);
    // Edge cases: a NULL where the real data has none, an empty description, the learned extremes.
    expect(await count(source, 'SELECT count(*) AS n FROM film WHERE length IS NULL')).toBe(0);
    expect(await count(sliced, 'SELECT count(*) AS n FROM film WHERE length IS NULL')).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      await count(sliced, `SELECT count(*) AS n FROM film WHERE description = ''`),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await count(sliced, 'SELECT count(*) AS n FROM customer WHERE email IS NULL'),
    ).toBeGreaterThanOrEqual(1);
    expect(await count(sliced, 'SELECT max(length) AS n FROM film')).toBe(
      await count(source, 'SELECT max(length) AS n FROM film'),
    );
  });

  it('constraints stay valid in both targets (keys, foreign keys, checks) and foreign keys join', async () => {
    for (const database of [restricted, sliced]) {
      expect(await validConstraints(database)).toBe(sourceConstraints);
      expect((await checkForeignKeys(database)).filter((c) => c.orphans > 0)).toEqual([]);
    }
  });

  it('!= and not in: excluded values never appear, through foreign-key paths and partitions', async () => {
    const excluded = await target('cond_exclude');
    const run = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(excluded),
      '--scale',
      '0.1',
      '--where',
      'payment: amount not in (0.99, 2.99, 4.99) and customer_id.address_id.city_id.country_id.country <> India',
      '--where',
      "film: rating not in ('G', 'PG') and rental_rate != 0.99",
    ]);
    expect(run.stderr).not.toContain('lookalike:');
    expect(run.exitCode).toBe(0);
    expect(await count(excluded, 'SELECT count(*) AS n FROM payment')).toBeGreaterThan(1000);
    expect(
      await count(excluded, 'SELECT count(*) AS n FROM payment WHERE amount IN (0.99, 2.99, 4.99)'),
    ).toBe(0);
    // The real payments are mostly those amounts: the rest of the distribution is kept, not one value.
    expect(await count(excluded, 'SELECT count(DISTINCT amount) AS n FROM payment')).toBeGreaterThan(5);
    expect(
      await count(
        excluded,
        `SELECT count(*) AS n FROM payment JOIN ${CUSTOMER_COUNTRY} USING (customer_id) WHERE co.country = 'India'`,
      ),
    ).toBe(0);
    expect(
      await count(
        excluded,
        `SELECT count(*) AS n FROM film WHERE rating IN ('G', 'PG') OR rental_rate = 0.99 OR rating IS NULL`,
      ),
    ).toBe(0);
    expect(await count(excluded, 'SELECT count(DISTINCT rating) AS n FROM film')).toBe(3);
    expect(await validConstraints(excluded)).toBe(sourceConstraints);
    expect((await checkForeignKeys(excluded)).filter((c) => c.orphans > 0)).toEqual([]);
  });

  it('a bad scenario or an unknown column stops with a clear error before anything is written', async () => {
    await writeFile(
      badScenario,
      [
        'slices:',
        '  - table: rental',
        '    rows: 10',
        '    where:',
        '      customer_id.colour: blue',
        '',
      ].join('\n'),
    );
    const empty = await target('cond_bad');
    const bad = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--target',
      databaseUrl(empty),
      '--scenario',
      badScenario,
    ]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(
      `${badScenario}:5:7: slices[0].where."customer_id.colour": public.customer.colour: unknown column (not in the model)`,
    );
    expect(bad.stderr).not.toContain('blue');
    const shape = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--target',
      databaseUrl(empty),
      '--where',
      "film: rating = 'XXX-99'",
    ]);
    expect(shape.exitCode).toBe(2);
    expect(shape.stderr).toContain(
      "--where 1: public.film.rating: a value is not a label of the column's enum type",
    );
    expect(shape.stderr).not.toContain('XXX-99');
    const syntax = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--target',
      databaseUrl(empty),
      '--where',
      'film: length >> 5',
    ]);
    expect(syntax.exitCode).toBe(2);
    expect(syntax.stderr).toContain('--where 1: at character 15: expected a value');
    expect(await tables(empty)).toBe(0);
  });
});
