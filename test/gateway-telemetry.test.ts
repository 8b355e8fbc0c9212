// OpenTelemetry, end to end: `lookalike serve` as its own process, with telemetry configured, sends its spans
// to a local HTTP server acting as an OTLP/HTTP collector (the exporter's JSON encoding). A request and a
// snapshot run produce spans with the expected names and attributes; the collector never receives a token,
// a personal value, the source password or SQL. Ctrl-C (SIGINT) ends it with a JSON line, flushing the spans.
// A `lookalike worker` configured by the standard OTEL_* environment traces the runs it claims the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/cli/commands/serve-command.js';
import { loadGatewayConfig, resolveGatewayConnections } from '../src/config/index.js';
import { silentLogger } from '../src/core/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { dropDeliveredSnapshots, startLocalJwks, type LocalJwks } from './helpers/gateway.js';

const SOURCE_PASSWORD = 'Src-Pa55word-never-exported';
const COLLECTOR_KEY = 'collector-key-7f3a9c-never-in-a-span';
const PEOPLE = [
  { email: 'ada.telemetry@corp.example', name: 'Ada Telemetrova' },
  { email: 'grace.telemetry@corp.example', name: 'Grace Spanhopper' },
  { email: 'linus.telemetry@corp.example', name: 'Linus Exportvalds' },
];

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: number | string;
  readonly boolValue?: boolean;
  readonly doubleValue?: number;
}
interface OtlpAttribute {
  readonly key: string;
  readonly value: OtlpValue;
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string | number;
  readonly endTimeUnixNano: string | number;
  readonly attributes?: readonly OtlpAttribute[];
  readonly status?: { readonly code?: number; readonly message?: string };
}
interface OtlpRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly OtlpAttribute[] };
    readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[];
  }[];
}

/** Attributes as plain values (OTLP JSON may carry 64-bit integers as strings). */
function attributesOf(list: readonly OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (list ?? []).map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue === undefined ? undefined : Number(value.intValue)) ??
        value.boolValue ??
        value.doubleValue,
    ]),
  );
}

describe('lookalike serve with telemetry.otlp, as its own process', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let jwks: LocalJwks;
  let collector: Server;
  const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<number | null>;
  let baseUrl: string;
  const requestIds: string[] = [];

  const spans = (): { span: OtlpSpan; resource: Record<string, unknown> }[] =>
    received.flatMap((r) =>
      (JSON.parse(r.body) as OtlpRequest).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((span) => ({ span, resource: attributesOf(rs.resource.attributes) })),
        ),
      ),
    );

  async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 900; i++) {
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never happened: ${what}\n${stderr}`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-otel-'));
    jwks = await startLocalJwks();
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

    sourceDb = await createDatabase('otelsrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, name text NOT NULL)');
      for (const [i, p] of PEOPLE.entries())
        await c.query('INSERT INTO people VALUES ($1, $2, $3)', [i + 1, p.email, p.name]);
    });
    stateDb = await createDatabase('otelstate');
    await writeFile(
      join(dir, 'people.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      name: { action: substitute, entity: full_name }
`,
    );
    await writeFile(join(dir, 'otlp-headers'), `x-collector-key=${COLLECTOR_KEY}\n`);
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
auth: { issuer: 'https://idp.test/', audience: lookalike-gateway, jwks_url: '${jwks.url}', algorithms: [RS256] }
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100 }
telemetry:
  otlp: { endpoint: '${collectorUrl}', headers_file: otlp-headers, service_name: lookalike-telemetry-test }
`,
    );
    const sourceUrl = new URL(databaseUrl(sourceDb));
    // Trust auth ignores it; it is here to prove it never reaches the collector.
    sourceUrl.password = SOURCE_PASSWORD;
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'serve', '--config', join(dir, 'gateway.yaml')],
      {
        env: {
          PATH: process.env.PATH,
          LOOKALIKE_LOG_FORMAT: 'json',
          GW_SECRET: testSecret('otel'),
          GW_SOURCE_URL: sourceUrl.toString(),
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
      const listening = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event: string; fields: { port?: number } })
        .find((l) => l.event === 'gateway_listening');
      return listening?.fields.port;
    }, 'gateway listening');
    baseUrl = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await jwks?.close();
    await new Promise((resolve) => collector?.close(resolve));
    await dropDeliveredSnapshots(requestIds);
    for (const db of [sourceDb, stateDb]) if (db !== undefined) await dropDatabase(db);
    await rm(dir, { recursive: true, force: true });
  });

  it('exports a span per request and per run (phases and tables as children), names and counts only', async () => {
    const bearer = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const auth = { authorization: `Bearer ${bearer}` };
    const created = await fetch(`${baseUrl}/v1/snapshots`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'shop', target: 'dev', policy: 'people', purpose: 'telemetry test' }),
    });
    expect(created.status).toBe(201);
    const id = String(((await created.json()) as { id: unknown }).id);
    requestIds.push(id);
    const view = await until(async () => {
      const response = await fetch(`${baseUrl}/v1/snapshots/${id}`, { headers: auth });
      const json = (await response.json()) as { state: string; job?: { id?: string } };
      return ['succeeded', 'failed', 'cancelled'].includes(json.state) ? json : undefined;
    }, 'the snapshot finishing');
    expect(view.state).toBe('succeeded');
    // An id in the path that names nothing: the span keeps the route pattern, never the id.
    const strangerId = randomUUID();
    expect((await fetch(`${baseUrl}/v1/snapshots/${strangerId}`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${baseUrl}/livez`)).status).toBe(200);

    // Ctrl-C: a JSON line, then a clean stop that exports what is still buffered.
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = stderr.split('\n').filter((l) => l !== '');
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(lines.map((l) => (JSON.parse(l) as { event: string }).event)).toContain('interrupted');

    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      expect(r.path).toBe('/v1/traces');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-collector-key']).toBe(COLLECTOR_KEY);
    }
    const all = spans();
    expect(new Set(all.map((s) => s.resource['service.name']))).toEqual(
      new Set(['lookalike-telemetry-test']),
    );
    const named = (name: string): OtlpSpan[] => all.map((s) => s.span).filter((s) => s.name === name);

    // Requests: SERVER spans named after the route pattern; probes are not traced.
    const posted = named('POST /v1/snapshots');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.kind).toBe(2);
    expect(attributesOf(posted[0]!.attributes)).toEqual({
      'http.request.method': 'POST',
      'http.route': '/v1/snapshots',
      'http.response.status_code': 201,
    });
    const statuses = named('GET /v1/snapshots/:id').map(
      (s) => attributesOf(s.attributes)['http.response.status_code'],
    );
    expect(statuses).toContain(200);
    expect(statuses).toContain(404);
    expect(all.some((s) => s.span.name.includes('/livez'))).toBe(false);

    // The run: one span with names, ids, outcome and counts.
    const runs = named('snapshot run');
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    const runAttributes = attributesOf(run.attributes);
    expect(runAttributes).toMatchObject({
      'lookalike.job.kind': 'snapshot',
      'lookalike.request.id': id,
      'lookalike.source': 'shop',
      'lookalike.target': 'dev',
      'lookalike.policy': 'people',
      'lookalike.job.outcome': 'succeeded',
      'lookalike.rows': PEOPLE.length,
      'lookalike.tables': 1,
    });
    expect(typeof runAttributes['lookalike.job.id']).toBe('string');
    expect(runAttributes['lookalike.job.duration_ms']).toBeGreaterThan(0);
    expect(run.parentSpanId ?? '').toBe('');

    // Its phases are children of the run; the table copy is a child of the load phase.
    const phases = all
      .map((s) => s.span)
      .filter((s) => s.name.startsWith('snapshot ') && s.name !== 'snapshot run');
    expect(phases.map((p) => p.name)).toEqual(expect.arrayContaining(['snapshot load', 'snapshot verify']));
    for (const phase of phases) {
      expect(phase.traceId).toBe(run.traceId);
      expect(phase.parentSpanId).toBe(run.spanId);
    }
    const copies = named('copy table');
    expect(copies).toHaveLength(1);
    expect(attributesOf(copies[0]!.attributes)).toMatchObject({
      'lookalike.table': 'public.people',
      'lookalike.rows': PEOPLE.length,
    });
    expect(copies[0]!.parentSpanId).toBe(named('snapshot load')[0]!.spanId);

    // Never a token, a key, a personal value, the source password, the stranger's id or SQL.
    const exported = received.map((r) => r.body).join('\n');
    const forbidden = [
      bearer,
      bearer.split('.')[2] ?? bearer,
      COLLECTOR_KEY,
      SOURCE_PASSWORD,
      testSecret('otel'),
      strangerId,
      'alice',
      ...PEOPLE.flatMap((p) => [p.email, p.name, p.name.split(' ')[1]!]),
    ];
    for (const secret of forbidden) expect(exported).not.toContain(secret);
    expect(exported).not.toMatch(/\b(SELECT|COPY|INSERT)\b/);
    expect(exported).not.toMatch(/postgres(ql)?:\/\//);
  }, 180_000);
});

/** A local OTLP/HTTP collector keeping each request's body. */
async function startCollector(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

describe('lookalike worker with OTEL_EXPORTER_OTLP_ENDPOINT, as its own process', () => {
  let dir: string;
  let sourceDb: string;
  let stateDb: string;
  let jwks: LocalJwks;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let gateway: RunningGateway;
  let worker: ChildProcess;
  let stderr = '';
  let exited: Promise<number | null>;
  const requestIds: string[] = [];

  async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 900; i++) {
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never happened: ${what}\n${stderr}`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-otel-worker-'));
    jwks = await startLocalJwks();
    collector = await startCollector();
    sourceDb = await createDatabase('otelwsrc');
    await withClient(sourceDb, async (c) => {
      await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, name text NOT NULL)');
      for (const [i, p] of PEOPLE.entries())
        await c.query('INSERT INTO people VALUES ($1, $2, $3)', [i + 1, p.email, p.name]);
    });
    stateDb = await createDatabase('otelwstate');
    await writeFile(
      join(dir, 'people.policy.yaml'),
      `version: 1
tables:
  public.people:
    columns:
      id: keep
      email: { action: substitute, entity: email }
      name: { action: substitute, entity: full_name }
`,
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
auth: { issuer: 'https://idp.test/', audience: lookalike-gateway, jwks_url: '${jwks.url}', algorithms: [RS256] }
state: { connection: { env: GW_STATE_URL } }
jobs: { concurrency: 1, batch_rows: 100, run_in_process: false }
`,
    );
    const env = {
      GW_SECRET: testSecret('otelw'),
      GW_SOURCE_URL: databaseUrl(sourceDb),
      GW_TARGET_URL: databaseUrl('postgres'),
      GW_STATE_URL: databaseUrl(stateDb),
    };
    // The gateway only enqueues (and has no telemetry); the worker runs the job and traces it.
    const config = await loadGatewayConfig(join(dir, 'gateway.yaml'));
    gateway = await startGateway(config, await resolveGatewayConnections(config, env), {
      env: {},
      logger: silentLogger,
      version: 'test',
    });
    worker = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'worker', '--config', join(dir, 'gateway.yaml')],
      {
        env: {
          PATH: process.env.PATH,
          ...env,
          LOOKALIKE_LOG_FORMAT: 'json',
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_SERVICE_NAME: 'lookalike-worker-test',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    exited = new Promise((resolve) => worker.once('exit', (code) => resolve(code)));
    await until(() => {
      if (worker.exitCode !== null) throw new Error(`worker exited early:\n${stderr}`);
      return stderr.includes('"event":"worker_started"') ? true : undefined;
    }, 'worker started');
  }, 90_000);

  afterAll(async () => {
    if (worker !== undefined && worker.exitCode === null) {
      worker.kill('SIGKILL');
      await exited;
    }
    await gateway?.close();
    await jwks?.close();
    await new Promise((resolve) => collector?.server.close(resolve));
    await dropDeliveredSnapshots(requestIds);
    for (const db of [sourceDb, stateDb]) if (db !== undefined) await dropDatabase(db);
    await rm(dir, { recursive: true, force: true });
  });

  it('exports the spans of the runs it claims, and flushes them when stopped', async () => {
    const bearer = await jwks.token({ sub: 'alice', roles: ['requester'] });
    const auth = { authorization: `Bearer ${bearer}` };
    const created = await fetch(`${gateway.url}/v1/snapshots`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'shop', target: 'dev', policy: 'people', purpose: 'worker traces' }),
    });
    expect(created.status).toBe(201);
    const id = String(((await created.json()) as { id: unknown }).id);
    requestIds.push(id);
    const state = await until(async () => {
      const json = (await (await fetch(`${gateway.url}/v1/snapshots/${id}`, { headers: auth })).json()) as {
        state: string;
      };
      return ['succeeded', 'failed', 'cancelled'].includes(json.state) ? json.state : undefined;
    }, 'the snapshot finishing');
    expect(state).toBe('succeeded');

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    const exported = collector.bodies.join('\n');
    const all = collector.bodies.flatMap((body) =>
      (JSON.parse(body) as OtlpRequest).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((span) => ({ span, resource: attributesOf(rs.resource.attributes) })),
        ),
      ),
    );
    expect(new Set(all.map((s) => s.resource['service.name']))).toEqual(new Set(['lookalike-worker-test']));
    const run = all.map((s) => s.span).find((s) => s.name === 'snapshot run');
    expect(attributesOf(run?.attributes)).toMatchObject({
      'lookalike.request.id': id,
      'lookalike.source': 'shop',
      'lookalike.job.outcome': 'succeeded',
      'lookalike.rows': PEOPLE.length,
    });
    const children = all.map((s) => s.span).filter((s) => s.parentSpanId === run!.spanId);
    expect(children.map((s) => s.name)).toEqual(expect.arrayContaining(['snapshot load', 'snapshot commit']));
    // The worker serves no API: runs only.
    expect(all.some((s) => s.span.kind === 2)).toBe(false);
    for (const secret of [bearer, testSecret('otelw'), ...PEOPLE.flatMap((p) => [p.email, p.name])])
      expect(exported).not.toContain(secret);
  }, 180_000);
});
