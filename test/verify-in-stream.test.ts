import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import {
  GatewayError,
  Secret,
  silentLogger,
  type Logger,
  type LogFields,
  type ReadRequest,
  type RowBatch,
  type SinkConnector,
  type SinkSession,
  type TargetReader,
} from '../src/core/index.js';
import { createDetection, type Detection } from '../src/detection/index.js';
import {
  planSnapshot,
  runSnapshot,
  runVerification,
  type SnapshotEvent,
  type SnapshotListener,
  type SnapshotSummary,
} from '../src/pipeline/index.js';
import { readerOf, startLeakScan } from '../src/pipeline/verify-snapshot.js';
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
    options: {
      readonly leakScanCapacity?: number;
      readonly leakScanBudget?: number;
      readonly logger?: Logger;
      readonly onEvent?: SnapshotListener;
      readonly policy?: Policy;
      readonly signal?: AbortSignal;
      /** Replaces parts of the target's real session (see sinkWith): a fault or a cancel mid-run. */
      readonly session?: (session: SinkSession) => Partial<SinkSession>;
    } = {},
  ): Promise<SnapshotSummary> {
    const target = await createDatabase('instream_dst');
    targets.push(target);
    return runSnapshot({
      source: createPgSource(databaseUrl(from)),
      target:
        options.session === undefined ? createPgSink(databaseUrl(target)) : sinkWith(target, options.session),
      policy: options.policy ?? policy,
      detection,
      selection: { schemas: [], tables: [] },
      secret,
      batchRows: 1000,
      signal: options.signal ?? new AbortController().signal,
      logger: options.logger ?? silentLogger,
      transformWorkers,
      ...(options.leakScanCapacity === undefined ? {} : { leakScanCapacity: options.leakScanCapacity }),
      ...(options.leakScanBudget === undefined ? {} : { leakScanBudget: options.leakScanBudget }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    });
  }

  /** The target database the latest snapshot() wrote into. */
  const lastTarget = (): string => targets[targets.length - 1] as string;

  /** `lookalike verify` of `target` against `source`, with the test policy. */
  function verifyAgainst(
    from: string,
    target: string,
    options: { readonly logger: Logger; readonly signal?: AbortSignal; readonly transformWorkers?: number },
  ) {
    return runVerification({
      source: createPgSource(databaseUrl(from)),
      target: createPgSink(databaseUrl(target)),
      policy,
      detection,
      selection: { schemas: [], tables: [] },
      batchRows: 1000,
      signal: options.signal ?? new AbortController().signal,
      logger: options.logger,
      ...(options.transformWorkers === undefined ? {} : { transformWorkers: options.transformWorkers }),
    });
  }

  async function leakOf(
    transformWorkers: number,
    leakScanCapacity?: number,
    logger?: Logger,
  ): Promise<GatewayError> {
    const error = await rejection(
      snapshot(transformWorkers, source, {
        ...(leakScanCapacity === undefined ? {} : { leakScanCapacity }),
        ...(logger === undefined ? {} : { logger }),
      }),
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
      const target = lastTarget();
      expect(await publicTables(target)).toBe(0);
    },
    120_000,
  );

  it('falls back to reading the target back in keyed passes when one index cannot hold the source', async () => {
    // 24,000 emails: more than a 10,000-value index, so nothing is scanned while written; the same planted
    // emails are found by the passes, as many as the values measured before the index was let go project.
    const logs = recorder();
    const error = await leakOf(2, 10_000, logs.logger);
    expect(error.code).toBe('leak_found');
    expect(error.details.items).toEqual([`leak: public.people.remark: ${planted} real email value(s)`]);
    expect(logs.events('leak_scan_read_back')).toHaveLength(1);
    expect(logs.events('leak_scan_passes')).toEqual([
      // The first pass's source side was read while the target added its post-data.
      expect.objectContaining({ passes: 3, projectedValues: PEOPLE, readAhead: true }),
    ]);
    expect(logs.events('leak_scan_repartitioned')).toEqual([]);
  }, 120_000);

  it("reads the target back in one pass, in scan workers, when only the load's index is outgrown", async () => {
    // 24,000 emails: more than the 10,000 values the index searched while writing may hold, fewer than one
    // read-back pass holds (the 5M-people bench's path). Scan workers search both tables, and find exactly
    // what this thread finds.
    const run = async (workers: number) => {
      const logs = recorder();
      const events: SnapshotEvent[] = [];
      const error = await rejection(
        snapshot(workers, source, {
          logger: logs.logger,
          leakScanBudget: 10_000,
          onEvent: (e) => events.push(e),
        }),
      );
      // This run's target (the helper made it last).
      return { error: error as GatewayError, logs, events, target: lastTarget() };
    };
    const alone = await run(0);
    const parallel = await run(2);
    for (const { error, logs, target } of [alone, parallel]) {
      expect(error).toBeInstanceOf(GatewayError);
      expect(error.code).toBe('leak_found');
      expect(error.details.items).toEqual([`leak: public.people.remark: ${planted} real email value(s)`]);
      expect(logs.events('leak_scan_read_back')).toHaveLength(1);
      expect(logs.events('leak_scan_passes')).toEqual([
        expect.objectContaining({ passes: 1, readAhead: true }),
      ]);
      expect(await publicTables(target)).toBe(0);
    }
    expect(alone.logs.events('read_back_workers')).toEqual([]);
    expect(parallel.logs.events('read_back_workers')).toEqual([
      { table: 'public.people', workers: 2 },
      { table: 'public.orders', workers: 2 },
    ]);
    // Progress of the reads outside the load, on either path: the value pass read every person, and the
    // read-back every row of both tables (in the scan workers' slabs too).
    for (const { events } of [alone, parallel]) {
      const lastRead = (phase: string, side: string, table: string) =>
        events
          .filter((e) => e.type === 'read_progress')
          .filter((e) => e.phase === phase && e.side === side && e.table.name === table)
          .at(-1);
      expect(lastRead('scan_values', 'source', 'people')?.rows).toBe(PEOPLE);
      expect(lastRead('scan_values', 'source', 'people')?.estimatedRows).toBeGreaterThan(0);
      expect(lastRead('verify', 'target', 'people')?.rows).toBe(PEOPLE);
      expect(lastRead('verify', 'target', 'orders')?.rows).toBe(PEOPLE);
    }
    const completed = (logs: ReturnType<typeof recorder>) => logs.events('verification_completed')[0];
    expect(completed(parallel.logs)).toEqual(
      expect.objectContaining({ status: completed(alone.logs)?.status, leaks: completed(alone.logs)?.leaks }),
    );
  }, 120_000);

  it('a post-data failure while the source is read ahead fails the run cleanly and delivers nothing', async () => {
    const cleanSource = await cleanCopy();
    const logs = recorder();
    const error = await rejection(
      snapshot(0, cleanSource, {
        leakScanCapacity: 10_000,
        logger: logs.logger,
        // The real sink, except that its post-data fails (as a constraint the rows break would).
        session: (session) => ({
          applyDdl: async (sql, label) => {
            if (label.includes('post-data'))
              throw new GatewayError('schema_copy_failed', 'applying post-data failed (injected)');
            await session.applyDdl(sql, label);
          },
        }),
      }),
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('schema_copy_failed');
    // The source was to be read back, and its read had begun beside the post-data when that failed.
    expect(logs.events('leak_scan_read_back')).toHaveLength(1);
    expect(logs.events('leak_scan_read_ahead')).toHaveLength(1);
    expect(logs.events('leak_scan_read_ahead_done')).toEqual([]);
    expect(await publicTables(lastTarget())).toBe(0);
  }, 120_000);

  it('a snapshot cancelled while its scan workers read back rolls back promptly and delivers nothing', async () => {
    const cleanSource = await cleanCopy();
    const controller = new AbortController();
    let chunks = 0;
    // The real sink, whose read-back cancels the run once its first chunk is on its way to the workers.
    const cancelling = (session: SinkSession): Partial<SinkSession> => ({
      reader: (): TargetReader => {
        const inner = readerOf(session);
        const readEncoded = inner.readEncoded?.bind(inner);
        if (readEncoded === undefined) throw new Error('the pg target reads encoded rows');
        return {
          introspect: (selection) => inner.introspect(selection),
          readRows: (request, s) => inner.readRows(request, s),
          countRows: (table) => inner.countRows(table),
          countOrphans: (table, columns, references) => inner.countOrphans(table, columns, references),
          countDuplicates: (table, columns) => inner.countDuplicates(table, columns),
          countEquivalenceClasses: (request) => inner.countEquivalenceClasses(request),
          ...(inner.encodedFormat === undefined ? {} : { encodedFormat: inner.encodedFormat }),
          async *readEncoded(request: ReadRequest, s: AbortSignal) {
            for await (const chunk of readEncoded(request, s)) {
              yield chunk;
              if (++chunks === 1) controller.abort();
            }
          },
        };
      },
    });
    const logs = recorder();
    const started = performance.now();
    const error = await rejection(
      snapshot(2, cleanSource, { logger: logs.logger, signal: controller.signal, session: cancelling }),
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('cancelled');
    // orders, copied unchanged, was being read back by two scan workers when the run was cancelled.
    expect(logs.events('read_back_workers')).toEqual([{ table: 'public.orders', workers: 2 }]);
    expect(chunks).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(await publicTables(lastTarget())).toBe(0);
  }, 120_000);

  it('reads back in the passes the measured values need, not the planner estimate', async () => {
    const cleanSource = await cleanCopy();
    // The planner sees 24,000 rows of an email and a text column: 48,000 values, 5 passes of 10,000. The
    // value pass measures 1 value a row (the notes quote no email or phone) before the index outgrows its
    // 10,000-value budget: 24,000 values, 3 passes, none repartitioned.
    const logs = recorder();
    const summary = await snapshot(0, cleanSource, { leakScanCapacity: 10_000, logger: logs.logger });
    const scan = summary.verification.leakScan;
    expect(summary.verification.status).toBe('clean');
    expect(scan.passes).toBe(3);
    expect(scan.sourceReadAhead).toBe(true);
    // The read ran beside the post-data: verification's source time is only what the run waited for it.
    const seconds = summary.verification.seconds;
    expect(seconds.sourceReadAhead).toBeGreaterThan(0);
    expect(seconds.source).toBeLessThanOrEqual(seconds.sourceReadAhead ?? 0);
    expect(scan.indexedValues).toBe(PEOPLE);
    expect(scan.droppedValues).toBe(0);
    expect(scan.tablesScannedWhileWriting).toBeUndefined();
    expect(scan.targetRows).toBe(2 * PEOPLE);
    expect(logs.events('leak_scan_read_back')).toEqual([
      expect.objectContaining({ measuredValues: expect.any(Number) as number }),
    ]);
    const measured = logs.events('leak_scan_read_back')[0]?.measuredValues as number;
    expect(measured).toBeGreaterThan(10_000);
    expect(measured).toBeLessThanOrEqual(11_000);
    expect(logs.events('leak_scan_repartitioned')).toEqual([]);
  }, 120_000);

  it('a subset whose values outgrow the budget reads the source to the end and is read back', async () => {
    // The subset's own source read (after the subset is computed) lets its index go at 2,000 values but
    // reads on: a COPY stopped midway would leave the source session unusable for the load.
    const file = join(work, 'subset-policy.yaml');
    await writeFile(file, `${POLICY_YAML}subset:\n  targets:\n    - { table: public.people, percent: 50 }\n`);
    const subsetPolicy = await loadPolicy(file);
    const logs = recorder();
    const summary = await snapshot(0, await cleanCopy(), {
      policy: subsetPolicy,
      logger: logs.logger,
      leakScanCapacity: 2_000,
    });
    const scan = summary.verification.leakScan;
    expect(summary.verification.status).toBe('clean');
    expect(summary.subset?.totalRows).toBeGreaterThan(0);
    const [passes] = logs.events('leak_scan_passes');
    expect(passes?.passes).toBe(scan.passes);
    // One email a person copied: the projection counts the subset's rows, not the source's 24,000.
    expect(passes?.projectedValues).toBe(scan.indexedValues);
    expect(scan.passes).toBe(Math.ceil(scan.indexedValues / 2_000));
    expect(logs.events('leak_scan_repartitioned')).toEqual([]);
  }, 120_000);

  it('lets the index go as soon as it outgrows its budget, and still counts every row', async () => {
    const session = await createPgSource(databaseUrl(source)).openSource(new AbortController().signal);
    try {
      const { schema, plan } = await planSnapshot(session, policy, { schemas: [], tables: [] });
      const scan = startLeakScan({ plan, schema, keptPersonal: new Map(), leakScanCapacity: 5_000 });
      const read = scan.reads.get('public.people');
      expect(read?.columns).toEqual(['email', 'note']);
      const overflowedAt = await feedPeople(session, scan);
      // 1 value a row: the batch that takes the index past 5,000 values is the last one indexed.
      expect(overflowedAt).toBe(6_000);
      const outcome = scan.finish();
      expect(outcome.prepared).toBeUndefined();
      expect(outcome.measured?.values).toBe(6_000);
      expect(outcome.measured?.tables.get('public.people')).toEqual({
        rows: PEOPLE,
        indexedRows: 6_000,
        values: 6_000,
      });
    } finally {
      await session.close();
    }
  }, 120_000);

  it('lets the index go before it is full when the rows read so far project far past its budget', async () => {
    // 250,000 people, 1 value each, against a 110,000-value budget: after 100,000 rows (100,000 values,
    // within the budget) the table projects to 250,000 values, more than twice the budget.
    const many = await createDatabase('instream_many');
    targets.push(many);
    await dropDatabase(many);
    await withClient('postgres', (c) => c.query(`CREATE DATABASE "${many}" TEMPLATE "${source}"`));
    await withClient(many, (c) =>
      c.query(`
        INSERT INTO people
        SELECT g, 'person.' || g || '@corp-mail.example', 'Spoke with customer ' || g || '.', 'no remark'
          FROM generate_series(${PEOPLE + 1}, 250000) g;
        ANALYZE;`),
    );
    const session = await createPgSource(databaseUrl(many)).openSource(new AbortController().signal);
    try {
      const { schema, plan } = await planSnapshot(session, policy, { schemas: [], tables: [] });
      const scan = startLeakScan({ plan, schema, keptPersonal: new Map(), leakScanCapacity: 110_000 });
      const overflowedAt = await feedPeople(session, scan);
      expect(overflowedAt).toBe(100_000);
      expect(scan.finish().measured?.tables.get('public.people')).toEqual({
        rows: 250_000,
        indexedRows: 100_000,
        values: 100_000,
      });
    } finally {
      await session.close();
    }
  }, 120_000);

  it('scans the transformed table while writing and reads back only the table copied unchanged', async () => {
    const cleanSource = await cleanCopy();
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

  /** The source without the planted emails (created once). */
  let clean: string | undefined;
  it('lookalike verify takes its passes from one read of the source, not from planner estimates', async () => {
    const cleanSource = await cleanCopy();
    expect((await snapshot(2, cleanSource)).verification.status).toBe('clean');
    const target = lastTarget();
    // The planner believes people holds 50 M rows: from the estimates, ~11 passes of 128 MB.
    const believe = (sql: string) => withClient(cleanSource, (c) => c.query(sql));
    await believe(`UPDATE pg_class SET reltuples = 50000000 WHERE oid = 'public.people'::regclass`);
    try {
      const logs = recorder();
      const result = await verifyAgainst(cleanSource, target, { logger: logs.logger });
      expect(result.status).toBe('clean');
      expect(result.leakScan.passes).toBe(1);
      expect(result.leakScan.indexedValues).toBeGreaterThanOrEqual(PEOPLE);
      expect(result.leakScan.targetRows).toBe(2 * PEOPLE);
      // Indexed in the one read: no passes were planned.
      expect(logs.events('leak_scan_passes')).toEqual([]);
      // That read is verification's own time; nothing was searched while written.
      expect(result.seconds.source).toBeGreaterThan(0);
      expect(result.seconds.total).toBeGreaterThanOrEqual(result.seconds.source + result.seconds.target);
      expect(result.seconds.whileWriting).toBeUndefined();
      expect(result.leakScan.tablesScannedWhileWriting).toBeUndefined();
    } finally {
      await believe('ANALYZE people');
    }
  }, 120_000);

  it('lookalike verify searches large tables in scan workers and finds what this thread finds', async () => {
    const cleanSource = await cleanCopy();
    expect((await snapshot(0, cleanSource)).verification.status).toBe('clean');
    const target = lastTarget();
    // A delivered copy someone edited afterwards: real addresses pasted into some remarks and one email.
    await withClient(target, (c) =>
      c.query(`UPDATE people SET remark = 'cc person.' || (id + 1) || '@corp-mail.example' WHERE id % 500 = 7;
               UPDATE people SET email = 'person.3@corp-mail.example' WHERE id = 11`),
    );
    const verify = async (transformWorkers: number) => {
      const logs = recorder();
      const result = await verifyAgainst(cleanSource, target, { logger: logs.logger, transformWorkers });
      return { result, workers: logs.events('read_back_workers') };
    };
    const alone = await verify(0);
    const parallel = await verify(2);
    expect(alone.workers).toEqual([]);
    expect(parallel.workers).toEqual([
      { table: 'public.people', workers: 2 },
      { table: 'public.orders', workers: 2 },
    ]);
    expect(alone.result.status).toBe('leak_found');
    const leaks = (r: typeof alone.result) =>
      r.leakScan.leaks.map((l) => `${l.table}.${l.column}:${l.kind}:${l.count}`).sort();
    expect(leaks(alone.result)).toEqual([
      `public.people.email:email:1`,
      `public.people.remark:email:${PEOPLE / 500}`,
    ]);
    // The workers' findings add up to this thread's: leaks, rows, lookups, NULL counts and utility figures.
    expect(leaks(parallel.result)).toEqual(leaks(alone.result));
    expect(parallel.result.leakScan.targetRows).toBe(2 * PEOPLE);
    expect(parallel.result.leakScan.lookups).toBe(alone.result.leakScan.lookups);
    expect(parallel.result.integrity).toEqual(alone.result.integrity);
    expect(parallel.result.utility).toEqual(alone.result.utility);

    // Cancelled while its scan workers run: a clear error, and the workers are stopped.
    const controller = new AbortController();
    const logs = recorder();
    const stopping: Logger = {
      ...logs.logger,
      info: (event, fields) => {
        logs.logger.info(event, fields);
        if (event === 'read_back_workers') controller.abort();
      },
    };
    const cancelled = await rejection(
      verifyAgainst(cleanSource, target, {
        logger: stopping,
        signal: controller.signal,
        transformWorkers: 2,
      }),
    );
    expect(cancelled).toBeInstanceOf(GatewayError);
    expect((cancelled as GatewayError).code).toBe('cancelled');
    expect(logs.events('read_back_workers')).toHaveLength(1);
  }, 120_000);

  async function cleanCopy(): Promise<string> {
    if (clean !== undefined) return clean;
    const name = await createDatabase('instream_clean');
    targets.push(name);
    await dropDatabase(name);
    await withClient('postgres', (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${source}"`));
    await withClient(name, (c) => c.query(`UPDATE people SET remark = 'no remark'`));
    clean = name;
    return name;
  }
});

/**
 * Feeds every row of `public.people` to the scan in batches of exactly 1000 (the source cuts its own batches
 * by bytes too); the rows fed when it overflowed (0: never).
 */
async function feedPeople(
  session: Awaited<ReturnType<ReturnType<typeof createPgSource>['openSource']>>,
  scan: ReturnType<typeof startLeakScan>,
): Promise<number> {
  const read = scan.reads.get('public.people');
  if (read === undefined) throw new Error('the scan reads no people');
  let overflowedAt = 0;
  let rows = 0;
  let pending: RowBatch = [];
  const feed = (batch: RowBatch): void => {
    scan.addBatch('public.people', batch);
    rows += batch.length;
    if (scan.overflowed && overflowedAt === 0) overflowedAt = rows;
  };
  for await (const batch of session.readRows(
    { table: read.table, columns: [...read.columns], batchRows: 1000 },
    new AbortController().signal,
  )) {
    for (const row of batch) {
      pending.push(row);
      if (pending.length === 1000) {
        feed(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0) feed(pending);
  return overflowedAt;
}

/** A logger that keeps the events it is told (counts and names only, as every event). */
function recorder(): { logger: Logger; events(name: string): LogFields[] } {
  const seen: { event: string; fields: LogFields }[] = [];
  const keep = (event: string, fields?: LogFields): void => {
    seen.push({ event, fields: fields ?? {} });
  };
  return {
    logger: { debug: keep, info: keep, warn: keep, error: keep },
    events: (name) => seen.filter((e) => e.event === name).map((e) => e.fields),
  };
}

/** The error a promise rejects with (undefined if it resolves). */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** User tables left in a target's public schema (0: nothing delivered). */
async function publicTables(database: string): Promise<number | undefined> {
  const tables = await withClient(database, (c) =>
    c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`),
  );
  return tables.rows[0]?.n;
}

/** The real pg sink of `database`, its sessions' members replaced by `overrides` (fault injection). */
function sinkWith(
  database: string,
  overrides: (session: SinkSession) => Partial<SinkSession>,
): SinkConnector {
  const real = createPgSink(databaseUrl(database));
  return {
    ...real,
    openSink: async (signal) => {
      const session = await real.openSink(signal);
      const replaced: Partial<SinkSession> = overrides(session);
      return new Proxy(session, {
        get(on, key, receiver) {
          if (Object.hasOwn(replaced, key)) return replaced[key as keyof SinkSession];
          const value: unknown = Reflect.get(on, key, receiver);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(on) : value;
        },
      });
    },
  };
}
