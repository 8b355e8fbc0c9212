/**
 * The gateway's in-process counters, rendered in the Prometheus text format (0.0.4). Labels are closed
 * sets (job outcomes, error codes), never principals or names from requests.
 */
export interface GatewayMetrics {
  jobFinished(state: 'succeeded' | 'failed' | 'cancelled', seconds: number, rows: number): void;
  authFailed(): void;
  leaksFound(count: number): void;
  snapshotsDropped(reason: 'expired' | 'discarded'): void;
  /** The text exposition; `jobsByState` comes from the state store (all replicas). */
  render(jobsByState: Readonly<Record<string, number>>): string;
}

/** Upper bounds of the job duration histogram, in seconds. */
const DURATION_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 14_400];

export interface GatewayMetricsOptions {
  /** The process logger's scrubber counts, by kind: rendered as `lookalike_log_redactions_total`. */
  readonly logRedactions?: () => Readonly<Record<string, number>>;
}

export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const finished = { succeeded: 0, failed: 0, cancelled: 0 };
  const buckets = DURATION_BUCKETS.map(() => 0);
  let durationSum = 0;
  let durationCount = 0;
  let rows = 0;
  let authFailures = 0;
  let leaks = 0;
  const dropped = { expired: 0, discarded: 0 };

  return {
    jobFinished(state, seconds, jobRows) {
      finished[state]++;
      rows += jobRows;
      durationSum += seconds;
      durationCount++;
      DURATION_BUCKETS.forEach((le, i) => {
        if (seconds <= le) buckets[i] = (buckets[i] ?? 0) + 1;
      });
    },
    authFailed() {
      authFailures++;
    },
    leaksFound(count) {
      leaks += count;
    },
    snapshotsDropped(reason) {
      dropped[reason]++;
    },
    render(jobsByState) {
      const lines: string[] = [];
      const metric = (name: string, type: string, help: string, samples: readonly string[]): void => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
      };
      metric(
        'lookalike_jobs',
        'gauge',
        'Snapshot jobs in the state store by state.',
        Object.entries(jobsByState).map(([state, n]) => `lookalike_jobs{state="${state}"} ${n}`),
      );
      metric(
        'lookalike_jobs_finished_total',
        'counter',
        'Jobs this process finished, by outcome.',
        Object.entries(finished).map(([state, n]) => `lookalike_jobs_finished_total{state="${state}"} ${n}`),
      );
      metric('lookalike_rows_processed_total', 'counter', 'Rows copied by jobs this process ran.', [
        `lookalike_rows_processed_total ${rows}`,
      ]);
      metric('lookalike_job_duration_seconds', 'histogram', 'Duration of finished jobs.', [
        ...DURATION_BUCKETS.map((le, i) => `lookalike_job_duration_seconds_bucket{le="${le}"} ${buckets[i]}`),
        `lookalike_job_duration_seconds_bucket{le="+Inf"} ${durationCount}`,
        `lookalike_job_duration_seconds_sum ${durationSum}`,
        `lookalike_job_duration_seconds_count ${durationCount}`,
      ]);
      metric('lookalike_auth_failures_total', 'counter', 'Requests refused for a missing or invalid token.', [
        `lookalike_auth_failures_total ${authFailures}`,
      ]);
      metric('lookalike_leaks_found_total', 'counter', 'Leaks found by snapshot verification.', [
        `lookalike_leaks_found_total ${leaks}`,
      ]);
      metric(
        'lookalike_snapshots_dropped_total',
        'counter',
        'Delivered databases dropped at expiry, or discarded after a failed run.',
        Object.entries(dropped).map(([r, n]) => `lookalike_snapshots_dropped_total{reason="${r}"} ${n}`),
      );
      if (options.logRedactions !== undefined)
        metric(
          'lookalike_log_redactions_total',
          'counter',
          'Values the log scrubber replaced in log lines, by kind (a field that should not have held one).',
          Object.entries(options.logRedactions()).map(
            ([k, n]) => `lookalike_log_redactions_total{kind="${k}"} ${n}`,
          ),
        );
      return `${lines.join('\n')}\n`;
    },
  };
}
