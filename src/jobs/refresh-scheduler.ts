import { toGatewayError, type Logger } from '../core/index.js';
import type { StateStore } from '../state/index.js';
import { parseCronSchedule } from './cron-schedule.js';
import type { JobRunner } from './job-runner.js';

export interface RefreshScheduler {
  /** Starts every refresh due at `now` (default: the clock) through the job queue; returns how many. */
  sweep(now?: Date): Promise<number>;
  /** Sweeps once now and then every interval. */
  start(): void;
  /** Stops the timer and waits for a sweep in flight. */
  stop(): Promise<void>;
}

export interface RefreshSchedulerOptions {
  readonly store: StateStore;
  readonly runner: JobRunner;
  readonly intervalMs: number;
  readonly logger: Logger;
}

/**
 * Refresh schedules (`refresh.cron` of a request) live on their request's row with the next time due; a
 * sweep claims each due one in the state database (one replica wins), queues a new request through the
 * same queue as any other, and sets the next time from the cron expression. A sweep rather than pg-boss's
 * own schedules: one path for the embedded and PostgreSQL stores, the schedule changes in the same
 * transaction as the request it starts, and the clock can be given (tests).
 */
export function createRefreshScheduler(options: RefreshSchedulerOptions): RefreshScheduler {
  const { store, runner, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const sweepOnce = async (now: Date): Promise<number> => {
    let started = 0;
    for (const due of await store.dueRefreshes(now)) {
      const root = await store.getSnapshotRequest(due.requestId);
      if (root?.refresh == null) continue;
      // The next time after now, not after the due time: a gateway that was down does not catch up a backlog.
      const nextAt = parseCronSchedule(root.refresh.cron).next(now);
      const refresh = await store.startRefresh(due.requestId, due.dueAt, nextAt);
      if (refresh === null) continue;
      runner.enqueue(refresh.jobId);
      started++;
      logger.info('snapshot_refresh_started', { request_id: refresh.requestId, refresh_of: due.requestId });
    }
    return started;
  };

  const sweep = (now = new Date()): Promise<number> => {
    const next = (running ?? Promise.resolve(0)).then(
      () => sweepOnce(now),
      () => sweepOnce(now),
    );
    running = next;
    return next;
  };

  const background = (): void => {
    sweep().catch((error: unknown) => {
      logger.warn('refresh_sweep_failed', { code: toGatewayError(error).code });
    });
  };

  return {
    sweep,
    start() {
      background();
      timer = setInterval(background, options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
