import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { parseGatewayConfig, type GatewayConfig } from '../src/config/index.js';
import { openPgSqlClient, StateStore } from '../src/state/index.js';
import { Secret } from '../src/core/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import {
  AUDIENCE,
  capturingLogger,
  gatewayCaller,
  ISSUER,
  snapshotName,
  startLocalJwks,
  until,
  waitForState as waitForStateOf,
  type LocalJwks,
  type TokenClaims,
  type TokenTweaks,
  dropDeliveredSnapshots,
  startTestGateway,
} from './helpers/gateway.js';

const REAL_EMAILS = ['ada.real@corp.example', 'grace.real@corp.example', 'linus.real@corp.example'];

/**
 * Whether `password` is the one behind a role's SCRAM-SHA-256 verifier (RFC 5802/7677). The test server
 * trusts loopback, so a login would not check it; the stored verifier does.
 */
function scramMatches(verifier: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(verifier);
  if (match === null) return false;
  const salted = pbkdf2Sync(password, Buffer.from(match[2] ?? '', 'base64'), Number(match[1]), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return createHash('sha256').update(clientKey).digest('base64') === match[3];
}

async function databaseExists(name: string): Promise<boolean> {
  const { rows } = await withClient('postgres', (c) =>
    c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]),
  );
  return rows.length > 0;
}

async function roleVerifier(name: string): Promise<string | null> {
  const { rows } = await withClient('postgres', (c) =>
    c.query<{ rolpassword: string | null }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [name]),
  );
  return rows[0] === undefined ? null : (rows[0].rolpassword ?? '');
}

/** Connects as a snapshot's role (loopback trust: the privilege checks are what is tested). */
async function asRole<T>(role: string, database: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl(database));
  url.username = role;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describe('gateway on a real socket with real PostgreSQL and a local JWKS', () => {
  let dir: string;
  let sourceDb: string;
  /** Every request id this suite creates: their `lk_snap_*` databases and roles are dropped at the end. */
  const requestIds: string[] = [];
  let stateDb: string;
  let jwks: LocalJwks;
  let publicPem: string;
  let otherKey: CryptoKey;
  let config: GatewayConfig;
  let env: NodeJS.ProcessEnv;
  let gateway: RunningGateway;
  const logs: string[] = [];
  /** Passwords the gateway issued: none may reach logs or the audit log. */
  const passwords: string[] = [];

  const token = (claims: TokenClaims, tweak: TokenTweaks = {}): Promise<string> => jwks.token(claims, tweak);
  const call = gatewayCaller(() => gateway.url);
  const waitForState = (
    id: string,
    bearer: string,
    states: readonly string[],
  ): Promise<Record<string, unknown>> => waitForStateOf(call, id, bearer, states);

  function configText(): string {
    return `version: 1
server: { host: 127.0.0.1, port: 0, body_limit_bytes: 4096, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: GW_SECRET }
sources:
  shop:
    connection: { env: GW_SOURCE_URL }
    approval_required: true
    allow: { roles: [requester] }
  ledger:
    connection: { env: GW_SOURCE_URL }
    allow: { groups: [finance] }
targets:
  dev1: { connection: { env: GW_TARGET1_URL } }
  dev2: { connection: { env: GW_TARGET2_URL }, public_host: db.example.test, public_port: 6543 }
policies:
  people: { file: people.policy.yaml }
  partial: { file: partial.policy.yaml }
auth:
  issuer: ${ISSUER}
  audience: ${AUDIENCE}
  jwks_url: ${jwks.url}
  algorithms: [RS256]
  clock_tolerance_seconds: 0
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100 }
snapshots: { expiry_sweep_seconds: 1 }
`;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gateway-'));
    jwks = await startLocalJwks();
    publicPem = await exportSPKI(jwks.publicKey);
    otherKey = (await generateKeyPair('RS256')).privateKey;

    sourceDb = await createDatabase('gwsrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, note text)');
      for (const [i, email] of REAL_EMAILS.entries())
        await c.query('INSERT INTO people VALUES ($1, $2, $3)', [i + 1, email, `row ${i + 1}`]);
    });
    stateDb = await createDatabase('gwstate');
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
    // Leaves "note" uncovered: a run with it fails at the plan, after its database was created.
    await writeFile(
      join(dir, 'partial.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
`,
    );
    config = parseGatewayConfig(configText(), 'gateway.yaml', dir);
    env = {
      GW_SECRET: testSecret('gw'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      // A target is a server: each snapshot gets a fresh database there.
      GW_TARGET1_URL: databaseUrl('postgres'),
      GW_TARGET2_URL: databaseUrl('postgres'),
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
    // Nothing secret reached the logs: no token, no connection string.
    const text = logs.join('\n');
    for (const t of jwks?.issued ?? []) expect(text).not.toContain(t.split('.')[2]);
    expect(text).not.toContain('postgres://');
    for (const p of passwords) expect(text).not.toContain(p);
  });

  it('serves health, readiness and an OpenAPI 3.1 document from the zod schemas, with secure headers', async () => {
    const live = await call('GET', '/livez', undefined);
    expect(live.json).toEqual({ status: 'ok' });
    expect(live.headers.get('x-content-type-options')).toBe('nosniff');
    expect(live.headers.get('x-request-id')).toMatch(/.{8,}/);
    expect((await call('GET', '/readyz', undefined)).status).toBe(200);
    const doc = (await call('GET', '/openapi.json', undefined)).json as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/snapshots', '/v1/snapshots/{id}/approve', '/v1/audit/verify']),
    );
    // `target` or `environment`, exactly one (checked by the API, not expressible as `required`).
    expect(doc.components.schemas.CreateSnapshotRequest?.required).toEqual(
      expect.arrayContaining(['source', 'policy', 'purpose']),
    );
  });

  it('answers 401 problem+json for missing, invalid, expired, wrong-audience, wrong-issuer, unsigned and HS/RS-confused tokens', async () => {
    const header = (h: object): string => Buffer.from(JSON.stringify(h)).toString('base64url');
    const payload = header({
      sub: 'eve',
      iss: ISSUER,
      aud: AUDIENCE,
      exp: Math.floor(Date.now() / 1000) + 300,
      roles: ['admin'],
    });
    const hsSigningInput = `${header({ alg: 'HS256', typ: 'JWT' })}.${payload}`;
    const hsConfused = `${hsSigningInput}.${createHmac('sha256', publicPem).update(hsSigningInput).digest('base64url')}`;
    const cases: Record<string, string | undefined> = {
      missing: undefined,
      garbage: 'not-a-jwt',
      expired: await token(
        { sub: 'alice', roles: ['requester'] },
        { expiresIn: Math.floor(Date.now() / 1000) - 60 },
      ),
      wrong_audience: await token({ sub: 'alice', roles: ['requester'] }, { audience: 'someone-else' }),
      wrong_issuer: await token({ sub: 'alice', roles: ['requester'] }, { issuer: 'https://evil.test/' }),
      wrong_key: await token({ sub: 'alice', roles: ['requester'] }, { key: otherKey }),
      no_exp: await token({ sub: 'alice', roles: ['requester'] }, { noExp: true }),
      alg_none: `${header({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      hs_rs_confusion: hsConfused,
    };
    for (const [name, bearer] of Object.entries(cases)) {
      const response = await call('GET', '/v1/sources', bearer);
      expect({ name, status: response.status }).toEqual({ name, status: 401 });
      expect(response.type).toBe('application/problem+json');
      expect(response.json.code).toBe('unauthorized');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      if (bearer !== undefined) expect(response.text).not.toContain(bearer);
    }
  });

  it('lists only allowed sources and refuses a role or source not allowed with 403', async () => {
    const alice = await token({ sub: 'alice', roles: ['requester'] });
    const fin = await token({ sub: 'fiona', roles: [], groups: ['finance'] });
    expect((await call('GET', '/v1/sources', alice)).json.sources).toEqual([
      { name: 'shop', approval_required: true },
    ]);
    expect((await call('GET', '/v1/sources', fin)).json.sources).toEqual([
      { name: 'ledger', approval_required: false },
    ]);

    const request = { source: 'ledger', target: 'dev1', policy: 'people', purpose: 'debug invoices' };
    const notAllowed = await call('POST', '/v1/snapshots', alice, request);
    expect(notAllowed.status).toBe(403);
    expect(notAllowed.json).toMatchObject({
      code: 'forbidden',
      detail: 'source "ledger" is not available to you',
    });
    // A group member without the requester role cannot request either.
    expect((await call('POST', '/v1/snapshots', fin, request)).status).toBe(403);
    const audit = await call('GET', '/v1/audit', alice);
    expect(audit.status).toBe(403);
    expect((await call('GET', '/v1/audit/verify', alice)).status).toBe(403);
  });

  it('answers 400 naming the field for malformed bodies, and 413 above the body limit', async () => {
    const alice = await token({ sub: 'alice', roles: ['requester'] });
    const missing = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev1',
      policy: 'people',
    });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ field: 'purpose', problem: 'expected string' }]);
    const unknownField = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev1',
      policy: 'people',
      purpose: 'debugging',
      connection: 'postgres://x',
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.errors).toEqual([{ field: 'connection', problem: 'unknown field' }]);
    expect(unknownField.text).not.toContain('postgres://x');
    const badTtl = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev1',
      policy: 'people',
      purpose: 'debugging',
      ttl_hours: 100_000,
    });
    expect(badTtl.json.errors).toEqual([{ field: 'ttl_hours', problem: 'too big: at most 8760' }]);
    const notJson = await call('POST', '/v1/snapshots', alice, '{"source": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json.errors).toEqual([{ field: '(body)', problem: 'invalid JSON' }]);
    const unknownTarget = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'nope',
      policy: 'people',
      purpose: 'debugging',
    });
    expect(unknownTarget.json.errors).toEqual([{ field: 'target', problem: 'no such target' }]);
    const huge = await call('POST', '/v1/snapshots', alice, { purpose: 'x'.repeat(10_000) });
    expect(huge.status).toBe(413);
    expect(huge.json.code).toBe('payload_too_large');
  });

  it('requests, refuses self-approval, approves, runs and delivers the snapshot; the audit chain verifies', async () => {
    const alice = await token({ sub: 'alice', roles: ['requester'] });
    const bob = await token({ sub: 'bob', roles: ['approver'] });
    const created = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev1',
      policy: 'people',
      purpose: 'reproduce ticket 4711',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'awaiting_approval', requester: 'alice', job: null });
    const id = String(created.json.id);

    const self = await call('POST', `/v1/snapshots/${id}/approve`, alice);
    expect(self.status).toBe(403);
    const aliceAsApprover = await token({ sub: 'alice', roles: ['requester', 'approver'] });
    const selfWithRole = await call('POST', `/v1/snapshots/${id}/approve`, aliceAsApprover);
    expect(selfWithRole.status).toBe(403);
    expect(selfWithRole.json.detail).toBe('a requester cannot approve their own request');

    const approved = await call('POST', `/v1/snapshots/${id}/approve`, bob);
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ approved_by: 'bob' });
    expect((await call('POST', `/v1/snapshots/${id}/approve`, bob)).status).toBe(409);

    requestIds.push(id);
    const done = await waitForState(id, alice, ['succeeded', 'failed']);
    const database = snapshotName(id);
    expect(done).toMatchObject({
      state: 'succeeded',
      job: { state: 'succeeded', progress: { phase: 'commit', rows: 3 }, summary: { totalRows: 3 } },
      delivery: { host: '127.0.0.1', port: 5432, database, user: database, dropped_at: null },
    });
    const expiresAt = Date.parse(String((done.delivery as { expires_at: string }).expires_at));
    expect(expiresAt - Date.parse(String((done.job as { finished_at: string }).finished_at))).toBeGreaterThan(
      23.9 * 3600_000,
    ); // the default TTL (24 h) counts from delivery
    const rows = await withClient(database, (c) =>
      c.query<{ email: string }>('SELECT email FROM people ORDER BY id'),
    );
    expect(rows.rows).toHaveLength(3);
    for (const row of rows.rows) expect(REAL_EMAILS).not.toContain(row.email);

    // Only the requester receives credentials; each issue sets a new password and the previous one dies.
    expect((await call('POST', `/v1/snapshots/${id}/credentials`, bob)).status).toBe(403);
    const first = await call('POST', `/v1/snapshots/${id}/credentials`, alice);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ host: '127.0.0.1', port: 5432, database, user: database });
    const password = String(first.json.password);
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(scramMatches((await roleVerifier(database)) ?? '', password)).toBe(true);
    const second = await call('POST', `/v1/snapshots/${id}/credentials`, alice);
    const password2 = String(second.json.password);
    expect(password2).not.toBe(password);
    const verifier = (await roleVerifier(database)) ?? '';
    expect(scramMatches(verifier, password2)).toBe(true);
    expect(scramMatches(verifier, password)).toBe(false);
    passwords.push(password, password2);

    // The scoped role reads its snapshot, cannot write it, and has nothing elsewhere.
    const read = await asRole(database, database, (c) => c.query('SELECT count(*)::int AS n FROM people'));
    expect(read.rows[0]).toEqual({ n: 3 });
    await expect(
      asRole(database, database, (c) => c.query(`INSERT INTO people VALUES (9, 'x@example.com', 'x')`)),
    ).rejects.toMatchObject({ code: '42501' });
    // The source still lets PUBLIC connect (its owner's choice), but grants the role nothing there.
    await expect(
      asRole(database, sourceDb, (c) => c.query('SELECT count(*) FROM people')),
    ).rejects.toMatchObject({ code: '42501' });
    // The role is not a superuser and cannot create databases or roles.
    const attributes = await withClient('postgres', (c) =>
      c.query('SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = $1', [
        database,
      ]),
    );
    expect(attributes.rows[0]).toEqual({
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolcanlogin: true,
    });

    // Another requester cannot see it; the approver can list it.
    const mallory = await token({ sub: 'mallory', roles: ['requester'] });
    expect((await call('GET', `/v1/snapshots/${id}`, mallory)).status).toBe(404);
    const list = await call('GET', '/v1/snapshots?state=succeeded', bob);
    expect((list.json.snapshots as { id: string }[]).map((s) => s.id)).toContain(id);

    const auditor = await token({ sub: 'audrey', roles: ['auditor'] });
    const events = await call('GET', `/v1/audit?subject=${id}`, auditor);
    expect(
      (events.json.events as { action: string; outcome: string }[]).map((e) => `${e.action}:${e.outcome}`),
    ).toEqual([
      'snapshot.requested:success',
      'snapshot.approve:denied', // alice has no approver role
      'snapshot.approve:denied', // alice with the role, approving her own request
      'snapshot.approved:success',
      'snapshot.started:success',
      'snapshot.succeeded:success',
      'snapshot.credentials:denied', // bob is not the requester
      'snapshot.credentials_issued:success',
      'snapshot.credentials_issued:success',
    ]);
    const denied = await call('GET', '/v1/audit?outcome=denied&actor=alice', auditor);
    expect((denied.json.events as { action: string }[]).map((e) => e.action)).toContain('snapshot.approve');
    const jsonl = await call('GET', `/v1/audit?subject=${id}&format=jsonl`, auditor);
    expect(jsonl.type).toBe('application/x-ndjson');
    expect(jsonl.text.trim().split('\n')).toHaveLength(9);
    expect(jsonl.text).not.toContain('postgres://');
    for (const p of passwords) expect(jsonl.text).not.toContain(p);
    const verify = await call('GET', '/v1/audit/verify', auditor);
    expect(verify.json).toMatchObject({ ok: true });
  });

  it('refuses audit updates in the database, and verify names an event edited behind the trigger', async () => {
    await withClient(stateDb, async (c) => {
      await expect(c.query(`UPDATE lookalike_audit_events SET actor = 'x' WHERE seq = 2`)).rejects.toThrow(
        /append-only/,
      );
      await expect(c.query('DELETE FROM lookalike_audit_events WHERE seq = 2')).rejects.toThrow(
        /append-only/,
      );
      await c.query('ALTER TABLE lookalike_audit_events DISABLE TRIGGER lookalike_audit_no_change');
      await c.query(`UPDATE lookalike_audit_events SET actor = 'someone-else' WHERE seq = 2`);
      await c.query('ALTER TABLE lookalike_audit_events ENABLE TRIGGER lookalike_audit_no_change');
    });
    const { rows } = await withClient(stateDb, (c) =>
      c.query<{ id: string }>('SELECT id FROM lookalike_audit_events WHERE seq = 2'),
    );
    const auditor = await token({ sub: 'audrey', roles: ['auditor'] });
    const verify = await call('GET', '/v1/audit/verify', auditor);
    expect(verify.json).toMatchObject({
      ok: false,
      reason: 'hash_mismatch',
      broken_at: { seq: 2, id: rows[0]?.id },
    });
  });

  it('after a restart, a job left running by a dead gateway is reported failed (interrupted), never succeeded', async () => {
    await gateway.close();
    // A request whose job a crashed gateway was running: claimed by a worker that no longer heartbeats.
    const store = await StateStore.open(openPgSqlClient(new Secret(Buffer.from(databaseUrl(stateDb)))));
    const record = await store.createSnapshotRequest({
      requester: 'alice',
      source: 'shop',
      target: 'dev2',
      policy: 'people',
      purpose: 'crash test',
      ttlHours: 1,
      approvalRequired: false,
    });
    await store.claimJob(record.job?.id ?? '', 'dead-worker');
    // It had created its database and started loading when it died.
    const halfMade = snapshotName(record.id);
    requestIds.push(record.id);
    await store.recordDelivery(record.id, halfMade, halfMade);
    await withClient('postgres', (c) => c.query(`CREATE DATABASE "${halfMade}"`));
    await withClient(halfMade, (c) => c.query('CREATE TABLE people (id integer)'));
    await store.close();
    await withClient(stateDb, (c) =>
      c.query(`UPDATE lookalike_jobs SET heartbeat_at = now() - interval '5 minutes' WHERE id = $1`, [
        record.job?.id,
      ]),
    );

    gateway = await startTestGateway(config, env, capturingLogger(logs));
    const alice = await token({ sub: 'alice', roles: ['requester'] });
    const after = await call('GET', `/v1/snapshots/${record.id}`, alice);
    expect(after.json).toMatchObject({
      state: 'failed',
      delivery: null,
      job: { state: 'failed', error: { code: 'interrupted' } },
    });
    // The start-up sweep drops what the dead run left, then records that it did (a moment later).
    await until(async () => !(await databaseExists(halfMade)));
    const auditor = await token({ sub: 'audrey', roles: ['auditor'] });
    const actions = async (): Promise<string[]> =>
      (
        (await call('GET', `/v1/audit?subject=${record.id}`, auditor)).json.events as { action: string }[]
      ).map((e) => e.action);
    await until(async () => (await actions()).includes('snapshot.discarded'));
    const events = await call('GET', `/v1/audit?subject=${record.id}`, auditor);
    expect((events.json.events as { action: string }[]).map((e) => e.action)).toEqual([
      'snapshot.requested',
      'snapshot.started',
      'snapshot.failed',
      'snapshot.discarded',
    ]);
  });

  it('a failed run drops the database it had created, and records that', async () => {
    const fin = await token({ sub: 'fiona', roles: ['requester'], groups: ['finance'] });
    const created = await call('POST', '/v1/snapshots', fin, {
      source: 'ledger',
      target: 'dev1',
      policy: 'partial',
      purpose: 'uncovered column',
    });
    const id = String(created.json.id);
    requestIds.push(id);
    const failed = await waitForState(id, fin, ['failed', 'succeeded']);
    expect(failed).toMatchObject({ state: 'failed', job: { error: { code: 'uncovered_columns' } } });
    expect(await databaseExists(snapshotName(id))).toBe(false);
    expect(await roleVerifier(snapshotName(id))).toBeNull();
    const auditor = await token({ sub: 'audrey', roles: ['auditor'] });
    const events = await call('GET', `/v1/audit?subject=${id}`, auditor);
    expect((events.json.events as { action: string }[]).map((e) => e.action)).toEqual([
      'snapshot.requested',
      'snapshot.started',
      'snapshot.discarded',
      'snapshot.failed',
    ]);
  });

  it('drops a delivered snapshot and its role once its TTL has passed, and records snapshot.expired', async () => {
    const fin = await token({ sub: 'fiona', roles: ['requester'], groups: ['finance'] });
    const created = await call('POST', '/v1/snapshots', fin, {
      source: 'ledger',
      target: 'dev2',
      policy: 'people',
      purpose: 'short-lived copy',
      ttl_hours: 1,
    });
    const id = String(created.json.id);
    requestIds.push(id);
    const done = await waitForState(id, fin, ['succeeded', 'failed']);
    const name = snapshotName(id);
    // The advertised endpoint is the configured public one, not the gateway's admin connection.
    expect(done).toMatchObject({
      state: 'succeeded',
      delivery: { host: 'db.example.test', port: 6543, database: name },
    });
    expect(await databaseExists(name)).toBe(true);
    // Not yet due: a sweep leaves it alone.
    await gateway.sweepExpired();
    expect(await databaseExists(name)).toBe(true);

    // The hour passes (the clock of the state database decides), then the periodic sweep (1 s) drops it.
    await withClient(stateDb, (c) =>
      c.query(`UPDATE lookalike_requests SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]),
    );
    await until(async () => !(await databaseExists(name)));
    expect(await roleVerifier(name)).toBeNull();
    const after = await waitForState(id, fin, ['expired']);
    expect(after).toMatchObject({ state: 'expired', delivery: { database: name } });
    expect((after.delivery as { dropped_at: string | null }).dropped_at).not.toBeNull();
    expect((await call('POST', `/v1/snapshots/${id}/credentials`, fin)).status).toBe(409);

    const auditor = await token({ sub: 'audrey', roles: ['auditor'] });
    const expired = await call('GET', `/v1/audit?subject=${id}&action=snapshot.expired`, auditor);
    expect(expired.json.events).toEqual([
      expect.objectContaining({
        actor: 'gateway',
        outcome: 'success',
        details: expect.objectContaining({ database: name }),
      }),
    ]);
    expect((await call('GET', '/v1/audit/verify', auditor)).json).toMatchObject({ ok: false }); // edited earlier
    const metrics = await call('GET', '/metrics', undefined);
    expect(metrics.type).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^lookalike_snapshots_dropped_total\{reason="expired"\} [1-9]/m);
    // No password the gateway issued is anywhere in the audit log.
    const all = await withClient(stateDb, (c) =>
      c.query('SELECT details::text AS d FROM lookalike_audit_events'),
    );
    for (const p of passwords) for (const row of all.rows as { d: string }[]) expect(row.d).not.toContain(p);
  });

  it('cancels a queued request, and refuses cancelling a finished one', async () => {
    const fin = await token({ sub: 'fiona', roles: ['requester'], groups: ['finance'] });
    // ledger needs no approval, so it queues at once. Cancelled while queued, it never runs; a cancel that
    // finds it running is carried to the run by the next heartbeat (2 s), and a run that ends sooner —
    // this one is small — is delivered (a cancel never undoes a committed snapshot).
    const created = await call('POST', '/v1/snapshots', fin, {
      source: 'ledger',
      target: 'dev1',
      policy: 'people',
      purpose: 'cancel me',
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    requestIds.push(id);
    const cancel = await call('POST', `/v1/snapshots/${id}/cancel`, fin);
    const final = await waitForState(id, fin, ['cancelled', 'failed', 'succeeded']);
    if (cancel.json.state === 'cancelled') expect(final.state).toBe('cancelled');
    // Finished before the cancel arrived: refused as too late, and the run stands.
    else if (cancel.status === 409) expect(final.state).toBe('succeeded');
    else expect(cancel.json.cancel_requested).toBe(true);
    expect((await call('POST', `/v1/snapshots/${id}/cancel`, fin)).status).toBe(409);
  });
});
