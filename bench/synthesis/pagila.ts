/**
 * Pagila synthesis benchmark (not a test): loads pagila into a fresh database, then per policy runs
 * `lookalike synth --scale 1 --seed 7` into a fresh target and `lookalike synth report --policy …`, and prints
 * one JSON line per policy: overall scores, per-table mean column-shape score, copied tables, exact-match
 * rate, times. Policies: `examples/pagila.policy.yaml` as it is (baseline), and the same with pagila's pure
 * lookup tables marked `synth: copy` (reference data copied as it is). Databases are dropped afterwards.
 *
 *   node --import tsx bench/synthesis/run.ts pagila
 *
 * Needs PostgreSQL (LOOKALIKE_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres, trust
 * auth) and psql / pg_dump on PATH.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { runCli } from '../../src/cli/main.js';

const run = promisify(execFile);
const SERVER_URL = process.env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGILA = join(ROOT, 'test/fixtures/pagila/');
const POLICY = join(ROOT, 'examples/pagila.policy.yaml');

/** Pagila's pure lookup tables: no personal column, referenced by others, referencing only each other. */
export const PAGILA_REFERENCE_TABLES = [
  'public.language',
  'public.category',
  'public.country',
  'public.city',
];

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function psql(database: string, file: string): Promise<void> {
  const url = new URL(databaseUrl(database));
  await run('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-X', '-f', file], {
    env: {
      PATH: process.env.PATH,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username || 'postgres'),
      PGDATABASE: database,
      ...(url.password === '' ? {} : { PGPASSWORD: decodeURIComponent(url.password) }),
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function lookalike(args: readonly string[]): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await runCli(
    ['node', 'lookalike', ...args],
    { stdout, stderr, env: { PATH: process.env.PATH } },
    new AbortController().signal,
  );
  if (code !== 0)
    throw new Error(`lookalike ${args[0]} ${args[1]} exited ${code}: ${Buffer.concat(err).toString()}`);
  return Buffer.concat(out).toString('utf8');
}

/** The example policy with the given tables marked `synth: copy` (its flow-mapping entries edited in place). */
function withCopies(policy: string, tables: readonly string[]): string {
  let text = policy;
  for (const table of tables) {
    const entry = `  ${table}: {`;
    if (!text.includes(entry)) throw new Error(`${table} has no one-line entry in ${POLICY}`);
    text = text.replace(entry, `  ${table}: { synth: copy,`);
  }
  return text;
}

interface Report {
  overall: number | null;
  overallAllPairs: number | null;
  columnShapes: number | null;
  cardinality: number | null;
  intertableTrends: number | null;
  intertableTrendsAllPairs: number | null;
  tables: { table: string; columns: { score: number | null }[] }[];
  copiedTables?: { table: string; identical: boolean | null }[];
  privacy: { exactMatchRate: number | null };
}

const round = (value: number | null | undefined): number | null =>
  value === null || value === undefined ? null : Math.round(value * 1000) / 1000;

async function benchPolicy(
  label: string,
  policyFile: string,
  source: string,
): Promise<Record<string, unknown>> {
  const target = `lk_synref_bench_${label}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE "${target}"`);
  try {
    const started = performance.now();
    const summary = JSON.parse(
      await lookalike([
        'synth',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        policyFile,
        '--scale',
        '1',
        '--seed',
        '7',
        '--format',
        'json',
      ]),
    ) as {
      fitSeconds: number;
      sampleSeconds: number;
      totalRows: number;
      tables: { table: string; copied?: true }[];
    };
    const synthSeconds = (performance.now() - started) / 1000;
    const report = JSON.parse(
      await lookalike([
        'synth',
        'report',
        '--real',
        databaseUrl(source),
        '--synthetic',
        databaseUrl(target),
        '--policy',
        policyFile,
        '--format',
        'json',
      ]),
    ) as Report;
    const mean = (values: readonly (number | null)[]): number | null => {
      const present = values.filter((v): v is number => v !== null);
      return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
    };
    return {
      policy: label,
      overall: round(report.overall),
      overallAllPairs: round(report.overallAllPairs),
      columnShapes: round(report.columnShapes),
      cardinality: round(report.cardinality),
      intertableTrends: round(report.intertableTrends),
      intertableTrendsAllPairs: round(report.intertableTrendsAllPairs),
      exactMatchRate: round(report.privacy.exactMatchRate),
      tables: Object.fromEntries(
        report.tables.map((t) => [
          t.table.replace(/^public\./, ''),
          round(mean(t.columns.map((c) => c.score))),
        ]),
      ),
      copied: (report.copiedTables ?? []).map(
        (t) => `${t.table.replace(/^public\./, '')}${t.identical === true ? '' : ' (differs)'}`,
      ),
      rows: summary.totalRows,
      fitSeconds: round(summary.fitSeconds),
      sampleSeconds: round(summary.sampleSeconds),
      synthSeconds: round(synthSeconds),
    };
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`);
  }
}

export async function runPagilaBench(): Promise<void> {
  const source = `lk_synref_bench_src_${randomBytes(3).toString('hex')}`;
  const copyPolicy = join(tmpdir(), `lk-synref-bench-${process.pid}.yaml`);
  await admin(`CREATE DATABASE "${source}"`);
  try {
    await psql(source, join(PAGILA, 'pagila-schema.sql'));
    await psql(source, join(PAGILA, 'pagila-data.sql'));
    const client = new pg.Client({ connectionString: databaseUrl(source) });
    await client.connect();
    await client.query('ANALYZE');
    await client.end();
    await writeFile(copyPolicy, withCopies(await readFile(POLICY, 'utf8'), PAGILA_REFERENCE_TABLES));
    for (const [label, file] of [
      ['baseline', POLICY],
      ['reference_copied', copyPolicy],
    ] as const) {
      process.stdout.write(`${JSON.stringify(await benchPolicy(label, file, source))}\n`);
    }
  } finally {
    await rm(copyPolicy, { force: true });
    await admin(`DROP DATABASE IF EXISTS "${source}" WITH (FORCE)`);
  }
}
