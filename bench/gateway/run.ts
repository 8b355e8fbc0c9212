/**
 * Gateway under read load: `lookalike serve` runs in its own process (from source, through tsx); this
 * process is the load. First a snapshot runs alone (baseline throughput); then a second one runs while
 * CLIENTS concurrent clients poll its status (GET /v1/snapshots/{id}) in a closed loop until it ends.
 * Reports p50/p99/max of the status reads and both snapshots' rows/s. Not a test: nothing is asserted.
 *
 *   npx tsx bench/gateway/run.ts [--rows 100000] [--clients 200] [--interval-ms 0] [--unit-mb 256]
 * With --interval-ms N each client waits N ms between polls (a UI polling once a second is 1000), starting
 * at a random point of the first interval; 0 is a closed loop: throughput at saturation, where latency is
 * mostly queueing (Little's law: clients ÷ requests per second).
 *
 * Uses LOOKALIKE_TEST_PG_URL's server (default postgres://postgres@127.0.0.1:5432/postgres): creates and
 * drops its own source, state and delivered databases.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pg from 'pg';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROWS = flag('rows', 100_000);
const CLIENTS = flag('clients', 200);
/** Pause of each client between a response and its next request (0: closed loop, the saturation case). */
const INTERVAL_MS = flag('interval-ms', 0);
/** `jobs.unit_mb` of the gateway (256, the default, splits runs into units of work; 0 runs each in one process). */
const UNIT_MB = flag('unit-mb', 256);
const SERVER = process.env.LOOKALIKE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlFor = (db: string): string => {
  const u = new URL(SERVER);
  u.pathname = `/${db}`;
  return u.toString();
};
const out = (line: string): boolean => process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function admin<T>(db: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlFor(db) });
  await c.connect();
  try {
    return await use(c);
  } finally {
    await c.end();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const tag = `${process.pid}`;
const sourceDb = `lk_bench_gw_src_${tag}`;
const stateDb = `lk_bench_gw_state_${tag}`;
const dir = await mkdtemp(join(tmpdir(), 'lk-bench-gw-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const { publicKey, privateKey } = await generateKeyPair('ES256');
let child: ReturnType<typeof spawn> | undefined;
const delivered: string[] = [];

const token = (sub: string, roles: string[], key: CryptoKey): Promise<string> =>
  new SignJWT({ roles })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(sub)
    .setIssuer('bench')
    .setAudience('gateway')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);

try {
  await admin('postgres', async (c) => {
    await c.query(`CREATE DATABASE ${sourceDb}`);
    await c.query(`CREATE DATABASE ${stateDb}`);
  });
  await admin(sourceDb, async (c) => {
    await c.query('CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, city text, note text)');
    await c.query(
      `INSERT INTO people SELECT i, 'user' || i || '@corp.example', 'city ' || (i % 500), repeat('x', 40)
       FROM generate_series(1, $1) i`,
      [ROWS],
    );
    await c.query('ANALYZE');
  });
  await writeFile(join(dir, 'idp.pem'), await exportSPKI(publicKey));
  await writeFile(
    join(dir, 'people.yaml'),
    'version: 1\ntables:\n  public.people:\n    columns:\n      id: keep\n      email: { action: substitute, entity: email }\n      city: keep\n      note: keep\n',
  );
  await writeFile(
    join(dir, 'gateway.yaml'),
    `version: 1
server: { host: 127.0.0.1, port: ${port}, rate_limit: { requests_per_second: 10000, burst: 100000 } }
secret: { env: S }
sources: { shop: { connection: { env: SRC }, allow: { roles: [requester] } } }
targets: { dev: { connection: { env: TGT } } }
policies: { people: { file: people.yaml } }
auth: { issuer: bench, audience: gateway, public_key_files: [idp.pem], algorithms: [ES256] }
state: { connection: { env: STATE } }
jobs: { concurrency: 1, batch_rows: 2000, unit_mb: ${UNIT_MB} }
`,
  );
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'serve', '--config', join(dir, 'gateway.yaml')],
    {
      env: {
        PATH: process.env.PATH,
        S: 'bench-key-'.padEnd(48, 'b'),
        SRC: urlFor(sourceDb),
        TGT: urlFor('postgres'),
        STATE: urlFor(stateDb),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (;;) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null) throw new Error('the gateway exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  const requester = await token('bench-requester', ['requester'], privateKey);
  const auth = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

  const request = async (): Promise<string> => {
    const r = await fetch(`${base}/v1/snapshots`, {
      method: 'POST',
      headers: { ...auth(requester), 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'shop', target: 'dev', policy: 'people', purpose: 'gateway bench' }),
    });
    const id = ((await r.json()) as { id: string }).id;
    delivered.push(`lk_snap_${id.replace(/-/g, '')}`);
    return id;
  };
  interface View {
    state: string;
    job: { started_at: string | null; finished_at: string | null; summary: { totalRows?: number } | null };
  }
  const view = async (id: string, t: string): Promise<View> =>
    (await (await fetch(`${base}/v1/snapshots/${id}`, { headers: auth(t) })).json()) as View;
  const throughput = (v: View): { rows: number; seconds: number } => {
    const seconds = (Date.parse(v.job.finished_at ?? '') - Date.parse(v.job.started_at ?? '')) / 1000;
    return { rows: v.job.summary?.totalRows ?? 0, seconds };
  };

  // 1. Baseline: one snapshot, polled once a second.
  const baselineId = await request();
  let baseline: View;
  for (;;) {
    baseline = await view(baselineId, requester);
    if (['succeeded', 'failed'].includes(baseline.state)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (baseline.state !== 'succeeded') throw new Error('the baseline snapshot failed');

  // 2. The same snapshot again, under CLIENTS concurrent status readers (distinct auditors: own buckets).
  const tokens = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => token(`bench-viewer-${i}`, ['auditor'], privateKey)),
  );
  /** CLIENTS closed-loop readers of `id` until `stop` says so; latencies in ms. */
  const poll = async (
    id: string,
    stop: (state: string, elapsedMs: number) => boolean,
  ): Promise<{ latencies: number[]; errors: number; seconds: number }> => {
    const latencies: number[] = [];
    let errors = 0;
    let done = false;
    const started = performance.now();
    await Promise.all(
      tokens.map(async (t) => {
        if (INTERVAL_MS > 0) await sleep(Math.random() * INTERVAL_MS);
        while (!done) {
          const sent = performance.now();
          try {
            const r = await fetch(`${base}/v1/snapshots/${id}`, { headers: auth(t) });
            const body = (await r.json()) as View;
            latencies.push(performance.now() - sent);
            if (r.status !== 200) errors++;
            else if (stop(body.state, performance.now() - started)) done = true;
          } catch {
            errors++;
          }
          if (INTERVAL_MS > 0 && !done) await sleep(INTERVAL_MS);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return { latencies, errors, seconds: (performance.now() - started) / 1000 };
  };
  // Idle: the same load with no snapshot running (reads of the finished one, 15 s).
  const idle = await poll(baselineId, (_state, elapsed) => elapsed > 15_000);
  const loadedId = await request();
  const busy = await poll(loadedId, (state) => ['succeeded', 'failed', 'cancelled'].includes(state));
  const loaded = await view(loadedId, requester);

  const b = throughput(baseline);
  const l = throughput(loaded);
  out(`# gateway bench (${new Date().toISOString()})`);
  out(
    `machine: ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} at the end (2 CPUs: above ~2, other work shared them)`,
  );
  out(
    `source rows: ${ROWS}; status clients: ${CLIENTS} (${INTERVAL_MS > 0 ? `each polling every ${INTERVAL_MS} ms` : 'closed loop'}, loopback, separate process); jobs.unit_mb ${UNIT_MB}`,
  );
  out(
    `baseline snapshot: ${b.rows} rows in ${b.seconds.toFixed(2)} s = ${Math.round(b.rows / b.seconds)} rows/s`,
  );
  out(
    `snapshot under load (${loaded.state}): ${l.rows} rows in ${l.seconds.toFixed(2)} s = ${Math.round(l.rows / l.seconds)} rows/s`,
  );
  for (const [label, r] of [
    ['no snapshot running', idle],
    ['while the snapshot runs', busy],
  ] as const)
    out(
      `status reads ${label}: ${r.latencies.length} in ${r.seconds.toFixed(1)} s (${Math.round(r.latencies.length / r.seconds)}/s), errors ${r.errors}; ms p50 ${quantile(r.latencies, 0.5).toFixed(1)}, p90 ${quantile(r.latencies, 0.9).toFixed(1)}, p99 ${quantile(r.latencies, 0.99).toFixed(1)}, max ${(r.latencies.at(-1) ?? NaN).toFixed(1)}`,
    );
} finally {
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
  }
  await admin('postgres', async (c) => {
    for (const db of [sourceDb, stateDb, ...delivered]) {
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${db}`).catch(() => undefined);
    }
  });
  await rm(dir, { recursive: true, force: true });
}
