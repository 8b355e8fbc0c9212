import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { parseGatewayConfig, type GatewayConfig } from '../src/config/index.js';
import { loadPolicy, policyDigest } from '../src/policy/index.js';
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

const REAL_EMAILS = ['ada.pv@corp.example', 'grace.pv@corp.example'];

const POLICY_V1 = `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
`;
const POLICY_V2 = `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: nullify
`;

interface VersionWire {
  version: number;
  digest: string;
  created_by: string;
  origin: string;
  reason: string;
  changed_sections: string[];
}

interface AuditWire {
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
}

describe('gateway policy versions and uploads, refresh on the embedded store (real socket, real PostgreSQL)', () => {
  let dir: string;
  let sourceDb: string;
  let jwks: LocalJwks;
  let gateway: RunningGateway;
  let config: GatewayConfig;
  let env: Record<string, string>;
  const requestIds: string[] = [];
  const logs: string[] = [];
  const call = gatewayCaller(() => gateway.url);
  const token = (sub: string, roles: string[]): Promise<string> => jwks.token({ sub, roles });

  const start = async (): Promise<void> => {
    gateway = await startTestGateway(config, env, capturingLogger(logs));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gw-policy-'));
    jwks = await startLocalJwks();
    sourceDb = await createDatabase('gwpvsrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text)');
      for (const [i, email] of REAL_EMAILS.entries())
        await c.query('INSERT INTO people VALUES ($1, $2)', [i + 1, email]);
    });
    await writeFile(join(dir, 'people.policy.yaml'), POLICY_V1);
    config = parseGatewayConfig(
      `version: 1
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
  jwks_url: ${jwks.url}
  algorithms: [RS256]
snapshots: { expiry_sweep_seconds: 3600, refresh_sweep_seconds: 3600 }
state: { embedded_path: state }
jobs: { concurrency: 1, batch_rows: 100 }
`,
      'gateway.yaml',
      dir,
    );
    env = {
      GW_SECRET: testSecret('gwpv'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
    };
    await start();
  });

  afterAll(async () => {
    await gateway?.close();
    await jwks?.close();
    if (sourceDb !== undefined) await dropDatabase(sourceDb);
    await dropDeliveredSnapshots(requestIds);
    await rm(dir, { recursive: true, force: true });
    const text = logs.join('\n');
    expect(text).not.toContain('postgres://');
    for (const value of REAL_EMAILS) expect(text).not.toContain(value);
  });

  async function versions(): Promise<{ current_version: number | null; versions: VersionWire[] }> {
    const response = await call('GET', '/v1/policies/people/versions', await token('alice', ['requester']));
    expect(response.status).toBe(200);
    return response.json as unknown as { current_version: number | null; versions: VersionWire[] };
  }

  async function auditEvents(query: string): Promise<AuditWire[]> {
    const response = await call('GET', `/v1/audit?${query}`, await token('audrey', ['auditor']));
    expect(response.status).toBe(200);
    return response.json.events as AuditWire[];
  }

  it('records the configured policy as version 1 at start-up (digest, who, when, why), audited', async () => {
    const v1Digest = policyDigest(await loadPolicy(join(dir, 'people.policy.yaml')));
    const listed = await versions();
    expect(listed.current_version).toBe(1);
    expect(listed.versions).toEqual([
      {
        version: 1,
        digest: v1Digest,
        created_at: expect.any(String) as string,
        created_by: 'gateway',
        origin: 'config',
        reason: 'configuration file people.policy.yaml',
        // The first version: every section of the loaded policy (defaults included) is new.
        changed_sections: expect.arrayContaining(['tables.public.people', 'version']) as string[],
      },
    ]);
    const events = await auditEvents('action=policy.changed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: 'gateway', subject: 'policy:people' });
    expect(events[0]?.details).toMatchObject({ old_digest: null, new_digest: v1Digest, version: 1 });
    expect(
      (await call('GET', '/v1/policies/nope/versions', await token('alice', ['requester']))).status,
    ).toBe(404);
    expect((await call('GET', '/v1/policies/people/versions', await token('nobody', []))).status).toBe(403);
  });

  it('takes an admin upload with a reason as a new version that runs from then on; refuses bad uploads', async () => {
    const admin = await token('root-admin', ['admin']);
    const alice = await token('alice', ['requester']);
    const upload = (bearer: string, body: unknown, name = 'people') =>
      call('PUT', `/v1/policies/${name}`, bearer, body);

    expect((await upload(alice, { text: POLICY_V2, reason: 'not an admin' })).status).toBe(403);
    expect((await upload(admin, { text: POLICY_V2, reason: 'unknown name' }, 'nope')).status).toBe(404);
    const noReason = await upload(admin, { text: POLICY_V2 });
    expect(noReason.status).toBe(400);
    expect(noReason.json.errors).toEqual([{ field: 'reason', problem: 'expected string' }]);
    const invalid = await upload(admin, { text: 'version: 1\ntables: [oops]\n', reason: 'broken' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.code).toBe('policy_invalid');
    expect(invalid.json.detail).toMatch(/upload/);
    const sideFile = await upload(admin, {
      text: `${POLICY_V2}subset:\n  start: public.people\n  suppress:\n    - table: public.people\n      hashes_file: /etc/passwd\n`,
      reason: 'side file',
    });
    expect(sideFile.status).toBe(400);
    expect((await versions()).current_version).toBe(1);

    const uploaded = await upload(admin, { text: POLICY_V2, reason: 'ticket 42: e-mails are not needed' });
    expect(uploaded.status).toBe(200);
    expect(uploaded.json).toMatchObject({
      name: 'people',
      changed: true,
      version: {
        version: 2,
        created_by: 'root-admin',
        origin: 'upload',
        reason: 'ticket 42: e-mails are not needed',
        changed_sections: ['tables.public.people'],
      },
    });
    const v2 = uploaded.json.version as VersionWire;
    expect(v2.digest).toMatch(/^[0-9a-f]{64}$/);
    const withText = await call('GET', '/v1/policies/people/versions/2', alice);
    expect(withText.json).toMatchObject({ name: 'people', version: 2, digest: v2.digest, text: POLICY_V2 });
    expect((await call('GET', '/v1/policies/people/versions/1', alice)).json.text).toBe(POLICY_V1);
    expect((await call('GET', '/v1/policies/people/versions/9', alice)).status).toBe(404);
    expect((await call('GET', '/v1/policies/people/versions/x', alice)).status).toBe(404);
    // The same text again changes nothing.
    const again = await upload(admin, { text: POLICY_V2, reason: 'again' });
    expect(again.json).toMatchObject({ changed: false, version: { version: 2 } });
    expect((await versions()).versions.map((v) => v.version)).toEqual([1, 2]);

    const events = await auditEvents('action=policy.changed');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ actor: 'root-admin', subject: 'policy:people' });
    expect(events[1]?.details).toMatchObject({
      old_digest: (await versions()).versions[0]?.digest,
      new_digest: v2.digest,
      changed_sections: ['tables.public.people'],
      reason: 'ticket 42: e-mails are not needed',
      origin: 'upload',
    });
    expect(await auditEvents('action=policy.upload&outcome=denied')).toHaveLength(1);

    // A request records the version it runs with, and the run uses it (e-mails nullified, not substituted).
    const created = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev',
      policy: 'people',
      purpose: 'policy version check',
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    requestIds.push(id);
    expect(created.json).toMatchObject({ policy_version: 2, policy_digest: v2.digest });
    expect((await waitForState(call, id, alice, ['succeeded', 'failed'])).state).toBe('succeeded');
    const { rows } = await withClient(snapshotName(id), (c) =>
      c.query<{ email: string | null }>('SELECT email FROM people ORDER BY id'),
    );
    expect(rows).toEqual([{ email: null }, { email: null }]);
    const requested = await auditEvents(`action=snapshot.requested&subject=${id}`);
    expect(requested[0]?.details).toMatchObject({ policy_version: 2, policy_digest: v2.digest });
    const succeeded = await auditEvents(`action=snapshot.succeeded&subject=${id}`);
    expect(succeeded[0]?.details.policy_digest).toBe(v2.digest);
  });

  it('keeps an upload current across a restart with the same file; a changed file is a new version', async () => {
    await gateway.close();
    await start();
    expect((await versions()).current_version).toBe(2);
    // The same policy written differently (a comment, flow style): same digest, seen as version 1 already.
    await writeFile(
      join(dir, 'people.policy.yaml'),
      `# reformatted\n${POLICY_V1.replace('id: keep', 'id: { action: keep }')}`,
    );
    await gateway.close();
    await start();
    expect((await versions()).current_version).toBe(2);
    await writeFile(
      join(dir, 'people.policy.yaml'),
      POLICY_V1.replace('email: { action: substitute, entity: email }', 'email: hash'),
    );
    await gateway.close();
    await start();
    const listed = await versions();
    expect(listed.current_version).toBe(3);
    expect(listed.versions[2]).toMatchObject({
      origin: 'config',
      created_by: 'gateway',
      reason: 'configuration file people.policy.yaml',
      changed_sections: ['tables.public.people'],
    });
    expect(listed.versions[2]?.digest).toBe(policyDigest(await loadPolicy(join(dir, 'people.policy.yaml'))));
  });

  it('starts a due refresh through the in-process queue of the embedded store', async () => {
    const alice = await token('alice', ['requester']);
    const created = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev',
      policy: 'people',
      purpose: 'embedded refresh',
      refresh: { cron: '0 6 * * 1' },
    });
    expect(created.status).toBe(201);
    const rootId = String(created.json.id);
    requestIds.push(rootId);
    expect((await waitForState(call, rootId, alice, ['succeeded', 'failed'])).state).toBe('succeeded');
    const due = Date.parse(String((created.json.refresh as { next_at: string }).next_at));
    expect(new Date(due).getUTCDay()).toBe(1);
    expect(new Date(due).getUTCHours()).toBe(6);
    expect(await gateway.sweepRefreshes(new Date(due))).toBe(1);
    const listed = (await call('GET', '/v1/snapshots?limit=20', alice)).json.snapshots as Record<
      string,
      unknown
    >[];
    const refreshId = String(listed.find((s) => s.refresh_of === rootId)?.id);
    requestIds.push(refreshId);
    expect((await waitForState(call, refreshId, alice, ['succeeded', 'failed'])).state).toBe('succeeded');
    expect((await call('GET', `/v1/snapshots/${rootId}`, alice)).json.replaced_by).toBe(refreshId);
    const root = (await call('GET', `/v1/snapshots/${rootId}`, alice)).json;
    expect(Date.parse(String((root.refresh as { next_at: string }).next_at))).toBe(due + 7 * 24 * 3600_000);
  });

  it('lists and uploads policy versions from the CLI (admins upload)', async () => {
    const cli = async (args: readonly string[], roles: string[]) =>
      runLookalike(args, {
        LOOKALIKE_GATEWAY_URL: gateway.url,
        LOOKALIKE_TOKEN: await token('cli-admin', roles),
      });
    await writeFile(join(dir, 'upload.policy.yaml'), POLICY_V2.replace('email: nullify', 'email: mask'));
    const upload = ['request', 'policy-upload', 'people', '--file', join(dir, 'upload.policy.yaml')];
    const noReason = await cli(upload, ['admin']);
    expect(noReason.exitCode).toBe(2);
    expect((await cli([...upload, '--reason', 'cli upload'], ['requester'])).stderr).toContain('[forbidden]');
    const uploaded = await cli([...upload, '--reason', 'cli upload', '--format', 'json'], ['admin']);
    expect(uploaded.exitCode, uploaded.stderr).toBe(0);
    expect(JSON.parse(uploaded.stdout)).toMatchObject({
      changed: true,
      version: { version: 4, created_by: 'cli-admin', reason: 'cli upload' },
    });
    const listed = await cli(['request', 'policy-versions', 'people'], ['auditor']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stderr).toMatch(/^v4 {2}[0-9a-f]{16} {2}\S+ {2}cli-admin: cli upload$/m);
    expect(listed.stderr).toContain('changed: tables.public.people');
  });
});
