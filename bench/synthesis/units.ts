/**
 * A synthesis run split into units of work (one per table) against the same run in one process, on pagila
 * scaled up (not a test):
 *
 *   node --import tsx bench/synthesis/units.ts [--scale 20] [--slots 2] [--out file.md]
 *
 * Loads pagila into a fresh database, synthesizes `--scale` times its rows with `examples/pagila.policy.yaml`
 * and seed 7 into one target in one process, then into another split into units run in this process,
 * `--slots` at a time, each in its own target session as a worker runs them (src/pipeline/synth-units.ts).
 * A unit first draws, without writing, the tables its rows read: the figures show what that replay costs on
 * one machine — what more machines add is their cores. The targets are compared table by table (md5 of the
 * sorted rows): they must be equal. Needs PostgreSQL (LOOKALIKE_BENCH_PG_URL, trust auth) and psql on PATH.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { createPgSink, createPgSource } from '../../connectors/postgres/index.js';
import { Secret, silentLogger } from '../../src/core/index.js';
import {
  runSynthesis,
  runSynthUnit,
  type LoadUnitDispatcher,
  type SynthSummary,
} from '../../src/pipeline/index.js';
import { loadPolicy } from '../../src/policy/index.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '20' },
    slots: { type: 'string', default: '2' },
    out: { type: 'string' },
  },
});
const scale = Number(values.scale);
const slots = Number(values.slots);
const SERVER_URL = process.env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = 'lookalike_bench_synth_src';
const ONE = 'lookalike_bench_synth_one';
const SPLIT = 'lookalike_bench_synth_units';
const secret = new Secret(Buffer.from('lookalike-bench-key-synthetic-data-only-000000'));
const log = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function recreate(database: string): Promise<void> {
  await query('postgres', `DROP DATABASE IF EXISTS ${database}`);
  await query('postgres', `CREATE DATABASE ${database}`);
}

async function psql(database: string, file: string): Promise<void> {
  const url = new URL(databaseUrl(database));
  await promisify(execFile)('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-X', '-f', file], {
    env: {
      PATH: process.env.PATH,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username || 'postgres'),
      PGDATABASE: database,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** md5 of each table's sorted rows. */
async function digests(database: string): Promise<Record<string, string>> {
  const tables = await query<{ t: string }>(
    database,
    `SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    const [row] = await query<{ d: string | null }>(
      database,
      `SELECT md5(string_agg(x::text, E'\\n' ORDER BY x::text)) AS d FROM ${t} x`,
    );
    out[t] = row?.d ?? '';
  }
  return out;
}

try {
  await recreate(SOURCE);
  await psql(SOURCE, join(ROOT, 'test/fixtures/pagila/pagila-schema.sql'));
  await psql(SOURCE, join(ROOT, 'test/fixtures/pagila/pagila-data.sql'));
  await query(SOURCE, 'ANALYZE');
  const policy = await loadPolicy(join(ROOT, 'examples/pagila.policy.yaml'));
  const run = async (database: string, dispatch?: LoadUnitDispatcher): Promise<number> => {
    await recreate(database);
    const started = performance.now();
    const summary: SynthSummary = await runSynthesis({
      source: createPgSource(databaseUrl(SOURCE)),
      target: createPgSink(databaseUrl(database)),
      policy,
      selection: { schemas: [], tables: [] },
      seed: '7',
      scale,
      rareCategoryMin: 5,
      maxSampleRows: 100_000,
      batchRows: 2000,
      signal: new AbortController().signal,
      logger: silentLogger,
      // One page a unit: pagila is split whatever the scale.
      ...(dispatch === undefined ? {} : { units: { blocksPerUnit: 1, dispatch, secret } }),
    });
    rows = summary.totalRows;
    return (performance.now() - started) / 1000;
  };
  let rows = 0;
  let unitCount = 0;
  const dispatch: LoadUnitDispatcher = async ({ units }, signal, onUnitDone) => {
    unitCount = units.length;
    const queue = [...units];
    const slot = async (): Promise<void> => {
      for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
        onUnitDone(
          await runSynthUnit({
            target: createPgSink(databaseUrl(SPLIT)),
            unit,
            secret,
            batchRows: 2000,
            signal,
            logger: silentLogger,
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: slots }, slot));
  };
  log(`one process, scale ${scale}`);
  const oneSeconds = await run(ONE);
  log(`units, ${slots} at a time`);
  const splitSeconds = await run(SPLIT, dispatch);
  const equal = JSON.stringify(await digests(ONE)) === JSON.stringify(await digests(SPLIT));
  const [version] = await query<{ v: string }>('postgres', "SELECT current_setting('server_version') AS v");
  const report = `# Synthesis split into units — ${new Date().toISOString().slice(0, 10)}

- **Machine:** ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; PostgreSQL ${version?.v ?? '?'}.
- **Run:** pagila, \`examples/pagila.policy.yaml\`, seed 7, scale ${scale}: ${rows.toLocaleString('en-US')} synthetic rows (fit included in both).
- **Command:** \`node --import tsx bench/synthesis/units.ts --scale ${scale} --slots ${slots}\`.

| run | seconds |
| --- | ---: |
| one process, one transaction | ${oneSeconds.toFixed(1)} |
| ${unitCount} units (one per table), ${slots} at a time | ${splitSeconds.toFixed(1)} |

Both targets identical table by table: **${equal ? 'yes' : 'NO'}**.
`;
  process.stdout.write(report);
  if (values.out !== undefined) writeFileSync(values.out, report);
  if (!equal) process.exitCode = 1;
} finally {
  for (const database of [ONE, SPLIT, SOURCE])
    await query('postgres', `DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
}
