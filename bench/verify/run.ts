/**
 * Verification cost against the snapshot's own time (goal: verification adds < 25%). Runs the snapshot
 * (which verifies before its commit) in this process, single-threaded, on pagila and on the bench/snapshot
 * source, and reads from its JSON summary the verification's seconds (source index, target scan,
 * integrity) and the whole run's; also times a standalone `lookalike verify --policy` of the result.
 *
 *   node --import tsx bench/verify/run.ts [--skip-bench-source] [--out bench/results/verify-<date>.md]
 *
 * Needs PostgreSQL at 127.0.0.1:5432 (LOOKALIKE_BENCH_PG_URL), psql/pg_dump, and for the large case the
 * bench source `lookalike_bench_src` (build it with `npm run bench:snapshot -- --generate-only`).
 * Not a test: it asserts nothing and writes figures.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { packageRoot, readSettings } from '../../src/config/index.js';
import { createSource, createTarget } from '../../src/compose.js';
import {
  GatewayError,
  Secret,
  SELECT_ALL,
  silentLogger,
  type LogFields,
  type Logger,
} from '../../src/core/index.js';
import { createDetection } from '../../src/detection/index.js';
import { runSnapshot, type SnapshotSummary } from '../../src/pipeline/index.js';
import { loadPolicy } from '../../src/policy/index.js';

const SERVER = process.env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'lookalike-bench-verify-key-not-secret-0123456789';

function url(database: string): string {
  const u = new URL(SERVER);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(sql: string, database = 'postgres'): Promise<void> {
  const client = new pg.Client({ connectionString: url(database) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

function lookalike(args: string[]) {
  return run(
    process.execPath,
    ['--max-semi-space-size=32', '--import', 'tsx', 'test/helpers/cli-entry.ts', ...args],
    {
      LOOKALIKE_SECRET: SECRET,
    },
  );
}

interface InProcessRun {
  readonly wallSeconds: number;
  readonly summary: SnapshotSummary | null;
  /** The `verification_completed` log event: status, leaks, seconds (leak scan), totalSeconds (with the kept-column scan). */
  readonly verification: LogFields | null;
  /** Names and counts of the problems when the verification refused the snapshot. */
  readonly problems: readonly string[];
}

/** The snapshot in this process, single-threaded (transform workers need the built dist/). */
async function snapshotInProcess(source: string, target: string, policyFile: string): Promise<InProcessRun> {
  let verification: LogFields | null = null;
  const logger: Logger = {
    ...silentLogger,
    info: (event, fields) => {
      if (event === 'verification_completed') verification = fields ?? null;
    },
  };
  const started = performance.now();
  try {
    const summary = await runSnapshot({
      source: createSource(url(source), readSettings({})),
      target: createTarget(url(target)),
      policy: await loadPolicy(policyFile),
      detection: await createDetection({ packageRoot: packageRoot() }),
      selection: SELECT_ALL,
      secret: new Secret(Buffer.from(SECRET)),
      batchRows: 2000,
      signal: new AbortController().signal,
      logger,
      transformWorkers: 0,
    });
    return { wallSeconds: (performance.now() - started) / 1000, summary, verification, problems: [] };
  } catch (error) {
    if (!(error instanceof GatewayError) || verification === null) throw error;
    return {
      wallSeconds: (performance.now() - started) / 1000,
      summary: null,
      verification,
      problems: error.details.items ?? [],
    };
  }
}

interface Case {
  readonly name: string;
  readonly source: string;
  readonly policy: string;
  readonly rows: string;
}

interface Figures {
  readonly name: string;
  readonly rows: string;
  readonly snapshotSeconds: number;
  /** Leak scan + integrity (verifySnapshot), and with the scan for kept personal columns. */
  readonly verify: {
    source: number;
    target: number;
    integrity: number;
    /** Searching rows as the load wrote them (this process, single-threaded). */
    whileWriting: number;
    total: number;
    withScan: number;
  };
  readonly problems: readonly string[];
  readonly indexedValues: number;
  readonly indexBytes: number;
  readonly lookups: number;
  readonly standaloneSeconds: number;
  readonly status: string;
}

async function measure(c: Case): Promise<Figures> {
  const target = `lk_verify_bench_${c.name}`;
  await admin(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${target}"`);
  try {
    const snap = await snapshotInProcess(c.source, target, c.policy);
    const logged = snap.verification ?? {};
    const withScan = Number(logged.totalSeconds ?? 0);
    const scanSeconds = Number(logged.seconds ?? 0);
    const alone = await lookalike([
      'verify',
      '--source',
      url(c.source),
      '--target',
      url(target),
      '--policy',
      c.policy,
      '--format',
      'json',
    ]);
    const v = snap.summary?.verification;
    return {
      name: c.name,
      rows: c.rows,
      snapshotSeconds: snap.wallSeconds,
      verify: {
        source: v?.seconds.source ?? Number.NaN,
        target: v?.seconds.target ?? Number.NaN,
        integrity: v?.seconds.integrity ?? Number.NaN,
        whileWriting: v?.seconds.whileWriting ?? 0,
        total: scanSeconds,
        withScan,
      },
      problems: snap.problems,
      indexedValues: v?.leakScan.indexedValues ?? Number.NaN,
      indexBytes: v?.leakScan.indexBytes ?? Number.NaN,
      lookups: v?.leakScan.lookups ?? Number.NaN,
      standaloneSeconds: alone.seconds,
      status: String(logged.status ?? 'unknown'),
    };
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const cases: Case[] = [];
  const pagila = 'lk_verify_bench_pagila_src';
  await admin(`DROP DATABASE IF EXISTS "${pagila}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${pagila}"`);
  for (const file of ['pagila-schema.sql', 'pagila-data.sql']) {
    const loaded = await run('psql', [
      '-q',
      '-X',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      url(pagila),
      '-f',
      `test/fixtures/pagila/${file}`,
    ]);
    if (loaded.code !== 0) throw new Error(`loading ${file} failed`);
  }
  await admin('ANALYZE', pagila);
  cases.push({
    name: 'pagila',
    source: pagila,
    policy: 'examples/pagila.policy.yaml',
    rows: 'pagila (~50k rows)',
  });
  if (!args.includes('--skip-bench-source'))
    cases.push({
      name: 'bench',
      source: 'lookalike_bench_src',
      policy: 'bench/snapshot/bench.policy.yaml',
      rows: 'people + orders (bench/snapshot source)',
    });
  const figures: Figures[] = [];
  try {
    for (const c of cases) figures.push(await measure(c));
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${pagila}" WITH (FORCE)`);
  }
  const lines = [
    `# Verification benchmark — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Node ${process.version}, machine ${cpus()[0]?.model ?? '?'} × ${cpus().length}. In-process snapshot, one thread (transform workers`,
    'off), so every second of verification is on the clock. Seconds from the snapshot summary: the source index',
    '(read with the value pass before the load), searching rows while they are written, reading back what was',
    'not (tables copied unchanged), integrity checks, and the scan for kept personal columns;',
    '"added" = verification ÷ (snapshot − verification).',
    '',
    '| case | status | snapshot s (wall) | source index s | while writing s | read-back s | integrity s | kept-column scan s | verification s | added | index values | lookups | standalone verify s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...figures.map((f) => {
      const added = f.verify.withScan / Math.max(f.snapshotSeconds - f.verify.withScan, 0.001);
      const n = (x: number): string => x.toFixed(2);
      return `| ${f.rows} | ${f.status} | ${n(f.snapshotSeconds)} | ${n(f.verify.source)} | ${n(f.verify.whileWriting)} | ${n(f.verify.target)} | ${n(f.verify.integrity)} | ${n(f.verify.withScan - f.verify.total)} | ${n(f.verify.withScan)} | ${(added * 100).toFixed(1)}% | ${f.indexedValues.toLocaleString('en-US')} | ${f.lookups.toLocaleString('en-US')} | ${n(f.standaloneSeconds)} |`;
    }),
    '',
    ...figures.flatMap((f) =>
      f.problems.length === 0 ? [] : [`Refused (${f.name}): ${f.problems.join('; ')}`, ''],
    ),
    `Load average at the end: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')} (2 cores; other work on the machine slows every figure).`,
    '',
    `<!-- bench-data: ${JSON.stringify(figures)} -->`,
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(text);
  if (out !== undefined) await writeFile(out, text);
}

await main();
