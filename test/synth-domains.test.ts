import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

/**
 * Columns typed by domains with CHECKs: a zip code whose rare values synthesis would make up as letters,
 * a year range, a grade list, and a personal e-mail column whose domain accepts only .com/.net/.org.
 */
const SOURCE_SQL = String.raw`
CREATE DOMAIN us_zip AS text CHECK (VALUE ~ '^[0-9]{5}$');
CREATE DOMAIN year AS integer CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE DOMAIN grade AS text CHECK (VALUE IN ('A', 'B', 'C', 'D', 'E'));
CREATE DOMAIN email_address AS text CHECK (VALUE ~* '^[a-z0-9._%+-]+@[a-z0-9.-]+\.(com|net|org)$');
CREATE TABLE member (
  id serial PRIMARY KEY,
  name text NOT NULL,
  email email_address NOT NULL,
  zip us_zip,
  joined year NOT NULL,
  grade grade NOT NULL
);
INSERT INTO member (name, email, zip, joined, grade)
SELECT 'Real Person ' || g, 'real.person' || g || '@acme-real.com',
       CASE WHEN g % 2 = 0 THEN lpad(((g * 7919) % 100000)::text, 5, '0') ELSE '1' || lpad((g % 20)::text, 4, '0') END,
       1990 + g % 30,
       CASE WHEN g % 150 = 0 THEN 'D' WHEN g % 3 = 0 THEN 'A' WHEN g % 3 = 1 THEN 'B' ELSE 'C' END
  FROM generate_series(1, 600) g;
-- Domains synthesis cannot satisfy or cannot evaluate.
CREATE DOMAIN corp_email AS text CHECK (VALUE ~ '@corp\.internal$');
CREATE TABLE staff (id serial PRIMARY KEY, name text NOT NULL, email corp_email NOT NULL);
INSERT INTO staff (name, email) SELECT 'Staff ' || g, 'staff' || g || '@corp.internal' FROM generate_series(1, 200) g;
CREATE FUNCTION is_even(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 % 2 = 0';
CREATE DOMAIN even_int AS integer CHECK (is_even(VALUE));
CREATE TABLE pair (id serial PRIMARY KEY, size even_int NOT NULL);
INSERT INTO pair (size) SELECT 2 * (g % 40) FROM generate_series(1, 200) g;
ANALYZE;
`;

const POLICY = `version: 1
strict: true
tables:
  public.member:
    columns:
      id: keep
      name: { action: substitute, entity: full_name }
      email: { action: substitute, entity: email }
      zip: keep
      joined: keep
      grade: keep
  public.staff:
    columns:
      id: keep
      name: { action: substitute, entity: full_name }
      email: { action: substitute, entity: email }
  public.pair:
    columns:
      id: keep
      size: keep
`;

const count = async (database: string, sql: string): Promise<number> =>
  withClient(database, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]?.n ?? -1));

describe('synth honours domain CHECKs (real PostgreSQL)', () => {
  let source: string;
  const databases: string[] = [];
  const policyFile = join(tmpdir(), `lk-syndom-${process.pid}-policy.yaml`);

  const database = async (prefix: string): Promise<string> => {
    const name = await createDatabase(prefix);
    databases.push(name);
    return name;
  };
  const synth = (into: string, tables: string) =>
    runLookalike([
      'synth',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(into),
      '--policy',
      policyFile,
      '--tables',
      tables,
      '--seed',
      '5',
    ]);

  beforeAll(async () => {
    source = await database('syndom_src');
    await withClient(source, (c) => c.query(SOURCE_SQL));
    await writeFile(policyFile, POLICY);
  }, 60_000);

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
    await rm(policyFile, { force: true });
  });

  it('modelled and personal columns typed by domains load, every row passing the domain CHECKs', async () => {
    const target = await database('syndom_dst');
    const result = await synth(target, 'public.member');
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    expect(await count(target, 'SELECT count(*) AS n FROM member')).toBe(600);
    expect(await count(target, "SELECT count(*) AS n FROM member WHERE zip !~ '^[0-9]{5}$'")).toBe(0);
    // Rare zips are never stored and made-up ones fail the CHECK: the common ones (ten, seen 30 times) remain.
    expect(await count(target, 'SELECT count(DISTINCT zip) AS n FROM member')).toBe(10);
    expect(
      await count(target, "SELECT count(*) AS n FROM member WHERE grade NOT IN ('A','B','C','D','E')"),
    ).toBe(0);
    expect(
      await count(target, 'SELECT count(*) AS n FROM member WHERE joined NOT BETWEEN 1901 AND 2155'),
    ).toBe(0);
    expect(await count(target, "SELECT count(*) AS n FROM member WHERE email ~~ '%acme-real%'")).toBe(0);
  }, 120_000);

  it('a personal column whose domain no fake passes fails with a message naming column, CHECK and domain; nothing is loaded', async () => {
    const target = await database('syndom_bad');
    const result = await synth(target, 'public.staff');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      'public.staff.email: no value of 24 draws passed CHECK constraint corp_email_check of domain public.corp_email',
    );
    expect(result.stderr).not.toContain('corp.internal');
    expect(await count(target, "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")).toBe(0);
  }, 120_000);

  it('a domain CHECK synthesis cannot evaluate is refused before the target opens, naming it', async () => {
    const target = await database('syndom_refuse');
    const result = await synth(target, 'public.pair');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      'public.pair.size: CHECK constraint even_int_check of domain public.even_int is of a form synthesis cannot evaluate',
    );
    expect(await count(target, "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")).toBe(0);
  }, 120_000);
});
