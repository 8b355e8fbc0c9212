import PgBoss from 'pg-boss';
import pg from 'pg';
import { GatewayError, toGatewayError, type Logger, type Secret } from '../core/index.js';
import { WORKER_LIVENESS_LOCK, type StateStore } from '../state/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { notifyInterrupted, type JobRunner } from './job-runner.js';
import { createJobRuns, type SnapshotExecutor } from './job-runs.js';
import type { WebhookNotifier } from './webhook-notifier.js';

/** The pg-boss queue of snapshot jobs (its tables live in schema `pgboss` of the state database). */
export const SNAPSHOT_QUEUE = 'lookalike-snapshot';

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
}

/**
 * Jobs through pg-boss on the PostgreSQL state store: any gateway enqueues, any gateway or worker sharing
 * the state database claims. The job's row in `lookalike_jobs` stays the truth (claimed once, state, audit);
 * pg-boss delivers its id at least once. A process running jobs holds a liveness lock for its life; a
 * running job whose worker no longer holds one is failed (`interrupted`), never resumed or reported complete.
 */
export function createPgBossRunner(options: PgBossRunnerOptions): JobRunner {
  const { store, logger } = options;
  const runs = createJobRuns(options);
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

  const startOnce = async (): Promise<void> => {
    try {
      if (options.concurrency > 0) {
        await liveness.connect();
        await liveness.query('SELECT pg_advisory_lock($1, hashtext($2))', [
          WORKER_LIVENESS_LOCK,
          options.workerId,
        ]);
      }
      await boss.start();
      await boss.createQueue(SNAPSHOT_QUEUE, { name: SNAPSHOT_QUEUE, policy: 'standard' });
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
    for (let i = 0; i < options.concurrency; i++) {
      const running = slot();
      slots.add(running);
    }
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

function sqlStateOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** SQLSTATE only: driver messages can quote values. */
function sqlStateDetails(error: unknown): { sqlState?: string } {
  const code = sqlStateOf(error);
  return code === null ? {} : { sqlState: code };
}
