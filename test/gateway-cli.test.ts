import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { parseGatewayConfig } from '../src/config/index.js';
import { silentLogger } from '../src/core/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';
import { dropDeliveredSnapshots, startTestGateway } from './helpers/gateway.js';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'lookalike-gateway';

describe('lookalike request … and audit … against a running gateway on loopback', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let key: CryptoKey;
  let gateway: RunningGateway;
  const requestIds: string[] = [];

  const token = (sub: string, roles: string[]): Promise<string> =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  const cli = async (
    args: readonly string[],
    bearer: string | undefined,
  ): Promise<{ exitCode: number; stdout: string; stderr: string }> =>
    runLookalike(args, {
      LOOKALIKE_GATEWAY_URL: gateway.url,
      ...(bearer === undefined ? {} : { LOOKALIKE_TOKEN: bearer }),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gwcli-'));
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    await writeFile(join(dir, 'idp.pem'), await exportSPKI(pair.publicKey));
    await writeFile(
      join(dir, 'people.policy.yaml'),
      'version: 1\ntables:\n  public.people:\n    columns:\n      id: keep\n      email: { action: substitute, entity: email }\n',
    );
    sourceDb = await createDatabase('gwclisrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL)');
      await c.query(
        `INSERT INTO people SELECT i, 'person' || i || '@corp.example' FROM generate_series(1, 500) i`,
      );
    });
    stateDb = await createDatabase('gwclistate');
    const config = parseGatewayConfig(
      `version: 1
server: { host: 127.0.0.1, port: 0, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: S }
sources:
  shop: { connection: { env: SRC }, approval_required: true, allow: { roles: [requester] } }
  open: { connection: { env: SRC }, allow: { roles: [requester] } }
targets:
  dev: { connection: { env: TGT } }
policies:
  people: { file: people.policy.yaml }
auth: { issuer: '${ISSUER}', audience: ${AUDIENCE}, public_key_files: [idp.pem], algorithms: [ES256] }
state: { connection: { env: STATE } }
jobs: { concurrency: 2, batch_rows: 100 }
`,
      'gateway.yaml',
      dir,
    );
    const env = {
      S: testSecret('cli'),
      SRC: databaseUrl(sourceDb),
      TGT: databaseUrl('postgres'),
      STATE: databaseUrl(stateDb),
    };
    gateway = await startTestGateway(config, env, silentLogger);
  });

  afterAll(async () => {
    await gateway?.close();
    for (const db of [sourceDb, stateDb]) if (db !== undefined) await dropDatabase(db);
    await dropDeliveredSnapshots(requestIds);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to run without a gateway URL or token, and reports an invalid token as unauthorized without echoing it', async () => {
    const noUrl = await runLookalike(['request', 'list'], { LOOKALIKE_TOKEN: 'x' });
    expect(noUrl.exitCode).toBe(2);
    expect(noUrl.stderr).toContain('LOOKALIKE_GATEWAY_URL');
    const noToken = await runLookalike(['request', 'list', '--gateway', gateway.url]);
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toContain('LOOKALIKE_TOKEN');
    const remoteHttp = await runLookalike(['request', 'list', '--gateway', 'http://gateway.example.test'], {
      LOOKALIKE_TOKEN: 'x',
    });
    expect(remoteHttp.exitCode).toBe(2);
    const bad = await cli(['request', 'list'], 'not.a.valid-token');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('[unauthorized]');
    expect(bad.stderr).not.toContain('not.a.valid-token');
  });

  it('creates, refuses self-approval, approves, follows with --wait and a progress line, lists, gets and cancels', async () => {
    const alice = await token('alice', ['requester']);
    const bob = await token('bob', ['approver']);
    const created = await cli(
      [
        'request',
        'create',
        '--source',
        'shop',
        '--target',
        'dev',
        '--policy',
        'people',
        '--purpose',
        'ticket 1',
        '--format',
        'json',
      ],
      alice,
    );
    expect(created.exitCode).toBe(0);
    const view = JSON.parse(created.stdout) as { id: string; state: string };
    requestIds.push(view.id);
    expect(view.state).toBe('awaiting_approval');

    const self = await cli(['request', 'approve', view.id], await token('alice', ['requester', 'approver']));
    expect(self.exitCode).toBe(1);
    expect(self.stderr).toContain('[forbidden]');
    const approved = await cli(['request', 'approve', view.id], bob);
    expect(approved.exitCode).toBe(0);
    expect(approved.stderr).toMatch(new RegExp(`${view.id} +(queued|running|succeeded)`));

    // --token-file works as well as the environment variable.
    const tokenFile = join(dir, 'alice.token');
    await writeFile(tokenFile, `${alice}\n`);
    const waited = await runLookalike([
      'request',
      'create',
      '--gateway',
      gateway.url,
      '--token-file',
      tokenFile,
      '--source',
      'open',
      '--target',
      'dev',
      '--policy',
      'people',
      '--purpose',
      'ticket 2',
      '--ttl-hours',
      '2',
      '--wait',
      '--poll-ms',
      '50',
      '--format',
      'json',
    ]);
    expect(waited.exitCode).toBe(0);
    const final = JSON.parse(waited.stdout) as {
      id: string;
      state: string;
      delivery: { database: string; user: string };
    };
    requestIds.push(final.id);
    expect(final.state).toBe('succeeded');
    expect(final.delivery.database).toBe(`lk_snap_${final.id.replace(/-/g, '')}`);
    // Progress lines (not a TTY: one per change) end with the final state and row count.
    const lines = waited.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${final.id}  (queued|running)`));
    expect(lines.at(-1)).toMatch(new RegExp(`^${final.id}  succeeded · commit · 500 rows · 1/1 tables$`));

    const credentials = await cli(['request', 'credentials', final.id], alice);
    expect(credentials.exitCode).toBe(0);
    const password = /password=(\S+)/.exec(credentials.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(credentials.stdout).toContain(`dbname=${final.delivery.database} user=${final.delivery.user}`);
    expect(credentials.stderr).not.toContain(password);
    expect((await cli(['request', 'credentials', final.id], bob)).exitCode).toBe(1);

    const listed = await cli(['request', 'list', '--format', 'json'], alice);
    expect((JSON.parse(listed.stdout) as { snapshots: { id: string }[] }).snapshots.map((s) => s.id)).toEqual(
      expect.arrayContaining([view.id, final.id]),
    );
    const got = await cli(['request', 'get', final.id], alice);
    expect(got.exitCode).toBe(0);
    expect(got.stderr).toContain(`database ${final.delivery.database} on 127.0.0.1:5432`);
    expect((await cli(['request', 'get', final.id], await token('mallory', ['requester']))).exitCode).toBe(1);

    const toCancel = await cli(
      ['request', 'create', '--source', 'shop', '--target', 'dev', '--policy', 'people', '--purpose', 'nah'],
      alice,
    );
    const cancelId = /^(\S+)/.exec(toCancel.stderr)?.[1] ?? '';
    requestIds.push(cancelId);
    const cancelled = await cli(['request', 'cancel', cancelId], alice);
    expect(cancelled.exitCode).toBe(0);
    expect(cancelled.stderr).toContain(`${cancelId}  cancelled`);
    expect((await cli(['request', 'cancel', cancelId], alice)).stderr).toContain('[conflict]');
    const missing = await cli(['request', 'create', '--source', 'shop'], alice);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('missing --policy, --purpose');
  });

  it('serves Prometheus metrics: jobs by state, rows, durations, auth failures, leaks', async () => {
    let response = await fetch(`${gateway.url}/metrics`);
    let text = await response.text();
    // The approved request of the previous test runs beside the one it waited for and may end later.
    for (let i = 0; i < 600 && !/^lookalike_jobs\{state="running"\} 0$/m.test(text); i++) {
      await new Promise((r) => setTimeout(r, 100));
      response = await fetch(`${gateway.url}/metrics`);
      text = await response.text();
    }
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (line === undefined) throw new Error(`no series ${series}`);
      return Number(line.slice(series.length + 1));
    };
    expect(value('lookalike_jobs{state="succeeded"}')).toBe(2);
    // The cancelled request never had a job: it was still awaiting approval.
    expect(value('lookalike_jobs{state="cancelled"}')).toBe(0);
    expect(value('lookalike_jobs{state="running"}')).toBe(0);
    expect(value('lookalike_jobs_finished_total{state="succeeded"}')).toBe(2);
    expect(value('lookalike_rows_processed_total')).toBe(1000);
    expect(value('lookalike_job_duration_seconds_count')).toBe(2);
    expect(value('lookalike_job_duration_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(value('lookalike_auth_failures_total')).toBeGreaterThanOrEqual(1);
    expect(value('lookalike_leaks_found_total')).toBe(0);
    expect(text).toContain('# TYPE lookalike_job_duration_seconds histogram');
    expect(text).not.toMatch(/alice|bob|postgres:\/\//);
  });

  it('verifies and exports the audit log for auditors, and names the event where an edit breaks the chain', async () => {
    const audrey = await token('audrey', ['auditor']);
    const verified = await cli(['audit', 'verify'], audrey);
    expect(verified.exitCode).toBe(0);
    expect(verified.stderr).toMatch(/audit chain intact: \d+ events/);
    const exported = await cli(['audit', 'export'], audrey);
    expect(exported.exitCode).toBe(0);
    const events = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; action: string; hash: string });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['snapshot.requested', 'snapshot.approved', 'snapshot.credentials_issued']),
    );
    const denied = await cli(['audit', 'export', '--outcome', 'denied'], audrey);
    expect(denied.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    expect((await cli(['audit', 'verify'], await token('alice', ['requester']))).exitCode).toBe(1);

    await withClient(stateDb, async (c) => {
      await c.query('ALTER TABLE lookalike_audit_events DISABLE TRIGGER lookalike_audit_no_change');
      await c.query(`UPDATE lookalike_audit_events SET actor = 'someone-else' WHERE seq = 3`);
      await c.query('ALTER TABLE lookalike_audit_events ENABLE TRIGGER lookalike_audit_no_change');
    });
    const broken = await cli(['audit', 'verify', '--format', 'json'], audrey);
    expect(broken.exitCode).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      ok: false,
      broken_at: { seq: 3 },
      reason: 'hash_mismatch',
    });
    expect(broken.stderr).toContain('audit chain broken at event #3');
  });
});
