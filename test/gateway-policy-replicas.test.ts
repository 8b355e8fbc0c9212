import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/cli/commands/serve-command.js';
import { parseGatewayConfig, type GatewayConfig } from '../src/config/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import {
  AUDIENCE,
  capturingLogger,
  gatewayCaller,
  ISSUER,
  startLocalJwks,
  startTestGateway,
  type LocalJwks,
} from './helpers/gateway.js';

// Two gateway replicas on one PostgreSQL state store: a policy an admin uploads through one is what the
// other plans and records with at once, with no restart.

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

describe('policy uploads across gateway replicas (real sockets, PostgreSQL state store)', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let jwks: LocalJwks;
  let config: GatewayConfig;
  let env: Record<string, string>;
  const gateways: RunningGateway[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gw-replicas-'));
    jwks = await startLocalJwks();
    sourceDb = await createDatabase('gwrepsrc');
    stateDb = await createDatabase('gwrepstate');
    await withClient(sourceDb, (c) => c.query('CREATE TABLE people (id integer PRIMARY KEY, email text)'));
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
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100 }
`,
      'gateway.yaml',
      dir,
    );
    env = {
      GW_SECRET: testSecret('gwrep'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
      GW_STATE_URL: databaseUrl(stateDb),
    };
    gateways.push(await startTestGateway(config, env, capturingLogger(logs)));
    gateways.push(await startTestGateway(config, env, capturingLogger(logs)));
  }, 60_000);

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await jwks?.close();
    if (sourceDb !== undefined) await dropDatabase(sourceDb);
    if (stateDb !== undefined) await dropDatabase(stateDb);
    await rm(dir, { recursive: true, force: true });
    expect(logs.join('\n')).not.toContain('postgres://');
  });

  it('plans with the version uploaded through the other replica and audits its digest', async () => {
    const [first, second] = gateways as [RunningGateway, RunningGateway];
    const callFirst = gatewayCaller(() => first.url);
    const callSecond = gatewayCaller(() => second.url);
    const alice = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const admin = await jwks.token({ sub: 'root-admin', roles: ['admin'] });
    const emailAction = async (): Promise<unknown> => {
      const plan = await callSecond('POST', '/v1/sources/shop/plan', alice, { policy: 'people' });
      expect(plan.status).toBe(200);
      const tables = plan.json.tables as {
        table: string;
        columns: { name: string; action_kind: string }[];
      }[];
      return tables[0]?.columns.find((c) => c.name === 'email')?.action_kind;
    };
    expect(await emailAction()).toBe('substitute');

    const uploaded = await callFirst('PUT', '/v1/policies/people', admin, {
      text: POLICY_V2,
      reason: 'e-mails are not needed',
    });
    expect(uploaded.status).toBe(200);
    const digest = (uploaded.json.version as { digest: string }).digest;

    // The second replica never saw the upload, yet plans with it.
    expect(await emailAction()).toBe('nullify');
    const auditor = await jwks.token({ sub: 'audrey', roles: ['auditor'] });
    const events = await callSecond('GET', '/v1/audit?action=source.plan', auditor);
    const digests = (events.json.events as { details: { policy_digest: string | null } }[]).map(
      (e) => e.details.policy_digest,
    );
    expect(digests).toHaveLength(2);
    expect(digests[1]).toBe(digest);
    expect(digests[0]).not.toBe(digest);
  }, 120_000);
});
