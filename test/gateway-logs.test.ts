import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase, testSecret } from './helpers/databases.js';
import { dropDeliveredSnapshots } from './helpers/gateway.js';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'lookalike-gateway';
const SOURCE_PASSWORD = 'Pa55w0rd-never-in-logs';
/** Nothing listens on port 1: the job fails connecting to a source whose URL carries a password. */
const FAILING_SOURCE_URL = `postgres://postgres:${SOURCE_PASSWORD}@127.0.0.1:1/shop`;

interface LogLine {
  readonly time: string;
  readonly level: string;
  readonly event: string;
  readonly request_id?: string;
  readonly job_id?: string;
  readonly http_request_id?: string;
  readonly fields: Record<string, unknown>;
}

describe('lookalike serve with LOOKALIKE_LOG_FORMAT=json, as its own process', () => {
  let dir: string;
  let stateDb: string;
  let key: CryptoKey;
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<number | null>;
  let baseUrl: string;
  let requestId: string | undefined;

  const token = (sub: string, roles: string[]): Promise<string> =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  const lines = (): LogLine[] =>
    stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as LogLine);

  async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never happened: ${what}\n${stderr}`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-logs-'));
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    await writeFile(join(dir, 'idp.pem'), await exportSPKI(pair.publicKey));
    await writeFile(
      join(dir, 'people.policy.yaml'),
      'version: 1\ntables:\n  public.people:\n    columns:\n      id: keep\n      email: { action: substitute, entity: email }\n',
    );
    await writeFile(
      join(dir, 'gateway.yaml'),
      `version: 1
server: { host: 127.0.0.1, port: 0, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: GW_SECRET }
sources:
  shop: { connection: { env: GW_SOURCE_URL }, allow: { roles: [requester] } }
targets:
  dev: { connection: { env: GW_TARGET_URL } }
policies:
  people: { file: people.policy.yaml }
auth: { issuer: '${ISSUER}', audience: ${AUDIENCE}, public_key_files: [idp.pem], algorithms: [ES256] }
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100 }
`,
    );
    stateDb = await createDatabase('logstate');
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'serve', '--config', join(dir, 'gateway.yaml')],
      {
        env: {
          PATH: process.env.PATH,
          LOOKALIKE_LOG_FORMAT: 'json',
          GW_SECRET: testSecret('logs'),
          GW_SOURCE_URL: FAILING_SOURCE_URL,
          GW_TARGET_URL: databaseUrl('postgres'),
          GW_STATE_URL: databaseUrl(stateDb),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await until(() => {
      if (child.exitCode !== null) throw new Error(`serve exited early:\n${stderr}`);
      return lines().find((l) => l.event === 'gateway_listening')?.fields.port as number | undefined;
    }, 'gateway listening');
    baseUrl = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    if (stateDb !== undefined) await dropDatabase(stateDb);
    await dropDeliveredSnapshots([requestId]);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes only JSON lines, with ids on top, and neither the bearer token nor the source password', async () => {
    const bearer = await token('alice', ['requester']);
    const created = await fetch(`${baseUrl}/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'shop', target: 'dev', policy: 'people', purpose: 'log test' }),
    });
    expect(created.status).toBe(201);
    requestId = String(((await created.json()) as { id: unknown }).id);

    // A token from another issuer key: refused, and the refusal logged.
    const stranger = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('mallory')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('10m')
      .sign((await generateKeyPair('ES256')).privateKey);
    const refused = await fetch(`${baseUrl}/v1/snapshots`, {
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(refused.status).toBe(401);

    const view = await until(async () => {
      const response = await fetch(`${baseUrl}/v1/snapshots/${requestId}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      const json = (await response.json()) as { state: string };
      return json.state === 'failed' ? json : undefined;
    }, 'the snapshot failing');
    expect(view.state).toBe('failed');
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toContain('lookalike_log_redactions_total{kind="password"}');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const logged = lines();
    for (const line of logged) {
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
      expect(['debug', 'info', 'warn', 'error']).toContain(line.level);
      expect(typeof line.event).toBe('string');
      expect(typeof line.fields).toBe('object');
    }
    // An HTTP call's id is `http_request_id`; `request_id` is only ever a snapshot request's.
    const httpLines = logged.filter((l) => l.event === 'http_request');
    expect(httpLines.length).toBeGreaterThan(0);
    for (const line of httpLines) {
      expect(line.http_request_id).toMatch(/.{8,}/);
      expect(line.request_id).toBeUndefined();
    }
    expect(logged.some((l) => l.event === 'auth_failed' && typeof l.http_request_id === 'string')).toBe(true);
    expect(logged.some((l) => l.event === 'auth_failed')).toBe(true);
    expect(logged.some((l) => l.event === 'job_failed' && typeof l.job_id === 'string')).toBe(true);
    // Events from the job process carry the snapshot request they ran for.
    expect(logged.some((l) => l.event === 'snapshot_failed' && l.request_id === requestId)).toBe(true);
    expect(logged.some((l) => l.event === 'message' && l.fields.text === 'shutting down…')).toBe(true);
    for (const secret of [bearer, stranger, SOURCE_PASSWORD, bearer.split('.')[2] ?? bearer])
      expect(stderr).not.toContain(secret);
  }, 120_000);
});
