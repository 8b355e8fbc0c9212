import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SOURCE_DATABASE, checkpoint, createEmptyDatabase, databaseUrl } from './bench-database.js';
import { launcherSettings } from './launcher-settings.js';

/**
 * Runs `lookalike snapshot` as a child process so its memory can be measured on its own: peak RSS is the
 * kernel's high-water mark (VmHWM in /proc/<pid>/status, polled every 100 ms) and, when GNU time is
 * installed, its exact `%M` from wait4() as a cross-check, with user and system CPU seconds.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const POLICY_FILE = 'bench/snapshot/bench.policy.yaml';
export const WORK_DIR = `${REPO_ROOT}bench/.work/`;
const GNU_TIME = '/usr/bin/time';
const POLL_INTERVAL_MS = 100;

/** A fixed, throwaway bench key (≥ 32 bytes). It protects nothing: the source is synthetic. */
const BENCH_SECRET = 'lookalike-bench-key-synthetic-data-only-000000';

export interface LookalikeRunner {
  readonly kind: 'build' | 'tsx';
  /** node arguments before the CLI arguments. */
  readonly nodeArgs: readonly string[];
  /** Environment the launcher sets (its shebang's `NAME=value` words). */
  readonly env: Readonly<Record<string, string>>;
  readonly description: string;
}

export interface RssSample {
  readonly seconds: number;
  readonly rssMb: number;
}

export interface PhaseTiming {
  readonly label: string;
  readonly seconds: number;
}

export interface LookalikeRun {
  readonly exitCode: number;
  /** Spawn to exit of the child, as a user waits for it. */
  readonly wallSeconds: number;
  /** Highest VmHWM seen while polling. */
  readonly peakRssMb: number;
  /** GNU time's maximum resident set size, when available. */
  readonly timeMaxRssMb: number | null;
  readonly userCpuSeconds: number | null;
  readonly systemCpuSeconds: number | null;
  readonly rssSamples: readonly RssSample[];
  /** Time between successive progress lines on stderr (`loading rows…`, table lines, …). */
  readonly phases: readonly PhaseTiming[];
  /** The `--format json` summary on stdout, when the run completed. */
  readonly summary: SnapshotSummaryJson | null;
  /** The last stderr lines, for diagnosing a failed run (names and codes only, never values). */
  readonly stderrTail: string;
  /** The profiles of the main thread and of every transform worker (one file per thread). */
  readonly cpuProfiles: readonly string[];
}

/** The parts of the CLI's JSON summary the bench reads. */
export interface SnapshotSummaryJson {
  readonly status: string;
  readonly totalRows: number;
  readonly seconds: number;
  readonly tables: readonly {
    readonly table: string;
    readonly rows: number;
    readonly seconds: number;
    readonly transformedColumns?: number;
  }[];
  readonly policyDigest?: string;
  readonly verification?: {
    readonly leakScan: {
      readonly passes: number;
      readonly tablesScannedWhileWriting?: number;
      readonly sourceReadAhead?: true;
    };
    readonly seconds: {
      readonly source: number;
      readonly sourceReadAhead?: number;
      readonly target: number;
      readonly integrity: number;
      readonly whileWriting?: number;
      readonly total: number;
    };
  };
}

/** `build`: compile with `npm run build` and run bin/lookalike.js, as users do. `tsx`: run src/ directly. */
export async function prepareRunner(kind: 'build' | 'tsx'): Promise<LookalikeRunner> {
  if (kind === 'tsx') {
    return {
      kind,
      nodeArgs: ['--import', 'tsx', 'bench/snapshot/cli-child.ts'],
      env: {},
      description: 'node --import tsx (src/ run through tsx)',
    };
  }
  const code = await runQuietly('npm', ['run', 'build']);
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}); try --runner tsx`);
  // bin/lookalike.js's shebang settings, which `node bin/lookalike.js` would bypass.
  const shebang = readFileSync(`${REPO_ROOT}bin/lookalike.js`, 'utf8').split('\n')[0] ?? '';
  const { env, nodeFlags } = launcherSettings(shebang);
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value} `);
  return {
    kind,
    nodeArgs: [...nodeFlags, 'bin/lookalike.js'],
    env,
    description: `${assignments.join('')}node ${nodeFlags.join(' ')} bin/lookalike.js (as its shebang runs it, after npm run build)`,
  };
}

export async function timeLookalikeSnapshot(
  serverUrl: string,
  targetDatabase: string,
  runner: LookalikeRunner,
  options: { readonly cpuProfile?: boolean } = {},
): Promise<LookalikeRun> {
  await createEmptyDatabase(serverUrl, targetDatabase);
  await checkpoint(serverUrl);

  mkdirSync(WORK_DIR, { recursive: true });
  const profileDir = `${WORK_DIR}profiles/`;
  if (options.cpuProfile === true) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const nodeArgs = [
    ...(options.cpuProfile === true ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...runner.nodeArgs,
    'snapshot',
    '--source',
    databaseUrl(serverUrl, SOURCE_DATABASE),
    '--target',
    databaseUrl(serverUrl, targetDatabase),
    '--policy',
    POLICY_FILE,
    '--format',
    'json',
  ];
  const timeFile = `${WORK_DIR}gnu-time.txt`;
  rmSync(timeFile, { force: true });
  const useGnuTime = existsSync(GNU_TIME);
  const [command, args] = useGnuTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];

  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    // Only what the CLI needs: no PG* variables, so every connection setting comes from the URLs.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      LOOKALIKE_SECRET: BENCH_SECRET,
      ...runner.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  const lines: { at: number; text: string }[] = [];
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const at = elapsed();
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts)
      lines.push({ at, text: text.replaceAll('\x1b[K', '').replaceAll('\r', '').trim() });
  });

  let peakKb = 0;
  const samples: RssSample[] = [];
  const nodePid = (): number | undefined => {
    if (child.pid === undefined) return undefined;
    if (!useGnuTime) return child.pid;
    try {
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
      const first = children.split(/\s+/)[0];
      return first === undefined || first === '' ? undefined : Number(first);
    } catch {
      return undefined;
    }
  };
  const poll = (): void => {
    const pid = nodePid();
    if (pid === undefined) return;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (hwm !== undefined) peakKb = Math.max(peakKb, Number(hwm));
      if (rss !== undefined) samples.push({ seconds: elapsed(), rssMb: Number(rss) / 1024 });
    } catch {
      // The process exited between two polls.
    }
  };
  const timer = setInterval(poll, POLL_INTERVAL_MS);

  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  clearInterval(timer);
  const wallSeconds = elapsed();
  if (pending.trim() !== '') lines.push({ at: wallSeconds, text: pending.trim() });

  let timeMaxRssMb: number | null = null;
  let userCpuSeconds: number | null = null;
  let systemCpuSeconds: number | null = null;
  if (useGnuTime && existsSync(timeFile)) {
    // GNU time writes "Command exited with non-zero status N" first when the command failed.
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [maxKb, user, system] = last.split(' ').map(Number);
    if (maxKb !== undefined && Number.isFinite(maxKb)) timeMaxRssMb = maxKb / 1024;
    if (user !== undefined && Number.isFinite(user)) userCpuSeconds = user;
    if (system !== undefined && Number.isFinite(system)) systemCpuSeconds = system;
  }

  let summary: SnapshotSummaryJson | null = null;
  if (exitCode === 0) {
    try {
      summary = JSON.parse(Buffer.concat(stdout).toString('utf8')) as SnapshotSummaryJson;
    } catch {
      summary = null;
    }
  }

  const phases: PhaseTiming[] = [
    { label: '(start-up: Node, module loading, until the first progress line)', seconds: lines[0]?.at ?? 0 },
    ...lines.map((line, i) => ({ label: line.text, seconds: (lines[i + 1]?.at ?? wallSeconds) - line.at })),
  ];

  return {
    exitCode,
    wallSeconds,
    peakRssMb: peakKb / 1024,
    timeMaxRssMb,
    userCpuSeconds,
    systemCpuSeconds,
    rssSamples: samples,
    phases,
    summary,
    stderrTail: lines
      .slice(-20)
      .map((l) => l.text)
      .join('\n'),
    cpuProfiles: options.cpuProfile === true ? await threadProfiles(profileDir) : [],
  };
}

/** Every thread's profile: node writes `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`, thread 0 is main. */
async function threadProfiles(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => /\.\d+\.\d+\.cpuprofile$/.test(f))
    .sort()
    .map((f) => `${dir}${f}`);
}

/** Runs a tool with its output hidden unless it fails. */
function runQuietly(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) process.stderr.write(Buffer.concat(output));
      resolve(code ?? -1);
    });
  });
}
