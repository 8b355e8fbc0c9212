import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { loadGatewayConfig } from '../src/config/index.js';
import { Secret, silentLogger } from '../src/core/index.js';
import { createDetection } from '../src/detection/index.js';
import { runSnapshot, runSynthesis } from '../src/pipeline/index.js';
import { loadPolicy } from '../src/policy/index.js';
import { tableDigests } from './helpers/compare-databases.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import {
  AUDIENCE,
  dropDeliveredSnapshots,
  gatewayCaller,
  ISSUER,
  snapshotName,
  spawnWorker,
  startLocalJwks,
  startTestGateway,
  until,
  type LocalJwks,
} from './helpers/gateway.js';

const PEOPLE = 15_000;

interface UnitRow {
  unit_id: string;
  state: string;
  worker_id: string | null;
  attempts: number;
}

describe('a snapshot split into units of work that workers claim from the state database', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let compareDb: string | undefined;
  let ordersDb: string | undefined;
  let synthCompareDb: string | undefined;
  let jwks: LocalJwks;
  let gateway: RunningGateway | undefined;
  let env: NodeJS.ProcessEnv;
  let workerConfig: string;
  const workers: ChildProcess[] = [];
  const requestIds: string[] = [];
  const call = gatewayCaller(() => gateway?.url ?? '');

  const config = (unitConcurrency: number): string => `version: 1
server: { host: 127.0.0.1, port: 0, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: GW_SECRET }
sources:
  shop: { connection: { env: GW_SOURCE_URL }, allow: { roles: [requester] } }
  orders: { connection: { env: GW_ORDERS_URL }, allow: { roles: [requester] } }
targets:
  dev: { connection: { env: GW_TARGET_URL } }
policies:
  people: { file: people.policy.yaml }
  orders: { file: orders.policy.yaml }
auth: { issuer: ${ISSUER}, audience: ${AUDIENCE}, jwks_url: ${jwks.url}, algorithms: [RS256] }
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 1000, unit_mb: 1, unit_concurrency: ${unitConcurrency} }
`;

  const units = async (id: string): Promise<UnitRow[]> =>
    (
      await withClient(stateDb, (c) =>
        c.query<UnitRow>(
          `SELECT u.unit_id, u.state, u.worker_id, u.attempts FROM lookalike_job_units u
             JOIN lookalike_jobs j ON j.id = u.job_id WHERE j.request_id = $1 ORDER BY u.unit_id`,
          [id],
        ),
      )
    ).rows;

  const state = async (id: string): Promise<Record<string, unknown>> =>
    (await call('GET', `/v1/snapshots/${id}`, await jwks.token({ sub: 'alice', roles: ['requester'] }))).json;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-units-'));
    jwks = await startLocalJwks();
    sourceDb = await createDatabase('gwunits_src');
    await withClient(sourceDb, (c) =>
      c.query(`
        CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL UNIQUE, note text);
        INSERT INTO people
        SELECT g, lower(f || '.' || l || '.' || g || '@corp.example'),
               'Called ' || f || ' ' || l || ' about order ' || g || ', asked to ship to the office'
          FROM generate_series(1, ${PEOPLE}) g,
               LATERAL (SELECT (ARRAY['Tove','Jana','Ines','Mary','Omar','Chen'])[1 + g % 6] AS f,
                               (ARRAY['Moreau','Garcia','Weber','Smith','Haddad'])[1 + (g / 6) % 5] AS l) n;
        ANALYZE;`),
    );
    ordersDb = await createDatabase('gwunits_orders');
    await withClient(ordersDb, (c) =>
      c.query(`
        CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL UNIQUE, note text);
        INSERT INTO people SELECT g, 'p' || g || '@corp.example', 'Called about order ' || g
          FROM generate_series(1, 3000) g;
        CREATE TABLE orders (id serial PRIMARY KEY, person_id int NOT NULL REFERENCES people,
                             amount numeric NOT NULL, status text NOT NULL);
        INSERT INTO orders (person_id, amount, status)
        SELECT 1 + g % 3000, (g % 97) * 1.25, (ARRAY['new','paid','shipped'])[1 + g % 3]
          FROM generate_series(1, 30000) g;
        ANALYZE;`),
    );
    stateDb = await createDatabase('gwunits_state');
    await writeFile(
      join(dir, 'people.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      note: { action: redact_text, reason: notes quote the customer }
`,
    );
    await writeFile(
      join(dir, 'orders.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      note: { action: redact_text, reason: notes quote the customer }
  public.orders:
    columns: { id: keep, person_id: keep, amount: keep, status: keep }
`,
    );
    await writeFile(join(dir, 'gateway.yaml'), config(0));
    workerConfig = join(dir, 'worker.yaml');
    await writeFile(workerConfig, config(1));
    env = {
      GW_SECRET: testSecret('units'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
      GW_STATE_URL: databaseUrl(stateDb),
      GW_ORDERS_URL: databaseUrl(ordersDb),
    };
    // This gateway runs jobs but no units: the units of its runs wait for workers.
    gateway = await startTestGateway(await loadGatewayConfig(join(dir, 'gateway.yaml')), env, silentLogger);
  });

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await gateway?.close();
    await jwks?.close();
    await dropDeliveredSnapshots(requestIds);
    for (const db of [sourceDb, stateDb, compareDb, ordersDb, synthCompareDb])
      if (db !== undefined) await dropDatabase(db);
    await rm(dir, { recursive: true, force: true });
  });

  it('units run on other processes; a unit whose worker is killed is run again by another; the delivery equals a one-transaction snapshot', async () => {
    const alice = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const created = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev',
      policy: 'people',
      purpose: 'split run',
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    requestIds.push(id);

    // The gateway coordinates: its run commits the schema and queues the units; nobody takes them yet.
    await until(async () => (await units(id)).length > 1, 1200);
    const queued = await units(id);
    expect(queued.every((u) => u.state === 'queued')).toBe(true);
    expect(queued.map((u) => u.unit_id).every((u) => /^\d+:public\.people@\d+$/.test(u))).toBe(true);

    // Hold every unit's lock in the target: an attempt blocks right after its claim, until released.
    const holder = new pg.Client({ connectionString: databaseUrl(snapshotName(id)) });
    holder.on('error', () => undefined);
    await holder.connect();
    for (const unit of queued)
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('lookalike-unit:' || $1, 0))`, [
        unit.unit_id,
      ]);

    const first = spawnWorker(workerConfig, env);
    workers.push(first.child);
    const firstId = await first.workerId;
    await until(async () => (await units(id)).some((u) => u.state === 'running'), 1200);
    const taken = (await units(id)).find((u) => u.state === 'running');
    expect(taken?.worker_id).toBe(firstId);
    first.child.kill('SIGKILL');
    // Only the killed worker's unit stays held: the others load as soon as a worker takes them.
    for (const unit of queued)
      if (unit.unit_id !== taken?.unit_id)
        await holder.query(`SELECT pg_advisory_unlock(hashtextextended('lookalike-unit:' || $1, 0))`, [
          unit.unit_id,
        ]);

    const second = spawnWorker(workerConfig, env);
    workers.push(second.child);
    const secondId = await second.workerId;
    // The run sees the first worker's liveness lock gone and queues its unit again; the second takes it.
    await until(async () => {
      const again = (await units(id)).find((u) => u.unit_id === taken?.unit_id);
      return again?.state === 'running' && again.worker_id === secondId;
    }, 1200);
    expect((await state(id)).state).toBe('running');
    await holder.end();

    await until(async () => ['succeeded', 'failed'].includes(String((await state(id)).state)), 2400);
    const done = await state(id);
    expect(done.state).toBe('succeeded');
    const final = await units(id);
    expect(final.every((u) => u.state === 'done' && u.worker_id === secondId)).toBe(true);
    expect(final.find((u) => u.unit_id === taken?.unit_id)?.attempts).toBe(2);
    expect((done.job as { summary?: { totalRows?: number } }).summary?.totalRows).toBe(PEOPLE);

    // The same key and policy in one process and one transaction write exactly the same rows.
    compareDb = await createDatabase('gwunits_one');
    await runSnapshot({
      source: createPgSource(databaseUrl(sourceDb)),
      target: createPgSink(databaseUrl(compareDb)),
      policy: await loadPolicy(join(dir, 'people.policy.yaml')),
      detection: await createDetection({ packageRoot: process.cwd() }),
      selection: { schemas: [], tables: [] },
      secret: new Secret(Buffer.from(testSecret('units'))),
      batchRows: 1000,
      signal: new AbortController().signal,
      logger: silentLogger,
    });
    const delivered = await tableDigests(snapshotName(id));
    expect(delivered).toEqual(await tableDigests(compareDb));
    await withClient(snapshotName(id), async (c) => {
      expect((await c.query(`SELECT 1 FROM pg_namespace WHERE nspname = '_lookalike_run'`)).rowCount).toBe(0);
      const leaked = await c.query(
        `SELECT 1 FROM people WHERE email LIKE '%@corp.example' OR note LIKE '%Moreau%'`,
      );
      expect(leaked.rowCount).toBe(0);
    });
  }, 240_000);

  it('a synth run is split into one unit per table that workers load; it equals a one-process synth', async () => {
    if (!workers.some((w) => w.exitCode === null && w.signalCode === null)) {
      const worker = spawnWorker(workerConfig, env);
      workers.push(worker.child);
      await worker.workerId;
    }
    const alice = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const created = await call('POST', '/v1/synth', alice, {
      source: 'orders',
      target: 'dev',
      policy: 'orders',
      purpose: 'split synthetic run',
      scale: 1,
      seed: 'units-7',
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    requestIds.push(id);
    await until(async () => ['succeeded', 'failed'].includes(String((await state(id)).state)), 2400);
    const done = await state(id);
    expect(done.job).toMatchObject({ error: null });
    expect(done.state).toBe('succeeded');
    const final = await units(id);
    expect(final.map((u) => u.unit_id).sort()).toEqual(['1:public.people', '2:public.orders']);
    expect(final.every((u) => u.state === 'done' && u.worker_id !== null)).toBe(true);

    synthCompareDb = await createDatabase('gwunits_synone');
    const one = await runSynthesis({
      source: createPgSource(databaseUrl(ordersDb ?? '')),
      target: createPgSink(databaseUrl(synthCompareDb)),
      policy: await loadPolicy(join(dir, 'orders.policy.yaml')),
      selection: { schemas: [], tables: [] },
      seed: 'units-7',
      scale: 1,
      rareCategoryMin: 5,
      maxSampleRows: 100_000,
      batchRows: 1000,
      signal: new AbortController().signal,
      logger: silentLogger,
    });
    expect((done.job as { summary?: { totalRows?: number } }).summary?.totalRows).toBe(one.totalRows);
    expect(await tableDigests(snapshotName(id))).toEqual(await tableDigests(synthCompareDb));
    await withClient(snapshotName(id), async (c) => {
      expect((await c.query(`SELECT 1 FROM pg_namespace WHERE nspname = '_lookalike_run'`)).rowCount).toBe(0);
      expect((await c.query(`SELECT 1 FROM people WHERE email LIKE '%@corp.example'`)).rowCount).toBe(0);
    });
  }, 240_000);

  it('a cancel ends the queued units with the run, and the half-loaded database is dropped', async () => {
    // No worker takes units from here on.
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    const alice = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const created = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev',
      policy: 'people',
      purpose: 'split run cancelled',
    });
    const id = String(created.json.id);
    requestIds.push(id);
    await until(async () => (await units(id)).length > 1, 1200);
    const cancel = await call('POST', `/v1/snapshots/${id}/cancel`, alice);
    expect(cancel.status).toBeLessThan(300);
    await until(
      async () => ['cancelled', 'failed', 'succeeded'].includes(String((await state(id)).state)),
      1200,
    );
    expect((await state(id)).state).toBe('cancelled');
    expect((await units(id)).every((u) => u.state === 'cancelled')).toBe(true);
    const exists = await withClient('postgres', (c) =>
      c.query('SELECT 1 FROM pg_database WHERE datname = $1', [snapshotName(id)]),
    );
    expect(exists.rowCount).toBe(0);
  }, 120_000);
});
