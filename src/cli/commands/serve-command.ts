import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTokenVerifier } from '../../auth/index.js';
import {
  loadGatewayConfig,
  readSettings,
  resolveGatewayConnections,
  type GatewayConfig,
  type GatewayConnections,
} from '../../config/index.js';
import { GatewayError, MIN_SECRET_BYTES, type Logger } from '../../core/index.js';
import type { Detection } from '../../detection/index.js';
import { createApp } from '../../http/index.js';
import {
  createExpirySweeper,
  createGatewayMetrics,
  createInProcessRunner,
  createTargetServer,
  type SnapshotExecutor,
  type TargetServer,
} from '../../jobs/index.js';
import { loadPolicy, policyDigest, type Policy } from '../../policy/index.js';
import { openPgliteSqlClient, openPgSqlClient, StateStore } from '../../state/index.js';
import { say, type CliIo } from '../cli-output.js';
import { EXIT_OK } from '../exit-codes.js';

export interface ServeOptions {
  readonly config?: string;
}

export interface RunningGateway {
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly store: StateStore;
  /** Drops every delivery due now (or at `now`): expired snapshots and half-made databases of failed runs. */
  sweepExpired(now?: Date): Promise<number>;
  /** Graceful: stop accepting, abort running jobs (recorded failed: interrupted), close the store. */
  close(): Promise<void>;
}

export interface GatewayStartOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly version: string;
  /** Detection for redact_text spans; loaded on first use when not given. */
  readonly detection?: Detection;
}

/** Everything `serve` starts, without waiting for a signal (tests start and close it in-process). */
export async function startGateway(
  config: GatewayConfig,
  connections: GatewayConnections,
  options: GatewayStartOptions,
): Promise<RunningGateway> {
  if (connections.secret.byteLength < MIN_SECRET_BYTES)
    throw new GatewayError('secret_invalid', `the gateway secret must be at least ${MIN_SECRET_BYTES} bytes`);
  // Every policy is read and validated now: a misconfigured gateway refuses to start.
  const policies = new Map<string, Policy>();
  for (const [name, entry] of Object.entries(config.policies))
    policies.set(name, await loadPolicy(entry.file));
  const policyDigests = new Map([...policies].map(([name, policy]) => [name, policyDigest(policy)]));
  const verifyToken = await createTokenVerifier(config.auth);
  const settings = readSettings(options.env);
  const { logger } = options;

  const sql =
    connections.state === null
      ? await openPgliteSqlClient('embedded_path' in config.state ? config.state.embedded_path : '')
      : openPgSqlClient(connections.state);
  const store = await StateStore.open(sql).catch(async (error: unknown) => {
    await sql.close().catch(() => undefined);
    throw error;
  });

  const targets = new Map<string, TargetServer>();
  for (const [name, target] of Object.entries(config.targets)) {
    const url = connections.targets.get(name);
    if (url === undefined) throw new GatewayError('config_invalid', `target "${name}" has no connection`);
    targets.set(
      name,
      createTargetServer({
        url,
        scopedRole: target.scoped_role,
        ...(target.public_host === undefined ? {} : { publicHost: target.public_host }),
        ...(target.public_port === undefined ? {} : { publicPort: target.public_port }),
      }),
    );
  }

  // The data path (connectors, pipeline, fake values, detection) loads with the first job, so readiness
  // waits only for config, keys and the state store.
  const importDataPath = () =>
    Promise.all([
      import('../../compose.js'),
      import('../../pipeline/index.js'),
      import('../detection-setup.js'),
    ]);
  let dataPath: ReturnType<typeof importDataPath> | undefined;
  const loadDataPath = (): ReturnType<typeof importDataPath> => (dataPath ??= importDataPath());

  // Each run lands in a fresh database on the target server; a failed run drops what it made.
  const execute: SnapshotExecutor = async (request, signal, onEvent) => {
    const [{ createSource, createTarget }, { runSnapshot }, { loadDetection }] = await loadDataPath();
    const sourceUrl = connections.sources.get(request.source);
    const target = targets.get(request.target);
    const policy = policies.get(request.policy);
    if (sourceUrl === undefined || target === undefined || policy === undefined)
      throw new GatewayError(
        'config_invalid',
        'the request names a source, target or policy no longer configured',
      );
    const names = target.namesFor(request.id);
    await store.recordDelivery(request.id, names.database, names.role);
    const sinkUrl = await target.create(names);
    try {
      const summary = await runSnapshot({
        source: createSource(sourceUrl.reveal().toString('utf8'), settings),
        target: createTarget(sinkUrl.reveal().toString('utf8')),
        policy,
        // Loaded on the first job, not at start-up: readiness never waits for the lexicons.
        detection: options.detection ?? (await loadDetection()),
        selection: { schemas: [], tables: [] },
        secret: connections.secret,
        batchRows: config.jobs.batch_rows,
        signal,
        logger,
        onEvent,
      });
      await target.grantRead(names);
      return summary;
    } catch (error) {
      await target.drop(names).then(
        () => store.markDropped(request.id, 'gateway'),
        () => logger.warn('snapshot_drop_failed', { request_id: request.id }),
      );
      throw error;
    }
  };
  const metrics = createGatewayMetrics();
  const runner = createInProcessRunner({
    metrics,
    store,
    execute,
    concurrency: config.jobs.concurrency,
    workerId: randomUUID(),
    logger,
    // Embedded: one process owns the store, so any running job is from a dead gateway.
    staleAfterMs: connections.state === null ? 0 : 60_000,
  });

  const sweeper = createExpirySweeper({
    store,
    targets,
    intervalMs: config.snapshots.expiry_sweep_seconds * 1000,
    metrics,
    logger,
    actor: 'gateway',
  });

  let accepting = true;
  const app = createApp({
    config,
    verifyToken,
    store,
    runner,
    targets,
    metrics,
    policyDigests,
    logger,
    version: options.version,
    isAccepting: () => accepting,
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
  await runner.start();
  sweeper.start();
  logger.info('gateway_listening', { host: address.address, port: address.port });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    store,
    sweepExpired: (now) => sweeper.sweep(now),
    close: () => {
      closing ??= (async () => {
        accepting = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await runner.stop();
        await sweeper.stop();
        // Idle keep-alive sockets would hold close() open until the grace period; in-flight ones finish.
        const grace = setTimeout(() => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }, config.server.shutdown_grace_ms);
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        await closed;
        clearTimeout(grace);
        await store.close();
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
  logger: Logger,
  version: string,
): Promise<number> {
  if (options.config === undefined || options.config === '')
    throw new GatewayError('usage', '--config <file> is required');
  const config = await loadGatewayConfig(options.config);
  const connections = await resolveGatewayConnections(config, io.env);
  const gateway = await startGateway(config, connections, { env: io.env, logger, version });
  say(io, `lookalike gateway listening on ${gateway.url}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  say(io, 'shutting down…');
  await gateway.close();
  return EXIT_OK;
}
