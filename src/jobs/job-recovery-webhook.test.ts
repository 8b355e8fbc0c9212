import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, Secret, silentLogger } from '../core/index.js';
import { openPgliteSqlClient, StateStore } from '../state/index.js';
import { createInProcessRunner } from './job-runner.js';
import { createWebhookNotifier } from './webhook-notifier.js';

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('jobs failed by recovery', () => {
  let dir: string;
  let store: StateStore;
  const received: { type: string; data: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      received.push(JSON.parse(body) as (typeof received)[number]);
      response.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-recovery-'));
    store = await StateStore.open(await openPgliteSqlClient(dir));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('send the failed webhook with error code interrupted when a restarted runner fails them', async () => {
    const request = await store.createSnapshotRequest({
      requester: 'alice',
      source: 'prod',
      target: 'dev',
      policy: 'pagila',
      purpose: 'a run whose process died',
      ttlHours: 24,
      approvalRequired: false,
    });
    const jobId = request.job?.id ?? '';
    // A process claimed it and died: the job is left running with nobody behind it.
    await store.claimJob(jobId, 'w-dead');
    const notifier = createWebhookNotifier({
      store,
      logger: silentLogger,
      webhooks: [
        {
          name: 'ops',
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
          events: ['failed'],
          secret: new Secret(Buffer.from('whsec-recovery-test')),
          attempts: 1,
          timeoutMs: 5000,
          expiringMs: 0,
        },
      ],
    });
    const runner = createInProcessRunner({
      store,
      execute: () => Promise.reject(new GatewayError('internal', 'no job should run here')),
      concurrency: 1,
      workerId: 'w-new',
      logger: silentLogger,
      staleAfterMs: 0,
      notifier,
    });
    await runner.start();
    await notifier.settled();
    await runner.stop();
    await notifier.close();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      type: 'failed',
      data: { request_id: request.id, job_id: jobId, state: 'failed', error_code: 'interrupted' },
    });
  });
});
