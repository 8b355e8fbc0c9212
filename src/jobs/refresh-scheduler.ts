import type { Logger } from '../core/index.js';
import type { StateStore } from '../state/index.js';
import { parseCronSchedule } from './cron-schedule.js';
import { createPeriodicSweep, type PeriodicSweep } from './periodic-sweep.js';
import type { JobRunner } from './job-runner.js';

/** `sweep` starts every refresh due at `now` through the job queue and returns how many. */
export type RefreshScheduler = PeriodicSweep;

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

  return createPeriodicSweep(sweepOnce, options.intervalMs, logger, 'refresh_sweep_failed');
}
