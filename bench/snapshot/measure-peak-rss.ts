/**
 * Peak RSS and time of one `lookalike snapshot` of the bench source, without a report file: for comparing
 * two builds of the CLI (e.g. before and after a change) on the same source and machine.
 *
 *   node --import tsx bench/snapshot/measure-peak-rss.ts --build DIR [--rows N] [--workers N] [--repeat K]
 *     [--semi-space MB]   (V8's --max-semi-space-size of the CLI process; bin/lookalike.js's shebang: 4)
 *     [--digest]          (prints the md5 of each bench table of the target, rows ordered by id: same output?)
 *
 * DIR is a package root holding bin/lookalike.js and its compiled dist/ (e.g. a copy of the repository built
 * with `npx tsc -p tsconfig.build.json`). The source is the snapshot bench's (`lookalike_bench_src`, built or
 * re-used as `npm run bench:snapshot` does); the target is dropped after each run. Holds the bench lock.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  SNAPSHOT_TARGET_DATABASE,
  countRows,
  dropDatabase,
  lockBench,
  withClient,
} from './bench-database.js';
import { ensureSource } from './generate-source.js';
import { BENCH_TABLES } from './time-raw-copy.js';
import { launcherSettings } from './launcher-settings.js';
import { REPO_ROOT, WORK_DIR, timeLookalikeSnapshot } from './time-lookalike.js';

const { values } = parseArgs({
  options: {
    build: { type: 'string' },
    rows: { type: 'string', default: '200000' },
    workers: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '1' },
    'semi-space': { type: 'string', default: '4' },
    digest: { type: 'boolean', default: false },
  },
});
if (values.build === undefined) throw new Error('--build DIR is required');
const rows = Number(values.rows);
const serverUrl = process.env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// The bench's runner puts its node arguments before `snapshot …`; this launcher adds the worker count after.
mkdirSync(WORK_DIR, { recursive: true });
const launcher = `${WORK_DIR}measure-peak-rss-launcher.mjs`;
const main = new URL(`file://${values.build.replace(/\/$/, '')}/dist/src/cli/main.js`).href;
writeFileSync(
  launcher,
  `const cli = await import(${JSON.stringify(main)});\n` +
    `await cli.main([...process.argv, '--transform-workers', ${JSON.stringify(values.workers)}]);\n`,
);

const release = await lockBench(serverUrl);
if (release === null) throw new Error('another snapshot bench run holds the bench lock');
try {
  const source = await ensureSource(serverUrl, rows, false);
  process.stderr.write(`source ${source.built ? 'built' : 're-used'}: ${rows} people\n`);
  for (let i = 0; i < Number(values.repeat); i++) {
    const load = os.loadavg()[0] ?? 0;
    const run = await timeLookalikeSnapshot(serverUrl, SNAPSHOT_TARGET_DATABASE, {
      kind: 'build',
      nodeArgs: [`--max-semi-space-size=${values['semi-space']}`, launcher],
      // The environment bin/lookalike.js's shebang sets (the semi-space flag is this tool's to vary).
      env: launcherSettings(readFileSync(`${REPO_ROOT}bin/lookalike.js`, 'utf8').split('\n')[0] ?? '').env,
      description: values.build,
    });
    if (run.exitCode !== 0 || run.summary?.status !== 'completed')
      throw new Error(`snapshot failed (exit ${run.exitCode}):\n${run.stderrTail}`);
    for (const table of BENCH_TABLES) {
      const count = await countRows(serverUrl, SNAPSHOT_TARGET_DATABASE, table);
      if (count === 0) throw new Error(`${table}: empty target`);
      if (values.digest) console.log(`  md5 ${table}: ${await tableDigest(table)}`);
    }
    await dropDatabase(serverUrl, SNAPSHOT_TARGET_DATABASE);
    const tables = (run.summary.tables ?? []).map((t) => `${t.table} ${t.seconds.toFixed(2)} s`).join(', ');
    const cpu = (run.userCpuSeconds ?? NaN) + (run.systemCpuSeconds ?? NaN);
    console.log(
      `workers ${values.workers}: peak RSS ${run.peakRssMb.toFixed(0)} MB (time: ${run.timeMaxRssMb?.toFixed(0)} MB), ` +
        `wall ${run.wallSeconds.toFixed(2)} s, CPU ${cpu.toFixed(2)} s (user ${run.userCpuSeconds} + sys ${run.systemCpuSeconds}), ` +
        `${tables}; load ${load.toFixed(2)} → ${(os.loadavg()[0] ?? 0).toFixed(2)}`,
    );
    const samples = run.rssSamples;
    const at = (q: number): string =>
      (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]?.rssMb ?? 0).toFixed(0);
    console.log(
      `  RSS at 10..100%: ${[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99].map(at).join(' ')}`,
    );
  }
} finally {
  await dropDatabase(serverUrl, SNAPSHOT_TARGET_DATABASE);
  await release();
}

/** md5 of the md5s of a target table's rows in text form, ordered by id (the bench tables' primary key). */
async function tableDigest(table: string): Promise<string> {
  const result = await withClient(serverUrl, SNAPSHOT_TARGET_DATABASE, (c) =>
    c.query<{ md5: string }>(
      `SELECT md5(string_agg(md5(t::text), '' ORDER BY t.id)) AS md5 FROM ${table} AS t`,
    ),
  );
  return result.rows[0]?.md5 ?? '';
}
