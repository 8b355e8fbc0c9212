import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import { Secret, silentLogger } from '../src/core/index.js';
import { createDetection } from '../src/detection/index.js';
import { GAZETTEER } from '../src/fake-values/places.js';
import { runSnapshot } from '../src/pipeline/index.js';
import { loadPolicy } from '../src/policy/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';

const POLICY_YAML = `version: 1
strict: true
tables:
  public.customers:
    columns:
      id: keep
      street: { action: substitute, entity: street_address }
      city: { action: substitute, entity: city }
      state: { action: substitute, entity: state }
      zip: { action: substitute, entity: postal_code }
      country: { action: substitute, entity: country }
  public.offices:
    columns:
      id: keep
      office_city: { action: substitute, entity: city }
      office_state: { action: substitute, entity: state }
`;

/** Real places of the fixture: (city, state, ZIP prefix). */
const PLACES = [
  ['Austin', 'TX', '787'],
  ['Cambridge', 'MA', '021'],
  ['Springfield', 'IL', '627'],
  ['Portland', 'OR', '972'],
  ['Boulder', 'CO', '803'],
  ['Tampa', 'FL', '336'],
  ['Tacoma', 'WA', '984'],
  ['Tucson', 'AZ', '857'],
] as const;

const US = GAZETTEER.find((c) => c.code === 'US')!;

interface Customer {
  id: number;
  street: string;
  city: string;
  state: string;
  zip: string;
  country: string;
}

describe('coherent addresses through a snapshot (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  let work: string;
  const secret = new Secret(Buffer.from(testSecret('addresses')));

  beforeAll(async () => {
    source = await createDatabase('addr_src');
    target = await createDatabase('addr_dst');
    const values = PLACES.map(([city, state, zip]) => `('${city}', '${state}', '${zip}')`).join(', ');
    await withClient(source, (c) =>
      c.query(`
        CREATE TABLE customers (id int PRIMARY KEY, street text, city text, state varchar(2), zip varchar(10),
                                country text);
        CREATE TEMP TABLE places (city text, state text, zip text);
        INSERT INTO places VALUES ${values};
        INSERT INTO customers
        SELECT g, (100 + g) || ' Main Street', p.city, p.state,
               p.zip || lpad((g % 90 + 10)::text, 2, '0') || CASE WHEN g % 3 = 0 THEN '-' || (1000 + g) ELSE '' END,
               'United States'
          FROM generate_series(1, 400) g,
               LATERAL (SELECT * FROM places ORDER BY city OFFSET g % ${PLACES.length} LIMIT 1) p;
        CREATE TABLE offices (id int PRIMARY KEY, office_city text, office_state varchar(2));
        INSERT INTO offices SELECT row_number() OVER (), city, state FROM places;
        ANALYZE;`),
    );
    work = await mkdtemp(join(tmpdir(), 'lookalike-addresses-'));
    const file = join(work, 'addresses.policy.yaml');
    await writeFile(file, POLICY_YAML);
    await runSnapshot({
      source: createPgSource(databaseUrl(source)),
      target: createPgSink(databaseUrl(target)),
      policy: await loadPolicy(file),
      detection: await createDetection({ packageRoot: process.cwd() }),
      selection: { schemas: [], tables: [] },
      secret,
      batchRows: 100,
      signal: new AbortController().signal,
      logger: silentLogger,
      transformWorkers: 0,
    });
  }, 120_000);

  afterAll(async () => {
    await dropDatabase(target);
    await dropDatabase(source);
    await rm(work, { recursive: true, force: true });
  });

  const customers = (database: string) =>
    withClient(database, async (c) => (await c.query<Customer>('SELECT * FROM customers ORDER BY id')).rows);

  it('writes every customer an address of one fake place: the city in the state, the ZIP in its range', async () => {
    const real = await customers(source);
    const fake = await customers(target);
    expect(fake).toHaveLength(400);
    const realCities = new Set(real.map((r) => r.city));
    for (const [i, row] of fake.entries()) {
      const state = US.regions.find((r) => r.code === row.state);
      expect(state, `state of customer ${row.id}`).toBeDefined();
      expect(state!.cities.map((c) => c.name)).toContain(row.city);
      expect(state!.postalPrefixes).toContain(row.zip.slice(0, 3));
      expect(row.zip).toMatch(real[i]!.zip.length === 10 ? /^\d{5}-\d{4}$/ : /^\d{5}$/);
      expect(row.country).toBe('United States');
      expect(realCities.has(row.city)).toBe(false);
      expect(row.street).not.toBe(real[i]!.street);
    }
    // One real place is one fake place: the (city, state) pairs map one to one here.
    const pairs = new Map<string, Set<string>>();
    for (const [i, row] of fake.entries()) {
      const key = `${real[i]!.city}|${real[i]!.state}`;
      pairs.set(key, (pairs.get(key) ?? new Set()).add(`${row.city}|${row.state}`));
    }
    expect([...pairs.values()].every((fakes) => fakes.size === 1)).toBe(true);
  });

  it('gives an office the fake (city, state) its real place has in the customers table', async () => {
    const real = await customers(source);
    const fake = await customers(target);
    const fakeOf = new Map(
      real.map((r, i) => [`${r.city}|${r.state}`, `${fake[i]!.city}|${fake[i]!.state}`]),
    );
    const offices = (database: string) =>
      withClient(
        database,
        async (c) =>
          (
            await c.query<{ id: number; office_city: string; office_state: string }>(
              'SELECT * FROM offices ORDER BY id',
            )
          ).rows,
      );
    const realOffices = await offices(source);
    const fakeOffices = await offices(target);
    expect(fakeOffices).toHaveLength(PLACES.length);
    for (const [i, office] of fakeOffices.entries()) {
      const realOffice = realOffices[i]!;
      expect(`${office.office_city}|${office.office_state}`).toBe(
        fakeOf.get(`${realOffice.office_city}|${realOffice.office_state}`),
      );
    }
  });
});
