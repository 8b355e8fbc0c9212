import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSource } from '../connectors/postgres/index.js';
import { SELECT_ALL, type SourceSession } from '../src/core/index.js';
import { createDetection, type Detection } from '../src/detection/index.js';
import { planSnapshot, scanSource } from '../src/pipeline/index.js';
import { findKeptPersonalColumns } from '../src/pipeline/verify-snapshot.js';
import { parsePolicy } from '../src/policy/index.js';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';

// Before the load, a snapshot with a policy looks for kept columns that hold identifying values, so its
// verification checks them too. Only kept columns are sampled: these tables mix kept and transformed ones,
// and the kept personal column of a partitioned table is found in every partition (they take its entry).

const POLICY = `version: 1
strict: true
tables:
  public.contacts:
    columns:
      id: keep
      c5: keep
      phone: { action: substitute, entity: phone }
      region: keep
  public.ledger:
    columns:
      id: keep
      booked: keep
      c7: keep
      amount: keep
`;

describe('kept columns holding personal values (real PostgreSQL)', () => {
  let source: string;
  let session: SourceSession;
  let detection: Detection;

  beforeAll(async () => {
    source = await createDatabase('kept_personal_src');
    await withClient(source, (c) =>
      c.query(`
        CREATE TABLE contacts (id int PRIMARY KEY, c5 text, phone text, region text);
        INSERT INTO contacts
        SELECT g, 'member' || g || '.sample@mail-host.example', '+1 415 555 ' || lpad((g % 10000)::text, 4, '0'),
               (ARRAY['north', 'south', 'east', 'west'])[1 + g % 4]
        FROM generate_series(1, 400) g;
        CREATE TABLE ledger (id int, booked date NOT NULL, c7 text, amount numeric) PARTITION BY RANGE (booked);
        CREATE TABLE ledger_2025 PARTITION OF ledger FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE ledger_2026 PARTITION OF ledger FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        INSERT INTO ledger
        SELECT g, date '2025-06-01' + g, 'payer' || g || '@billing-mail.example', g * 1.5
        FROM generate_series(1, 400) g;
        ANALYZE;
      `),
    );
    detection = await createDetection({ packageRoot: process.cwd() });
    session = await createPgSource(databaseUrl(source)).openSource(new AbortController().signal);
  });

  afterAll(async () => {
    await session?.close();
    await dropDatabase(source);
  });

  /** The kept personal columns a snapshot with this policy would check. */
  async function keptUnder(policyText: string): Promise<Map<string, string>> {
    const { plan } = await planSnapshot(session, parsePolicy(policyText, 'kept.yaml'), SELECT_ALL);
    return findKeptPersonalColumns(session, plan, SELECT_ALL, detection, new AbortController().signal);
  }

  it('finds them in kept columns only, partitions included, named by the partitions that hold the rows', async () => {
    const kept = await keptUnder(POLICY);
    expect(Object.fromEntries(kept)).toEqual({
      'public.contacts.c5': 'email',
      'public.ledger_2025.c7': 'email',
      'public.ledger_2026.c7': 'email',
    });
  });

  it('a scan limited to some columns reads and classifies only those', async () => {
    const { report } = await scanSource(session, SELECT_ALL, detection, new AbortController().signal, {
      only: (table) => new Set(table.ref.name === 'contacts' ? ['c5', 'region'] : []),
    });
    expect(report.tables).toBe(1);
    expect(report.columns.map((c) => `${c.table}.${c.column}`).sort()).toEqual([
      'public.contacts.c5',
      'public.contacts.region',
    ]);
    expect(report.columns.find((c) => c.column === 'c5')?.category).toBe('EMAIL_ADDRESS');
  });

  it('finds none when the column that holds them is transformed', async () => {
    const kept = await keptUnder(
      POLICY.replace('c5: keep', 'c5: { action: substitute, entity: email }').replace(
        'c7: keep',
        'c7: { action: hash }',
      ),
    );
    expect(kept.size).toBe(0);
  });
});
