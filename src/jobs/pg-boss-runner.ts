import PgBoss from 'pg-boss';
import pg from 'pg';
import {
  ERROR_CODES,
  GatewayError,
  toGatewayError,
  type ErrorCode,
  type Logger,
  type Secret,
} from '../core/index.js';
import type { LoadUnitResult } from '../pipeline/index.js';
import { WORKER_LIVENESS_LOCK, type ClaimedUnit, type StateStore } from '../state/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { notifyInterrupted, type JobRunner } from './job-runner.js';
import { createJobRuns, type JobUnitDispatcher, type SnapshotExecutor } from './job-runs.js';
import type { WebhookNotifier } from './webhook-notifier.js';

/** The pg-boss queue of snapshot jobs (its tables live in schema `pgboss` of the state database). */
export const SNAPSHOT_QUEUE = 'lookalike-snapshot';
/** The pg-boss queue of the units of work of split runs. */
export const UNIT_QUEUE = 'lookalike-unit';

/** A running unit whose heartbeat stopped this long ago goes back to the queue (a dead worker: at once). */
const UNIT_STALE_MS = 60_000;
/** Attempts at one unit before its run fails. */
const UNIT_MAX_ATTEMPTS = 3;

/** Runs one claimed unit of work (in a job process, or here); built by the composition. */
export type UnitExecutor = (unit: ClaimedUnit, signal: AbortSignal) => Promise<LoadUnitResult>;

/**
 * A pg-boss job only delivers a job id to one worker: it is completed as soon as the worker has claimed the
 * job in `lookalike_jobs` (or found it taken). One fetched by a process that died before its claim expires
 * after this and is fetched again by another worker.
 */
const DELIVERY_EXPIRY_SECONDS = 60;

/** A running job whose heartbeat (every 2 s) stopped this long ago is failed even if its lock looks held. */
const STALE_HEARTBEAT_MS = 5 * 60_000;

export interface PgBossRunnerOptions {
  readonly store: StateStore;
  /** The state database (PostgreSQL): pg-boss keeps its queue there (schema `pgboss`). */
  readonly stateUrl: Secret;
  readonly execute: SnapshotExecutor;
  /** Jobs run at once in this process; 0 only enqueues (a gateway whose jobs run on workers). */
  readonly concurrency: number;
  readonly workerId: string;
  readonly logger: Logger;
  readonly progressIntervalMs?: number;
  /** How often running jobs of dead processes are failed (also at start). */
  readonly recoverIntervalMs?: number;
  /** How often an idle slot asks the queue for a job (a job enqueued in this process wakes it at once). */
  readonly pollingIntervalMs?: number;
  /** This process lost its liveness lock (state database session ended): its runs were aborted. */
  readonly onLivenessLost?: () => void;
  readonly metrics?: GatewayMetrics;
  readonly notifier?: WebhookNotifier;
  /**
   * Runs units of work of split runs (from any process sharing the state database); without it this
   * process neither splits its runs nor takes units.
   */
  readonly executeUnit?: UnitExecutor;
  /** Units this process runs at once (default: `concurrency`). */
  readonly unitConcurrency?: number;
  /** How often a split run checks on its units (default 250 ms). */
  readonly unitPollMs?: number;
}

/**
 * Jobs through pg-boss on the PostgreSQL state store: any gateway enqueues, any gateway or worker sharing
 * the state database claims. The job's row in `lookalike_jobs` stays the truth (claimed once, state, audit);
 * pg-boss delivers its id at least once. A process running jobs holds a liveness lock for its life; a
 * running job whose worker no longer holds one is failed (`interrupted`), never resumed or reported complete.
 */
export function createPgBossRunner(options: PgBossRunnerOptions): JobRunner {
  const { store, logger } = options;
  const executeUnit = options.executeUnit;
  const unitSlots = executeUnit === undefined ? 0 : (options.unitConcurrency ?? options.concurrency);
  const runs = createJobRuns({
    ...options,
    ...(executeUnit === undefined ? {} : { dispatchUnits: (...args) => dispatchUnits(...args) }),
  });
  const url = options.stateUrl.reveal().toString('utf8');
  const boss = new PgBoss({
    connectionString: url,
    application_name: 'lookalike-queue',
    max: 3,
    schedule: false,
  });
  // pg-boss reports background errors as events; an unhandled one would end the process.
  boss.on('error', (error) => {
    logger.warn('job_queue_error', { sql_state: sqlStateOf(error) });
  });
  const liveness = new pg.Client({ connectionString: url, application_name: 'lookalike-worker' });
  const slots = new Set<Promise<void>>();
  const wakers = new Set<() => void>();
  let started: Promise<void> | undefined;
  let stopping = false;
  let recoverTimer: NodeJS.Timeout | undefined;

  liveness.on('error', () => {
    if (stopping) return;
    // Its session ended: other processes now fail this worker's running jobs. Stop taking and running any.
    logger.error('worker_liveness_lost', { worker_id: options.workerId });
    stopping = true;
    runs.shutDown();
    for (const unit of activeUnits) unit.abort();
    for (const wake of wakers) wake();
    options.onLivenessLost?.();
  });

  const recover = async (): Promise<void> => {
    // Backstop for a lock that outlives its process (e.g. a pooler holding the session): no heartbeat
    // for `STALE_HEARTBEAT_MS` fails the job too.
    const failed = [
      ...(await store.failOrphanedJobs()),
      ...(await store.failInterruptedJobs(STALE_HEARTBEAT_MS)),
    ];
    if (failed.length > 0) logger.warn('jobs_interrupted', { count: failed.length });
    notifyInterrupted(failed, options.notifier);
  };

  const send = async (jobId: string): Promise<void> => {
    // The job's own id: sending it again while its delivery exists is a no-op.
    await boss.send(
      SNAPSHOT_QUEUE,
      { jobId },
      { id: jobId, retryLimit: 1000, retryDelay: 1, expireInSeconds: DELIVERY_EXPIRY_SECONDS },
    );
    for (const wake of wakers) wake();
  };

  const idle = (): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, options.pollingIntervalMs ?? 1000);
      wakers.add(wake);
    });

  /** One slot: fetch a delivery, claim its job, complete the delivery, run the job; repeat. */
  const slot = async (): Promise<void> => {
    while (!stopping) {
      let delivery: { id: string; data: { jobId?: unknown } } | undefined;
      try {
        [delivery] = await boss.fetch<{ jobId?: unknown }>(SNAPSHOT_QUEUE);
      } catch (error) {
        logger.warn('job_queue_error', { sql_state: sqlStateOf(error) });
      }
      if (delivery === undefined) {
        await idle();
        continue;
      }
      const jobId = delivery.data.jobId;
      try {
        if (typeof jobId !== 'string') {
          await boss.complete(SNAPSHOT_QUEUE, delivery.id); // not ours to run: dropped
          continue;
        }
        if (stopping) {
          // Handed back: another worker fetches it again after the retry delay.
          await boss.fail(SNAPSHOT_QUEUE, delivery.id);
          continue;
        }
        const claimed = await runs.claim(jobId);
        // A lost completion only means the delivery comes again, to find the job taken.
        const completed = boss.complete(SNAPSHOT_QUEUE, delivery.id).catch((error: unknown) => {
          logger.warn('job_queue_error', { sql_state: sqlStateOf(error) });
        });
        // Registered as running here at once (before any await), so a cancel from now on reaches it.
        if (claimed !== null) await runs.execute(claimed);
        await completed;
      } catch (error) {
        logger.error('job_runner_failed', { job_id: String(jobId), code: toGatewayError(error).code });
      }
    }
  };

  const sendUnit = async (jobId: string, unitId: string): Promise<void> => {
    await boss.send(
      UNIT_QUEUE,
      { jobId, unitId },
      { retryLimit: 1000, retryDelay: 1, expireInSeconds: DELIVERY_EXPIRY_SECONDS },
    );
    for (const wake of wakers) wake();
  };

  /**
   * A split run's units: recorded, sent, then watched until every one is done (each reported once), one
   * fails, or the run is aborted; units of dead or silent workers go back to the queue. Whatever ends the
   * wait early ends the units still queued or running.
   */
  const dispatchUnits: JobUnitDispatcher = async (jobId, work, signal, onUnitDone) => {
    await store.units.addUnits(
      jobId,
      work.snapshot,
      work.units.map((unit) => ({ id: unit.id, spec: unit })),
    );
    const reported = new Map<string, LoadUnitResult>();
    try {
      for (const unit of work.units) await sendUnit(jobId, unit.id);
      for (;;) {
        if (signal.aborted) throw new GatewayError('cancelled', 'snapshot cancelled');
        for (const unitId of await store.units.requeueLostUnits(jobId, UNIT_STALE_MS, UNIT_MAX_ATTEMPTS)) {
          logger.warn('unit_requeued', { job_id: jobId, unit: unitId });
          await sendUnit(jobId, unitId);
        }
        const units = await store.units.units(jobId);
        for (const unit of units) {
          if (unit.state !== 'done' || reported.has(unit.unitId)) continue;
          const result = unit.result as LoadUnitResult;
          reported.set(unit.unitId, result);
          onUnitDone(result);
        }
        const failed = units.find((u) => u.state === 'failed');
        if (failed !== undefined)
          throw new GatewayError(
            errorCodeOf(failed.errorCode),
            `unit ${failed.unitId}: ${failed.errorMessage ?? 'failed'}`,
          );
        if (units.some((u) => u.state === 'cancelled'))
          throw new GatewayError('cancelled', 'snapshot cancelled');
        if (reported.size === units.length) return;
        await pause(options.unitPollMs ?? 250, signal);
      }
    } catch (error) {
      await store.units.cancelUnits(jobId).catch(() => undefined);
      throw error;
    }
  };

  const activeUnits = new Set<AbortController>();

  /** Runs a claimed unit to its recorded end, with a heartbeat that stops it when its run no longer wants it. */
  const runUnit = async (unit: ClaimedUnit, execute: UnitExecutor): Promise<void> => {
    const controller = new AbortController();
    activeUnits.add(controller);
    const heartbeat = setInterval(() => {
      store.units.pulse(unit.jobId, unit.unitId, options.workerId).then(
        (go) => {
          if (!go) controller.abort();
        },
        () => logger.warn('unit_heartbeat_not_saved', { job_id: unit.jobId, unit: unit.unitId }),
      );
    }, options.progressIntervalMs ?? 2000);
    logger.info('unit_started', { job_id: unit.jobId, unit: unit.unitId, attempt: unit.attempts });
    let result: LoadUnitResult;
    try {
      result = await execute(unit, controller.signal);
    } catch (error) {
      clearInterval(heartbeat);
      // A unit this process stops with it stays running in the store: once this process's liveness lock is
      // gone, the run puts it back in the queue for another worker.
      if (stopping) return;
      const failure = toGatewayError(error);
      await store.units.finishUnit(unit.jobId, unit.unitId, options.workerId, {
        state: 'failed',
        code: controller.signal.aborted ? 'cancelled' : failure.code,
        message: controller.signal.aborted ? 'stopped: its run no longer needs it' : failure.message,
      });
      logger.warn('unit_failed', { job_id: unit.jobId, unit: unit.unitId, code: failure.code });
      return;
    } finally {
      clearInterval(heartbeat);
      activeUnits.delete(controller);
    }
    // Its rows are committed: a lost record only means the unit is queued again once its heartbeat is stale,
    // and the next attempt finds it loaded.
    await store.units
      .finishUnit(unit.jobId, unit.unitId, options.workerId, { state: 'done', result: { ...result } })
      .then(
        () => logger.info('unit_done', { job_id: unit.jobId, unit: unit.unitId, rows: result.rows }),
        () => logger.warn('unit_done_not_saved', { job_id: unit.jobId, unit: unit.unitId }),
      );
  };

  /** One unit slot: fetch a unit's delivery, claim the unit, complete the delivery, run it; repeat. */
  const unitSlot = async (execute: UnitExecutor): Promise<void> => {
    while (!stopping) {
      let delivery: { id: string; data: { jobId?: unknown; unitId?: unknown } } | undefined;
      try {
        [delivery] = await boss.fetch<{ jobId?: unknown; unitId?: unknown }>(UNIT_QUEUE);
      } catch (error) {
        logger.warn('job_queue_error', { sql_state: sqlStateOf(error) });
      }
      if (delivery === undefined) {
        await idle();
        continue;
      }
      const { jobId, unitId } = delivery.data;
      try {
        if (typeof jobId !== 'string' || typeof unitId !== 'string') {
          await boss.complete(UNIT_QUEUE, delivery.id);
          continue;
        }
        if (stopping) {
          await boss.fail(UNIT_QUEUE, delivery.id);
          continue;
        }
        const claimed = await store.units.claimUnit(jobId, unitId, options.workerId);
        const completed = boss.complete(UNIT_QUEUE, delivery.id).catch((error: unknown) => {
          logger.warn('job_queue_error', { sql_state: sqlStateOf(error) });
        });
        if (claimed !== null) await runUnit(claimed, execute);
        await completed;
      } catch (error) {
        logger.error('unit_runner_failed', { job_id: String(jobId), code: toGatewayError(error).code });
      }
    }
  };

  const startOnce = async (): Promise<void> => {
    try {
      if (options.concurrency > 0 || unitSlots > 0) {
        await liveness.connect();
        await liveness.query('SELECT pg_advisory_lock($1, hashtext($2))', [
          WORKER_LIVENESS_LOCK,
          options.workerId,
        ]);
      }
      await boss.start();
      await boss.createQueue(SNAPSHOT_QUEUE, { name: SNAPSHOT_QUEUE, policy: 'standard' });
      await boss.createQueue(UNIT_QUEUE, { name: UNIT_QUEUE, policy: 'standard' });
    } catch (error) {
      throw new GatewayError('unavailable', 'cannot start the job queue in the state database', {
        ...sqlStateDetails(error),
      });
    }
    await recover();
    // A job whose send was lost (its gateway died between the insert and the send) is sent again.
    for (const jobId of await store.queuedJobIds()) await send(jobId);
    recoverTimer = setInterval(() => {
      recover().catch((error: unknown) => {
        logger.warn('job_recovery_failed', { code: toGatewayError(error).code });
      });
    }, options.recoverIntervalMs ?? 30_000);
    recoverTimer.unref();
    for (let i = 0; i < options.concurrency; i++) slots.add(slot());
    // Unit slots beside job slots: a run waiting for its units never holds the slot a unit needs.
    if (executeUnit !== undefined) for (let i = 0; i < unitSlots; i++) slots.add(unitSlot(executeUnit));
  };

  return {
    start() {
      started ??= startOnce();
      return started;
    },
    enqueue(jobId) {
      if (stopping) return;
      // Sent once the queue has started. A lost send is sent again by the next start.
      (started ?? Promise.reject(new GatewayError('unavailable', 'the job queue has not started')))
        .then(() => send(jobId))
        .catch((error: unknown) => {
          logger.warn('job_enqueue_failed', { job_id: jobId, code: toGatewayError(error).code });
        });
    },
    cancel(requestId) {
      runs.cancel(requestId);
      // Elsewhere, the worker running it reads the cancel flag the store has set, with its next heartbeat.
      return true;
    },
    progress: (requestId) => runs.progress(requestId),
    async stop() {
      stopping = true;
      if (recoverTimer !== undefined) clearInterval(recoverTimer);
      await started?.catch(() => undefined);
      runs.shutDown();
      for (const unit of activeUnits) unit.abort();
      for (const wake of wakers) wake();
      await Promise.allSettled([...slots]);
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await liveness.end().catch(() => undefined);
    },
    get activeJobs() {
      return runs.size;
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorCodeOf(code: string | null): ErrorCode {
  return code !== null && (ERROR_CODES as readonly string[]).includes(code)
    ? (code as ErrorCode)
    : 'internal';
}

function sqlStateOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** SQLSTATE only: driver messages can quote values. */
function sqlStateDetails(error: unknown): { sqlState?: string } {
  const code = sqlStateOf(error);
  return code === null ? {} : { sqlState: code };
}
