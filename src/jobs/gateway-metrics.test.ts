import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from './gateway-metrics.js';

describe('createGatewayMetrics', () => {
  it('renders counters and a cumulative duration histogram in the Prometheus text format', () => {
    const metrics = createGatewayMetrics();
    metrics.jobFinished('succeeded', 3, 100);
    metrics.jobFinished('failed', 120, 7);
    metrics.authFailed();
    metrics.leaksFound(2);
    metrics.snapshotsDropped('expired');
    const text = metrics.render({ queued: 1, running: 0 });
    const lines = text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE lookalike_jobs gauge',
        'lookalike_jobs{state="queued"} 1',
        'lookalike_jobs_finished_total{state="succeeded"} 1',
        'lookalike_jobs_finished_total{state="failed"} 1',
        'lookalike_rows_processed_total 107',
        'lookalike_job_duration_seconds_bucket{le="1"} 0',
        'lookalike_job_duration_seconds_bucket{le="5"} 1',
        'lookalike_job_duration_seconds_bucket{le="300"} 2',
        'lookalike_job_duration_seconds_bucket{le="+Inf"} 2',
        'lookalike_job_duration_seconds_sum 123',
        'lookalike_job_duration_seconds_count 2',
        'lookalike_auth_failures_total 1',
        'lookalike_leaks_found_total 2',
        'lookalike_snapshots_dropped_total{reason="expired"} 1',
        'lookalike_snapshots_dropped_total{reason="discarded"} 0',
      ]),
    );
    expect(text.endsWith('\n')).toBe(true);
    // Every sample line belongs to a declared metric family.
    const families = new Set(lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
    for (const line of lines.filter((l) => l !== '' && !l.startsWith('#'))) {
      const name = /^[a-z_]+/.exec(line)?.[0] ?? '';
      expect([...families].some((f) => name === f || name.startsWith(`${f}_`))).toBe(true);
    }
  });

  it('serves the log scrubber counts by kind when given them, and no such family otherwise', () => {
    const counts = { email: 0, password: 0 };
    const metrics = createGatewayMetrics({ logRedactions: () => counts });
    counts.password = 2;
    const lines = metrics.render({}).split('\n');
    expect(lines).toContain('# TYPE lookalike_log_redactions_total counter');
    expect(lines).toContain('lookalike_log_redactions_total{kind="password"} 2');
    expect(lines).toContain('lookalike_log_redactions_total{kind="email"} 0');
    expect(createGatewayMetrics().render({})).not.toContain('lookalike_log_redactions_total');
  });
});
