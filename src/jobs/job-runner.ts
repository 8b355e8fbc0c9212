import { toGatewayError, type Logger } from '../core/index.js';
import type { FailedJob, JobProgress, StateStore } from '../state/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { createJobRuns, type SnapshotExecutor } from './job-runs.js';
import type { WebhookNotifier } from './webhook-notifier.js';

export type { SnapshotExecutor } from './job-runs.js';

/**
 * Where queued jobs run. Two implementations: an in-process queue for the embedded store, and pg-boss on the
 * PostgreSQL state store (`createPgBossRunner`), where several gateways and workers share the queue.
 */
export interface JobRunner {
  /** Recovers interrupted jobs, then picks up every queued one. */
  start(): Promise<void>;
  /** Schedules a queued job. */
  enqueue(jobId: string): void;
  /**
   * Aborts the run of `requestId` if it runs in this process; true when the cancel reaches the run (here,
   * or through the state store's cancel flag that the worker running it reads with its heartbeat).
   */
  cancel(requestId: string): boolean;
  /** Live progress of a run in this process (other processes' runs: the stored progress). */
  progress(requestId: string): JobProgress | undefined;
  /** Takes no new work, aborts running jobs (recorded as failed: interrupted) and waits for them. */
  stop(): Promise<void>;
  readonly activeJobs: number;
}

export interface InProcessRunnerOptions {
  readonly store: StateStore;
  readonly execute: SnapshotExecutor;
  readonly concurrency: number;
  readonly workerId: string;
  readonly logger: Logger;
  /** Jobs left running with an older heartbeat are failed at start (0: every one, the embedded store). */
  readonly staleAfterMs: number;
  /** How often live progress is written to the store (heartbeat). */
  readonly progressIntervalMs?: number;
  readonly metrics?: GatewayMetrics;
  readonly notifier?: WebhookNotifier;
}

/** A bounded pool of snapshot runs in this process, fed from the store's queued jobs. */
export function createInProcessRunner(options: InProcessRunnerOptions): JobRunner {
  const { store, logger } = options;
  const runs = createJobRuns(options);
  const pending: string[] = [];
  const finished = new Set<Promise<void>>();
  let stopping = false;

  const pump = (): void => {
    // In-flight runs, not `runs.size`: a run joins it only after its claim, which is asynchronous.
    while (!stopping && finished.size < options.concurrency && pending.length > 0) {
      const jobId = pending.shift();
      if (jobId === undefined) break;
      const run = runs.run(jobId).catch((error: unknown) => {
        logger.error('job_runner_failed', { job_id: jobId, code: toGatewayError(error).code });
      });
      finished.add(run);
      void run.finally(() => {
        finished.delete(run);
        pump();
      });
    }
  };

  return {
    async start() {
      const failed = await store.failInterruptedJobs(options.staleAfterMs);
      if (failed.length > 0) logger.warn('jobs_interrupted', { count: failed.length });
      notifyInterrupted(failed, options.notifier);
      for (const jobId of await store.queuedJobIds()) if (!pending.includes(jobId)) pending.push(jobId);
      pump();
    },
    enqueue(jobId) {
      if (stopping || pending.includes(jobId)) return;
      pending.push(jobId);
      pump();
    },
    cancel: (requestId) => runs.cancel(requestId),
    progress: (requestId) => runs.progress(requestId),
    async stop() {
      stopping = true;
      pending.length = 0;
      runs.shutDown();
      await Promise.allSettled([...finished]);
    },
    get activeJobs() {
      return runs.size;
    },
  };
}

/** The `failed` webhook for jobs failed by recovery (their process died): a run's own failure sends it too. */
export function notifyInterrupted(failed: readonly FailedJob[], notifier: WebhookNotifier | undefined): void {
  for (const { jobId, requestId } of failed)
    notifier?.notify({ event: 'failed', requestId, jobId, outcome: 'failed', errorCode: 'interrupted' });
}
