import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteSqlClient, StateStore } from './index.js';

const REQUEST = {
  requester: 'alice',
  source: 'prod',
  target: 'dev',
  policy: 'app',
  purpose: 'weekly staging copy',
  ttlHours: 24,
  approvalRequired: false,
};

describe('StateStore refresh schedules, renewals and policy versions (embedded PGlite)', () => {
  let dir: string;
  let store: StateStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-state-refresh-'));
    store = await StateStore.open(await openPgliteSqlClient(dir));
  }, 60_000);
  afterAll(async () => {
    await store.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs a request's queued job to success with a delivery database. */
  async function deliver(requestId: string): Promise<void> {
    const request = await store.getSnapshotRequest(requestId);
    const jobId = request?.job?.id ?? '';
    expect(await store.claimJob(jobId, 'w1')).not.toBeNull();
    await store.recordDelivery(requestId, `lk_snap_${requestId.replace(/-/g, '')}`, null);
    await store.finishJob(jobId, { state: 'succeeded', summary: { totalRows: 1, tables: [] } }, null);
  }

  it('records policy versions once per digest, pins the current one on requests, and audits each change', async () => {
    const first = await store.recordPolicyVersion({
      name: 'app',
      digest: 'd1',
      sourceText: 'version: 1',
      policyJson: JSON.stringify({ version: 1, tables: { t: { columns: { a: 'keep' } } } }),
      actor: 'gateway',
      origin: 'config',
      reason: 'configuration file app.policy.yaml',
    });
    expect(first).toMatchObject({ recorded: true, version: { version: 1, digest: 'd1' } });
    const upload = {
      name: 'app',
      digest: 'd2',
      sourceText: 'version: 1 # v2',
      policyJson: JSON.stringify({ version: 1, tables: { t: { columns: { a: 'drop' } } } }),
      actor: 'root',
      origin: 'upload' as const,
      reason: 'ticket 7',
    };
    expect((await store.recordPolicyVersion(upload)).version).toMatchObject({
      version: 2,
      changedSections: ['tables.t'],
    });
    // The same upload again, and the config file seen again at the next start: nothing new.
    expect((await store.recordPolicyVersion(upload)).recorded).toBe(false);
    expect(
      (
        await store.recordPolicyVersion({
          ...upload,
          digest: 'd1',
          origin: 'config',
          actor: 'gateway',
          reason: 'configuration file app.policy.yaml',
        })
      ).recorded,
    ).toBe(false);
    expect((await store.getPolicyVersion('app'))?.version).toBe(2);
    const request = await store.createSnapshotRequest(REQUEST);
    expect(request).toMatchObject({ policyVersion: 2, policyDigest: 'd2' });
    const events = await store.listAudit({ action: 'policy.changed', limit: 10 });
    expect(events.map((e) => [e.actor, e.details.old_digest, e.details.new_digest])).toEqual([
      ['gateway', null, 'd1'],
      ['root', 'd1', 'd2'],
    ]);
  });

  it('starts a due refresh once among racing sweeps, skips while one is pending, and replaces only on delivery', async () => {
    const dueAt = new Date('2030-01-07T06:00:00.000Z');
    const root = await store.createSnapshotRequest({
      ...REQUEST,
      refresh: { cron: '0 6 * * 1', nextAt: dueAt },
    });
    await deliver(root.id);
    expect(await store.dueRefreshes(new Date(dueAt.getTime() - 1))).toEqual([]);
    const due = await store.dueRefreshes(dueAt);
    expect(due).toEqual([{ requestId: root.id, dueAt: dueAt.toISOString() }]);
    const next = new Date('2030-01-14T06:00:00.000Z');
    const [a, b] = await Promise.all([
      store.startRefresh(root.id, dueAt.toISOString(), next),
      store.startRefresh(root.id, dueAt.toISOString(), next),
    ]);
    const started = [a, b].filter((r) => r !== null);
    expect(started).toHaveLength(1);
    const refreshId = started[0]?.requestId ?? '';
    expect(await store.getSnapshotRequest(refreshId)).toMatchObject({
      state: 'queued',
      refreshOf: root.id,
      policyVersion: 2,
      purpose: REQUEST.purpose,
    });

    // The next time comes while the refresh is still queued: skipped, the time moves on.
    const later = new Date('2030-01-21T06:00:00.000Z');
    expect(await store.startRefresh(root.id, next.toISOString(), later)).toBeNull();
    expect((await store.getSnapshotRequest(root.id))?.refresh?.nextAt).toBe(later.toISOString());
    expect(await store.listAudit({ action: 'snapshot.refresh_skipped', limit: 10 })).toHaveLength(1);

    // Until the refresh is delivered, the root's copy is not due to be dropped; then it is.
    const soon = new Date(Date.now() + 3600_000);
    expect((await store.droppableDeliveries(new Date())).map((d) => d.requestId)).not.toContain(root.id);
    await deliver(refreshId);
    const replaced = await store.getSnapshotRequest(root.id);
    expect(replaced?.replacedBy).toBe(refreshId);
    const droppable = await store.droppableDeliveries(soon);
    expect(droppable.find((d) => d.requestId === root.id)).toMatchObject({ reason: 'expired' });
    expect(droppable.map((d) => d.requestId)).not.toContain(refreshId);
  });

  it('renews a delivered snapshot within the lifetime bound, audited with the old and new expiry', async () => {
    const request = await store.createSnapshotRequest(REQUEST);
    await deliver(request.id);
    const before = (await store.getSnapshotRequest(request.id))?.delivery?.expiresAt;
    const renewed = await store.renewSnapshot(request.id, 'alice', 48, 72);
    expect(Date.parse(String(renewed.delivery?.expiresAt))).toBeGreaterThan(Date.parse(String(before)));
    await expect(store.renewSnapshot(request.id, 'alice', 73, 72)).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(store.renewSnapshot('nope', 'alice', 1, 72)).rejects.toMatchObject({ code: 'not_found' });
    const queued = await store.createSnapshotRequest(REQUEST);
    await expect(store.renewSnapshot(queued.id, 'alice', 1, 72)).rejects.toMatchObject({ code: 'conflict' });
    const events = await store.listAudit({ action: 'snapshot.renewed', subject: request.id, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ hours: 48, old_expires_at: before });
  });
});
