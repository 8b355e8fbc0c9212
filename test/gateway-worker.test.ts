import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/cli/commands/serve-command.js';
import { startWorker } from '../src/cli/commands/worker-command.js';
import { loadGatewayConfig, resolveGatewayConnections } from '../src/config/index.js';
import { silentLogger } from '../src/core/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { dropDeliveredSnapshots, spawnWorker, type WorkerProcess } from './helpers/gateway.js';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'lookalike-gateway';
const REAL_EMAILS = ['ada.real@corp.example', 'grace.real@corp.example', 'linus.real@corp.example'];

function snapshotName(requestId: string): string {
  return `lk_snap_${requestId.replace(/-/g, '')}`;
}

async function databaseExists(name: string): Promise<boolean> {
  const { rows } = await withClient('postgres', (c) =>
    c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]),
  );
  return rows.length > 0;
}

/** Child processes of `pid` running the job-process module (Linux /proc). */
async function jobProcessesOf(pid: number): Promise<number> {
  let count = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid && (await readFile(`/proc/${entry}/cmdline`, 'utf8')).includes('job-process'))
        count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

/** State and error code of a request as the API shows it (a failure names its code). */
function outcome(view: Record<string, unknown>): { state: unknown; error: unknown } {
  return { state: view.state, error: (view.job as { error?: unknown } | null)?.error ?? null };
}
const SUCCEEDED = { state: 'succeeded', error: null };

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}`);
}

describe('jobs through the queue in the PostgreSQL state database: gateways enqueue, workers run', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let jwksServer: Server;
  let signingKey: CryptoKey;
  let jwksUrl: string;
  let env: NodeJS.ProcessEnv;
  let queueOnlyConfig: string;
  let runsJobsConfig: string;
  let gateway: RunningGateway;
  let runningGateway: RunningGateway | undefined;
  const workers: WorkerProcess[] = [];
  const requestIds: string[] = [];
  /** Holds an ACCESS EXCLUSIVE lock on the source table: a run blocks at its schema dump until released. */
  let blocker: pg.Client | undefined;

  const token = (sub: string, roles: string[]): Promise<string> =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(signingKey);

  async function call(
    base: RunningGateway,
    method: string,
    path: string,
    bearer: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${base.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function request(base: RunningGateway, purpose: string): Promise<string> {
    const alice = await token('alice', ['requester']);
    const created = await call(base, 'POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev',
      policy: 'people',
      purpose,
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    requestIds.push(id);
    return id;
  }

  async function status(id: string, base = gateway): Promise<Record<string, unknown>> {
    return (await call(base, 'GET', `/v1/snapshots/${id}`, await token('alice', ['requester']))).json;
  }

  async function waitForState(id: string, states: readonly string[]): Promise<Record<string, unknown>> {
    let last: Record<string, unknown> = {};
    await until(
      async () => {
        last = await status(id);
        return states.includes(String(last.state));
      },
      `snapshot ${id} reaching ${states.join('/')}`,
    );
    return last;
  }

  async function jobWorker(id: string): Promise<string | null> {
    const { rows } = await withClient(stateDb, (c) =>
      c.query<{ worker_id: string | null }>('SELECT worker_id FROM lookalike_jobs WHERE request_id = $1', [
        id,
      ]),
    );
    return rows[0]?.worker_id ?? null;
  }

  async function auditActions(id: string): Promise<string[]> {
    const auditor = await token('audrey', ['auditor']);
    const events = await call(gateway, 'GET', `/v1/audit?subject=${id}`, auditor);
    return (events.json.events as { action: string }[]).map((e) => e.action);
  }

  async function blockSource(): Promise<void> {
    blocker = new pg.Client({ connectionString: databaseUrl(sourceDb) });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE people IN ACCESS EXCLUSIVE MODE');
  }

  async function unblockSource(): Promise<void> {
    await blocker?.query('ROLLBACK');
    await blocker?.end();
    blocker = undefined;
  }

  /** Running, with its database made on the target: the run is under way (blocked at the dump). */
  async function waitUntilUnderWay(id: string): Promise<void> {
    await waitForState(id, ['running']);
    await until(() => databaseExists(snapshotName(id)), `database of ${id} created`);
  }

  const configText = (
    runInProcess: boolean,
    state = 'connection: { env: GW_STATE_URL }',
  ): string => `version: 1
server: { host: 127.0.0.1, port: 0, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: GW_SECRET }
sources:
  shop: { connection: { env: GW_SOURCE_URL }, allow: { roles: [requester] } }
targets:
  dev: { connection: { env: GW_TARGET_URL } }
policies:
  people: { file: people.policy.yaml }
auth:
  issuer: ${ISSUER}
  audience: ${AUDIENCE}
  jwks_url: ${jwksUrl}
  algorithms: [RS256]
state: { ${state} }
jobs: { concurrency: 1, batch_rows: 100, run_in_process: ${String(runInProcess)} }
snapshots: { expiry_sweep_seconds: 1 }
`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-worker-'));
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;

    sourceDb = await createDatabase('wksrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, note text)');
      for (const [i, email] of REAL_EMAILS.entries())
        await c.query('INSERT INTO people VALUES ($1, $2, $3)', [i + 1, email, `row ${i + 1}`]);
    });
    stateDb = await createDatabase('wkstate');
    await writeFile(
      join(dir, 'people.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      note: keep
`,
    );
    queueOnlyConfig = join(dir, 'gateway.yaml');
    runsJobsConfig = join(dir, 'gateway-runs-jobs.yaml');
    await writeFile(queueOnlyConfig, configText(false));
    await writeFile(runsJobsConfig, configText(true));
    env = {
      GW_SECRET: testSecret('wk'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
      GW_STATE_URL: databaseUrl(stateDb),
    };
    const config = await loadGatewayConfig(queueOnlyConfig);
    gateway = await startGateway(config, await resolveGatewayConnections(config, env), {
      env: {},
      logger: silentLogger,
      version: 'test',
    });
  });

  afterAll(async () => {
    await unblockSource().catch(() => undefined);
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await runningGateway?.close();
    await gateway?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
    await dropDeliveredSnapshots(requestIds);
    for (const db of [sourceDb, stateDb]) if (db !== undefined) await dropDatabase(db);
    await rm(dir, { recursive: true, force: true });
  });

  it('a request on a gateway that runs no jobs is run by a separate worker process and delivered', async () => {
    const id = await request(gateway, 'worker delivers');
    // Nobody runs jobs yet: the gateway only enqueued it.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await status(id)).state).toBe('queued');

    const worker = spawnWorker(queueOnlyConfig, env);
    workers.push(worker);
    const workerId = await worker.workerId;
    const done = await waitForState(id, ['succeeded', 'failed']);
    expect(outcome(done)).toEqual(SUCCEEDED);
    expect(done).toMatchObject({ delivery: { database: snapshotName(id) } });
    expect(await jobWorker(id)).toBe(workerId);
    const { rows } = await withClient(snapshotName(id), (c) =>
      c.query<{ id: number; email: string }>('SELECT id, email FROM people ORDER BY id'),
    );
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    for (const row of rows) expect(REAL_EMAILS).not.toContain(row.email);
    expect(await auditActions(id)).toEqual(['snapshot.requested', 'snapshot.started', 'snapshot.succeeded']);
  });

  it('a cancel made on the gateway reaches the job running on the worker', async () => {
    await blockSource();
    const id = await request(gateway, 'cancel on another process');
    await waitUntilUnderWay(id);
    const cancel = await call(
      gateway,
      'POST',
      `/v1/snapshots/${id}/cancel`,
      await token('alice', ['requester']),
    );
    expect(cancel.json).toMatchObject({ state: 'running', cancel_requested: true });
    // The worker reads the cancel flag with its heartbeat (every 2 s); the run is stuck in its schema dump
    // until the lock goes, then sees the abort and rolls back.
    await new Promise((r) => setTimeout(r, 5000));
    await unblockSource();
    const final = await waitForState(id, ['cancelled', 'succeeded', 'failed']);
    expect(final).toMatchObject({
      state: 'cancelled',
      delivery: null,
      job: { error: { code: 'cancelled' } },
    });
    await until(async () => !(await databaseExists(snapshotName(id))), 'cancelled run dropped');
  });

  it('a worker killed mid-job: once a new worker starts, the job is failed, never succeeded, and nothing is delivered', async () => {
    await blockSource();
    const id = await request(gateway, 'worker killed');
    await waitUntilUnderWay(id);
    const first = workers[0];
    expect(await jobWorker(id)).toBe(await first?.workerId);
    first?.child.kill('SIGKILL');
    await first?.exited;

    const second = spawnWorker(queueOnlyConfig, env);
    workers.push(second);
    await second.workerId;
    const failed = await waitForState(id, ['failed', 'succeeded', 'cancelled']);
    expect(failed).toMatchObject({
      state: 'failed',
      delivery: null,
      job: { error: { code: 'interrupted' } },
    });
    // The dead run's half-built database is dropped by the gateway's sweep.
    await until(async () => !(await databaseExists(snapshotName(id))), 'half-built database dropped');
    await unblockSource();
    // Still failed once the dead worker's orphaned dump could have finished: never reported complete.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await status(id)).state).toBe('failed');
    expect(await auditActions(id)).toEqual([
      'snapshot.requested',
      'snapshot.started',
      'snapshot.failed',
      'snapshot.discarded',
    ]);

    // The new worker takes the next job.
    const next = await request(gateway, 'after the crash');
    expect(outcome(await waitForState(next, ['succeeded', 'failed']))).toEqual(SUCCEEDED);
    expect(await jobWorker(next)).toBe(await second.workerId);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('a gateway running jobs itself runs each in a job process: status reads answer during the run, and cancel reaches it', async () => {
    const config = await loadGatewayConfig(runsJobsConfig);
    runningGateway = await startGateway(config, await resolveGatewayConnections(config, env), {
      env: {},
      logger: silentLogger,
      version: 'test',
    });
    const base = runningGateway;
    await blockSource();
    const id = await request(base, 'reads during a run');
    await waitUntilUnderWay(id);
    const reads = await Promise.all(Array.from({ length: 40 }, () => status(id, base)));
    expect(reads.map((r) => r.state)).toEqual(Array.from({ length: 40 }, () => 'running'));
    // The run is in a job process the gateway started, not on the gateway's event loop.
    await until(async () => (await jobProcessesOf(process.pid)) === 1, 'a job process under the gateway');
    const cancel = await call(
      base,
      'POST',
      `/v1/snapshots/${id}/cancel`,
      await token('alice', ['requester']),
    );
    expect(cancel.json).toMatchObject({ cancel_requested: true });
    await unblockSource();
    expect(await waitForState(id, ['cancelled', 'succeeded', 'failed'])).toMatchObject({
      state: 'cancelled',
      delivery: null,
    });
    const next = await request(base, 'runs in the gateway');
    expect(outcome(await waitForState(next, ['succeeded', 'failed']))).toEqual(SUCCEEDED);
  });

  it('on the embedded state store the in-process queue runs each job in a job process; nothing else may run its jobs', async () => {
    const embedded = join(dir, 'gateway-embedded.yaml');
    await writeFile(embedded, configText(true, `embedded_path: ${join(dir, 'state')}`));
    const config = await loadGatewayConfig(embedded);
    const connections = await resolveGatewayConnections(config, env);
    await expect(startWorker(config, connections, { env: {}, logger: silentLogger })).rejects.toThrow(
      /needs a PostgreSQL state store/,
    );
    const queueOnly = { ...config, jobs: { ...config.jobs, run_in_process: false } };
    await expect(
      startGateway(queueOnly, connections, { env: {}, logger: silentLogger, version: 'test' }),
    ).rejects.toThrow(/needs a PostgreSQL state store/);

    const embeddedGateway = await startGateway(config, connections, {
      env: {},
      logger: silentLogger,
      version: 'test',
    });
    try {
      await blockSource();
      const id = await request(embeddedGateway, 'embedded');
      await until(
        async () => (await status(id, embeddedGateway)).state === 'running',
        'embedded run started',
      );
      await until(() => databaseExists(snapshotName(id)), 'embedded run database created');
      await until(async () => (await jobProcessesOf(process.pid)) === 1, 'a job process under the gateway');
      await unblockSource();
      await until(
        async () => ['succeeded', 'failed'].includes(String((await status(id, embeddedGateway)).state)),
        'embedded run finished',
      );
      expect(outcome(await status(id, embeddedGateway))).toEqual(SUCCEEDED);
    } finally {
      await embeddedGateway.close();
    }
  });
});
