/**
 * A load split into units of work against the same load in one transaction, on the snapshot bench's source
 * (make it first with `npm run bench:snapshot -- --rows N`), with raw COPY measured in the same run:
 *
 *   node --import tsx bench/snapshot/units.ts [--unit-mb 64] [--slots 2] [--wait-quiet 2] [--out file.md]
 *
 * Units run in this process, `--slots` at a time, each in its own source and target sessions exactly as a
 * worker process runs them (see src/pipeline/load-units.ts): the figures show what splitting costs on one
 * machine (no COPY FREEZE, one transaction, sessions and transform threads per unit) — what more machines add
 * is their cores. Both targets are compared table by table (md5 of the sorted rows): they must be equal.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPgSink, createPgSource } from '../../connectors/postgres/index.js';
import { Secret, silentLogger } from '../../src/core/index.js';
import { createDetection } from '../../src/detection/index.js';
import {
  runLoadUnit,
  runSnapshot,
  type LoadUnitDispatcher,
  type SnapshotSummary,
} from '../../src/pipeline/index.js';
import { loadPolicy } from '../../src/policy/index.js';
import {
  SOURCE_DATABASE,
  countRows,
  createEmptyDatabase,
  databaseUrl,
  dropDatabase,
  lockBench,
  withClient,
} from './bench-database.js';
import { readMachineInfo } from './machine-info.js';
import { timeRawCopy } from './time-raw-copy.js';
import { POLICY_FILE, REPO_ROOT } from './time-lookalike.js';
import { measureBusyShare, waitForQuiet } from './wait-for-quiet.js';

const { values } = parseArgs({
  options: {
    'unit-mb': { type: 'string', default: '64' },
    slots: { type: 'string', default: '2' },
    'wait-quiet': { type: 'string', default: '0' },
    out: { type: 'string' },
    server: {
      type: 'string',
      default: process.env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const serverUrl = values.server;
const unitMb = Number(values['unit-mb']);
const slots = Number(values.slots);
const ONE = 'lookalike_bench_one';
const SPLIT = 'lookalike_bench_units';
const log = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
const secret = new Secret(Buffer.from('lookalike-bench-key-synthetic-data-only-000000'));

const release = await lockBench(serverUrl);
if (release === null) {
  log('another bench run is using the bench databases');
  process.exit(1);
}
try {
  const rows = await countRows(serverUrl, SOURCE_DATABASE, 'public.people');
  if (Number(values['wait-quiet']) > 0) await waitForQuiet(Number(values['wait-quiet']), undefined, log);
  const busyBefore = await measureBusyShare(2_000);
  const policy = await loadPolicy(`${REPO_ROOT}${POLICY_FILE}`);
  const detection = await createDetection({ packageRoot: REPO_ROOT });
  const source = createPgSource(databaseUrl(serverUrl, SOURCE_DATABASE));

  log('raw COPY');
  const raw = await timeRawCopy(serverUrl);
  const run = async (database: string, dispatch?: LoadUnitDispatcher): Promise<SnapshotSummary> => {
    await createEmptyDatabase(serverUrl, database);
    return runSnapshot({
      source,
      target: createPgSink(databaseUrl(serverUrl, database)),
      policy,
      detection,
      selection: { schemas: [], tables: [] },
      secret,
      batchRows: 2000,
      signal: new AbortController().signal,
      logger: silentLogger,
      ...(dispatch === undefined
        ? {}
        : { units: { blocksPerUnit: Math.max(1, Math.round((unitMb * 1024 * 1024) / 8192)), dispatch } }),
    });
  };
  log('one transaction');
  const one = await run(ONE);
  let unitCount = 0;
  const dispatch: LoadUnitDispatcher = async ({ snapshot, units }, signal, onUnitDone) => {
    unitCount = units.length;
    const queue = [...units];
    const slot = async (): Promise<void> => {
      for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
        const result = await runLoadUnit({
          source,
          target: createPgSink(databaseUrl(serverUrl, SPLIT)),
          snapshot,
          unit,
          detection,
          secret,
          batchRows: 2000,
          signal,
          logger: silentLogger,
        });
        onUnitDone(result);
      }
    };
    await Promise.all(Array.from({ length: slots }, slot));
  };
  log(`units of ${unitMb} MB, ${slots} at a time`);
  const split = await run(SPLIT, dispatch);
  const digests = async (database: string): Promise<string[]> =>
    withClient(serverUrl, database, async (c) => {
      const out: string[] = [];
      for (const table of ['people', 'orders']) {
        const r = await c.query<{ d: string }>(
          `SELECT md5(string_agg(x::text, E'\\n' ORDER BY x::text)) AS d FROM ${table} x`,
        );
        out.push(r.rows[0]?.d ?? '');
      }
      return out;
    });
  const equal = JSON.stringify(await digests(ONE)) === JSON.stringify(await digests(SPLIT));
  const machine = await readMachineInfo(serverUrl);
  const rawTotal = raw.seconds + raw.postDataSeconds;
  const report = `# Units of work — ${new Date().toISOString().slice(0, 10)}

- **Machine:** ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB.toFixed(1)} GiB; Node ${machine.node}; ${machine.postgres}.
- **Source:** the snapshot bench's (${rows.toLocaleString('en-US')} people with a free-text note redacted, and their orders);
  policy \`${POLICY_FILE}\`. CPU ${(busyBefore * 100).toFixed(0)}% busy just before the run.
- **Command:** \`node --import tsx bench/snapshot/units.ts --unit-mb ${unitMb} --slots ${slots}\`.

| run | seconds | × raw COPY (${rawTotal.toFixed(2)} s incl. post-data) | verification s (in-stream scans summed over threads) |
| --- | ---: | ---: | ---: |
| one transaction | ${one.seconds.toFixed(1)} | ${(rawTotal / one.seconds).toFixed(2)} | ${one.verification.seconds.total.toFixed(1)} |
| ${unitCount} units of ≤ ${unitMb} MB, ${slots} at a time | ${split.seconds.toFixed(1)} | ${(rawTotal / split.seconds).toFixed(2)} | ${split.verification.seconds.total.toFixed(1)} |

Both targets identical table by table: **${equal ? 'yes' : 'NO'}**. Rows: ${split.totalRows.toLocaleString('en-US')}.
`;
  process.stdout.write(report);
  if (values.out !== undefined) writeFileSync(values.out, report);
  if (!equal) process.exitCode = 1;
} finally {
  await dropDatabase(serverUrl, ONE).catch(() => undefined);
  await dropDatabase(serverUrl, SPLIT).catch(() => undefined);
  await release();
}
