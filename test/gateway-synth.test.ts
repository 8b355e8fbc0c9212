import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { parseGatewayConfig } from '../src/config/index.js';
import { demoDataSql, demoSchemaSql } from '../src/demo/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import {
  AUDIENCE,
  capturingLogger,
  gatewayCaller,
  ISSUER,
  snapshotName,
  startLocalJwks,
  waitForState,
  type LocalJwks,
  dropDeliveredSnapshots,
  startTestGateway,
} from './helpers/gateway.js';

interface Delivery {
  database: string;
  user: string | null;
  expires_at: string | null;
}

async function tableCounts(database: string): Promise<Record<string, number>> {
  return withClient(database, async (c) => {
    const counts: Record<string, number> = {};
    for (const table of ['customers', 'addresses', 'orders', 'order_items', 'support_tickets']) {
      const { rows } = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.${table}`);
      counts[table] = Number(rows[0]?.n);
    }
    return counts;
  });
}

describe('gateway synth jobs (real socket, real PostgreSQL, job processes)', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let jwks: LocalJwks;
  let gateway: RunningGateway;
  const requestIds: string[] = [];
  const logs: string[] = [];
  const call = gatewayCaller(() => gateway.url);
  let sourceEmails: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gw-synth-'));
    jwks = await startLocalJwks();
    sourceDb = await createDatabase('gwsynsrc');
    await withClient(sourceDb, async (c) => {
      await c.query(demoSchemaSql());
      for (const statement of demoDataSql({ customers: 120 })) await c.query(statement);
      await c.query('ANALYZE');
      sourceEmails = (await c.query<{ email: string }>('SELECT email FROM customers')).rows.map(
        (r) => r.email,
      );
    });
    stateDb = await createDatabase('gwsynstate');
    const config = parseGatewayConfig(
      `version: 1
server: { host: 127.0.0.1, port: 0, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: GW_SECRET }
sources:
  shop: { connection: { env: GW_SOURCE_URL }, allow: { roles: [requester] } }
targets:
  dev: { connection: { env: GW_TARGET_URL } }
environments:
  qa: { target: dev, ttl_default_hours: 2, allow: { roles: [requester] } }
policies:
  demo: { file: ${resolve('examples/demo.policy.yaml')} }
auth:
  issuer: ${ISSUER}
  audience: ${AUDIENCE}
  jwks_url: ${jwks.url}
  algorithms: [RS256]
snapshots: { expiry_sweep_seconds: 3600, refresh_sweep_seconds: 3600 }
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 500 }
`,
      'gateway.yaml',
      dir,
    );
    const env = {
      GW_SECRET: testSecret('gwsyn'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
      GW_STATE_URL: databaseUrl(stateDb),
    };
    gateway = await startTestGateway(config, env, capturingLogger(logs));
  });

  afterAll(async () => {
    await gateway?.close();
    await jwks?.close();
    for (const db of [sourceDb, stateDb]) if (db !== undefined) await dropDatabase(db);
    await dropDeliveredSnapshots(requestIds);
    await rm(dir, { recursive: true, force: true });
    const text = logs.join('\n');
    expect(text).not.toContain('postgres://');
    for (const email of sourceEmails.slice(0, 20)) expect(text).not.toContain(email);
  });

  it('validates synth requests: scale, seed, destination; documented in /openapi.json', async () => {
    const alice = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const base = { source: 'shop', target: 'dev', policy: 'demo', purpose: 'synthetic QA data' };
    const badScale = await call('POST', '/v1/synth', alice, { ...base, scale: 3 });
    expect(badScale.status).toBe(400);
    expect(badScale.json.errors).toEqual([{ field: 'scale', problem: expect.any(String) as string }]);
    const noDestination = await call('POST', '/v1/synth', alice, { ...base, target: undefined });
    expect(noDestination.json.errors).toEqual([
      { field: 'target', problem: 'expected exactly one of target or environment' },
    ]);
    const auditor = await jwks.token({ sub: 'audrey', roles: ['auditor'] });
    expect((await call('POST', '/v1/synth', auditor, base)).status).toBe(403);
    const doc = (await call('GET', '/openapi.json', undefined)).json as {
      paths: Record<string, Record<string, { summary?: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.paths['/v1/synth']?.post?.summary).toMatch(/synthetic/);
    expect(Object.keys(doc.components.schemas.CreateSynthRequest?.properties ?? {})).toEqual(
      expect.arrayContaining(['source', 'policy', 'purpose', 'scale', 'seed', 'environment']),
    );
  });

  it('runs a synth job in a job process into a fresh database on the target: same seed, same rows; TTL, credentials, expiry', async () => {
    const alice = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const request = {
      source: 'shop',
      environment: 'qa',
      policy: 'demo',
      purpose: 'synthetic QA data',
      scale: 1,
      seed: 'qa-7',
    };
    const first = await call('POST', '/v1/synth', alice, request);
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/v1/snapshots/${String(first.json.id)}`);
    expect(first.json).toMatchObject({
      kind: 'synth',
      synth: { scale: 1, seed: 'qa-7' },
      target: 'dev',
      environment: 'qa',
      ttl_hours: 2,
      state: 'queued',
    });
    const firstId = String(first.json.id);
    requestIds.push(firstId);
    const second = await call('POST', '/v1/synth', alice, request);
    const secondId = String(second.json.id);
    requestIds.push(secondId);

    const done = await waitForState(call, firstId, alice, ['succeeded', 'failed']);
    expect(done.state, JSON.stringify(done.job)).toBe('succeeded');
    const delivery = done.delivery as Delivery;
    expect(delivery.database).toBe(snapshotName(firstId));
    expect(Date.parse(String(delivery.expires_at))).toBeGreaterThan(Date.now() + 3600_000);
    const summary = (done.job as { summary: Record<string, unknown> }).summary;
    expect(summary).toMatchObject({ scale: 1, seed: 'qa-7' });
    expect(summary.totalRows).toBeGreaterThan(0);

    const counts = await tableCounts(delivery.database);
    expect(counts.customers).toBeGreaterThan(0);
    expect(counts.orders).toBeGreaterThan(0);
    // Synthetic customers: none of the source's e-mail addresses.
    const emails = await withClient(delivery.database, async (c) =>
      (await c.query<{ email: string }>('SELECT email FROM customers')).rows.map((r) => r.email),
    );
    const real = new Set(sourceEmails);
    expect(emails.filter((e) => real.has(e))).toEqual([]);

    // The same request again (same seed): the same rows.
    const again = await waitForState(call, secondId, alice, ['succeeded', 'failed']);
    expect(again.state).toBe('succeeded');
    expect(await tableCounts(snapshotName(secondId))).toEqual(counts);
    const sorted = async (database: string): Promise<string[]> =>
      withClient(database, async (c) =>
        (await c.query<{ email: string }>('SELECT email FROM customers ORDER BY email')).rows.map(
          (r) => r.email,
        ),
      );
    expect(await sorted(snapshotName(secondId))).toEqual(await sorted(delivery.database));

    // Credentials and renewal work as for snapshots; no manifest (nothing was transformed).
    const credentials = await call('POST', `/v1/snapshots/${firstId}/credentials`, alice);
    expect(credentials.status).toBe(200);
    expect(credentials.json).toMatchObject({ database: delivery.database, user: delivery.database });
    expect((await call('GET', `/v1/snapshots/${firstId}/manifest`, alice)).status).toBe(404);
    expect((await call('POST', `/v1/snapshots/${firstId}/renew`, alice, { hours: 3 })).status).toBe(200);

    const auditor = await jwks.token({ sub: 'audrey', roles: ['auditor'] });
    const requested = (await call('GET', `/v1/audit?action=snapshot.requested&subject=${firstId}`, auditor))
      .json.events as { details: Record<string, unknown> }[];
    expect(requested[0]?.details).toMatchObject({ kind: 'synth', scale: 1, seed: 'qa-7', environment: 'qa' });
    const succeeded = (await call('GET', `/v1/audit?action=snapshot.succeeded&subject=${firstId}`, auditor))
      .json.events as { details: Record<string, unknown> }[];
    expect(succeeded[0]?.details).toMatchObject({ database: delivery.database, tables: 5 });

    expect(await gateway.sweepExpired(new Date(Date.now() + 10 * 3600_000))).toBeGreaterThanOrEqual(2);
    expect((await call('GET', `/v1/snapshots/${firstId}`, alice)).json.state).toBe('expired');
  });
});
