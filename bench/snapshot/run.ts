/**
 * Snapshot benchmark: raw COPY (the physical limit) against `lookalike snapshot` on the same generated
 * source, on the same server, one step after another. See bench/README.md.
 *
 *   npm run bench:snapshot -- [--quick | --rows N] [--fresh] [--drop-source] [--profile] [--runner tsx]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import {
  PROFILE_TARGET_DATABASE,
  RAW_TARGET_DATABASE,
  SNAPSHOT_TARGET_DATABASE,
  SOURCE_DATABASE,
  countRows,
  dropDatabase,
  lockBench,
  tableBytes,
} from './bench-database.js';
import { UsageError, parseBenchOptions, type BenchOptions } from './bench-options.js';
import { checkSubstitution } from './check-substitution.js';
import { fingerprintCode } from './code-fingerprint.js';
import { ensureSource } from './generate-source.js';
import { readMachineInfo } from './machine-info.js';
import { QUIET_BUSY_SHARE, measureBusyShare, waitForQuiet } from './wait-for-quiet.js';
import { summarizeCpuProfile, type ProfileSummary } from './summarize-cpu-profile.js';
import { BENCH_TABLES, timeRawCopy } from './time-raw-copy.js';
import { REPO_ROOT, prepareRunner, timeLookalikeSnapshot, type LookalikeRun } from './time-lookalike.js';
import {
  THROUGHPUT_RATIO_GOAL,
  benchData,
  findCounterpart,
  renderReport,
  reportFileName,
  type BenchResult,
} from './write-report.js';

const RESULTS_DIR = `${REPO_ROOT}bench/results`;

const log = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(options: BenchOptions): Promise<number> {
  const release = await lockBench(options.serverUrl);
  if (release === null) {
    log('another snapshot bench run is using the bench databases; try again when it has finished');
    return 1;
  }
  try {
    return await benchmark(options);
  } finally {
    await release();
  }
}

async function benchmark(options: BenchOptions): Promise<number> {
  const { serverUrl } = options;
  const startedAt = new Date();
  const loadAverage = os.loadavg()[0] ?? 0;
  if (loadAverage > 0.5)
    log(`warning: 1-minute load average is ${loadAverage.toFixed(2)}; figures may be skewed`);
  const machine = await readMachineInfo(serverUrl);

  log(`source: ${int(options.rows)} people, ${int(2 * options.rows)} orders in ${SOURCE_DATABASE}`);
  const sourceInfo = await ensureSource(serverUrl, options.rows, options.fresh);
  log(sourceInfo.built ? `source built in ${sourceInfo.buildSeconds?.toFixed(1)} s` : 'source re-used');
  const source = {
    ...sourceInfo,
    peopleMb: (await tableBytes(serverUrl, SOURCE_DATABASE, 'public.people')) / 1024 ** 2,
    ordersMb: (await tableBytes(serverUrl, SOURCE_DATABASE, 'public.orders')) / 1024 ** 2,
  };
  if (options.generateOnly) return 0;

  // Busy share of all cores just before a timed step: shows whether other work shared the machine.
  const settle = (): Promise<number> =>
    options.waitQuietMinutes > 0
      ? waitForQuiet(options.waitQuietMinutes, QUIET_BUSY_SHARE, log)
      : measureBusyShare(5_000);
  try {
    const busyBeforeRaw = await settle();
    log('raw COPY …');
    const raw = await timeRawCopy(serverUrl);
    const loadAfterRaw = os.loadavg()[0] ?? 0;
    for (const t of raw.tables) log(`  raw ${t.table}: ${int(t.rows)} rows in ${t.seconds.toFixed(2)} s`);
    log(
      `raw COPY: ${int(raw.rows)} rows in ${raw.seconds.toFixed(2)} s = ${int(raw.rows / raw.seconds)} rows/s; post-data ${raw.postDataSeconds.toFixed(2)} s`,
    );
    await dropDatabase(serverUrl, RAW_TARGET_DATABASE);
    if (options.rawOnly) return 0;

    log(`preparing the lookalike runner (${options.runner}) …`);
    const code = await fingerprintCode(REPO_ROOT);
    const runner = await prepareRunner(options.runner);
    const busyBeforeLookalike = await settle();
    log(`lookalike snapshot (${runner.description}) …`);
    const lookalike = await timeLookalikeSnapshot(serverUrl, SNAPSHOT_TARGET_DATABASE, runner);
    const loadAfterLookalike = os.loadavg()[0] ?? 0;
    if (!isComplete(lookalike)) {
      log(
        `lookalike snapshot failed (exit ${lookalike.exitCode}); last stderr lines:\n${lookalike.stderrTail}`,
      );
      return 1;
    }
    for (const table of BENCH_TABLES) {
      const expected = raw.tables.find((t) => t.table === table)?.rows;
      const actual = await countRows(serverUrl, SNAPSHOT_TARGET_DATABASE, table);
      if (actual !== expected) throw new Error(`${table}: target holds ${actual} rows, source ${expected}`);
    }
    const check = await checkSubstitution(serverUrl, SNAPSHOT_TARGET_DATABASE);
    await dropDatabase(serverUrl, SNAPSHOT_TARGET_DATABASE);

    const provisional: BenchResult = {
      startedAt,
      machine,
      loadAverages: { start: loadAverage, afterRaw: loadAfterRaw, afterLookalike: loadAfterLookalike },
      busyBefore: { raw: busyBeforeRaw, lookalike: busyBeforeLookalike },
      source,
      raw,
      runner: runner.description,
      code,
      lookalike,
      check,
      profile: null,
    };
    const { ratio } = benchData(provisional);
    log(
      `lookalike: ${lookalike.wallSeconds.toFixed(2)} s, ${int(raw.rows / lookalike.wallSeconds)} rows/s, ${ratio.toFixed(2)}x raw, peak RSS ${lookalike.peakRssMb.toFixed(0)} MB`,
    );

    let profile: ProfileSummary | null = null;
    if (!options.skipProfile && (options.profile || ratio < THROUGHPUT_RATIO_GOAL)) {
      await settle();
      log(`profiling a second snapshot (node --cpu-prof) …`);
      const profiled = await timeLookalikeSnapshot(serverUrl, PROFILE_TARGET_DATABASE, runner, {
        cpuProfile: true,
      });
      await dropDatabase(serverUrl, PROFILE_TARGET_DATABASE);
      if (isComplete(profiled) && profiled.cpuProfiles.length > 0) {
        profile = await summarizeCpuProfile(profiled.cpuProfiles, REPO_ROOT);
        log(`profiles kept in ${profiled.cpuProfiles[0]?.slice(REPO_ROOT.length).replace(/[^/]*$/, '')}`);
      } else {
        log(`the profiled run failed (exit ${profiled.exitCode}); no profile in the report`);
      }
    }

    const result: BenchResult = { ...provisional, profile };
    const report = renderReport(result, findCounterpart(RESULTS_DIR, options.rows));
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = `${RESULTS_DIR}/${reportFileName(result)}`;
    writeFileSync(file, report);
    process.stdout.write(`${report}\n`);
    log(`report written to ${file.slice(REPO_ROOT.length)}`);
    return 0;
  } finally {
    for (const database of [RAW_TARGET_DATABASE, SNAPSHOT_TARGET_DATABASE, PROFILE_TARGET_DATABASE]) {
      await dropDatabase(serverUrl, database);
    }
    if (options.dropSource) {
      await dropDatabase(serverUrl, SOURCE_DATABASE);
      log('source dropped');
    }
  }
}

function isComplete(run: LookalikeRun): boolean {
  return run.exitCode === 0 && run.summary?.status === 'completed';
}

try {
  process.exitCode = await main(parseBenchOptions(process.argv.slice(2), process.env));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`bench: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
