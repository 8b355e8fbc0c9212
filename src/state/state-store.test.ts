import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/index.js';
import {
  auditEventHash,
  createAuditVerifier,
  openPgliteSqlClient,
  StateStore,
  type AuditEvent,
} from './index.js';

const REQUEST = {
  requester: 'alice',
  source: 'prod',
  target: 'dev',
  policy: 'pagila',
  purpose: 'reproduce ticket 42',
  ttlHours: 24,
};

describe('StateStore on embedded PGlite (on disk)', () => {
  let dir: string;
  let store: StateStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-state-'));
    store = await StateStore.open(await openPgliteSqlClient(dir));
  }, 60_000);
  afterAll(async () => {
    await store.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('queues a request without approval and waits for an approver otherwise', async () => {
    const direct = await store.createSnapshotRequest({ ...REQUEST, approvalRequired: false });
    expect(direct.state).toBe('queued');
    expect(direct.job?.state).toBe('queued');
    const gated = await store.createSnapshotRequest({ ...REQUEST, approvalRequired: true });
    expect(gated.state).toBe('awaiting_approval');
    expect(gated.job).toBeNull();

    await expect(store.approveSnapshotRequest(gated.id, 'alice')).rejects.toMatchObject({
      code: 'forbidden',
    });
    const approved = await store.approveSnapshotRequest(gated.id, 'bob');
    expect(approved).toMatchObject({ state: 'queued', approvedBy: 'bob', job: { state: 'queued' } });
    await expect(store.approveSnapshotRequest(gated.id, 'bob')).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.approveSnapshotRequest('nope', 'bob')).rejects.toBeInstanceOf(GatewayError);
  });

  it('claims a queued job once, and records how it ended', async () => {
    const request = await store.createSnapshotRequest({ ...REQUEST, approvalRequired: false });
    const jobId = request.job?.id ?? '';
    const claimed = await store.claimJob(jobId, 'w1');
    expect(claimed?.request.state).toBe('running');
    expect(await store.claimJob(jobId, 'w2')).toBeNull();
    await store.finishJob(jobId, { state: 'succeeded', summary: { totalRows: 3, tables: [] } }, null);
    const done = await store.getSnapshotRequest(request.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      job: { state: 'succeeded', summary: { totalRows: 3 } },
    });
    // A finished job is not finished again.
    await store.finishJob(jobId, { state: 'failed', code: 'internal', message: 'x' }, null);
    expect((await store.getSnapshotRequest(request.id))?.state).toBe('succeeded');
  });

  it('cancels a queued request directly, and leaves a running one to its runner', async () => {
    const queued = await store.createSnapshotRequest({ ...REQUEST, approvalRequired: false });
    const cancelled = await store.cancelSnapshotRequest(queued.id, 'alice');
    expect(cancelled).toMatchObject({
      running: false,
      request: { state: 'cancelled', job: { state: 'cancelled' } },
    });
    await expect(store.cancelSnapshotRequest(queued.id, 'alice')).rejects.toMatchObject({ code: 'conflict' });

    const running = await store.createSnapshotRequest({ ...REQUEST, approvalRequired: false });
    await store.claimJob(running.job?.id ?? '', 'w1');
    expect((await store.cancelSnapshotRequest(running.id, 'alice')).running).toBe(true);
  });

  it('refuses a second process on the same directory, and its audit chain verifies', async () => {
    await expect(openPgliteSqlClient(dir)).rejects.toMatchObject({ code: 'conflict' });
    const verification = await store.verifyAudit(3);
    expect(verification.ok).toBe(true);
    if (verification.ok) expect(verification.events).toBeGreaterThan(8);
    const events = await store.listAudit({ limit: 100 });
    expect(events.map((e) => e.action)).toContain('snapshot.approved');
    expect(events.every((e) => !JSON.stringify(e).includes('postgres://'))).toBe(true);
  });

  it('fails jobs found running after a restart as interrupted, never succeeded', async () => {
    const request = await store.createSnapshotRequest({ ...REQUEST, approvalRequired: false });
    await store.claimJob(request.job?.id ?? '', 'w-dead');
    await store.close();
    store = await StateStore.open(await openPgliteSqlClient(dir));
    const failed = await store.failInterruptedJobs(0);
    expect(failed).toContainEqual({ jobId: request.job?.id, requestId: request.id });
    const after = await store.getSnapshotRequest(request.id);
    expect(after).toMatchObject({
      state: 'failed',
      job: { state: 'failed', error: { code: 'interrupted' } },
    });
    const audit = await store.listAudit({ subject: request.id, limit: 10 });
    expect(audit.map((e) => e.action)).toEqual(['snapshot.requested', 'snapshot.started', 'snapshot.failed']);
    expect((await store.verifyAudit()).ok).toBe(true);
  }, 60_000);
});

describe('createAuditVerifier', () => {
  function chain(n: number): AuditEvent[] {
    const events: AuditEvent[] = [];
    let prev = '0'.repeat(64);
    for (let seq = 1; seq <= n; seq++) {
      const body = {
        seq,
        id: `e${seq}`,
        at: '2026-01-01T00:00:00.000Z',
        actor: 'a',
        action: 'x',
        subject: null,
        outcome: 'success' as const,
        details: { n: seq },
        prevHash: prev,
      };
      const event = { ...body, hash: auditEventHash(body) };
      events.push(event);
      prev = event.hash;
    }
    return events;
  }
  const verify = (events: readonly AuditEvent[]) => {
    const verifier = createAuditVerifier();
    for (const e of events) if (!verifier.push(e)) break;
    return verifier.result();
  };

  it('passes an intact chain and names the first edited, removed or reordered event', () => {
    const events = chain(5);
    expect(verify(events)).toEqual({ ok: true, events: 5, head: events[4]?.hash });
    const edited = events.map((e) => (e.seq === 3 ? { ...e, details: { n: 99 } } : e));
    expect(verify(edited)).toMatchObject({
      ok: false,
      brokenAt: { seq: 3, id: 'e3' },
      reason: 'hash_mismatch',
    });
    const removed = events.filter((e) => e.seq !== 2);
    expect(verify(removed)).toMatchObject({ ok: false, brokenAt: { seq: 3 }, reason: 'sequence_gap' });
    const swapped = [events[0], events[2], events[1], events[3]].filter((e) => e !== undefined);
    expect(verify(swapped)).toMatchObject({ ok: false, brokenAt: { id: 'e3' } });
    // Re-hashing an edited event does not help: the next event's link breaks.
    const rehashed = events.map((e) => {
      if (e.seq !== 2) return e;
      const body = { ...e, details: { n: 7 } };
      return { ...body, hash: auditEventHash(body) };
    });
    expect(verify(rehashed)).toMatchObject({ ok: false, brokenAt: { seq: 3 }, reason: 'chain_break' });
  });
});
