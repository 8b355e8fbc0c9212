import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { parseGatewayConfig } from '../src/config/index.js';
import { GatewayError, Secret, silentLogger } from '../src/core/index.js';
import { createInProcessRunner, createWebhookNotifier } from '../src/jobs/index.js';
import { openPgSqlClient, StateStore, type AuditEvent } from '../src/state/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { dropDeliveredSnapshots, startTestGateway } from './helpers/gateway.js';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'lookalike-gateway';
const REAL_EMAILS = ['ada.real@corp.example', 'grace.real@corp.example'];
const SECRETS = {
  ok: 'whsec-ok-0123456789abcdef',
  flaky: 'whsec-flaky-0123456789',
  down: 'whsec-down-0123456789',
};

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local receiver: answers `statuses` in turn (then 200), recording every request. */
async function receiver(statuses: number[] = []): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/** The receiver side of the README recipe: HMAC-SHA256 over `timestamp.body`, compared in constant time. */
function validSignature(secret: string, r: Received): boolean {
  const timestamp = String(r.headers['lookalike-webhook-timestamp']);
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const given = Buffer.from(String(r.headers['lookalike-webhook-signature']));
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}

const typeOf = (r: Received): string => (JSON.parse(r.body) as { type: string }).type;
const dataOf = (r: Received): Record<string, unknown> =>
  (JSON.parse(r.body) as { data: Record<string, unknown> }).data;

async function until(check: () => Promise<boolean> | boolean, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never held');
}

describe('signed webhooks from a real gateway (real PostgreSQL, loopback receivers)', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let signingKey: CryptoKey;
  let gateway: RunningGateway;
  let ok: Awaited<ReturnType<typeof receiver>>;
  let flaky: Awaited<ReturnType<typeof receiver>>;
  let downUrl: string;
  let env: NodeJS.ProcessEnv;
  const requestIds: string[] = [];

  const token = (sub: string, roles: string[]): Promise<string> =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);

  async function requestSnapshot(source: string, policy: string): Promise<{ id: string; state: string }> {
    const response = await fetch(`${gateway.url}/v1/snapshots`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token('alice', ['requester'])}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ source, target: 'dev', policy, purpose: 'webhook test', ttl_hours: 1 }),
    });
    expect(response.status).toBe(201);
    const json = (await response.json()) as { id: string; state: string };
    requestIds.push(json.id);
    return json;
  }

  async function webhookAudit(requestId: string): Promise<AuditEvent[]> {
    const events = await gateway.store.listAudit({ subject: requestId, limit: 1000 });
    return events.filter((e) => e.action.startsWith('webhook.'));
  }

  async function stateOf(id: string): Promise<string | undefined> {
    return (await gateway.store.getSnapshotRequest(id))?.state;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-webhooks-'));
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    await writeFile(join(dir, 'key.pem'), await exportSPKI(pair.publicKey));
    for (const [name, secret] of Object.entries(SECRETS))
      await writeFile(join(dir, `${name}.secret`), `${secret}\n`);
    ok = await receiver();
    flaky = await receiver([500, 503]);
    // A port nobody listens on: bound, then closed.
    const closed = await receiver();
    downUrl = closed.url;
    await new Promise((resolve) => closed.server.close(resolve));

    sourceDb = await createDatabase('whsrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, note text)');
      for (const [i, email] of REAL_EMAILS.entries())
        await c.query('INSERT INTO people VALUES ($1, $2, $3)', [i + 1, email, `row ${i + 1}`]);
    });
    stateDb = await createDatabase('whstate');
    await writeFile(
      join(dir, 'people.policy.yaml'),
      'version: 1\ntables:\n  public.people:\n    columns:\n      id: keep\n      email: { action: substitute, entity: email }\n      note: keep\n',
    );
    // Leaves "note" uncovered: the run fails at the plan.
    await writeFile(
      join(dir, 'partial.policy.yaml'),
      'version: 1\ntables:\n  public.people:\n    columns:\n      id: keep\n      email: { action: substitute, entity: email }\n',
    );
    const config = parseGatewayConfig(
      `version: 1
server: { host: 127.0.0.1, port: 0 }
secret: { env: GW_SECRET }
sources:
  shop: { connection: { env: GW_SOURCE_URL }, approval_required: false, allow: { roles: [requester] } }
  vault: { connection: { env: GW_SOURCE_URL }, approval_required: true, allow: { roles: [requester] } }
targets:
  dev: { connection: { env: GW_TARGET_URL } }
policies:
  people: { file: people.policy.yaml }
  partial: { file: partial.policy.yaml }
auth:
  issuer: ${ISSUER}
  audience: ${AUDIENCE}
  public_key_files: [key.pem]
  algorithms: [RS256]
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100 }
snapshots: { expiry_sweep_seconds: 3600 }
webhooks:
  - { name: ok, url: "${ok.url}", events: [approval_needed, delivered, expiring, expired, failed, leak_found], secret_file: ok.secret, expiring_minutes: 120 }
  - { name: flaky, url: "${flaky.url}", events: [delivered], secret_file: flaky.secret, attempts: 3 }
  - { name: down, url: "${downUrl}", events: [delivered], secret_file: down.secret, attempts: 2, timeout_ms: 1000 }
`,
      'gateway.yaml',
      dir,
    );
    env = {
      GW_SECRET: testSecret('webhooks'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
      GW_STATE_URL: databaseUrl(stateDb),
    };
    gateway = await startTestGateway(config, env, silentLogger, { webhookBackoffMs: 50 });
  });

  afterAll(async () => {
    await gateway?.close();
    for (const r of [ok, flaky]) await new Promise((resolve) => r?.server.close(resolve));
    for (const db of [sourceDb, stateDb]) if (db !== undefined) await dropDatabase(db);
    await dropDeliveredSnapshots(requestIds);
    await rm(dir, { recursive: true, force: true });
  });

  it('signs a delivered notice, retries a failing receiver to its third attempt, and a receiver that is down does not fail the job', async () => {
    const { id } = await requestSnapshot('shop', 'people');
    await until(async () => (await stateOf(id)) === 'succeeded', 600);
    await until(
      async () => (await webhookAudit(id)).filter((e) => e.details.event === 'delivered').length === 3,
    );

    const delivered = ok.got.filter((r) => typeOf(r) === 'delivered' && dataOf(r).request_id === id);
    expect(delivered).toHaveLength(1);
    const [notice] = delivered as [Received];
    expect(notice.headers['content-type']).toBe('application/json');
    expect(notice.headers['lookalike-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Number(notice.headers['lookalike-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(
      60,
    );
    expect(validSignature(SECRETS.ok, notice)).toBe(true);
    expect(validSignature(SECRETS.flaky, notice)).toBe(false);
    // A body changed in transit no longer matches its signature.
    expect(validSignature(SECRETS.ok, { ...notice, body: notice.body.replace('shop', 'shoq') })).toBe(false);
    expect(dataOf(notice)).toMatchObject({
      request_id: id,
      source: 'shop',
      target: 'dev',
      outcome: 'succeeded',
      state: 'succeeded',
      expires_at: expect.any(String),
      finished_at: expect.any(String),
    });

    // Failed twice, then delivered on the third attempt: three requests, each signed.
    const flakyGot = flaky.got.filter((r) => dataOf(r).request_id === id);
    expect(flakyGot).toHaveLength(3);
    expect(flakyGot.every((r) => validSignature(SECRETS.flaky, r))).toBe(true);
    expect(new Set(flakyGot.map((r) => r.headers['lookalike-webhook-id'])).size).toBe(1);

    const audit = await webhookAudit(id);
    const byHook = (name: string): AuditEvent | undefined => audit.find((e) => e.details.webhook === name);
    expect(byHook('ok')).toMatchObject({ action: 'webhook.delivered', outcome: 'success' });
    expect(byHook('flaky')).toMatchObject({
      action: 'webhook.delivered',
      details: { attempts: 3, status: 200 },
    });
    expect(byHook('down')).toMatchObject({
      action: 'webhook.failed',
      outcome: 'failure',
      details: { attempts: 2, status: null, error: 'unreachable' },
    });
    // The job is unaffected by the receiver that is down.
    expect(await stateOf(id)).toBe('succeeded');
    expect((await gateway.store.verifyAudit()).ok).toBe(true);
  });

  it('notifies that a request from a source requiring approval awaits approval', async () => {
    const { id, state } = await requestSnapshot('vault', 'people');
    expect(state).toBe('awaiting_approval');
    await until(() => ok.got.some((r) => typeOf(r) === 'approval_needed' && dataOf(r).request_id === id));
    const notice = ok.got.find((r) => typeOf(r) === 'approval_needed') as Received;
    expect(validSignature(SECRETS.ok, notice)).toBe(true);
    expect(dataOf(notice)).toMatchObject({ source: 'vault', requester: 'alice', state: 'awaiting_approval' });
  });

  it('notifies a failed run with its error code', async () => {
    const { id } = await requestSnapshot('shop', 'partial');
    await until(() => ok.got.some((r) => typeOf(r) === 'failed' && dataOf(r).request_id === id), 600);
    const notice = ok.got.find((r) => typeOf(r) === 'failed' && dataOf(r).request_id === id) as Received;
    expect(dataOf(notice)).toMatchObject({ outcome: 'failed', error_code: expect.any(String) });
  });

  it('notifies once before the TTL ends, once more after a renewal, then when the snapshot expires', async () => {
    const id = requestIds[0] ?? '';
    const expiring = () => ok.got.filter((r) => typeOf(r) === 'expiring' && dataOf(r).request_id === id);
    await gateway.sweepExpired();
    await gateway.sweepExpired();
    await until(async () => (await webhookAudit(id)).some((e) => e.details.event === 'expiring'));
    await gateway.sweepExpired();
    await new Promise((r) => setTimeout(r, 200));
    expect(expiring()).toHaveLength(1);
    // A renewal moves the expiry: one notice for the new one, still never two for the same.
    await new Promise((r) => setTimeout(r, 1100));
    await gateway.store.renewSnapshot(id, 'alice', 1, 48);
    await gateway.sweepExpired();
    await until(() => expiring().length === 2);
    await gateway.sweepExpired();
    await new Promise((r) => setTimeout(r, 200));
    expect(expiring()).toHaveLength(2);
    expect(dataOf(expiring()[1] as Received).expires_at).not.toBe(
      dataOf(expiring()[0] as Received).expires_at,
    );
    await gateway.sweepExpired(new Date(Date.now() + 2 * 3600_000));
    await until(() => ok.got.some((r) => typeOf(r) === 'expired' && dataOf(r).request_id === id));
    expect(await stateOf(id)).toBe('expired');
  });

  it('never puts values, credentials or connection strings in a body or an audit event', async () => {
    const bodies = [...ok.got, ...flaky.got].map((r) => r.body).join('\n');
    const audit = JSON.stringify(await gateway.store.listAudit({ limit: 1000 }));
    for (const text of [bodies, audit]) {
      for (const email of REAL_EMAILS) expect(text).not.toContain(email);
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
      expect(text).not.toContain(String(env.GW_SECRET));
      expect(text).not.toContain('postgres://');
      expect(text).not.toContain('password');
    }
    expect(ok.got.length).toBeGreaterThanOrEqual(5);
  });
});

describe('leak_found from a run that verification refused', () => {
  it('notifies leak_found (not failed) with the error code, and the job is recorded failed', async () => {
    const db = await createDatabase('whleak');
    const store = await StateStore.open(openPgSqlClient(new Secret(Buffer.from(databaseUrl(db)))));
    const hook = await receiver();
    const notifier = createWebhookNotifier({
      webhooks: [
        {
          name: 'sec',
          url: hook.url,
          events: ['leak_found', 'failed'],
          secret: new Secret(Buffer.from('whsec-sec')),
          attempts: 1,
          timeoutMs: 1000,
          expiringMs: 0,
        },
      ],
      store,
      logger: silentLogger,
    });
    const runner = createInProcessRunner({
      store,
      // Stands in for the data path only: the pipeline's refusal as it reaches the runner.
      execute: () =>
        Promise.reject(new GatewayError('leak_found', 'verification found 1 leak in public.people')),
      concurrency: 1,
      workerId: 'w-leak',
      logger: silentLogger,
      staleAfterMs: 0,
      notifier,
    });
    try {
      await runner.start();
      const record = await store.createSnapshotRequest({
        requester: 'alice',
        source: 'shop',
        target: 'dev',
        policy: 'people',
        purpose: 'leak test',
        ttlHours: 1,
        approvalRequired: false,
      });
      runner.enqueue(record.job?.id ?? '');
      await until(() => hook.got.length > 0);
      await notifier.settled();
      expect(hook.got.map(typeOf)).toEqual(['leak_found']);
      expect(validSignature('whsec-sec', hook.got[0] as Received)).toBe(true);
      expect(dataOf(hook.got[0] as Received)).toMatchObject({
        request_id: record.id,
        outcome: 'failed',
        error_code: 'leak_found',
      });
      expect((await store.getSnapshotRequest(record.id))?.state).toBe('failed');
      const audit = await store.listAudit({ action: 'webhook.delivered', limit: 10 });
      expect(audit.map((e) => e.details)).toEqual([
        expect.objectContaining({ webhook: 'sec', event: 'leak_found', attempts: 1, status: 200 }),
      ]);
    } finally {
      await runner.stop();
      await notifier.close();
      await store.close();
      await new Promise((resolve) => hook.server.close(resolve));
      await dropDatabase(db);
    }
  });
});
