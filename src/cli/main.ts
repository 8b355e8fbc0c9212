import { Command, CommanderError, Option } from 'commander';
import { readSettings, type Settings } from '../config/index.js';
import { ENCRYPT_ALPHABETS, toGatewayError, type Logger } from '../core/index.js';
import { reportError, writeJson, type CliIo } from './cli-output.js';
import type { DecryptOptions } from './commands/decrypt-command.js';
import type { DemoOptions } from './commands/demo-command.js';
import type { DetectOptions } from './commands/detect-command.js';
import type { ScanOptions } from './commands/scan-command.js';
import type { PlanOptions } from './commands/plan-command.js';
import type { SnapshotOptions } from './commands/snapshot-command.js';
import type { SynthOptions, SynthReportOptions } from './commands/synth-command.js';
import type { VerifyOptions } from './commands/verify-command.js';
import type { ManifestVerifyOptions } from './commands/manifest-command.js';
import type { ServeOptions } from './commands/serve-command.js';
import type { WorkerOptions } from './commands/worker-command.js';
import type {
  GatewayClientOptions,
  RequestCreateOptions,
  RequestListOptions,
} from './commands/request-command.js';
import type { AuditExportOptions } from './commands/audit-command.js';
import type { RequestDetectOptions, RequestPlanOptions } from './commands/inspect-request-command.js';
import { EXIT_CODE_BY_ERROR, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { serviceLogFormat } from './service-log-format.js';
import { createStderrLogger, logLines, type LogFormat } from './stderr-logger.js';
import { endOpenLine } from './terminal-line.js';

const VERSION = '0.1.0';

/** Runs one CLI invocation and returns its exit code. Never throws; never prints a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  let exitCode = EXIT_OK;
  let format = 'text';
  // JSON logs (serve, worker): even a usage error, found before any command runs, is a JSON line.
  const jsonStderr =
    serviceLogFormat(argv, io.env) === 'json' ? createStderrLogger(io.stderr, false, 'json') : undefined;
  const program = new Command('lookalike')
    .description('Realistic non-production snapshots of PostgreSQL with nothing real in them.')
    .version(VERSION)
    .exitOverride()
    .configureOutput(
      jsonStderr === undefined
        ? {
            writeOut: (text) => io.stderr.write(text),
            writeErr: (text) => io.stderr.write(text),
            // A refused argument is quoted: a database URL's user and password are not.
            outputError: (text, write) => write(withoutCredentials(text)),
          }
        : {
            // --help and --version answer a person: text, as asked.
            writeOut: (text) => io.stderr.write(text),
            // Help shown for a missing subcommand: one `message` event per line.
            writeErr: (text) => logLines(jsonStderr).end(text),
            outputError: (text) =>
              jsonStderr.error('usage_error', {
                message: text.trim().replace(/^error: /, ''),
                hint: 'run "lookalike --help" for usage',
              }),
          },
    )
    .showHelpAfterError(jsonStderr === undefined ? '(run "lookalike --help" for usage)' : false)
    .enablePositionalOptions();

  // `fileFormats`: commands whose target may be a folder (`file:out/`) take the files' format in --format too.
  const common = (command: Command, fileFormats = false): Command =>
    command
      .addOption(
        new Option(
          '--format <format>',
          fileFormats
            ? 'output: text (stderr) or json (stdout); for a file: target the files: csv or jsonl'
            : 'output: text (stderr) or json (stdout)',
        )
          .choices(fileFormats ? ['text', 'json', 'csv', 'jsonl', 'parquet'] : ['text', 'json'])
          .default('text'),
      )
      .option('--schemas <list>', 'only these schemas (comma-separated)')
      .option('--tables <list>', 'only these tables (comma-separated schema.table; unqualified = public)')
      .option('--verbose', 'log progress events to stderr');

  const run = async (action: () => Promise<number>): Promise<void> => {
    exitCode = await action();
  };
  /** A data command: its --format decides how a failure is reported, and its logger honours --verbose. */
  const runLogged = async (
    options: { format?: string; verbose?: boolean },
    command: (settings: Settings, logger: Logger) => Promise<number>,
  ): Promise<void> => {
    format = options.format ?? 'text';
    const logger = createStderrLogger(io.stderr, options.verbose === true);
    await run(() => command(readSettings(io.env), logger));
  };

  // serve and worker log as text or JSON lines; with JSON, their own lines and a failure are log events too.
  let jsonLogger: Logger | undefined;
  const serviceLogging = (options: { verbose?: boolean; logFormat?: LogFormat }) => {
    const logFormat = options.logFormat ?? readSettings(io.env).logFormat;
    const logger = createStderrLogger(io.stderr, options.verbose === true, logFormat);
    if (logFormat === 'text') return { logger, io };
    jsonLogger = logger;
    return { logger, io: { ...io, stderr: logLines(logger) } };
  };
  const logFormatOption = (): Option =>
    new Option(
      '--log-format <format>',
      'logs: text or json, one object per line (default: LOOKALIKE_LOG_FORMAT or text)',
    ).choices(['text', 'json']);

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
    await run(async () =>
      (await import('./commands/plan-command.js')).planCommand(options, io, readSettings(io.env), signal),
    );
  });

  common(
    subsetFlags(program.command('snapshot'))
      .description('copy the source into an empty target, replacing personal values (atomic, fail-closed)')
      .option('--source <url>', 'source database URL (postgres://…)')
      .option('--target <url>', 'empty target database URL (postgres://…)')
      .option('--policy <file>', 'policy YAML file (default: draft one from a scan of the source)')
      .option('--plan <file>', 'run exactly this saved plan (refused if the source schema changed)')
      .option('--secret-file <file>', 'file holding the key (≥ 32 bytes); wins over LOOKALIKE_SECRET')
      .option('--batch-rows <n>', 'rows per batch (default 2000 or LOOKALIKE_BATCH_ROWS)')
      .option(
        '--transform-workers <n>',
        'threads that redact free text in large tables (default: one per core, at most 4; 0: none; ~110 MB each)',
      )
      .option('--manifest-out <file>', 'write the snapshot manifest (JSON, signed with --signing-key) here')
      .option(
        '--signing-key <file>',
        'Ed25519 private key (PKCS#8 PEM); wins over LOOKALIKE_SIGNING_KEY_FILE',
      ),
  ).action(async (options: SnapshotOptions & { verbose?: boolean }) =>
    runLogged(options, async (settings, logger) =>
      (await import('./commands/snapshot-command.js')).snapshotCommand(options, io, settings, signal, logger),
    ),
  );

  common(
    program
      .command('verify')
      .description(
        'check a target against its source: no real value left, integrity as planned (exit 1 if not)',
      )
      .option('--source <url>', 'source database URL (postgres://…)')
      .option('--target <url>', 'the snapshot to check (postgres://…)')
      .option('--policy <file>', 'the policy it was made with (default: a scan decides what is personal)')
      .option('--plan <file>', 'the saved plan it was made with')
      .option('--manifest <file>', 'the manifest written by "snapshot --manifest-out"')
      .option('--public-key <file>', 'with --manifest: check its signature first (Ed25519 PEM)')
      .option('--batch-rows <n>', 'rows per batch (default 2000 or LOOKALIKE_BATCH_ROWS)'),
  ).action(async (options: VerifyOptions & { verbose?: boolean }) =>
    runLogged(options, async (settings, logger) =>
      (await import('./commands/verify-command.js')).verifyCommand(options, io, settings, signal, logger),
    ),
  );

  program
    .command('manifest')
    .description('snapshot manifests')
    .command('verify <file>')
    .description("check a manifest's signature and content (exit 0 valid, 1 unsigned, tampered or wrong key)")
    .requiredOption('--public-key <file>', 'Ed25519 public key (PEM)')
    .addOption(
      new Option('--format <format>', 'output: text or json').choices(['text', 'json']).default('text'),
    )
    .action(async (file: string, options: ManifestVerifyOptions) => {
      format = options.format ?? 'text';
      await run(async () =>
        (await import('./commands/manifest-command.js')).manifestVerifyCommand(file, options, io),
      );
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
    await run(async () =>
      (await import('./commands/scan-command.js')).scanCommand(options, io, readSettings(io.env), signal),
    );
  });

  // `synth` runs fit + sample in one go; `synth fit|sample|report` are the split form and the report.
  const synthFlags = (command: Command, fileFormats = false): Command =>
    common(command, fileFormats)
      .option('--seed <n>', 'same seed, same synthetic rows (default 1)')
      .option(
        '--rare-min <k>',
        'categories and conditional cells with fewer rows are never stored (default 5)',
      )
      .option('--sample-rows <n>', 'rows read per table for fitting (default 100000)')
      .option('--batch-rows <n>', 'rows per batch (default 2000 or LOOKALIKE_BATCH_ROWS)');
  const synth = synthFlags(
    program
      .command('synth')
      .description('fit a statistical model of the source and load synthetic rows into an empty target')
      .option('--source <url>', 'source database URL (postgres://…)')
      .option('--target <url>', 'empty target: database URL (postgres://…) or folder (file:out/)')
      .option('--policy <file>', 'policy YAML naming the personal columns (default: a scan decides)')
      .option('--scale <factor>', 'rows relative to the source: 0.1, 1 or 10 (default 1)')
      .option(
        '--where <condition>',
        'every row of a table honours a condition: "<table>: <column> = <value> and …" (repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--scenario <file>', 'scenario YAML: slices of rows under conditions, edge cases')
      .option('--epsilon <e>', 'differential privacy budget: Laplace noise on the model counts')
      .option('--secret-file <file>', 'key file, needed only to test suppression hashes of a subset'),
    true,
  )
    // `synth` and its subcommands share flag names: a subcommand's flags are its own.
    .enablePositionalOptions()
    .action(async (options: SynthOptions & { verbose?: boolean }) =>
      runLogged(options, async (settings, logger) =>
        (await import('./commands/synth-command.js')).synthCommand(options, io, settings, signal, logger),
      ),
    );
  synthFlags(
    synth
      .command('fit')
      .description('write the model (statistics and the schema DDL, no rows) to a file')
      .option('--source <url>', 'source database URL (postgres://…)')
      .option('--policy <file>', 'policy YAML naming the personal columns (default: a scan decides)')
      .option('--out <file>', 'model file to write (JSON)')
      .option('--epsilon <e>', 'differential privacy budget: Laplace noise on the model counts')
      .option('--secret-file <file>', 'key file, needed only to test suppression hashes of a subset'),
  ).action(async (options: SynthOptions & { verbose?: boolean }) =>
    runLogged(options, async (settings, logger) =>
      (await import('./commands/synth-command.js')).synthFitCommand(options, io, settings, signal, logger),
    ),
  );
  synthFlags(
    synth
      .command('sample')
      .description("load a model's synthetic rows into an empty target (the model carries the schema DDL)")
      .option('--model <file>', 'model file from "synth fit"')
      .option('--target <url>', 'empty target: database URL (postgres://…) or folder (file:out/)')
      .option(
        '--source <url>',
        'optional: the source, to run the exact-match filter and the real-value check',
      )
      .option('--scale <factor>', 'rows relative to the source: 0.1, 1 or 10 (default 1)')
      .option(
        '--where <condition>',
        'every row of a table honours a condition: "<table>: <column> = <value> and …" (repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--scenario <file>', 'scenario YAML: slices of rows under conditions, edge cases'),
    true,
  ).action(async (options: SynthOptions & { verbose?: boolean }) =>
    runLogged(options, async (settings, logger) =>
      (await import('./commands/synth-command.js')).synthSampleCommand(options, io, settings, signal, logger),
    ),
  );
  synth
    .command('report')
    .description('score a synthetic database against the real one: quality and privacy (JSON, HTML)')
    .option('--real <url>', 'the real database URL')
    .option('--synthetic <url>', 'the synthetic database URL')
    .option(
      '--holdout <url>',
      'real rows kept away from fitting (same schema): for the closer-to-training share',
    )
    .option('--out <file>', 'write a self-contained HTML page')
    .option('--sample-rows <n>', 'rows read per table from each database (default 20000)')
    .option('--policy <file>', 'the synthesis policy: its personal columns are not scored for shape')
    .option(
      '--include-bookkeeping',
      'score load/update stamps (last_update, updated_at, one load window) in Intertable Trends too',
    )
    .addOption(
      new Option('--format <format>', 'output: text (stderr) or json (stdout)')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action(async (options: SynthReportOptions) => {
      format = options.format ?? 'text';
      await run(async () =>
        (await import('./commands/synth-command.js')).synthReportCommand(
          options,
          io,
          readSettings(io.env),
          signal,
        ),
      );
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
      await run(async () =>
        (await import('./commands/detect-command.js')).detectCommand(options, io, signal),
      );
    });

  program
    .command('serve')
    .description('run the gateway: HTTP API for snapshot requests, approvals, jobs and the audit log')
    .option('--config <file>', 'gateway config YAML (sources, targets, policies, auth, state)')
    .option('--verbose', 'log every request and job event to stderr')
    .addOption(logFormatOption())
    .action(async (options: ServeOptions & { verbose?: boolean; logFormat?: LogFormat }) => {
      const logging = serviceLogging(options);
      await run(async () =>
        (await import('./commands/serve-command.js')).serveCommand(
          options,
          logging.io,
          signal,
          logging.logger,
          VERSION,
        ),
      );
    });

  program
    .command('worker')
    .description('run snapshot jobs from the queue in the gateway state database (PostgreSQL)')
    .option('--config <file>', 'the gateway config YAML (same file as serve)')
    .option('--verbose', 'log every job event to stderr')
    .addOption(logFormatOption())
    .action(async (options: WorkerOptions & { verbose?: boolean; logFormat?: LogFormat }) => {
      const logging = serviceLogging(options);
      await run(async () =>
        (await import('./commands/worker-command.js')).workerCommand(
          options,
          logging.io,
          signal,
          logging.logger,
          VERSION,
        ),
      );
    });

  // Commands against a running gateway: URL and token from flags or LOOKALIKE_GATEWAY_URL / LOOKALIKE_TOKEN.
  const client = (command: Command): Command =>
    command
      .option('--gateway <url>', 'gateway base URL (default: LOOKALIKE_GATEWAY_URL)')
      .option('--token-file <file>', 'file holding the bearer token (default: LOOKALIKE_TOKEN)')
      .addOption(
        new Option('--format <format>', 'output: text (stderr) or json (stdout)')
          .choices(['text', 'json'])
          .default('text'),
      );
  const request = program.command('request').description('snapshot requests on a running gateway');
  client(
    request
      .command('create')
      .description('request a snapshot or synthetic data (names only: source, target or environment, policy)')
      .option('--source <name>', 'configured source')
      .option('--target <name>', 'configured target')
      .option('--environment <name>', 'a named environment instead of --target')
      .option('--refresh <cron>', 'refresh on this five-field cron schedule (UTC), e.g. "0 6 * * 1"')
      .option('--synth', 'synthetic rows instead of an anonymized copy')
      .option('--scale <n>', 'with --synth: 0.1, 1 or 10 (default 1)')
      .option('--seed <text>', 'with --synth: the seed (default 1)')
      .option('--policy <name>', 'configured policy')
      .option('--purpose <text>', 'why the copy is needed (recorded in the audit log)')
      .option('--ttl-hours <n>', 'hours the delivered database lives (default and maximum: gateway config)')
      .option('--wait', 'follow the request to its end with a progress line')
      .addOption(new Option('--poll-ms <ms>').hideHelp()),
  ).action(async (options: RequestCreateOptions) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/request-command.js')).requestCreateCommand(options, io, signal),
    );
  });
  client(
    request
      .command('list')
      .description('your requests (approvers and auditors: all)')
      .option('--state <state>', 'only requests in this state')
      .option('--limit <n>', 'at most this many (default 50)'),
  ).action(async (options: RequestListOptions) => {
    format = options.format ?? 'text';
    await run(async () => (await import('./commands/request-command.js')).requestListCommand(options, io));
  });
  for (const action of ['get', 'cancel', 'approve'] as const)
    client(
      request
        .command(`${action} <id>`)
        .description(
          action === 'get'
            ? 'state, live progress and delivery of one request'
            : action === 'cancel'
              ? 'cancel a request (a running one is stopped)'
              : 'approve a request awaiting approval (not your own)',
        ),
    ).action(async (id: string, options: GatewayClientOptions) => {
      format = options.format ?? 'text';
      await run(async () =>
        (await import('./commands/request-command.js')).requestActionCommand(action, id, options, io),
      );
    });
  client(
    request
      .command('credentials <id>')
      .description('a new password for your delivered database, printed once to stdout'),
  ).action(async (id: string, options: GatewayClientOptions) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/request-command.js')).requestCredentialsCommand(id, options, io),
    );
  });
  // Renewal, environments and policy versions (src/cli/commands/request-command.ts).
  client(
    request
      .command('renew <id>')
      .description('extend the TTL of a delivered snapshot from now (bounded)')
      .option('--hours <n>'),
  ).action(async (id: string, options: GatewayClientOptions & { hours?: string }) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/request-command.js')).requestRenewCommand(id, options, io),
    );
  });
  client(request.command('environments').description('named environments you may request into')).action(
    async (options: GatewayClientOptions) => {
      format = options.format ?? 'text';
      await run(async () =>
        (await import('./commands/request-command.js')).requestEnvironmentsCommand(options, io),
      );
    },
  );
  client(
    request.command('policy-versions <name>').description('versions of a policy: digest, who, when, why'),
  ).action(async (name: string, options: GatewayClientOptions) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/request-command.js')).requestPolicyVersionsCommand(name, options, io),
    );
  });
  client(
    request
      .command('policy-upload <name>')
      .description('upload a new version of a policy (admins), with a reason')
      .option('--file <policy.yaml>', 'the policy file')
      .option('--reason <text>', 'why it changes (recorded)'),
  ).action(async (name: string, options: GatewayClientOptions & { file?: string; reason?: string }) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/request-command.js')).requestPolicyUploadCommand(name, options, io),
    );
  });
  client(request.command('scan <source>').description("the gateway's scan of a source (no values)")).action(
    async (source: string, options: GatewayClientOptions) => {
      format = options.format ?? 'text';
      await run(async () =>
        (await import('./commands/inspect-request-command.js')).requestScanCommand(source, options, io),
      );
    },
  );
  client(
    request
      .command('plan <source>')
      .description("the gateway's plan of a source: column → action ← rule, and the pre-flight")
      .option('--policy <name>', "configured policy (default: the source's own, else a fresh scan)")
      .option('--check', 'exit 3 when the plan would stop a snapshot'),
  ).action(async (source: string, options: RequestPlanOptions) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/inspect-request-command.js')).requestPlanCommand(source, options, io),
    );
  });
  client(
    request
      .command('detect')
      .description('lookalike detect through the gateway: JSON Lines {"id","text"} on stdin')
      .option('--threshold <score>', 'minimum score (0–1)'),
  ).action(async (options: RequestDetectOptions) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/inspect-request-command.js')).requestDetectCommand(options, io, signal),
    );
  });
  client(
    request.command('manifest <id>').description('the signed manifest of a delivered snapshot, to stdout'),
  ).action(async (id: string, options: GatewayClientOptions) => {
    format = options.format ?? 'text';
    await run(async () =>
      (await import('./commands/inspect-request-command.js')).requestManifestCommand(id, options, io),
    );
  });

  const audit = program.command('audit').description("the gateway's hash-chained audit log (auditors)");
  client(audit.command('verify').description('verify the hash chain; exit 1 naming where it breaks')).action(
    async (options: GatewayClientOptions) => {
      format = options.format ?? 'text';
      await run(async () => (await import('./commands/audit-command.js')).auditVerifyCommand(options, io));
    },
  );
  client(
    audit
      .command('export')
      .description('export events as JSON Lines to stdout (for a SIEM)')
      .option('--actor <who>', 'only events by this principal')
      .option('--action <action>', 'only this action (e.g. snapshot.expired)')
      .option('--subject <id>', 'only events about this request')
      .option('--source <name>', 'only events naming this source or about its requests')
      .addOption(new Option('--outcome <outcome>').choices(['success', 'failure', 'denied']))
      .option('--since <iso-time>', 'from this time')
      .option('--until <iso-time>', 'before this time'),
  ).action(async (options: AuditExportOptions) => {
    await run(async () =>
      (await import('./commands/audit-command.js')).auditExportCommand(options, io, signal),
    );
  });

  program
    .command('suppression-hash')
    .description('keyed hashes for subset.suppress: one value per line on stdin, one hash per line out')
    .option('--secret-file <file>', 'file holding the key (≥ 32 bytes); wins over LOOKALIKE_SECRET')
    .action(async (options: { secretFile?: string }) => {
      await run(async () =>
        (await import('./commands/suppression-hash-command.js')).suppressionHashCommand(
          options,
          io,
          readSettings(io.env),
        ),
      );
    });

  program
    .command('decrypt')
    .description('values an encrypt column wrote, one per line on stdin → the original identifiers on stdout')
    .option('--scope <scope>', "the column's encrypt scope", 'encrypt')
    .addOption(
      new Option('--alphabet <alphabet>', "the column's encrypt alphabet")
        .choices([...ENCRYPT_ALPHABETS])
        .default('auto'),
    )
    .option('--secret-file <file>', 'file holding the key (≥ 32 bytes); wins over LOOKALIKE_SECRET')
    .action(async (options: DecryptOptions) => {
      await run(async () =>
        (await import('./commands/decrypt-command.js')).decryptCommand(options, io, readSettings(io.env)),
      );
    });

  program
    .command('demo')
    .description('generate an embedded "production" database, plan and snapshot it, show before/after')
    .addOption(
      new Option('--format <format>', 'output: text or json').choices(['text', 'json']).default('text'),
    )
    .option('--customers <n>', 'customers to generate', '200')
    .option(
      '--subset-percent <n>',
      'copy only this share of the customers (0–100), with what they reference and what references them',
    )
    .action(async (options: DemoOptions) => {
      format = options.format ?? 'text';
      await run(async () => (await import('./commands/demo-command.js')).demoCommand(options, io, signal));
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT_OK;
      // Refused while parsing, before a command could read its --format: asked-for JSON still gets it.
      if (asksForJson(argv)) {
        writeJson(io, {
          status: 'failed',
          error: {
            code: 'usage',
            message: withoutCredentials(error.message.replace(/^error: /, '')),
            details: {},
          },
        });
      }
      return EXIT_USAGE;
    }
    const gatewayError = toGatewayError(error);
    const errorLogger = jsonLogger ?? jsonStderr;
    if (gatewayError.code === 'internal' && io.env.LOOKALIKE_DEBUG === '1') {
      // Frames only: an internal error's message could quote a value.
      const frames = String((error as Error).stack ?? '')
        .split('\n')
        .slice(1)
        .join('\n');
      if (errorLogger === undefined) {
        endOpenLine(io.stderr);
        io.stderr.write(`internal error at:\n${frames}\n`);
      } else errorLogger.error('internal_error_frames', { frames });
    }
    if (errorLogger === undefined) reportError(io, format === 'json' ? 'json' : 'text', gatewayError);
    else errorLogger.error('command_failed', { code: gatewayError.code, message: gatewayError.message });
    return EXIT_CODE_BY_ERROR[gatewayError.code] ?? EXIT_FAILED;
  }
}

/** Whether the raw command line asks for `--format json` (read before parsing: parsing may fail). */
function asksForJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  return options.some(
    (arg, i) => (arg === '--format' && options[i + 1] === 'json') || arg === '--format=json',
  );
}

/** A parser's message quotes the arguments: a database URL's user and password stay out of stdout. */
function withoutCredentials(message: string): string {
  // Up to the last @ before the host (a password may hold a raw @ or /, as URL parsers accept).
  return message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s?#]*@/gi, '$1…@');
}

/** Process entry: Ctrl-C cancels cleanly (the target transaction rolls back); a second Ctrl-C exits. */
export async function main(argv: readonly string[]): Promise<void> {
  const controller = new AbortController();
  let interrupted = false;
  const json = serviceLogFormat(argv, process.env) === 'json';
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    const notice = 'cancelling… (press Ctrl-C again to exit at once)';
    if (json) createStderrLogger(process.stderr, false, 'json').warn('interrupted', { text: notice });
    else process.stderr.write(`\n${notice}\n`);
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
  process.exitCode = await runCli(
    argv,
    { stdout: process.stdout, stderr: process.stderr, env: process.env },
    controller.signal,
  );
}
