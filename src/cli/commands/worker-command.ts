import { randomUUID } from 'node:crypto';
import {
  loadGatewayConfig,
  readSettings,
  resolveGatewayConnections,
  resolveTelemetrySettings,
  type GatewayConfig,
  type GatewayConnections,
} from '../../config/index.js';
import { GatewayError, MIN_SECRET_BYTES, type Logger } from '../../core/index.js';
import { loadPolicy, type Policy } from '../../policy/index.js';
import { openPgSqlClient, StateStore } from '../../state/index.js';
import { say, type CliIo } from '../cli-output.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { loadSigningKey } from './manifest-command.js';
import {
  createConfiguredNotifier,
  createJobRunner,
  createSnapshotExecutor,
  createTargetServers,
} from '../job-setup.js';

export interface WorkerOptions {
  readonly config?: string;
}

export interface RunningWorker {
  readonly workerId: string;
  /** Resolves when the worker lost its state database session (its runs were aborted): it must exit. */
  readonly lost: Promise<void>;
  /** Takes no new job, aborts running ones (recorded failed: interrupted), closes the store. */
  close(): Promise<void>;
}

/**
 * A process that claims snapshot jobs from the queue in the PostgreSQL state database and runs them in
 * this process (no API here). Any number of workers and gateways may share one state database.
 */
export async function startWorker(
  config: GatewayConfig,
  connections: GatewayConnections,
  options: { readonly env: NodeJS.ProcessEnv; readonly logger: Logger; readonly version?: string },
): Promise<RunningWorker> {
  if (connections.state === null)
    throw new GatewayError(
      'config_invalid',
      'lookalike worker needs a PostgreSQL state store (state.connection): the embedded one is single-process',
    );
  if (connections.secret.byteLength < MIN_SECRET_BYTES)
    throw new GatewayError('secret_invalid', `the gateway secret must be at least ${MIN_SECRET_BYTES} bytes`);
  const policies = new Map<string, Policy>();
  for (const [name, entry] of Object.entries(config.policies))
    policies.set(name, await loadPolicy(entry.file));
  // The manifest signing key is read now too: a bad one would fail every run.
  await loadSigningKey(readSettings(options.env).signingKeyFile);
  const { logger } = options;
  const telemetry = await resolveTelemetrySettings(config.telemetry, options.env);
  const store = await StateStore.open(openPgSqlClient(connections.state));
  const notifier = await createConfiguredNotifier(config, store, logger, options.env).catch(
    async (error: unknown) => {
      await store.close().catch(() => undefined);
      throw error;
    },
  );
  const targets = createTargetServers(config, connections);
  const workerId = randomUUID();
  let markLost = (): void => undefined;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  // Off unless configured; the SDK is imported only then.
  const tracing =
    telemetry === null
      ? undefined
      : await (await import('../../telemetry/index.js')).startTracing(telemetry, logger, options.version);
  const execution = createSnapshotExecutor({
    config,
    connections,
    store,
    targets,
    policies,
    env: options.env,
    logger,
    // This process serves no API: a run shares its event loop with the heartbeat only.
    isolation: 'this_process',
  });
  const runner = createJobRunner({
    config,
    connections,
    store,
    execute: tracing === undefined ? execution.execute : tracing.traceSnapshots(execution.execute),
    executeUnit: execution.executeUnit,
    concurrency: config.jobs.concurrency,
    workerId,
    logger,
    notifier,
    onLivenessLost: markLost,
  });
  try {
    await runner.start();
  } catch (error) {
    await runner.stop().catch(() => undefined);
    await notifier.close();
    await store.close().catch(() => undefined);
    throw error;
  }
  logger.info('worker_started', { worker_id: workerId, concurrency: config.jobs.concurrency });
  let closing: Promise<void> | undefined;
  return {
    workerId,
    lost,
    close: () => {
      closing ??= (async () => {
        await runner.stop();
        await notifier.close();
        await store.close();
        await tracing?.shutdown();
        logger.info('worker_stopped', { worker_id: workerId });
      })();
      return closing;
    },
  };
}

/** `lookalike worker --config <file>`: runs jobs until SIGTERM/SIGINT, then fails running ones cleanly. */
export async function workerCommand(
  options: WorkerOptions,
  io: CliIo,
  signal: AbortSignal,
  logger: Logger,
  version?: string,
): Promise<number> {
  if (options.config === undefined || options.config === '')
    throw new GatewayError('usage', '--config <file> is required');
  const config = await loadGatewayConfig(options.config);
  const connections = await resolveGatewayConnections(config, io.env);
  const worker = await startWorker(config, connections, {
    env: io.env,
    logger,
    ...(version === undefined ? {} : { version }),
  });
  say(io, `lookalike worker ${worker.workerId} running jobs (concurrency ${config.jobs.concurrency})`);
  const outcome = await Promise.race([
    worker.lost.then(() => 'lost' as const),
    new Promise<'signal'>((resolve) => {
      if (signal.aborted) resolve('signal');
      else signal.addEventListener('abort', () => resolve('signal'), { once: true });
    }),
  ]);
  say(io, outcome === 'lost' ? 'lost the state database session; stopping…' : 'shutting down…');
  await worker.close();
  return outcome === 'lost' ? EXIT_FAILED : EXIT_OK;
}
