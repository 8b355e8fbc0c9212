import { Command, CommanderError, Option } from 'commander';
import { readSettings } from '../config/index.js';
import { toGatewayError } from '../core/index.js';
import { reportError, type CliIo } from './cli-output.js';
import { demoCommand, type DemoOptions } from './commands/demo-command.js';
import { detectCommand, type DetectOptions } from './commands/detect-command.js';
import { scanCommand, type ScanOptions } from './commands/scan-command.js';
import { planCommand, type PlanOptions } from './commands/plan-command.js';
import { snapshotCommand, type SnapshotOptions } from './commands/snapshot-command.js';
import { EXIT_CODE_BY_ERROR, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { createStderrLogger } from './stderr-logger.js';

const VERSION = '0.1.0';

/** Runs one CLI invocation and returns its exit code. Never throws; never prints a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  let exitCode = EXIT_OK;
  let format = 'text';
  const program = new Command('lookalike')
    .description('Realistic non-production snapshots of PostgreSQL with nothing real in them.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stderr.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run "lookalike --help" for usage)');

  const common = (command: Command): Command =>
    command
      .addOption(
        new Option('--format <format>', 'output: text (stderr) or json (stdout)')
          .choices(['text', 'json'])
          .default('text'),
      )
      .option('--schemas <list>', 'only these schemas (comma-separated)')
      .option('--tables <list>', 'only these tables (comma-separated schema.table; unqualified = public)')
      .option('--verbose', 'log progress events to stderr');

  const run = async (action: () => Promise<number>): Promise<void> => {
    exitCode = await action();
  };

  // The subset flags of plan and snapshot: they win over the policy's `subset:` section.
  const subsetFlags = (command: Command): Command =>
    command
      .option('--max-rows <n>', 'subset budget: at most this many rows in all tables')
      .option('--max-bytes <size>', 'subset budget: at most this much row data (e.g. 500MB, 2GiB)')
      .option('--seed <text>', 'subset seed: the same seed picks the same rows');

  common(
    subsetFlags(program.command('plan'))
      .description(
        'print the plan (column → action ← rule, reason) and the pre-flight; reads the catalog only',
      )
      .option('--source <url>', 'source database URL (postgres://…)')
      .option('--policy <file>', 'policy YAML file (default: draft one from a scan of the source)')
      .option('--out <file>', 'save the plan (with the schema fingerprint) for "snapshot --plan"')
      .option('--check', 'exit 3 when a column is uncovered or the pre-flight finds an error')
      .option('--secret-file <file>', 'key file, needed only to test suppression hashes of a subset'),
  ).action(async (options: PlanOptions & { verbose?: boolean }) => {
    format = options.format ?? 'text';
    await run(() => planCommand(options, io, readSettings(io.env), signal));
  });

  common(
    subsetFlags(program.command('snapshot'))
      .description('copy the source into an empty target, replacing personal values (atomic, fail-closed)')
      .option('--source <url>', 'source database URL (postgres://…)')
      .option('--target <url>', 'empty target database URL (postgres://…)')
      .option('--policy <file>', 'policy YAML file (default: draft one from a scan of the source)')
      .option('--plan <file>', 'run exactly this saved plan (refused if the source schema changed)')
      .option('--secret-file <file>', 'file holding the key (≥ 32 bytes); wins over LOOKALIKE_SECRET')
      .option('--batch-rows <n>', 'rows per batch (default 2000 or LOOKALIKE_BATCH_ROWS)'),
  ).action(async (options: SnapshotOptions & { verbose?: boolean }) => {
    format = options.format ?? 'text';
    const logger = createStderrLogger(io.stderr, options.verbose === true);
    await run(() => snapshotCommand(options, io, readSettings(io.env), signal, logger));
  });

  common(
    program
      .command('scan')
      .description(
        'classify every column (and JSON path) as a kind of personal data or not, with confidence and evidence',
      )
      .option('--source <url>', 'source database URL (postgres://…)')
      .option('--write-policy <file>', 'write a draft policy from the scan, each decision commented'),
  ).action(async (options: ScanOptions & { verbose?: boolean }) => {
    format = options.format ?? 'text';
    await run(() => scanCommand(options, io, readSettings(io.env), signal));
  });

  program
    .command('detect')
    .description('find personal data in free text: JSON Lines {"id","text"} on stdin → entities on stdout')
    .option(
      '--threshold <score>',
      'report spans scoring at least this (0–1; default from rules/entities.yaml)',
    )
    .action(async (options: DetectOptions) => {
      format = 'json';
      await run(() => detectCommand(options, io, signal));
    });

  program
    .command('demo')
    .description('generate an embedded "production" database, plan and snapshot it, show before/after')
    .addOption(
      new Option('--format <format>', 'output: text or json').choices(['text', 'json']).default('text'),
    )
    .option('--customers <n>', 'customers to generate', '200')
    .action(async (options: DemoOptions) => {
      format = options.format ?? 'text';
      await run(() => demoCommand(options, io, signal));
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal' && io.env.LOOKALIKE_DEBUG === '1') {
      // Frames only: an internal error's message could quote a value.
      const frames = String((error as Error).stack ?? '')
        .split('\n')
        .slice(1)
        .join('\n');
      io.stderr.write(`internal error at:\n${frames}\n`);
    }
    reportError(io, format === 'json' ? 'json' : 'text', gatewayError);
    return EXIT_CODE_BY_ERROR[gatewayError.code] ?? EXIT_FAILED;
  }
}

/** Process entry: Ctrl-C cancels cleanly (the target transaction rolls back); a second Ctrl-C exits. */
export async function main(argv: readonly string[]): Promise<void> {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\ncancelling… (press Ctrl-C again to exit at once)\n');
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
  process.exitCode = await runCli(
    argv,
    { stdout: process.stdout, stderr: process.stderr, env: process.env },
    controller.signal,
  );
}
