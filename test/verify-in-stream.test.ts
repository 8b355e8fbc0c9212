import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import { GatewayError, Secret, silentLogger } from '../src/core/index.js';
import { createDetection, type Detection } from '../src/detection/index.js';
import { runSnapshot, type SnapshotSummary } from '../src/pipeline/index.js';
import { loadPolicy, type Policy } from '../src/policy/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';

// The leak scan searches rows as the snapshot writes them (in this thread or in transform workers) and
// reads back only the tables copied unchanged. These runs plant real emails in a kept text column of a
// transformed table and check that both paths find exactly them, and that a failed scan delivers nothing.

const PEOPLE = 24_000;
/** Every PLANT_EVERY-th person's remark quotes another person's real email. */
const PLANT_EVERY = 400;

const POLICY_YAML = `version: 1
strict: true
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      note: { action: redact_text, reason: free text quoting the person }
      remark: keep
  public.orders:
    columns:
      id: keep
      person_id: keep
      status: keep
`;

describe('leak scan in the data path (real PostgreSQL)', () => {
  let source: string;
  let work: string;
  let policy: Policy;
  let detection: Detection;
  const targets: string[] = [];
  const secret = new Secret(Buffer.from(testSecret('in-stream')));

  beforeAll(async () => {
    source = await createDatabase('instream_src');
    await withClient(source, (c) =>
      c.query(`
        CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE, note text, remark text);
        INSERT INTO people
        SELECT g, 'person.' || g || '@corp-mail.example',
               'Spoke with customer ' || g || ' about the invoice.',
               CASE WHEN g % ${PLANT_EVERY} = 0 THEN 'forwarded to person.' || (g - 1) || '@corp-mail.example'
                    ELSE 'no remark' END
          FROM generate_series(1, ${PEOPLE}) g;
        CREATE TABLE orders (id int PRIMARY KEY, person_id int REFERENCES people, status text);
        INSERT INTO orders SELECT g, 1 + g % ${PEOPLE}, (ARRAY['paid','shipped','refunded'])[1 + g % 3]
          FROM generate_series(1, ${PEOPLE}) g;
        ANALYZE;`),
    );
    work = await mkdtemp(join(tmpdir(), 'lookalike-in-stream-'));
    const file = join(work, 'policy.yaml');
    await writeFile(file, POLICY_YAML);
    policy = await loadPolicy(file);
    detection = await createDetection({ packageRoot: process.cwd() });
  }, 120_000);

  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
    await dropDatabase(source);
    await rm(work, { recursive: true, force: true });
  });

  async function snapshot(
    transformWorkers: number,
    from = source,
    leakScanCapacity?: number,
  ): Promise<SnapshotSummary> {
    const target = await createDatabase('instream_dst');
    targets.push(target);
    return runSnapshot({
      source: createPgSource(databaseUrl(from)),
      target: createPgSink(databaseUrl(target)),
      policy,
      detection,
      selection: { schemas: [], tables: [] },
      secret,
      batchRows: 1000,
      signal: new AbortController().signal,
      logger: silentLogger,
      transformWorkers,
      ...(leakScanCapacity === undefined ? {} : { leakScanCapacity }),
    });
  }

  async function leakOf(transformWorkers: number, leakScanCapacity?: number): Promise<GatewayError> {
    const error = await snapshot(transformWorkers, source, leakScanCapacity).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }

  const planted = Math.floor(PEOPLE / PLANT_EVERY);

  it.each([0, 2])(
    'finds exactly the planted emails with %i transform workers and delivers nothing',
    async (workers) => {
      const error = await leakOf(workers);
      expect(error.code).toBe('leak_found');
      expect(error.details.items).toEqual([`leak: public.people.remark: ${planted} real email value(s)`]);
      const target = targets[targets.length - 1] as string;
      const tables = await withClient(target, (c) =>
        c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`),
      );
      expect(tables.rows[0]?.n).toBe(0);
    },
    120_000,
  );

  it('falls back to reading the target back in keyed passes when one index cannot hold the source', async () => {
    // 24,000 emails + the remarks' emails: more than a 10,000-value index, so nothing is scanned while
    // written; the same planted emails are found by the passes.
    const error = await leakOf(2, 10_000);
    expect(error.code).toBe('leak_found');
    expect(error.details.items).toEqual([`leak: public.people.remark: ${planted} real email value(s)`]);
  }, 120_000);

  it('scans the transformed table while writing and reads back only the table copied unchanged', async () => {
    const cleanSource = await createDatabase('instream_clean');
    targets.push(cleanSource);
    await dropDatabase(cleanSource);
    await withClient('postgres', (c) => c.query(`CREATE DATABASE "${cleanSource}" TEMPLATE "${source}"`));
    await withClient(cleanSource, (c) => c.query(`UPDATE people SET remark = 'no remark'`));
    // In this thread, as in the workers: the transformed table is searched while written.
    const single = await snapshot(0, cleanSource);
    expect(single.verification.status).toBe('clean');
    expect(single.verification.leakScan.tablesScannedWhileWriting).toBe(1);
    const summary = await snapshot(2, cleanSource);
    const scan = summary.verification.leakScan;
    expect(summary.verification.status).toBe('clean');
    expect(scan.tablesScannedWhileWriting).toBe(1);
    // Both tables were searched: people as written, orders (its status column) read back.
    expect(scan.targetRows).toBe(2 * PEOPLE);
    expect(scan.passes).toBe(1);
    // The search done by the workers is counted in the verification's own time.
    const seconds = summary.verification.seconds;
    expect(seconds.whileWriting).toBeGreaterThan(0);
    expect(seconds.total).toBeCloseTo(
      seconds.source + seconds.target + seconds.integrity + (seconds.whileWriting ?? 0),
      2,
    );
    expect(scan.indexedValues).toBeGreaterThanOrEqual(PEOPLE);
  }, 120_000);
});
