import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/cli/commands/serve-command.js';
import {
  parseGatewayConfig,
  resolveGatewayConnections,
  type GatewayConfig,
  type GatewayConnections,
} from '../src/config/index.js';
import { verifyManifestText } from '../src/manifest/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';
import {
  AUDIENCE,
  capturingLogger,
  gatewayCaller,
  ISSUER,
  dropDeliveredSnapshots,
  startLocalJwks,
  waitForState,
  type LocalJwks,
} from './helpers/gateway.js';

const REAL_EMAILS = ['ada.real@corp.example', 'grace.real@corp.example', 'linus.real@corp.example'];
const REAL_NAMES = ['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds'];
/** Sent to POST /v1/detect: neither it nor what is found in it may reach logs or the audit log. */
const DETECT_TEXT = 'Please call Ada back at ada.private@corp.example before noon.';

interface AuditWire {
  seq: number;
  actor: string;
  action: string;
  subject: string | null;
  outcome: string;
  at: string;
  details: Record<string, unknown>;
}

describe('gateway scans, plans, detection, manifests, audit export and reference page (real socket, real PostgreSQL)', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let jwks: LocalJwks;
  let gateway: RunningGateway;
  let manifestPublicKeyPem: string;
  let config: GatewayConfig;
  let connections: GatewayConnections;
  const requestIds: string[] = [];
  /** The request the manifest test delivered. */
  let deliveredId: string | undefined;
  const logs: string[] = [];
  const call = gatewayCaller(() => gateway.url);
  const token = (sub: string, roles: string[], groups: string[] = []): Promise<string> =>
    jwks.token({ sub, roles, groups });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gw-endpoints-'));
    jwks = await startLocalJwks();
    sourceDb = await createDatabase('gwesrc');
    await withClient(sourceDb, async (c) => {
      await c.query(
        'CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, full_name text NOT NULL, note text)',
      );
      for (const [i, email] of REAL_EMAILS.entries())
        await c.query('INSERT INTO people VALUES ($1, $2, $3, $4)', [
          i + 1,
          email,
          REAL_NAMES[i],
          `row ${i + 1}`,
        ]);
    });
    stateDb = await createDatabase('gwestate');
    await writeFile(
      join(dir, 'people.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      full_name: { action: substitute, entity: full_name }
      note: keep
`,
    );
    // Leaves "note" uncovered: its plan is not runnable.
    await writeFile(
      join(dir, 'partial.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      full_name: { action: substitute, entity: full_name }
`,
    );
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'manifest.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    manifestPublicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

    config = parseGatewayConfig(
      `version: 1
server: { host: 127.0.0.1, port: 0, body_limit_bytes: 65536, rate_limit: { requests_per_second: 1000, burst: 1000 } }
secret: { env: GW_SECRET }
sources:
  shop:
    connection: { env: GW_SOURCE_URL }
    allow: { roles: [requester] }
    policy: people
  raw:
    connection: { env: GW_SOURCE_URL }
    allow: { roles: [requester] }
  ledger:
    connection: { env: GW_SOURCE_URL }
    allow: { groups: [finance] }
targets:
  dev: { connection: { env: GW_TARGET_URL } }
policies:
  people: { file: people.policy.yaml }
  partial: { file: partial.policy.yaml }
  gated: { file: people.policy.yaml, approval_required: true }
auth:
  issuer: ${ISSUER}
  audience: ${AUDIENCE}
  jwks_url: ${jwks.url}
  algorithms: [RS256]
  clock_tolerance_seconds: 0
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100 }
`,
      'gateway.yaml',
      dir,
    );
    const env = {
      GW_SECRET: testSecret('gwe'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
      GW_STATE_URL: databaseUrl(stateDb),
    };
    connections = await resolveGatewayConnections(config, env);
    gateway = await startGateway(config, connections, {
      env: { LOOKALIKE_SIGNING_KEY_FILE: join(dir, 'manifest.key') },
      logger: capturingLogger(logs),
      version: 'test',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await jwks?.close();
    for (const db of [sourceDb, stateDb]) if (db !== undefined) await dropDatabase(db);
    await dropDeliveredSnapshots(requestIds);
    await rm(dir, { recursive: true, force: true });
    // No token, connection string, source value or detected text reached the logs.
    const text = logs.join('\n');
    for (const t of jwks?.issued ?? []) expect(text).not.toContain(t.split('.')[2]);
    expect(text).not.toContain('postgres://');
    for (const value of [...REAL_EMAILS, ...REAL_NAMES, DETECT_TEXT, 'ada.private'])
      expect(text).not.toContain(value);
  });

  async function auditEvents(query: string): Promise<AuditWire[]> {
    const auditor = await token('audrey', ['auditor']);
    const response = await call('GET', `/v1/audit?${query}`, auditor);
    expect(response.status).toBe(200);
    return response.json.events as AuditWire[];
  }

  it('lists every new endpoint in /openapi.json with zod-generated schemas, and serves a self-contained /docs page', async () => {
    const doc = (await call('GET', '/openapi.json', undefined)).json as {
      paths: Record<string, Record<string, { summary?: string; requestBody?: unknown }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    const expected: [string, string][] = [
      ['/v1/sources/{name}/scan', 'post'],
      ['/v1/sources/{name}/plan', 'post'],
      ['/v1/detect', 'post'],
      ['/v1/snapshots/{id}/manifest', 'get'],
      ['/v1/audit/export', 'get'],
      ['/docs', 'get'],
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method]?.summary, path).toMatch(/\w/);
    expect(doc.components.schemas.DetectRequest?.required).toEqual(['texts']);
    expect(doc.components.schemas.DetectRequest?.properties?.texts).toMatchObject({ maxItems: 100 });
    expect(Object.keys(doc.components.schemas.SourceScan?.properties ?? {})).toEqual(
      expect.arrayContaining(['source', 'schema_fingerprint', 'columns']),
    );
    expect(Object.keys(doc.components.schemas.SourcePlan?.properties ?? {})).toEqual(
      expect.arrayContaining(['tables', 'uncovered', 'findings', 'runnable']),
    );

    const page = await call('GET', '/docs', undefined);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Every path and method of the document is on the page, with its summary and schema names.
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(item)) {
        expect(page.text).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
        if (operation.summary !== undefined)
          expect(page.text).toContain(
            operation.summary
              .replaceAll('&', '&amp;')
              .replaceAll("'", '&#39;')
              .replaceAll('"', '&quot;')
              .replaceAll('<', '&lt;')
              .replaceAll('>', '&gt;'),
          );
      }
    for (const name of [
      'SourceScan',
      'SourcePlan',
      'DetectRequest',
      'DetectResult',
      'ManifestFile',
      'AuditList',
    ])
      expect(page.text).toContain(`id="schema-${name}"`);
    expect(page.text).toContain('<code>texts</code>');
    // Nothing is fetched from elsewhere: no script, no external stylesheet or image.
    expect(page.text).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
  });

  it('scans a source: each column classified with confidence and evidence, no value; refused for others', async () => {
    const alice = await token('alice', ['requester']);
    const scan = await call('POST', '/v1/sources/shop/scan', alice);
    expect(scan.status).toBe(200);
    const columns = scan.json.columns as {
      table: string;
      column: string;
      path: string | null;
      category: string | null;
      confidence: number;
      decision: string;
      evidence: { detector: string; detail: string; weight: number }[];
    }[];
    expect(scan.json).toMatchObject({ source: 'shop', tables: 1, rows_sampled: 3 });
    expect(scan.json.schema_fingerprint).toMatch(/^[0-9a-f]{16,}$/);
    expect(columns.map((c) => `${c.table}.${c.column}`)).toEqual([
      'public.people.id',
      'public.people.email',
      'public.people.full_name',
      'public.people.note',
    ]);
    const email = columns.find((c) => c.column === 'email');
    expect(email).toMatchObject({ category: 'EMAIL_ADDRESS', decision: 'personal', path: null });
    expect(email?.confidence).toBeGreaterThan(0.5);
    expect(email?.evidence.length).toBeGreaterThan(0);
    for (const value of [...REAL_EMAILS, ...REAL_NAMES, 'corp.example'])
      expect(scan.text).not.toContain(value);

    // Not a requester; a source this principal may not use; a source that does not exist: 403, no hint.
    const auditor = await token('audrey', ['auditor']);
    expect((await call('POST', '/v1/sources/shop/scan', auditor)).status).toBe(403);
    const ledger = await call('POST', '/v1/sources/ledger/scan', alice);
    expect(ledger.status).toBe(403);
    expect(ledger.type).toBe('application/problem+json');
    const missing = await call('POST', '/v1/sources/nope/scan', alice);
    expect(missing.status).toBe(403);
    expect(missing.json.detail).toBe(ledger.json.detail);
    // Names of Object.prototype's keys name nothing configured (not a 500).
    expect((await call('POST', '/v1/sources/constructor/scan', alice)).status).toBe(403);
    expect(
      (
        await call('POST', '/v1/snapshots', alice, {
          source: 'constructor',
          target: 'dev',
          policy: 'people',
          purpose: 'prototype keys',
        })
      ).status,
    ).toBe(403);
    expect((await call('POST', '/v1/sources/shop/scan', undefined)).status).toBe(401);

    const events = await auditEvents('action=source.scan&actor=alice');
    expect(events.map((e) => e.outcome)).toEqual(['success', 'denied', 'denied', 'denied']);
    expect(events[0]?.details).toMatchObject({ source: 'shop', tables: 1, columns: 4, rows_sampled: 3 });
    expect(events[0]?.details.http_request_id).toBe(scan.headers.get('x-request-id'));
  });

  it('plans a source with its configured policy, another policy or a fresh scan: column → action ← rule, findings, uncovered', async () => {
    const alice = await token('alice', ['requester']);
    type Wire = {
      policy: string | null;
      origin: string;
      runnable: boolean;
      tables: {
        table: string;
        columns: { name: string; action: string; action_kind: string; rule: string }[];
      }[];
      uncovered: { table: string; column: string }[];
      findings: { severity: string; code: string }[];
    };
    const own = await call('POST', '/v1/sources/shop/plan', alice);
    expect(own.status).toBe(200);
    const ownPlan = own.json as unknown as Wire;
    expect(ownPlan).toMatchObject({ policy: 'people', origin: 'policy', runnable: true, uncovered: [] });
    const people = ownPlan.tables.find((t) => t.table === 'public.people');
    expect(people?.columns.find((c) => c.name === 'email')).toMatchObject({
      action: 'substitute(entity=email)',
      action_kind: 'substitute',
      rule: expect.stringContaining('email'),
    });

    const partial = await call('POST', '/v1/sources/shop/plan', alice, { policy: 'partial' });
    expect(partial.status).toBe(200);
    expect(partial.json).toMatchObject({
      policy: 'partial',
      runnable: false,
      uncovered: [{ table: 'public.people', column: 'note' }],
    });

    // No policy configured for "raw": a fresh scan drafts it (the same plan `lookalike plan` makes).
    const scanned = await call('POST', '/v1/sources/raw/plan', alice);
    expect(scanned.status).toBe(200);
    const scannedPlan = scanned.json as unknown as Wire;
    expect(scannedPlan).toMatchObject({ policy: null, origin: 'scan' });
    const scannedEmail = scannedPlan.tables[0]?.columns.find((c) => c.name === 'email');
    expect(scannedEmail?.action_kind).toBe('substitute');
    for (const value of [...REAL_EMAILS, ...REAL_NAMES]) expect(scanned.text).not.toContain(value);

    const unknown = await call('POST', '/v1/sources/shop/plan', alice, { policy: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([{ field: 'policy', problem: 'no such policy' }]);
    const prototypeKey = await call('POST', '/v1/sources/shop/plan', alice, { policy: 'constructor' });
    expect(prototypeKey.json.errors).toEqual([{ field: 'policy', problem: 'no such policy' }]);
    const extra = await call('POST', '/v1/sources/shop/plan', alice, { policy: 'people', where: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.json.errors).toEqual([{ field: 'where', problem: 'unknown field' }]);
    expect((await call('POST', '/v1/sources/ledger/plan', alice)).status).toBe(403);

    const events = await auditEvents('action=source.plan&outcome=success');
    expect(events.map((e) => [e.details.source, e.details.policy, e.details.runnable])).toEqual([
      ['shop', 'people', true],
      ['shop', 'partial', false],
      ['raw', null, expect.any(Boolean)],
    ]);
  });

  it('detects entities in texts (type, offsets, score) and audits counts only; bounds are 400s naming the field', async () => {
    const alice = await token('alice', ['requester']);
    const found = await call('POST', '/v1/detect', alice, {
      texts: [
        { id: 'a', text: DETECT_TEXT },
        { id: 2, text: 'nothing personal here' },
      ],
    });
    expect(found.status).toBe(200);
    const results = found.json.results as {
      id: string | number;
      entities: { type: string; start: number; end: number; score: number }[];
    }[];
    expect(results.map((r) => r.id)).toEqual(['a', 2]);
    const email = results[0]?.entities.find((e) => e.type === 'EMAIL_ADDRESS');
    expect(email).toBeDefined();
    expect(DETECT_TEXT.slice(email?.start, email?.end)).toBe('ada.private@corp.example');
    expect(email?.score).toBeGreaterThan(0);
    expect(results[1]?.entities).toEqual([]);
    // Offsets only: the answer never repeats the text.
    expect(found.text).not.toContain('ada.private');

    const tooMany = await call('POST', '/v1/detect', alice, {
      texts: Array.from({ length: 101 }, (_, i) => ({ id: i, text: 'x' })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors).toEqual([{ field: 'texts', problem: 'too big: at most 100' }]);
    const tooLong = await call('POST', '/v1/detect', alice, {
      texts: [{ id: 'long', text: `${DETECT_TEXT} ${'y'.repeat(20_000)}` }],
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.errors).toEqual([{ field: 'texts.0.text', problem: 'too big: at most 20000' }]);
    expect(tooLong.text).not.toContain('ada.private');
    const noText = await call('POST', '/v1/detect', alice, { texts: [{ id: 'a' }] });
    expect(noText.json.errors).toEqual([{ field: 'texts.0.text', problem: 'expected string' }]);
    expect((await call('POST', '/v1/detect', alice, { texts: [] })).json.errors).toEqual([
      { field: 'texts', problem: 'too small: at least 1' },
    ]);
    const auditor = await token('audrey', ['auditor']);
    expect((await call('POST', '/v1/detect', auditor, { texts: [{ id: 1, text: 'x' }] })).status).toBe(403);

    const events = await auditEvents('action=text.detect&outcome=success');
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({
      texts: 2,
      characters: DETECT_TEXT.length + 'nothing personal here'.length,
      entities: results.reduce((n, r) => n + r.entities.length, 0),
    });
    const { rows } = await withClient(stateDb, (c) =>
      c.query<{ d: string }>('SELECT details::text AS d FROM lookalike_audit_events'),
    );
    for (const row of rows) expect(row.d).not.toContain('ada.private');
  });

  it('serves the signed manifest a delivered run stored, named in its audit event; 404 before delivery', async () => {
    const alice = await token('alice', ['requester']);
    const created = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev',
      policy: 'people',
      purpose: 'manifest check',
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    requestIds.push(id);
    const done = await waitForState(call, id, alice, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    deliveredId = id;

    const response = await call('GET', `/v1/snapshots/${id}/manifest`, alice);
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^application\/json/);
    const check = await verifyManifestText(response.text, createPublicKey(manifestPublicKeyPem));
    expect(check).toMatchObject({ valid: true });
    if (!check.valid) return;
    expect(check.manifest.rowCounts).toEqual({ 'public.people': 3 });
    expect(check.manifest.tables[0]?.columns.find((c) => c.name === 'email')?.action).toEqual({
      kind: 'substitute',
      entity: 'email',
    });
    for (const value of [...REAL_EMAILS, ...REAL_NAMES]) expect(response.text).not.toContain(value);
    const [succeeded] = await auditEvents(`subject=${id}&action=snapshot.succeeded`);
    expect(succeeded?.details.manifest_id).toMatch(/^[0-9a-f]{64}$/);
    expect(response.headers.get('lookalike-manifest-id')).toBe(succeeded?.details.manifest_id);

    // Approvers and auditors see it too; another requester does not know it exists.
    expect(
      (await call('GET', `/v1/snapshots/${id}/manifest`, await token('audrey', ['auditor']))).status,
    ).toBe(200);
    expect(
      (await call('GET', `/v1/snapshots/${id}/manifest`, await token('mallory', ['requester']))).status,
    ).toBe(404);
    // A request that has not delivered has no manifest.
    const waiting = await call('POST', '/v1/snapshots', alice, {
      source: 'shop',
      target: 'dev',
      policy: 'gated',
      purpose: 'waits for approval',
    });
    expect(waiting.json.state).toBe('awaiting_approval');
    const none = await call('GET', `/v1/snapshots/${String(waiting.json.id)}/manifest`, alice);
    expect(none.status).toBe(404);
    expect(none.type).toBe('application/problem+json');
    expect(none.json.code).toBe('not_found');
    expect((await call('GET', '/v1/snapshots/no-such-id/manifest', alice)).status).toBe(404);
  });

  it('queries the audit log by person, source, time range and outcome', async () => {
    const all = await auditEvents('limit=1000');
    expect(all.length).toBeGreaterThan(10);
    const byAlice = await auditEvents('actor=alice&limit=1000');
    expect(byAlice.length).toBeGreaterThan(0);
    expect(byAlice.every((e) => e.actor === 'alice')).toBe(true);
    // By source: events naming it, and every event about a snapshot request of it (started, succeeded, …).
    const shop = await auditEvents('source=shop&limit=1000');
    expect(shop.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'source.scan',
        'source.plan',
        'snapshot.requested',
        'snapshot.started',
        'snapshot.succeeded',
      ]),
    );
    expect(shop.some((e) => e.details.source === 'raw')).toBe(false);
    const raw = await auditEvents('source=raw&limit=1000');
    expect(raw.map((e) => e.action)).toEqual(['source.plan']);
    // Time range: from is inclusive, to exclusive.
    const middle = all[Math.floor(all.length / 2)] as AuditWire;
    const fromMiddle = await auditEvents(`from=${encodeURIComponent(middle.at)}&limit=1000`);
    expect(fromMiddle.every((e) => e.at >= middle.at)).toBe(true);
    expect(fromMiddle.map((e) => e.seq)).toContain(middle.seq);
    const toMiddle = await auditEvents(`to=${encodeURIComponent(middle.at)}&limit=1000`);
    expect(toMiddle.every((e) => e.at < middle.at)).toBe(true);
    expect(toMiddle.length + fromMiddle.length).toBe(all.length);
    const denied = await auditEvents('outcome=denied&actor=alice&limit=1000');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((e) => e.outcome === 'denied')).toBe(true);

    const auditor = await token('audrey', ['auditor']);
    const both = await call(
      'GET',
      `/v1/audit?from=${encodeURIComponent(middle.at)}&since=${encodeURIComponent(middle.at)}`,
      auditor,
    );
    expect(both.status).toBe(400);
    expect(both.json.errors).toEqual([{ field: 'since', problem: 'give from or since, not both' }]);
    const badSource = await call('GET', '/v1/audit?source=Not%20A%20Name', auditor);
    expect(badSource.status).toBe(400);
    expect((badSource.json.errors as { field: string }[])[0]?.field).toBe('source');
  });

  it('exports the audit log as streamed JSON Lines for a SIEM, page after page, to auditors only', async () => {
    // More events than one export page (500), appended straight to the store.
    for (let i = 0; i < 620; i++)
      await gateway.store.appendAudit({
        actor: 'bulk',
        action: 'test.bulk',
        outcome: 'success',
        details: { i },
      });
    const auditor = await token('audrey', ['auditor']);
    const all = await call('GET', '/v1/audit/export', auditor);
    expect(all.status).toBe(200);
    expect(all.type).toBe('application/x-ndjson');
    expect(all.headers.get('content-disposition')).toContain('attachment');
    const lines = all.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditWire & { hash: string });
    expect(lines.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.filter((e) => e.action === 'test.bulk').map((e) => e.details.i)).toEqual(
      Array.from({ length: 620 }, (_, i) => i),
    );
    expect(lines.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);

    // The same filters as the query.
    const bulk = await call('GET', '/v1/audit/export?actor=bulk&after_seq=100', auditor);
    const bulkLines = bulk.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditWire);
    expect(bulkLines.every((e) => e.actor === 'bulk' && e.seq > 100)).toBe(true);
    expect(bulkLines).toHaveLength(lines.filter((e) => e.actor === 'bulk' && e.seq > 100).length);
    const shop = await call('GET', '/v1/audit/export?source=shop', auditor);
    const shopQuery = await auditEvents('source=shop&limit=1000');
    expect(
      shop.text
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as AuditWire).seq),
    ).toEqual(shopQuery.map((e) => e.seq));
    const nothing = await call('GET', '/v1/audit/export?actor=nobody', auditor);
    expect(nothing.status).toBe(200);
    expect(nothing.text).toBe('');

    // Every other role is refused (admin holds every role, as everywhere in the gateway).
    const alice = await token('alice', ['requester', 'approver']);
    const refused = await call('GET', '/v1/audit/export', alice);
    expect(refused.status).toBe(403);
    expect(refused.type).toBe('application/problem+json');
    expect((await call('GET', '/v1/audit/export?limit=5', auditor)).json.errors).toEqual([
      { field: 'limit', problem: 'unknown field' },
    ]);
  });

  it("logs an HTTP call's id as http_request_id, and a snapshot request's id as request_id on job events", () => {
    const entries = logs.map((line) => {
      const match = /^(\w+) (\S+) (.*)$/.exec(line);
      return { event: match?.[2] ?? '', fields: JSON.parse(match?.[3] ?? '{}') as Record<string, unknown> };
    });
    const http = entries.filter((e) => e.event === 'http_request');
    expect(http.length).toBeGreaterThan(10);
    for (const e of http) {
      expect(e.fields.http_request_id).toEqual(expect.any(String));
      expect(e.fields).not.toHaveProperty('request_id');
    }
    const started = entries.find((e) => e.event === 'job_started');
    expect(requestIds).toContain(started?.fields.request_id);
  });

  it('offers the same through `lookalike request scan|plan|detect|manifest` and `audit export --source`', async () => {
    const alice = await token('alice', ['requester']);
    const cli = (args: string[], bearer: string, stdin?: string) =>
      runLookalike(
        args,
        { LOOKALIKE_GATEWAY_URL: gateway.url, LOOKALIKE_TOKEN: bearer },
        new AbortController().signal,
        stdin,
      );
    const scan = await cli(['request', 'scan', 'shop', '--format', 'json'], alice);
    expect(scan.exitCode).toBe(0);
    const scanned = JSON.parse(scan.stdout) as { columns: { column: string; category: string | null }[] };
    expect(scanned.columns.find((c) => c.column === 'email')?.category).toBe('EMAIL_ADDRESS');

    const plan = await cli(['request', 'plan', 'shop', '--policy', 'partial', '--check'], alice);
    expect(plan.exitCode).toBe(3);
    expect(plan.stderr).toContain('public.people.email  substitute(entity=email)');
    expect(plan.stderr).toContain('uncovered: public.people.note');
    expect((await cli(['request', 'plan', 'shop', '--check'], alice)).exitCode).toBe(0);

    const detect = await cli(
      ['request', 'detect'],
      alice,
      `${JSON.stringify({ id: 'x', text: DETECT_TEXT })}\nnot json\n${JSON.stringify({ id: 7, text: 'plain words' })}\n` +
        // Too long for the gateway: its own error line, the others still answered.
        `${JSON.stringify({ id: 'long', text: 'é'.repeat(20_001) })}\n`,
    );
    expect(detect.exitCode).toBe(0);
    const out = detect.stdout
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            id: unknown;
            entities?: { type: string; start: number; end: number }[];
            error?: unknown;
          },
      );
    expect(out.map((o) => o.id)).toEqual(['x', null, 7, 'long']);
    expect(out[3]?.error).toMatchObject({ code: 'invalid_input' });
    const email = out[0]?.entities?.find((e) => e.type === 'EMAIL_ADDRESS');
    expect(DETECT_TEXT.slice(email?.start, email?.end)).toBe('ada.private@corp.example');
    expect(out[1]?.error).toMatchObject({ code: 'invalid_input' });
    expect(out[2]?.entities).toEqual([]);

    const manifest = await cli(['request', 'manifest', String(deliveredId)], alice);
    expect(manifest.exitCode).toBe(0);
    expect(await verifyManifestText(manifest.stdout, createPublicKey(manifestPublicKeyPem))).toMatchObject({
      valid: true,
    });

    const auditor = await token('audrey', ['auditor']);
    const exported = await cli(['audit', 'export', '--source', 'raw'], auditor);
    expect(exported.exitCode).toBe(0);
    const actions = exported.stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { action: string }).action);
    expect(new Set(actions)).toEqual(new Set(['source.plan']));
  });

  it('refuses to start with a manifest signing key that is not one, or a source naming a policy that is not configured', async () => {
    await writeFile(join(dir, 'not-a-key.pem'), 'not a key');
    await expect(
      startGateway(config, connections, {
        env: { LOOKALIKE_SIGNING_KEY_FILE: join(dir, 'not-a-key.pem') },
        logger: capturingLogger([]),
        version: 'test',
      }),
    ).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringContaining('signing key') });

    const text = `version: 1
secret: { env: S }
sources:
  shop: { connection: { env: U }, allow: { roles: [requester] }, policy: missing }
targets: { dev: { connection: { env: T } } }
policies: { people: { file: people.policy.yaml } }
auth: { issuer: ${ISSUER}, audience: ${AUDIENCE}, jwks_url: https://idp.example/jwks.json, algorithms: [RS256] }
`;
    expect(() => parseGatewayConfig(text, 'gateway.yaml', dir)).toThrow(
      /gateway\.yaml:4:\d+: sources\.shop\.policy: expected the name of a configured policy/,
    );
    expect(() =>
      parseGatewayConfig(text.replace('policy: missing', 'policy: people'), 'gateway.yaml', dir),
    ).not.toThrow();
  });
});
