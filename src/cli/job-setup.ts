import { readSecretRef, type GatewayConfig, type GatewayConnections } from '../config/index.js';
import { GatewayError, type Logger } from '../core/index.js';
import type { Detection } from '../detection/index.js';
import {
  createInProcessRunner,
  createPgBossRunner,
  createJobProcessPool,
  createTargetServer,
  createWebhookNotifier,
  type GatewayMetrics,
  type JobRunner,
  type SnapshotExecutor,
  type TargetServer,
  type UnitExecutor,
  type WebhookNotifier,
} from '../jobs/index.js';
import type { LoadUnit, LoadUnitDispatcher, LoadUnitResult, SnapshotEvent } from '../pipeline/index.js';
import type { Policy } from '../policy/index.js';
import type { SnapshotRequestRecord, StateStore } from '../state/index.js';
import {
  runSnapshotJob,
  runUnitJob,
  settingsEnvOf,
  type SnapshotJobPayload,
  type SnapshotJobResult,
  type UnitJobPayload,
} from './snapshot-job.js';
import { withLogFields } from './stderr-logger.js';

/** The configured target servers by name. */
export function createTargetServers(
  config: GatewayConfig,
  connections: GatewayConnections,
): Map<string, TargetServer> {
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
  return targets;
}

/** The configured webhooks, their signing secrets read now (a missing file refuses the start). */
export async function createConfiguredNotifier(
  config: GatewayConfig,
  store: StateStore,
  logger: Logger,
  env: NodeJS.ProcessEnv,
  backoffMs?: number,
): Promise<WebhookNotifier> {
  const webhooks = [];
  for (const hook of config.webhooks)
    webhooks.push({
      name: hook.name,
      url: hook.url,
      events: hook.events,
      secret: await readSecretRef({ file: hook.secret_file }, env, `webhook "${hook.name}" secret`),
      attempts: hook.attempts,
      timeoutMs: hook.timeout_ms,
      expiringMs: hook.expiring_minutes * 60_000,
    });
  return createWebhookNotifier({
    webhooks,
    store,
    logger,
    ...(backoffMs === undefined ? {} : { backoffMs }),
  });
}

export interface SnapshotExecutorDeps {
  readonly config: GatewayConfig;
  readonly connections: GatewayConnections;
  readonly store: StateStore;
  readonly targets: ReadonlyMap<string, TargetServer>;
  readonly policies: ReadonlyMap<string, Policy>;
  /** The environment whose `LOOKALIKE_*` settings the runs use. */
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /**
   * `child_process`: each run in a job process (the gateway: its event loop serves the API);
   * `this_process`: here (a worker, whose event loop serves nothing else).
   */
  readonly isolation: 'child_process' | 'this_process';
  /** Detection for `this_process` runs (tests); loaded on the first job when not given. */
  readonly detection?: Detection;
}

export interface SnapshotExecution {
  readonly execute: SnapshotExecutor;
  /** Runs one unit of a split run, in a job process or here (as `isolation` says). */
  readonly executeUnit: UnitExecutor;
  /** Ends idle job processes (after the runner has stopped). */
  close(): void;
}

/** Each run lands in a fresh database on its target server; a failed run drops what it made. */
export function createSnapshotExecutor(deps: SnapshotExecutorDeps): SnapshotExecution {
  const { store, logger } = deps;
  const settingsEnv = settingsEnvOf(deps.env);
  const pool = deps.isolation === 'child_process' ? createJobProcessPool({ entry: jobProcessEntry() }) : null;
  // A request runs with the policy version it recorded, read from the state store: the same on every
  // replica and worker, whatever their own config files say.
  const versions = new Map<string, Policy>();
  const policyOf = async (request: SnapshotRequestRecord): Promise<Policy | undefined> => {
    if (request.policyVersion === null) return deps.policies.get(request.policy);
    const key = `${request.policy}@${request.policyVersion}`;
    const cached = versions.get(key);
    if (cached !== undefined) return cached;
    const stored = await store.getPolicyVersion(request.policy, request.policyVersion);
    if (stored === null) return undefined;
    const policy = JSON.parse(stored.policyJson) as Policy;
    versions.set(key, policy);
    return policy;
  };
  // Pages are 8 kB on any PostgreSQL built with defaults.
  const blocksPerUnit = Math.max(1, Math.round((deps.config.jobs.unit_mb * 1024 * 1024) / 8192));
  const execute: SnapshotExecutor = async (request, signal, onEvent, context) => {
    const dispatchUnits = deps.config.jobs.unit_mb > 0 ? context?.dispatchUnits : undefined;
    const sourceUrl = deps.connections.sources.get(request.source);
    const target = deps.targets.get(request.target);
    const policy = await policyOf(request);
    if (sourceUrl === undefined || target === undefined || policy === undefined)
      throw new GatewayError(
        'config_invalid',
        'the request names a source, target or policy no longer configured',
      );
    const names = target.namesFor(request.id);
    // Recorded before it exists: whatever a crash leaves half-made is known to the expiry sweep.
    await store.recordDelivery(request.id, names.database, names.role);
    const sinkUrl = await target.create(names);
    try {
      const payload: SnapshotJobPayload = {
        sourceUrl: sourceUrl.reveal().toString('utf8'),
        sinkUrl: sinkUrl.reveal().toString('utf8'),
        policy,
        secret: new Uint8Array(deps.connections.secret.reveal()),
        batchRows: deps.config.jobs.batch_rows,
        settingsEnv,
        ...(request.synth === null ? {} : { synth: request.synth }),
        ...(dispatchUnits === undefined ? {} : { units: { blocksPerUnit } }),
      };
      // The run's own events name the request they serve.
      const runLogger = withLogFields(logger, { request_id: request.id });
      const result =
        pool === null
          ? await runSnapshotJob(payload, signal, onEvent, runLogger, deps.detection, dispatchUnits)
          : await pool.run<SnapshotEvent, SnapshotJobResult>({
              payload,
              signal,
              onEvent,
              logger: runLogger,
              ...(dispatchUnits === undefined
                ? {}
                : {
                    onDispatch: (work, dispatchSignal, onUnitDone) =>
                      dispatchUnits(work as Parameters<LoadUnitDispatcher>[0], dispatchSignal, onUnitDone),
                  }),
            });
      await target.grantRead(names);
      // Kept before the success is recorded: the success's audit event names the manifest id.
      if (request.job !== null && result.manifest !== null)
        await store.recordManifest(request.job.id, result.manifest);
      return result.summary;
    } catch (error) {
      await target.drop(names).then(
        () => store.markDropped(request.id, 'gateway'),
        () => logger.warn('snapshot_drop_failed', { request_id: request.id }),
      );
      throw error;
    }
  };
  const executeUnit: UnitExecutor = async (unit, signal) => {
    const request = await store.getSnapshotRequest(unit.requestId);
    const sourceUrl = request === null ? undefined : deps.connections.sources.get(request.source);
    const target = request === null ? undefined : deps.targets.get(request.target);
    if (request === null || sourceUrl === undefined || target === undefined)
      throw new GatewayError('config_invalid', 'the unit names a source or target no longer configured');
    const payload: UnitJobPayload = {
      sourceUrl: sourceUrl.reveal().toString('utf8'),
      sinkUrl: target.urlFor(target.namesFor(request.id)).reveal().toString('utf8'),
      snapshot: unit.snapshot,
      unit: unit.spec as LoadUnit,
      secret: new Uint8Array(deps.connections.secret.reveal()),
      batchRows: deps.config.jobs.batch_rows,
      settingsEnv,
    };
    const unitLogger = withLogFields(logger, { request_id: request.id, unit: unit.unitId });
    return pool === null
      ? runUnitJob(payload, signal, unitLogger, deps.detection)
      : pool.run<SnapshotEvent, LoadUnitResult>({
          payload,
          signal,
          onEvent: () => undefined,
          logger: unitLogger,
        });
  };
  return { execute, executeUnit, close: () => pool?.close() };
}

export interface JobRunnerDeps {
  readonly config: GatewayConfig;
  readonly connections: GatewayConnections;
  readonly store: StateStore;
  readonly execute: SnapshotExecutor;
  /** Units of work of split runs (PostgreSQL state store; see `jobs.unit_mb`). */
  readonly executeUnit?: UnitExecutor;
  /** Jobs run at once here (0: this process only enqueues). */
  readonly concurrency: number;
  readonly workerId: string;
  readonly logger: Logger;
  readonly metrics?: GatewayMetrics;
  readonly notifier?: WebhookNotifier;
  readonly onLivenessLost?: () => void;
}

/**
 * The queue for the configured state store: pg-boss on PostgreSQL (shared by every gateway and worker on
 * that database), an in-process queue on the embedded store (one process).
 */
export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const common = {
    store: deps.store,
    execute: deps.execute,
    concurrency: deps.concurrency,
    workerId: deps.workerId,
    logger: deps.logger,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    ...(deps.notifier === undefined ? {} : { notifier: deps.notifier }),
  };
  if (deps.connections.state === null) {
    if (deps.concurrency === 0)
      throw new GatewayError(
        'config_invalid',
        'jobs.run_in_process: false needs a PostgreSQL state store (state.connection): the embedded one is single-process',
      );
    // Embedded: one process owns the store, so any running job is from a dead gateway.
    return createInProcessRunner({ ...common, staleAfterMs: 0 });
  }
  return createPgBossRunner({
    ...common,
    stateUrl: deps.connections.state,
    ...(deps.executeUnit === undefined ? {} : { executeUnit: deps.executeUnit }),
    ...(deps.config.jobs.unit_concurrency === undefined
      ? {}
      : { unitConcurrency: deps.config.jobs.unit_concurrency }),
    ...(deps.onLivenessLost === undefined ? {} : { onLivenessLost: deps.onLivenessLost }),
  });
}

/** The job process's module beside this one (source under tsx, compiled under dist/). */
function jobProcessEntry(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './job-process.ts' : './job-process.js', import.meta.url);
}
