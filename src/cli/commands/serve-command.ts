import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTokenVerifier } from '../../auth/index.js';
import {
  loadGatewayConfig,
  readSettings,
  resolveGatewayConnections,
  resolveTelemetrySettings,
  type GatewayConfig,
  type GatewayConnections,
} from '../../config/index.js';
import { GatewayError, MIN_SECRET_BYTES, type Logger } from '../../core/index.js';
import { createApp } from '../../http/index.js';
import { createExpirySweeper, createGatewayMetrics, createRefreshScheduler } from '../../jobs/index.js';
import { loadPolicy, policyDigest, type Policy } from '../../policy/index.js';
import { openPgliteSqlClient, openPgSqlClient, StateStore } from '../../state/index.js';
import { say, type CliIo } from '../cli-output.js';
import {
  createConfiguredNotifier,
  createJobRunner,
  createSnapshotExecutor,
  createTargetServers,
} from '../job-setup.js';
import { EXIT_OK } from '../exit-codes.js';
import { createSourceInspector } from '../inspection-setup.js';
import { createPolicyCatalog, currentPoliciesOf, recordConfiguredPolicies } from '../policy-versions.js';
import { loadSigningKey } from './manifest-command.js';

export interface ServeOptions {
  readonly config?: string;
}

export interface RunningGateway {
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly store: StateStore;
  /** Drops every delivery due now (or at `now`): expired snapshots and half-made databases of failed runs. */
  sweepExpired(now?: Date): Promise<number>;
  /** Starts every refresh schedule due now (or at `now`) through the job queue; returns how many. */
  sweepRefreshes(now?: Date): Promise<number>;
  /** Graceful: stop accepting, abort running jobs (recorded failed: interrupted), close the store. */
  close(): Promise<void>;
}

export interface GatewayStartOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly version: string;
  /** The logger's scrubber counts, served in /metrics (`lookalike_log_redactions_total`). */
  readonly logRedactions?: () => Readonly<Record<string, number>>;
  /** First webhook retry delay (tests); 500 ms by default. */
  readonly webhookBackoffMs?: number;
}

/** Everything `serve` starts, without waiting for a signal (tests start and close it in-process). */
export async function startGateway(
  config: GatewayConfig,
  connections: GatewayConnections,
  options: GatewayStartOptions,
): Promise<RunningGateway> {
  if (connections.secret.byteLength < MIN_SECRET_BYTES)
    throw new GatewayError('secret_invalid', `the gateway secret must be at least ${MIN_SECRET_BYTES} bytes`);
  if (!config.jobs.run_in_process && connections.state === null)
    throw new GatewayError(
      'config_invalid',
      'jobs.run_in_process: false needs a PostgreSQL state store (state.connection): only its workers would run jobs',
    );
  // Every policy is read and validated now: a misconfigured gateway refuses to start.
  const policies = new Map<string, Policy>();
  for (const [name, entry] of Object.entries(config.policies))
    policies.set(name, await loadPolicy(entry.file));
  const policyDigests = new Map([...policies].map(([name, policy]) => [name, policyDigest(policy)]));
  const verifyToken = await createTokenVerifier(config.auth);
  // Validated now (a bad setting refuses the start); job processes read them again. The manifest signing
  // key too: a bad one would fail every run.
  await loadSigningKey(readSettings(options.env).signingKeyFile);
  const { logger } = options;
  const telemetry = await resolveTelemetrySettings(config.telemetry, options.env);

  const sql =
    connections.state === null
      ? await openPgliteSqlClient('embedded_path' in config.state ? config.state.embedded_path : '')
      : openPgSqlClient(connections.state);
  const store = await StateStore.open(sql).catch(async (error: unknown) => {
    await sql.close().catch(() => undefined);
    throw error;
  });

  // Each policy file's version is recorded the first time its digest is seen; the current versions (an
  // admin's upload may be newer than the file) are what plans and audit digests use here.
  await recordConfiguredPolicies(config, store, policies, policyDigests).catch(async (error: unknown) => {
    await store.close().catch(() => undefined);
    throw error;
  });
  const notifier = await createConfiguredNotifier(
    config,
    store,
    logger,
    options.env,
    options.webhookBackoffMs,
  ).catch(async (error: unknown) => {
    await store.close().catch(() => undefined);
    throw error;
  });
  const targets = createTargetServers(config, connections);
  const metrics = createGatewayMetrics(
    options.logRedactions === undefined ? {} : { logRedactions: options.logRedactions },
  );
  // Off unless configured; the SDK is imported only then.
  const tracing =
    telemetry === null
      ? undefined
      : await (await import('../../telemetry/index.js')).startTracing(telemetry, logger, options.version);
  // Jobs run off the API's event loop: in job processes, or on `lookalike worker`s.
  const execution = createSnapshotExecutor({
    config,
    connections,
    store,
    targets,
    policies,
    env: options.env,
    logger,
    isolation: 'child_process',
  });
  const runner = createJobRunner({
    config,
    connections,
    store,
    // A run's spans are made here from the events its job process sends: the child exports nothing.
    execute: tracing === undefined ? execution.execute : tracing.traceSnapshots(execution.execute),
    executeUnit: execution.executeUnit,
    concurrency: config.jobs.run_in_process ? config.jobs.concurrency : 0,
    workerId: randomUUID(),
    logger,
    metrics,
    notifier,
  });

  const sweeper = createExpirySweeper({
    store,
    targets,
    intervalMs: config.snapshots.expiry_sweep_seconds * 1000,
    metrics,
    notifier,
    logger,
    actor: 'gateway',
  });

  const refresher = createRefreshScheduler({
    store,
    runner,
    intervalMs: config.snapshots.refresh_sweep_seconds * 1000,
    logger,
  });

  // What plans and audit events use: each policy's current version in the state store, so an upload
  // through another replica counts here at once.
  const current = currentPoliciesOf(store, policies, policyDigests);
  // Scans, plans and text detection run in inspection processes, never on the API's event loop.
  const inspector = createSourceInspector({
    config,
    connections,
    policyOf: current.policy,
    env: options.env,
    logger,
    isolation: 'child_process',
  });

  let accepting = true;
  const app = createApp({
    config,
    verifyToken,
    store,
    runner,
    targets,
    metrics,
    notifier,
    inspector,
    policyCatalog: createPolicyCatalog(policies, policyDigests),
    policyDigestOf: current.digest,
    logger,
    version: options.version,
    isAccepting: () => accepting,
    ...(tracing === undefined ? {} : { onRequestServed: (served) => tracing.requestServed(served) }),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.server.host, port: config.server.port }, () =>
      resolve(s),
    );
    s.once('error', () =>
      reject(
        new GatewayError(
          'config_invalid',
          `cannot listen on ${config.server.host}:${config.server.port} (address in use or not permitted)`,
        ),
      ),
    );
  }).catch(async (error: unknown) => {
    await store.close().catch(() => undefined);
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  await runner.start().catch(async (error: unknown) => {
    await runner.stop().catch(() => undefined);
    execution.close();
    inspector.close();
    await new Promise((resolve) => server.close(resolve));
    await store.close().catch(() => undefined);
    throw error;
  });
  sweeper.start();
  refresher.start();
  logger.info('gateway_listening', { host: address.address, port: address.port });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    store,
    sweepExpired: (now) => sweeper.sweep(now),
    sweepRefreshes: (now) => refresher.sweep(now),
    close: () => {
      closing ??= (async () => {
        accepting = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await refresher.stop();
        await runner.stop();
        execution.close();
        inspector.close();
        await sweeper.stop();
        // Idle keep-alive sockets would hold close() open until the grace period; in-flight ones finish.
        const grace = setTimeout(() => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }, config.server.shutdown_grace_ms);
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        await closed;
        clearTimeout(grace);
        await notifier.close();
        await store.close();
        // After the runs and requests ended: their spans are exported before the process exits.
        await tracing?.shutdown();
        logger.info('gateway_stopped', {});
      })();
      return closing;
    },
  };
}

/** `lookalike serve --config <file>`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
export async function serveCommand(
  options: ServeOptions,
  io: CliIo,
  signal: AbortSignal,
  logger: Logger & { readonly redactions?: () => Readonly<Record<string, number>> },
  version: string,
): Promise<number> {
  if (options.config === undefined || options.config === '')
    throw new GatewayError('usage', '--config <file> is required');
  const config = await loadGatewayConfig(options.config);
  const connections = await resolveGatewayConnections(config, io.env);
  const gateway = await startGateway(config, connections, {
    env: io.env,
    logger,
    version,
    ...(logger.redactions === undefined ? {} : { logRedactions: logger.redactions }),
  });
  say(io, `lookalike gateway listening on ${gateway.url}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  say(io, 'shutting down…');
  await gateway.close();
  return EXIT_OK;
}
