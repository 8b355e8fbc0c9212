import { parseArgs } from 'node:util';

/** Command-line options of `npm run bench:snapshot -- …`. */
export interface BenchOptions {
  /** Rows of `people`; `orders` gets twice as many. */
  readonly rows: number;
  /** Rebuild the source even when it already holds `rows`. */
  readonly fresh: boolean;
  /** Drop the source database at the end (it is kept for re-runs by default). */
  readonly dropSource: boolean;
  /** Run an extra, CPU-profiled snapshot even when the throughput goal is met. */
  readonly profile: boolean;
  /** Never run the profiled snapshot, not even below the throughput goal. */
  readonly skipProfile: boolean;
  /** How the lookalike child runs: the compiled CLI (`npm run build`, then bin/lookalike.js) or tsx. */
  readonly runner: 'build' | 'tsx';
  /** Skip the raw COPY and lookalike runs: only make sure the source exists (for debugging the generator). */
  readonly generateOnly: boolean;
  /** Measure raw COPY only (while the snapshot command is unfinished); no report file is written. */
  readonly rawOnly: boolean;
  /** Minutes to wait for a quiet machine before each timed step (0: do not wait). */
  readonly waitQuietMinutes: number;
  /** Server URL whose database part is replaced by the bench databases' names. */
  readonly serverUrl: string;
}

export const USAGE = `usage: npm run bench:snapshot -- [--quick | --rows N] [--fresh] [--drop-source] [--profile | --skip-profile]
                                  [--runner build|tsx] [--generate-only] [--raw-only] [--wait-quiet M]
  --quick          100,000 people (300,000 rows in all) instead of 1,000,000
  --rows N         N people and 2N orders (e.g. 5000000 for the memory-flatness run)
  --fresh          rebuild the source database even if it already holds N people
  --drop-source    drop the source database at the end (kept for re-runs by default)
  --profile        also run one snapshot under node --cpu-prof and summarise it (automatic below 0.5x raw)
  --skip-profile   never run the profiled snapshot
  --runner R       build: npm run build, then node bin/lookalike.js (default); tsx: run src/ through tsx
  --generate-only  only build (or re-use) the source database
  --raw-only       measure raw COPY only; print the figures, write no report
  --wait-quiet M   before each timed step, wait up to M minutes for the CPUs to be < 15% busy
env: LOOKALIKE_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)`;

export const DEFAULT_ROWS = 1_000_000;
export const QUICK_ROWS = 100_000;

const OPTIONS = {
  quick: { type: 'boolean', default: false },
  rows: { type: 'string' },
  fresh: { type: 'boolean', default: false },
  'drop-source': { type: 'boolean', default: false },
  profile: { type: 'boolean', default: false },
  'skip-profile': { type: 'boolean', default: false },
  runner: { type: 'string', default: 'build' },
  'generate-only': { type: 'boolean', default: false },
  'raw-only': { type: 'boolean', default: false },
  'wait-quiet': { type: 'string', default: '0' },
  help: { type: 'boolean', default: false },
} as const;

export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE, 0);
  const rows = values.rows === undefined ? (values.quick ? QUICK_ROWS : DEFAULT_ROWS) : Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1_000 || rows > 100_000_000) {
    throw new UsageError('--rows must be an integer between 1000 and 100000000');
  }
  if (values.runner !== 'build' && values.runner !== 'tsx') {
    throw new UsageError('--runner must be "build" or "tsx"');
  }
  const waitQuietMinutes = Number(values['wait-quiet']);
  if (!Number.isFinite(waitQuietMinutes) || waitQuietMinutes < 0 || waitQuietMinutes > 240) {
    throw new UsageError('--wait-quiet takes minutes between 0 and 240');
  }
  return {
    rows,
    waitQuietMinutes,
    fresh: values.fresh,
    dropSource: values['drop-source'],
    profile: values.profile,
    skipProfile: values['skip-profile'],
    runner: values.runner,
    generateOnly: values['generate-only'],
    rawOnly: values['raw-only'],
    serverUrl: env.LOOKALIKE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

/** A bad command line (exit code 2) or `--help` (exit code 0): the message is printed as is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** `100k`, `1m`, `5m`, or the plain number: the size part of a results file name. */
export function sizeLabel(rows: number): string {
  if (rows % 1_000_000 === 0) return `${rows / 1_000_000}m`;
  if (rows % 1_000 === 0) return `${rows / 1_000}k`;
  return String(rows);
}
