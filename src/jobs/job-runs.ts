import type {
  LoadUnitDispatcher,
  SnapshotEvent,
  SnapshotListener,
  SnapshotSummary,
  SynthSummary,
} from '../pipeline/index.js';
import { qualifiedName, toGatewayError, type Logger } from '../core/index.js';
import type { ClaimedJob, JobProgress, SnapshotRequestRecord, StateStore } from '../state/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { WebhookNotifier } from './webhook-notifier.js';

/** Runs one request's data work (a snapshot, or synthesis); built by the composition (connectors, policies, key). */
export type SnapshotExecutor = (
  request: SnapshotRequestRecord,
  signal: AbortSignal,
  onEvent: SnapshotListener,
  context?: RunContext,
) => Promise<SnapshotSummary | SynthSummary>;

/** What the queue offers a run beyond its request. */
export interface RunContext {
  readonly jobId: string;
  /**
   * Present where units of work reach other processes (the PostgreSQL state store): the run may split its
   * load and have any gateway or worker run the parts.
   */
  readonly dispatchUnits?: LoadUnitDispatcher;
}

/** Runs the units of `jobId` on the queue's workers (see LoadUnitDispatcher). */
export type JobUnitDispatcher = (
  jobId: string,
  ...rest: Parameters<LoadUnitDispatcher>
) => ReturnType<LoadUnitDispatcher>;

export interface JobRunsOptions {
  readonly store: StateStore;
  readonly execute: SnapshotExecutor;
  readonly workerId: string;
  readonly logger: Logger;
  /** How often a running job's progress and heartbeat are written, and its cancel flag read. */
  readonly progressIntervalMs?: number;
  readonly metrics?: GatewayMetrics;
  readonly notifier?: WebhookNotifier;
  readonly dispatchUnits?: JobUnitDispatcher;
}

/** The runs of one process: claim → execute → record, with heartbeat, cancel and live progress. */
export interface JobRuns {
  /** Claims `jobId` and runs it to its recorded end; resolves quietly when another worker has it. */
  run(jobId: string): Promise<void>;
  /** Claims `jobId` for this worker; null when another has it, it was cancelled, or this process stops. */
  claim(jobId: string): Promise<ClaimedJob | null>;
  /** Runs a claimed job to its recorded end. */
  execute(claimed: ClaimedJob): Promise<void>;
  /** Aborts the run of `requestId` here; false when it does not run in this process. */
  cancel(requestId: string): boolean;
  progress(requestId: string): JobProgress | undefined;
  /** Aborts every run as a shutdown (recorded failed: interrupted); `run` then refuses new claims. */
  shutDown(): void;
  readonly size: number;
}

interface ActiveJob {
  readonly controller: AbortController;
  progress: MutableProgress;
  /** The process is stopping: an abort is a shutdown, not the requester's cancel. */
  shuttingDown: boolean;
}

interface MutableProgress {
  phase: string | null;
  tables: Record<string, { rows: number; done: boolean }>;
  rows: number;
}

export function createJobRuns(options: JobRunsOptions): JobRuns {
  const { store, logger } = options;
  const active = new Map<string, ActiveJob>();
  let stopping = false;

  const claim = async (jobId: string): Promise<ClaimedJob | null> =>
    stopping ? null : store.claimJob(jobId, options.workerId);

  async function execute(claimed: ClaimedJob): Promise<void> {
    const { jobId } = claimed;
    const requestId = claimed.request.id;
    const job: ActiveJob = {
      controller: new AbortController(),
      progress: { phase: null, tables: {}, rows: 0 },
      shuttingDown: false,
    };
    active.set(requestId, job);
    // Stopping came while the claim was in flight: the run starts aborted and is recorded as interrupted.
    if (stopping) {
      job.shuttingDown = true;
      job.controller.abort();
    }
    // The heartbeat carries progress and brings back a cancel made on any replica, or the news that the job
    // is no longer this worker's (failed as orphaned elsewhere): both abort the run.
    const heartbeat = setInterval(() => {
      store.recordProgress(jobId, snapshotOf(job.progress)).then(
        (pulse) => {
          if (pulse.cancelRequested || !pulse.running) job.controller.abort();
        },
        () => logger.warn('job_progress_not_saved', { job_id: jobId }),
      );
    }, options.progressIntervalMs ?? 2000);
    logger.info('job_started', { job_id: jobId, request_id: requestId });
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const dispatch = options.dispatchUnits;
      const summary = await options.execute(
        claimed.request,
        job.controller.signal,
        (event) => applyEvent(job.progress, event),
        {
          jobId,
          ...(dispatch === undefined
            ? {}
            : { dispatchUnits: (work, signal, onUnitDone) => dispatch(jobId, work, signal, onUnitDone) }),
        },
      );
      clearInterval(heartbeat);
      await store.finishJob(
        jobId,
        { state: 'succeeded', summary: JSON.parse(JSON.stringify(summary)) as Record<string, unknown> },
        snapshotOf(job.progress),
      );
      options.metrics?.jobFinished('succeeded', seconds(), summary.totalRows);
      options.notifier?.notify({ event: 'delivered', requestId, jobId, outcome: 'succeeded' });
      logger.info('job_succeeded', { job_id: jobId, rows: summary.totalRows });
    } catch (error) {
      clearInterval(heartbeat);
      const gatewayError = toGatewayError(error);
      const outcome = job.shuttingDown
        ? ({ state: 'failed', code: 'interrupted', message: 'the process running the job stopped' } as const)
        : gatewayError.code === 'cancelled'
          ? ({ state: 'cancelled', code: 'cancelled', message: 'cancelled while running' } as const)
          : ({ state: 'failed', code: gatewayError.code, message: gatewayError.message } as const);
      await store.finishJob(jobId, outcome, snapshotOf(job.progress));
      options.metrics?.jobFinished(outcome.state, seconds(), job.progress.rows);
      if (outcome.code === 'leak_found') options.metrics?.leaksFound(1);
      if (outcome.state === 'failed')
        options.notifier?.notify({
          event: outcome.code === 'leak_found' ? 'leak_found' : 'failed',
          requestId,
          jobId,
          outcome: outcome.state,
          errorCode: outcome.code,
        });
      logger.warn(`job_${outcome.state}`, { job_id: jobId, code: outcome.code });
    } finally {
      clearInterval(heartbeat);
      active.delete(requestId);
    }
  }

  return {
    async run(jobId) {
      const claimed = await claim(jobId);
      if (claimed !== null) await execute(claimed);
    },
    claim,
    execute,
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
    shutDown() {
      stopping = true;
      for (const job of active.values()) {
        job.shuttingDown = true;
        job.controller.abort();
      }
    },
    get size() {
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
    case 'read_progress':
      // Reads outside the load (the value pass, verification): a job's progress counts loaded rows.
      return;
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
