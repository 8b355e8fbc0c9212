import type { SnapshotEvent, SnapshotListener, SnapshotSummary } from '../pipeline/index.js';
import { qualifiedName, toGatewayError, type Logger } from '../core/index.js';
import type { JobProgress, SnapshotRequestRecord, StateStore } from '../state/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/** Runs one snapshot request's data work; built by the composition (connectors, policies, key). */
export type SnapshotExecutor = (
  request: SnapshotRequestRecord,
  signal: AbortSignal,
  onEvent: SnapshotListener,
) => Promise<SnapshotSummary>;

/**
 * Where queued jobs run. The in-process runner serves the embedded mode; a queue-backed one (pg-boss on
 * the PostgreSQL state store) can take its place behind the same interface.
 */
export interface JobRunner {
  /** Recovers interrupted jobs, then picks up every queued one. */
  start(): Promise<void>;
  /** Schedules a queued job. */
  enqueue(jobId: string): void;
  /** Aborts the run of `requestId` in this process (reaches its AbortSignal); false when not running here. */
  cancel(requestId: string): boolean;
  /** Live progress of a run in this process. */
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
}

interface ActiveJob {
  readonly controller: AbortController;
  progress: MutableProgress;
  /** The gateway is stopping: an abort is a shutdown, not the requester's cancel. */
  shuttingDown: boolean;
}

interface MutableProgress {
  phase: string | null;
  tables: Record<string, { rows: number; done: boolean }>;
  rows: number;
}

/** A bounded pool of snapshot runs in this process, fed from the store's queued jobs. */
export function createInProcessRunner(options: InProcessRunnerOptions): JobRunner {
  const { store, logger } = options;
  const pending: string[] = [];
  const active = new Map<string, ActiveJob>();
  const finished = new Set<Promise<void>>();
  let stopping = false;

  const pump = (): void => {
    // In-flight runs, not `active`: a run joins `active` only after its claim, which is asynchronous.
    while (!stopping && finished.size < options.concurrency && pending.length > 0) {
      const jobId = pending.shift();
      if (jobId === undefined) break;
      const run = runJob(jobId).catch((error: unknown) => {
        logger.error('job_runner_failed', { job_id: jobId, code: toGatewayError(error).code });
      });
      finished.add(run);
      void run.finally(() => {
        finished.delete(run);
        pump();
      });
    }
  };

  async function runJob(jobId: string): Promise<void> {
    const claimed = await store.claimJob(jobId, options.workerId);
    if (claimed === null) return; // cancelled meanwhile, or another worker has it
    const requestId = claimed.request.id;
    const job: ActiveJob = {
      controller: new AbortController(),
      progress: { phase: null, tables: {}, rows: 0 },
      shuttingDown: false,
    };
    active.set(requestId, job);
    // stop() came while the claim was in flight: the run starts aborted and is recorded as interrupted.
    if (stopping) {
      job.shuttingDown = true;
      job.controller.abort();
    }
    let lastWrite = 0;
    const interval = options.progressIntervalMs ?? 2000;
    const onEvent = (event: SnapshotEvent): void => {
      applyEvent(job.progress, event);
      const now = performance.now();
      if (now - lastWrite < interval) return;
      lastWrite = now;
      store.recordProgress(jobId, snapshotOf(job.progress)).catch(() => {
        logger.warn('job_progress_not_saved', { job_id: jobId });
      });
    };
    logger.info('job_started', { job_id: jobId, request_id: requestId });
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const summary = await options.execute(claimed.request, job.controller.signal, onEvent);
      await store.finishJob(
        jobId,
        { state: 'succeeded', summary: JSON.parse(JSON.stringify(summary)) as Record<string, unknown> },
        snapshotOf(job.progress),
      );
      options.metrics?.jobFinished('succeeded', seconds(), summary.totalRows);
      logger.info('job_succeeded', { job_id: jobId, rows: summary.totalRows });
    } catch (error) {
      const gatewayError = toGatewayError(error);
      const outcome = job.shuttingDown
        ? ({ state: 'failed', code: 'interrupted', message: 'the gateway stopped during the run' } as const)
        : gatewayError.code === 'cancelled'
          ? ({ state: 'cancelled', code: 'cancelled', message: 'cancelled while running' } as const)
          : ({ state: 'failed', code: gatewayError.code, message: gatewayError.message } as const);
      await store.finishJob(jobId, outcome, snapshotOf(job.progress));
      options.metrics?.jobFinished(outcome.state, seconds(), job.progress.rows);
      if (outcome.code === 'leak_found') options.metrics?.leaksFound(1);
      logger.warn(`job_${outcome.state}`, { job_id: jobId, code: outcome.code });
    } finally {
      active.delete(requestId);
    }
  }

  return {
    async start() {
      const failed = await store.failInterruptedJobs(options.staleAfterMs);
      if (failed.length > 0) logger.warn('jobs_interrupted', { count: failed.length });
      for (const jobId of await store.queuedJobIds()) if (!pending.includes(jobId)) pending.push(jobId);
      pump();
    },
    enqueue(jobId) {
      if (stopping || pending.includes(jobId)) return;
      pending.push(jobId);
      pump();
    },
    cancel(requestId) {
      const job = active.get(requestId);
      if (job === undefined) return false;
      job.controller.abort();
      return true;
    },
    progress(requestId) {
      const job = active.get(requestId);
      return job === undefined ? undefined : snapshotOf(job.progress);
    },
    async stop() {
      stopping = true;
      pending.length = 0;
      for (const job of active.values()) {
        job.shuttingDown = true;
        job.controller.abort();
      }
      await Promise.allSettled([...finished]);
    },
    get activeJobs() {
      return active.size;
    },
  };
}

function applyEvent(progress: MutableProgress, event: SnapshotEvent): void {
  switch (event.type) {
    case 'phase':
      progress.phase = event.phase;
      return;
    case 'table_started':
      progress.tables[qualifiedName(event.table)] = { rows: 0, done: false };
      return;
    case 'table_progress':
      progress.tables[qualifiedName(event.table)] = { rows: event.rows, done: false };
      break;
    case 'table_finished':
      progress.tables[qualifiedName(event.table)] = { rows: event.rows, done: true };
      break;
  }
  progress.rows = Object.values(progress.tables).reduce((sum, t) => sum + t.rows, 0);
}

function snapshotOf(progress: MutableProgress): JobProgress {
  return {
    phase: progress.phase,
    tables: Object.fromEntries(Object.entries(progress.tables).map(([k, v]) => [k, { ...v }])),
    rows: progress.rows,
  };
}
