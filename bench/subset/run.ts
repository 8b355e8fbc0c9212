// Subset benchmark (not a test): closure time and process memory on the [snapshot] bench source
// (`people` N rows, `orders` 2N rows with a foreign key), at 1% and 10% of people with their orders, and
// under a row budget. `node --import tsx bench/subset/run.ts [--quick] [--rows N] [--out file.md]`.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createPgSource } from '../../connectors/postgres/index.js';
import { SELECT_ALL, type SourceSession } from '../../src/core/index.js';
import { computeSubset } from '../../src/pipeline/index.js';
import { parsePolicy, planTransforms } from '../../src/policy/index.js';
import { outputConstraints } from '../../src/transform/index.js';
import type { SubsetEstimate } from '../../src/subset/index.js';
import { databaseUrl, SOURCE_DATABASE, withClient } from '../snapshot/bench-database.js';
import { ensureSource } from '../snapshot/generate-source.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rows: { type: 'string' },
    out: { type: 'string' },
  },
});
const serverUrl = process.env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const people = Number(values.rows ?? (values.quick ? 100_000 : 1_000_000));

/** Peak resident set size of this process over a step, sampled every 20 ms (plus the kernel's high-water mark). */
async function measured<T>(
  step: () => Promise<T>,
): Promise<{ result: T; seconds: number; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  try {
    const result = await step();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, seconds: (performance.now() - started) / 1000, peakRssMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function vmHwmMiB(): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

interface Row {
  readonly label: string;
  readonly closureSeconds: number;
  readonly readSeconds: number;
  readonly rows: number;
  readonly bytes: number;
  readonly attempts: number;
  readonly rounds: number;
  readonly peakRssMiB: number;
}

async function runCase(label: string, subsetYaml: string, flags: { maxRows?: number }): Promise<Row> {
  const policyText = await readFile(new URL('../snapshot/bench.policy.yaml', import.meta.url), 'utf8');
  const policy = parsePolicy(`${policyText}\nsubset:\n${subsetYaml}`, 'bench.policy.yaml');
  const source = createPgSource(databaseUrl(serverUrl, SOURCE_DATABASE));
  const controller = new AbortController();
  const session: SourceSession = await source.openSource(controller.signal);
  try {
    const schema = await session.introspect(SELECT_ALL);
    const plan = planTransforms(schema, policy, { selection: SELECT_ALL, outputConstraints });
    const closure = await measured(() =>
      computeSubset(
        session,
        schema,
        plan,
        flags.maxRows === undefined ? undefined : flags,
        null,
        controller.signal,
      ),
    );
    const estimate = closure.result as SubsetEstimate;
    // Reading the kept rows back (COPY filtered by the kept keys), as the snapshot does.
    const read = await measured(async () => {
      let rows = 0;
      for (const table of plan.tables) {
        for await (const batch of session.readRows(
          { table: table.table, columns: table.columns.map((c) => c.name), batchRows: 2000 },
          controller.signal,
        ))
          rows += batch.length;
      }
      return rows;
    });
    if (read.result !== estimate.totalRows)
      throw new Error(`read ${read.result} rows, estimate ${estimate.totalRows}`);
    return {
      label,
      closureSeconds: closure.seconds,
      readSeconds: read.seconds,
      rows: estimate.totalRows,
      bytes: estimate.totalBytes,
      attempts: estimate.attempts.length,
      rounds: estimate.rounds,
      peakRssMiB: Math.max(closure.peakRssMiB, read.peakRssMiB),
    };
  } finally {
    await session.close();
  }
}

const source = await ensureSource(serverUrl, people, false);
const baselineRss = process.memoryUsage().rss / 2 ** 20;
const cases: Row[] = [];
for (const percent of [1, 10]) {
  cases.push(
    await runCase(
      `${percent}% of people + their orders`,
      `  targets: [{ table: public.people, percent: ${percent} }]\n`,
      {},
    ),
  );
  process.stderr.write(`${JSON.stringify(cases.at(-1))}\n`);
}
const budget = Math.round(people * 0.05 * 3);
cases.push(
  await runCase(
    `row budget ${budget.toLocaleString('en-US')} (≈5% of people + orders)`,
    '  targets: [{ table: public.people }]\n',
    {
      maxRows: budget,
    },
  ),
);
process.stderr.write(`${JSON.stringify(cases.at(-1))}\n`);

const postgres = await withClient(
  serverUrl,
  'postgres',
  async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version,
);
const cpu = os.cpus()[0]?.model ?? 'unknown';
const lines = [
  `# Subset benchmark — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Source: \`${SOURCE_DATABASE}\` from bench/snapshot (people ${source.people.toLocaleString('en-US')} rows, orders ${source.orders.toLocaleString('en-US')} rows, FK orders.person_id → people).`,
  `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, PostgreSQL ${postgres ?? '?'}, Node ${process.version}.`,
  `Command: \`node --import tsx bench/subset/run.ts${values.quick ? ' --quick' : ''}${values.rows === undefined ? '' : ` --rows ${values.rows}`}\`. Process RSS before the first case: ${baselineRss.toFixed(0)} MiB.`,
  '',
  'Closure = computing the subset in the source (temporary key tables, fixed-point rounds, exact row counts and sizes), all attempts of the budget search included. Read = streaming the kept rows of both tables back through COPY filtered by the kept keys (what the snapshot reads). Peak RSS = this Node process (sampled every 20 ms), the kept keys never enter it.',
  '',
  '| case | kept rows | row data | closure | attempts | rounds | read kept rows | peak RSS |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...cases.map(
    (c) =>
      `| ${c.label} | ${c.rows.toLocaleString('en-US')} | ${(c.bytes / 1e6).toFixed(1)} MB | ${c.closureSeconds.toFixed(2)} s | ${c.attempts} | ${c.rounds} | ${c.readSeconds.toFixed(2)} s | ${c.peakRssMiB.toFixed(0)} MiB |`,
  ),
  '',
  `Kernel high-water mark (VmHWM) for the whole run: ${(await vmHwmMiB()).toFixed(0)} MiB.`,
  '',
];
const text = lines.join('\n');
if (values.out !== undefined) await writeFile(values.out, text);
process.stdout.write(text);
