import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, Secret, silentLogger } from '../src/core/index.js';
import { createInProcessRunner, type SnapshotExecutor } from '../src/jobs/index.js';
import type { SnapshotSummary } from '../src/pipeline/index.js';
import { openPgSqlClient, StateStore, WORKER_LIVENESS_LOCK } from '../src/state/index.js';
import { createDatabase, databaseUrl, dropDatabase } from './helpers/databases.js';

const REQUEST = {
  requester: 'alice',
  source: 'shop',
  target: 'dev',
  policy: 'people',
  purpose: 'runner test',
  ttlHours: 1,
  approvalRequired: false,
};

/** An executor that reports a phase and a table, then waits until its signal aborts. */
const blockingExecutor =
  (seen: AbortSignal[]): SnapshotExecutor =>
  (_request, signal, onEvent) => {
    seen.push(signal);
    onEvent({ type: 'phase', phase: 'load' });
    onEvent({ type: 'table_progress', table: { schema: 'public', name: 'people' }, rows: 42 });
    return new Promise<SnapshotSummary>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new GatewayError('cancelled', 'snapshot cancelled')));
    });
  };

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition never held');
}

describe('in-process job runner on the PostgreSQL state store', () => {
  let db: string;
  let store: StateStore;
  beforeAll(async () => {
    db = await createDatabase('gwjobs');
    store = await StateStore.open(openPgSqlClient(new Secret(Buffer.from(databaseUrl(db)))));
  });
  afterAll(async () => {
    await store?.close();
    if (db !== undefined) await dropDatabase(db);
  });

  it('reaches the running job’s AbortSignal on cancel and records it cancelled, with live progress', async () => {
    const signals: AbortSignal[] = [];
    const runner = createInProcessRunner({
      store,
      execute: blockingExecutor(signals),
      concurrency: 1,
      workerId: 'w1',
      logger: silentLogger,
      staleAfterMs: 0,
    });
    await runner.start();
    const record = await store.createSnapshotRequest(REQUEST);
    runner.enqueue(record.job?.id ?? '');
    await until(() => runner.activeJobs === 1);
    expect(runner.progress(record.id)).toEqual({
      phase: 'load',
      rows: 42,
      tables: { 'public.people': { rows: 42, done: false } },
    });
    const { running } = await store.cancelSnapshotRequest(record.id, 'alice');
    expect(running).toBe(true);
    expect(runner.cancel(record.id)).toBe(true);
    expect(signals[0]?.aborted).toBe(true);
    await until(async () => (await store.getSnapshotRequest(record.id))?.state === 'cancelled');
    expect((await store.getSnapshotRequest(record.id))?.job?.error?.code).toBe('cancelled');
    await runner.stop();
  });

  it('runs at most `concurrency` jobs at once, and a shutdown fails running jobs as interrupted', async () => {
    const signals: AbortSignal[] = [];
    const runner = createInProcessRunner({
      store,
      execute: blockingExecutor(signals),
      concurrency: 2,
      workerId: 'w2',
      logger: silentLogger,
      staleAfterMs: 0,
    });
    await runner.start();
    const records = [
      await store.createSnapshotRequest(REQUEST),
      await store.createSnapshotRequest(REQUEST),
      await store.createSnapshotRequest(REQUEST),
    ];
    for (const r of records) runner.enqueue(r.job?.id ?? '');
    await until(() => runner.activeJobs === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(runner.activeJobs).toBe(2);
    expect((await store.getSnapshotRequest(records[2]?.id ?? ''))?.state).toBe('queued');
    await runner.stop();
    expect(signals.every((s) => s.aborted)).toBe(true);
    const states = await Promise.all(records.map(async (r) => (await store.getSnapshotRequest(r.id))?.job));
    expect(states.map((j) => `${j?.state}:${j?.error?.code ?? ''}`)).toEqual([
      'failed:interrupted',
      'failed:interrupted',
      'queued:',
    ]);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('records a failed run with its error code and message (names only)', async () => {
    const runner = createInProcessRunner({
      store,
      execute: () => Promise.reject(new GatewayError('target_not_empty', 'target database "x" is not empty')),
      concurrency: 1,
      workerId: 'w3',
      logger: silentLogger,
      staleAfterMs: 0,
    });
    // Picks up the job the previous shutdown left queued, too.
    await runner.start();
    const record = await store.createSnapshotRequest(REQUEST);
    runner.enqueue(record.job?.id ?? '');
    await until(async () => (await store.getSnapshotRequest(record.id))?.state === 'failed');
    expect((await store.getSnapshotRequest(record.id))?.job?.error).toEqual({
      code: 'target_not_empty',
      message: 'target database "x" is not empty',
    });
    await until(async () => (await store.queuedJobIds()).length === 0);
    await runner.stop();
  });

  it('fails a running job as interrupted only once its worker holds no liveness lock, and carries cancels in the heartbeat', async () => {
    const record = await store.createSnapshotRequest(REQUEST);
    const jobId = record.job?.id ?? '';
    await store.claimJob(jobId, 'live-worker');
    const session = new pg.Client({ connectionString: databaseUrl(db) });
    await session.connect();
    await session.query('SELECT pg_advisory_lock($1, hashtext($2))', [WORKER_LIVENESS_LOCK, 'live-worker']);
    const progress = { phase: null, tables: {}, rows: 0 };
    try {
      expect(await store.failOrphanedJobs()).toEqual([]);
      expect(await store.recordProgress(jobId, progress)).toEqual({ running: true, cancelRequested: false });
      await store.cancelSnapshotRequest(record.id, 'alice');
      expect(await store.recordProgress(jobId, progress)).toEqual({ running: true, cancelRequested: true });
    } finally {
      await session.end();
    }
    // The worker's session is gone: its job can only have died with it.
    await until(async () => (await store.failOrphanedJobs()).some((f) => f.jobId === jobId));
    expect((await store.getSnapshotRequest(record.id))?.job).toMatchObject({
      state: 'failed',
      error: { code: 'interrupted' },
    });
    expect(await store.recordProgress(jobId, progress)).toEqual({ running: false, cancelRequested: false });
  });
});
