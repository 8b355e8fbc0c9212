import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../src/policy/index.js';
import { PAGILA_DATABASE, databaseUrl, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const source = databaseUrl(PAGILA_DATABASE);

interface ScanJson {
  formatVersion: number;
  tables: number;
  columns: {
    table: string;
    column: string;
    path: string | null;
    category: string | null;
    confidence: number;
    decision: string;
    evidence: { detector: string; detail: string }[];
  }[];
}

/** The hand-labelled kinds of pagila's personal columns (see bench/detection/columns for all of them). */
const PERSONAL: Record<string, string> = {
  'public.customer.first_name': 'FIRST_NAME',
  'public.customer.last_name': 'LAST_NAME',
  'public.customer.email': 'EMAIL_ADDRESS',
  'public.actor.first_name': 'FIRST_NAME',
  'public.actor.last_name': 'LAST_NAME',
  'public.staff.first_name': 'FIRST_NAME',
  'public.staff.last_name': 'LAST_NAME',
  'public.staff.email': 'EMAIL_ADDRESS',
  'public.staff.username': 'USERNAME',
  'public.address.address': 'STREET_ADDRESS',
  'public.address.phone': 'PHONE_NUMBER',
  'public.address.postal_code': 'POSTAL_CODE',
  'public.city.city': 'CITY',
  'public.country.country': 'COUNTRY',
};

/** Columns a human calls not personal although their names look like it (`name`, `title`). */
const NOT_PERSONAL = [
  'public.category.name',
  'public.language.name',
  'public.film.title',
  'public.film.rental_rate',
  'public.payment.amount',
  'public.inventory.film_id',
];

describe('lookalike scan on pagila (real PostgreSQL)', () => {
  let report: ScanJson;
  let stdout: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lookalike-scan-'));
    const result = await runLookalike([
      'scan',
      '--source',
      source,
      '--format',
      'json',
      '--write-policy',
      join(dir, 'draft.yaml'),
    ]);
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    stdout = result.stdout;
    report = JSON.parse(stdout) as ScanJson;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const find = (name: string) =>
    report.columns.find((c) => `${c.table}.${c.column}` === name && c.path === null);

  it('classifies the personal columns by kind', () => {
    const found = Object.fromEntries(
      Object.keys(PERSONAL).map((name) => [name, find(name)?.category ?? null]),
    );
    expect(found).toEqual(PERSONAL);
    for (const name of Object.keys(PERSONAL)) expect(find(name)?.decision, name).toBe('personal');
  });

  it('calls catalogue, film and payment columns not personal, although their names look like it', () => {
    for (const name of NOT_PERSONAL) {
      expect(find(name)?.category ?? null, name).toBeNull();
      expect(find(name)?.decision, name).not.toBe('personal');
    }
  });

  it('reports one entry per column of every table (partitions go with their partitioned table)', async () => {
    const columns = await withClient(PAGILA_DATABASE, async (c) => {
      const result = await c.query<{ n: string }>(`
        SELECT count(*)::text AS n FROM information_schema.columns col
          JOIN pg_class cl ON cl.relname = col.table_name
          JOIN pg_namespace ns ON ns.oid = cl.relnamespace AND ns.nspname = col.table_schema
         WHERE col.table_schema = 'public' AND cl.relkind IN ('r', 'p') AND NOT cl.relispartition`);
      return Number(result.rows[0]?.n);
    });
    expect(report.columns.filter((c) => c.path === null)).toHaveLength(columns);
    for (const c of report.columns) {
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('gives evidence as counts and rule names, never sampled values', async () => {
    const values = await withClient(PAGILA_DATABASE, async (c) => {
      const result = await c.query<{ v: string }>(`
        (SELECT email AS v FROM customer ORDER BY customer_id LIMIT 20)
        UNION ALL (SELECT address FROM address WHERE address_id > 4 ORDER BY address_id LIMIT 20)
        UNION ALL (SELECT phone FROM address WHERE phone <> '' ORDER BY address_id LIMIT 20)
        UNION ALL (SELECT first_name || ' ' || last_name FROM customer ORDER BY customer_id LIMIT 20)`);
      return result.rows.map((r) => r.v);
    });
    expect(values.length).toBe(80);
    for (const value of values) expect(stdout, 'a sampled value is in the scan output').not.toContain(value);
    expect(find('public.customer.email')?.evidence.some((e) => e.detector === 'values')).toBe(true);
  });

  it('writes a draft policy that parses, comments each decision and keeps undecided columns out', async () => {
    const text = await readFile(join(dir, 'draft.yaml'), 'utf8');
    const policy = parsePolicy(text, 'draft.yaml');
    const customer = policy.tables['public.customer']?.columns;
    expect(customer?.email?.action).toMatchObject({ kind: 'substitute', entity: 'email' });
    expect(customer?.first_name?.action).toMatchObject({ kind: 'substitute', entity: 'first_name' });
    expect(policy.tables['public.category']?.columns.name?.action).toEqual({ kind: 'keep' });
    expect(text).toMatch(/# EMAIL_ADDRESS \(confidence [01]\.\d\d\)/);
    const undecided = report.columns.filter((c) => c.decision === 'undecided' && c.path === null);
    for (const c of undecided) expect(text).toContain(`# ${c.column}: ?`);
  });

  it('drafts the lookup tables synth: copy (language, category, country), never customer or film', async () => {
    const text = await readFile(join(dir, 'draft.yaml'), 'utf8');
    const policy = parsePolicy(text, 'draft.yaml');
    for (const table of ['language', 'category', 'country'])
      expect(policy.tables[`public.${table}`]?.synth, table).toBe('copy');
    for (const table of ['customer', 'film', 'address', 'rental', 'payment'])
      expect(policy.tables[`public.${table}`]?.synth, table).toBeUndefined();
    expect(text).toMatch(
      / {2}public\.language:\n {4}# lookup table \(about \d+ rows, nothing personal, referenced by public\.film\)/,
    );
  });
});
