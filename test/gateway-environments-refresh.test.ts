import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { parseGatewayConfig } from '../src/config/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';
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

const REAL_EMAILS = ['ada.env@corp.example', 'grace.env@corp.example'];

interface AuditWire {
  seq: number;
  actor: string;
  action: string;
  subject: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

interface Delivery {
  database: string;
  expires_at: string | null;
  dropped_at: string | null;
  delivered_at: string | null;
}

describe('gateway named environments, renewal and scheduled refresh (real socket, real PostgreSQL)', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let jwks: LocalJwks;
  let gateway: RunningGateway;
  const requestIds: string[] = [];
  const logs: string[] = [];
  const call = gatewayCaller(() => gateway.url);
  const token = (sub: string, roles: string[], groups: string[] = []): Promise<string> =>
    jwks.token({ sub, roles, groups });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gw-env-'));
    jwks = await startLocalJwks();
    sourceDb = await createDatabase('gwenvsrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL)');
      for (const [i, email] of REAL_EMAILS.entries())
        await c.query('INSERT INTO people VALUES ($1, $2)', [i + 1, email]);
    });
    stateDb = await createDatabase('gwenvstate');
    await writeFile(
      join(dir, 'people.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
`,
    );
    const config = parseGatewayConfig(
      `version: 1
server: { host: 127.0.0.1, port: 0, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: GW_SECRET }
sources:
  shop:
    connection: { env: GW_SOURCE_URL }
    allow: { roles: [requester] }
targets:
  dev: { connection: { env: GW_TARGET_URL } }
  other: { connection: { env: GW_TARGET_URL } }
environments:
  staging-eu:
    target: dev
    description: EU staging, refreshed weekly
    ttl_default_hours: 6
    allow: { groups: [eu-devs] }
  audit-copy:
    target: dev
    description: copies for auditors, approved first
    allow: { groups: [eu-devs] }
    approval_required: true
  us-only:
    target: other
    description: US staging
    allow: { groups: [us-devs] }
policies:
  people: { file: people.policy.yaml }
auth:
  issuer: ${ISSUER}
  audience: ${AUDIENCE}
  jwks_url: ${jwks.url}
  algorithms: [RS256]
snapshots: { ttl_default_hours: 24, ttl_max_hours: 48, lifetime_max_hours: 72, expiry_sweep_seconds: 3600, refresh_sweep_seconds: 3600 }
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100 }
`,
      'gateway.yaml',
      dir,
    );
    const env = {
      GW_SECRET: testSecret('gwenv'),
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
    for (const value of REAL_EMAILS) expect(text).not.toContain(value);
  });

  async function auditEvents(query: string): Promise<AuditWire[]> {
    const response = await call('GET', `/v1/audit?${query}`, await token('audrey', ['auditor']));
    expect(response.status).toBe(200);
    return response.json.events as AuditWire[];
  }

  async function databaseExists(name: string): Promise<boolean> {
    const { rows } = await withClient('postgres', (c) =>
      c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]),
    );
    return rows.length === 1;
  }

  it('lists the environments a principal may use (names and descriptions only) and documents the new endpoints', async () => {
    const eu = await token('erin', ['requester'], ['eu-devs']);
    const listed = await call('GET', '/v1/environments', eu);
    expect(listed.status).toBe(200);
    expect(listed.json.environments).toEqual([
      {
        name: 'staging-eu',
        description: 'EU staging, refreshed weekly',
        ttl_default_hours: 6,
        approval_required: false,
      },
      {
        name: 'audit-copy',
        description: 'copies for auditors, approved first',
        ttl_default_hours: 24,
        approval_required: true,
      },
    ]);
    // Neither the target behind it nor any connection detail is shown.
    expect(listed.text).not.toMatch(/postgres|dev"|127\.0\.0\.1|5432/);
    const us = await token('uma', ['requester'], ['us-devs']);
    expect((await call('GET', '/v1/environments', us)).json.environments).toEqual([
      { name: 'us-only', description: 'US staging', ttl_default_hours: 24, approval_required: false },
    ]);
    expect((await call('GET', '/v1/environments', undefined)).status).toBe(401);

    const doc = (await call('GET', '/openapi.json', undefined)).json as {
      paths: Record<string, Record<string, { summary?: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.paths['/v1/environments']?.get?.summary).toMatch(/environments/);
    expect(doc.paths['/v1/snapshots/{id}/renew']?.post?.summary).toMatch(/TTL/);
    expect(Object.keys(doc.components.schemas.CreateSnapshotRequest?.properties ?? {})).toEqual(
      expect.arrayContaining(['environment', 'refresh', 'target']),
    );
    expect(doc.components.schemas.RenewSnapshotRequest?.properties).toHaveProperty('hours');
  });

  it('resolves a request naming an environment to its target, TTL and approval rule; refuses what is not allowed', async () => {
    const erin = await token('erin', ['requester'], ['eu-devs']);
    const base = { source: 'shop', policy: 'people', purpose: 'environment check' };

    const gated = await call('POST', '/v1/snapshots', erin, { ...base, environment: 'audit-copy' });
    expect(gated.status).toBe(201);
    requestIds.push(String(gated.json.id));
    expect(gated.json).toMatchObject({
      state: 'awaiting_approval',
      environment: 'audit-copy',
      target: 'dev',
      ttl_hours: 24,
      approval_required: true,
      refresh: null,
    });
    expect((await call('POST', `/v1/snapshots/${String(gated.json.id)}/cancel`, erin)).status).toBe(200);

    // Another group's environment, an unknown one and a prototype key all read the same 403.
    const forbidden = await call('POST', '/v1/snapshots', erin, { ...base, environment: 'us-only' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.type).toBe('application/problem+json');
    const unknown = await call('POST', '/v1/snapshots', erin, { ...base, environment: 'nowhere' });
    expect(unknown.status).toBe(403);
    expect(unknown.json.detail).toBe(forbidden.json.detail);
    expect((await call('POST', '/v1/snapshots', erin, { ...base, environment: 'constructor' })).status).toBe(
      403,
    );
    // Exactly one of target and environment.
    const both = await call('POST', '/v1/snapshots', erin, {
      ...base,
      target: 'dev',
      environment: 'staging-eu',
    });
    expect(both.status).toBe(400);
    expect(both.json.errors).toEqual([
      { field: 'environment', problem: 'expected exactly one of target or environment' },
    ]);
    const neither = await call('POST', '/v1/snapshots', erin, base);
    expect(neither.json.errors).toEqual([
      { field: 'target', problem: 'expected exactly one of target or environment' },
    ]);
    const tooLong = await call('POST', '/v1/snapshots', erin, {
      ...base,
      environment: 'staging-eu',
      ttl_hours: 49,
    });
    expect(tooLong.json.errors).toEqual([{ field: 'ttl_hours', problem: 'too big: at most 48' }]);

    const denied = await auditEvents('action=snapshot.request&outcome=denied&actor=erin');
    expect(denied).toHaveLength(3);
    const requested = await auditEvents('action=snapshot.requested&actor=erin');
    expect(requested[0]?.details).toMatchObject({ environment: 'audit-copy', target: 'dev' });
  });

  it('delivers into an environment and renews the TTL within ttl_max_hours and lifetime_max_hours (audited)', async () => {
    const erin = await token('erin', ['requester'], ['eu-devs']);
    const created = await call('POST', '/v1/snapshots', erin, {
      source: 'shop',
      environment: 'staging-eu',
      policy: 'people',
      purpose: 'renewal check',
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    requestIds.push(id);
    expect(created.json).toMatchObject({ state: 'queued', target: 'dev', ttl_hours: 6 });
    const done = await waitForState(call, id, erin, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    const delivery = done.delivery as Delivery;
    expect(delivery.database).toBe(snapshotName(id));
    const deliveredAt = Date.parse(String(delivery.delivered_at));
    expect(Date.parse(String(delivery.expires_at)) - deliveredAt).toBe(6 * 3600_000);

    // Not visible to another requester (404); an auditor sees it but may not renew it (403).
    expect((await call('POST', `/v1/snapshots/${id}/renew`, await token('bob', ['requester']))).status).toBe(
      404,
    );
    expect((await call('POST', `/v1/snapshots/${id}/renew`, await token('audrey', ['auditor']))).status).toBe(
      403,
    );
    const tooMany = await call('POST', `/v1/snapshots/${id}/renew`, erin, { hours: 49 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors).toEqual([{ field: 'hours', problem: 'too big: at most 48' }]);

    const before = Date.now();
    const renewed = await call('POST', `/v1/snapshots/${id}/renew`, erin, { hours: 40 });
    expect(renewed.status).toBe(200);
    const renewedExpiry = Date.parse(String((renewed.json.delivery as Delivery).expires_at));
    expect(renewedExpiry).toBeGreaterThanOrEqual(before + 40 * 3600_000 - 1000);
    expect(renewedExpiry).toBeLessThanOrEqual(Date.now() + 40 * 3600_000 + 1000);
    // Without a body: the request's own TTL from now (shorter than what it has: allowed, it is the asked life).
    const byDefault = await call('POST', `/v1/snapshots/${id}/renew`, erin);
    expect(byDefault.status).toBe(200);
    expect(Date.parse(String((byDefault.json.delivery as Delivery).expires_at))).toBeLessThan(renewedExpiry);
    // 72 h after delivery is the limit: 48 h from now fits, so renew to 48 then nothing beyond 72 - elapsed.
    expect((await call('POST', `/v1/snapshots/${id}/renew`, erin, { hours: 48 })).status).toBe(200);
    await withClient(stateDb, (c) =>
      c.query(
        `UPDATE lookalike_requests SET delivered_at = delivered_at - interval '30 hours' WHERE id = $1`,
        [id],
      ),
    );
    const beyond = await call('POST', `/v1/snapshots/${id}/renew`, erin, { hours: 48 });
    expect(beyond.status).toBe(409);
    expect(beyond.type).toBe('application/problem+json');
    expect(beyond.json.detail).toMatch(/72 hours after its delivery/);

    const events = await auditEvents(`action=snapshot.renewed&subject=${id}`);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ actor: 'erin', outcome: 'success' });
    expect(events[0]?.details).toMatchObject({
      hours: 40,
      old_expires_at: delivery.expires_at,
      new_expires_at: (renewed.json.delivery as Delivery).expires_at,
    });

    // Once expired and dropped, there is nothing to renew.
    expect(await gateway.sweepExpired(new Date(Date.now() + 100 * 3600_000))).toBeGreaterThanOrEqual(1);
    expect(await databaseExists(snapshotName(id))).toBe(false);
    const late = await call('POST', `/v1/snapshots/${id}/renew`, erin, { hours: 1 });
    expect(late.status).toBe(409);
  });

  it('refreshes on a cron schedule through the queue, replacing the previous delivery only once the new one is delivered', async () => {
    const erin = await token('erin', ['requester'], ['eu-devs']);
    const badCron = await call('POST', '/v1/snapshots', erin, {
      source: 'shop',
      environment: 'staging-eu',
      policy: 'people',
      purpose: 'refresh check',
      refresh: { cron: '0 6 * * MON' },
    });
    expect(badCron.status).toBe(400);
    expect(badCron.json.errors).toEqual([
      {
        field: 'refresh.cron',
        problem: 'expected a five-field cron expression (minute hour day month weekday)',
      },
    ]);

    const created = await call('POST', '/v1/snapshots', erin, {
      source: 'shop',
      environment: 'staging-eu',
      policy: 'people',
      purpose: 'refresh check',
      refresh: { cron: '*/5 * * * *' },
    });
    expect(created.status).toBe(201);
    const rootId = String(created.json.id);
    requestIds.push(rootId);
    const refresh = created.json.refresh as { cron: string; next_at: string; stopped_at: string | null };
    expect(refresh.cron).toBe('*/5 * * * *');
    const firstDue = Date.parse(refresh.next_at);
    expect(firstDue).toBeGreaterThan(Date.now() - 1000);
    expect(firstDue).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    expect(new Date(firstDue).getUTCMinutes() % 5).toBe(0);
    const root = await waitForState(call, rootId, erin, ['succeeded', 'failed']);
    expect(root.state).toBe('succeeded');
    const rootDb = snapshotName(rootId);
    expect(await databaseExists(rootDb)).toBe(true);

    // Nothing is due before its time.
    expect(await gateway.sweepRefreshes(new Date(firstDue - 1000))).toBe(0);

    // A refresh that fails leaves the delivered copy where it is.
    await withClient(sourceDb, (c) => c.query('ALTER TABLE people RENAME TO people_away'));
    expect(await gateway.sweepRefreshes(new Date(firstDue))).toBe(1);
    const failing = await call('GET', '/v1/snapshots?limit=10', erin);
    const failedRefresh = (failing.json.snapshots as Record<string, unknown>[]).find(
      (s) => s.refresh_of === rootId,
    );
    expect(failedRefresh).toBeDefined();
    const failedId = String(failedRefresh?.id);
    requestIds.push(failedId);
    expect(failedRefresh).toMatchObject({ environment: 'staging-eu', target: 'dev', policy: 'people' });
    expect((await waitForState(call, failedId, erin, ['succeeded', 'failed'])).state).toBe('failed');
    await withClient(sourceDb, (c) => c.query('ALTER TABLE people_away RENAME TO people'));
    const afterFailure = (await call('GET', `/v1/snapshots/${rootId}`, erin)).json;
    expect(afterFailure).toMatchObject({ state: 'succeeded', replaced_by: null });
    expect(await databaseExists(rootDb)).toBe(true);
    // The schedule moved on to the next time after the sweep; the same sweep again starts nothing.
    const secondDue = Date.parse(String((afterFailure.refresh as { next_at: string }).next_at));
    expect(secondDue).toBe(firstDue + 5 * 60_000);
    expect(await gateway.sweepRefreshes(new Date(firstDue))).toBe(0);

    // The next one delivers, and only then is the previous copy replaced (expired now, dropped by the sweep).
    expect(await gateway.sweepRefreshes(new Date(secondDue + 30_000))).toBe(1);
    const listed = (await call('GET', '/v1/snapshots?limit=10', erin)).json.snapshots as Record<
      string,
      unknown
    >[];
    const nextId = String(listed.find((s) => s.refresh_of === rootId && s.id !== failedId)?.id);
    requestIds.push(nextId);
    const next = await waitForState(call, nextId, erin, ['succeeded', 'failed']);
    expect(next).toMatchObject({ state: 'succeeded', purpose: 'refresh check', ttl_hours: 6 });
    expect(await databaseExists(snapshotName(nextId))).toBe(true);
    const replaced = (await call('GET', `/v1/snapshots/${rootId}`, erin)).json;
    expect(replaced.replaced_by).toBe(nextId);
    expect(Date.parse(String((replaced.delivery as Delivery).expires_at))).toBeLessThanOrEqual(Date.now());
    expect(await gateway.sweepExpired()).toBeGreaterThanOrEqual(1);
    expect(await databaseExists(rootDb)).toBe(false);
    expect((await call('GET', `/v1/snapshots/${rootId}`, erin)).json.state).toBe('expired');
    expect(await databaseExists(snapshotName(nextId))).toBe(true);

    // Cancelling the scheduled request stops the schedule; its delivered refresh stays.
    const stopped = await call('POST', `/v1/snapshots/${rootId}/cancel`, erin);
    expect(stopped.status).toBe(200);
    expect((stopped.json.refresh as { stopped_at: string | null }).stopped_at).not.toBeNull();
    expect(await gateway.sweepRefreshes(new Date(Date.now() + 24 * 3600_000))).toBe(0);
    expect((await call('POST', `/v1/snapshots/${rootId}/cancel`, erin)).status).toBe(409);

    const events = await auditEvents(`actor=gateway&action=snapshot.refresh_started`);
    expect(events.map((e) => [e.subject, e.details.refresh_of])).toEqual([
      [failedId, rootId],
      [nextId, rootId],
    ]);
    expect((await auditEvents(`action=snapshot.replaced&subject=${rootId}`))[0]?.details).toMatchObject({
      replaced_by: nextId,
    });
    expect(await auditEvents(`action=snapshot.expired&subject=${rootId}`)).toHaveLength(1);
    expect(await auditEvents(`action=snapshot.refresh_stopped&subject=${rootId}`)).toHaveLength(1);
  });

  it('does the same from the CLI: environments, create --environment --refresh, renew, cancel', async () => {
    const erin = await token('erin', ['requester'], ['eu-devs']);
    const cli = (args: readonly string[]) =>
      runLookalike(args, { LOOKALIKE_GATEWAY_URL: gateway.url, LOOKALIKE_TOKEN: erin });
    const environments = await cli(['request', 'environments']);
    expect(environments.exitCode).toBe(0);
    expect(environments.stderr).toContain('staging-eu  ttl 6 h  EU staging, refreshed weekly');
    expect(environments.stderr).toContain('audit-copy  ttl 24 h · approval required');

    const both = await cli([
      'request',
      'create',
      '--source',
      'shop',
      '--target',
      'dev',
      '--environment',
      'staging-eu',
      '--policy',
      'people',
      '--purpose',
      'cli',
    ]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('exactly one of --target or --environment');
    const created = await cli([
      'request',
      'create',
      '--source',
      'shop',
      '--environment',
      'staging-eu',
      '--policy',
      'people',
      '--purpose',
      'cli refresh',
      '--refresh',
      '0 6 * * 1',
      '--wait',
      '--poll-ms',
      '200',
      '--format',
      'json',
    ]);
    expect(created.exitCode, created.stderr).toBe(0);
    const view = JSON.parse(created.stdout) as { id: string; state: string; refresh: { cron: string } };
    requestIds.push(view.id);
    expect(view).toMatchObject({
      state: 'succeeded',
      environment: 'staging-eu',
      refresh: { cron: '0 6 * * 1' },
    });
    const renewed = await cli(['request', 'renew', view.id, '--hours', '12', '--format', 'json']);
    expect(renewed.exitCode, renewed.stderr).toBe(0);
    const expires = Date.parse(
      (JSON.parse(renewed.stdout) as { delivery: Delivery }).delivery.expires_at ?? '',
    );
    expect(expires).toBeGreaterThan(Date.now() + 11 * 3600_000);
    const tooLong = await cli(['request', 'renew', view.id, '--hours', '49']);
    expect(tooLong.exitCode).not.toBe(0);
    expect(tooLong.stderr).toContain('hours: too big: at most 48');
    const stopped = await cli(['request', 'cancel', view.id, '--format', 'json']);
    expect(stopped.exitCode).toBe(0);
    expect(
      (JSON.parse(stopped.stdout) as { refresh: { stopped_at: string | null } }).refresh.stopped_at,
    ).not.toBeNull();
  });
});
