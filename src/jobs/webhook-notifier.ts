import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookEventType } from '../config/index.js';
import { toGatewayError, type Logger, type Secret } from '../core/index.js';
import type { SnapshotRequestRecord, StateStore } from '../state/index.js';

/** One configured receiver, its signing secret already read. */
export interface WebhookEndpoint {
  readonly name: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly secret: Secret;
  readonly attempts: number;
  readonly timeoutMs: number;
  /** How long before a TTL ends the `expiring` notice comes. */
  readonly expiringMs: number;
}

/** What happened to a request: identifiers and codes only. */
export interface WebhookNotice {
  readonly event: WebhookEventType;
  readonly requestId: string;
  readonly jobId?: string | null;
  /** e.g. `succeeded`, `failed`, `awaiting_approval`, `expired`. */
  readonly outcome: string;
  readonly errorCode?: string | null;
  /** The sweep's clock (`expiring`: which webhooks' windows the expiry falls in). */
  readonly now?: Date;
}

export interface WebhookNotifier {
  /** Sends in the background to every webhook subscribed to the event; never throws, never blocks. */
  notify(notice: WebhookNotice): void;
  /** The widest `expiring` window of the webhooks (0: none subscribes). */
  expiringWindowMs(): number;
  /** Waits for the deliveries in flight. */
  settled(): Promise<void>;
  /** Stops retrying (pending deliveries end as failed) and waits for them. */
  close(): Promise<void>;
}

export interface WebhookNotifierOptions {
  readonly webhooks: readonly WebhookEndpoint[];
  readonly store: StateStore;
  readonly logger: Logger;
  /** First retry delay, doubled per attempt (default 500 ms, at most 60 s). */
  readonly backoffMs?: number;
}

export const WEBHOOK_HEADERS = {
  id: 'lookalike-webhook-id',
  timestamp: 'lookalike-webhook-timestamp',
  signature: 'lookalike-webhook-signature',
} as const;

/** `v1=` + hex HMAC-SHA256 over `<timestamp>.<body>` (timestamp: Unix seconds, as sent in its header). */
export function webhookSignature(secret: Secret, timestamp: string, body: string): string {
  const mac = createHmac('sha256', secret.reveal()).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `v1=${mac}`;
}

/**
 * Signed JSON notifications with bounded retries. The body names the request, its source and target, times and
 * the outcome, never values, credentials or connection strings. Each delivery's result is an audit event
 * (`webhook.delivered` / `webhook.failed`, naming the webhook and the event, never the body or secret).
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const { store, logger } = options;
  const inFlight = new Set<Promise<void>>();
  const stopped = new AbortController();

  const deliver = async (hook: WebhookEndpoint, notice: WebhookNotice, record: SnapshotRequestRecord) => {
    const id = randomUUID();
    const body = JSON.stringify({
      id,
      type: notice.event,
      created_at: new Date().toISOString(),
      data: {
        request_id: notice.requestId,
        job_id: notice.jobId ?? record.job?.id ?? null,
        source: record.source,
        target: record.target,
        policy: record.policy,
        requester: record.requester,
        state: record.state,
        outcome: notice.outcome,
        error_code: notice.errorCode ?? null,
        requested_at: record.createdAt,
        started_at: record.job?.startedAt ?? null,
        finished_at: record.job?.finishedAt ?? null,
        expires_at: record.delivery?.expiresAt ?? null,
      },
    });
    let attempt = 0;
    let status: number | null = null;
    let failure: string | null = null;
    while (attempt < hook.attempts && !stopped.signal.aborted) {
      if (attempt > 0)
        await sleep(Math.min((options.backoffMs ?? 500) * 2 ** (attempt - 1), 60_000), stopped.signal);
      if (stopped.signal.aborted) break;
      attempt++;
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const response = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WEBHOOK_HEADERS.id]: id,
            [WEBHOOK_HEADERS.timestamp]: timestamp,
            [WEBHOOK_HEADERS.signature]: webhookSignature(hook.secret, timestamp, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(hook.timeoutMs), stopped.signal]),
        });
        status = response.status;
        await response.body?.cancel().catch(() => undefined);
        if (status >= 200 && status < 300) {
          failure = null;
          break;
        }
        failure = 'http_status';
      } catch (error) {
        status = null;
        failure = (error as { name?: unknown }).name === 'TimeoutError' ? 'timeout' : 'unreachable';
      }
    }
    const delivered = failure === null && status !== null;
    await store
      .appendAudit({
        actor: 'gateway',
        action: delivered ? 'webhook.delivered' : 'webhook.failed',
        subject: notice.requestId,
        outcome: delivered ? 'success' : 'failure',
        details: {
          webhook: hook.name,
          event: notice.event,
          delivery_id: id,
          attempts: attempt,
          status,
          ...(delivered ? {} : { error: failure ?? 'stopped' }),
          // Which expiry the notice was about: a renewed snapshot gets a notice for its new expiry.
          ...(notice.event === 'expiring' ? { expires_at: record.delivery?.expiresAt ?? null } : {}),
        },
      })
      .catch((error: unknown) => {
        logger.warn('webhook_audit_failed', { webhook: hook.name, code: toGatewayError(error).code });
      });
    if (!delivered)
      logger.warn('webhook_failed', { webhook: hook.name, event: notice.event, attempts: attempt, status });
  };

  /** `${webhook}:${request}:${expiry}` expiring notices sent or in flight from this process. */
  const expiringSent = new Set<string>();
  const send = async (notice: WebhookNotice, hooks: readonly WebhookEndpoint[]): Promise<void> => {
    const record = await store.getSnapshotRequest(notice.requestId);
    // A run whose job was meanwhile failed elsewhere (orphaned) recorded nothing: no `delivered` for it.
    if (record === null || (notice.event === 'delivered' && record.state !== 'succeeded')) return;
    if (notice.event === 'expiring') hooks = await dueForExpiring(notice, hooks, record);
    await Promise.all(hooks.map((hook) => deliver(hook, notice, record)));
  };
  /** Webhooks whose window the expiry falls in and that have no notice for it yet (here or in the audit log). */
  const dueForExpiring = async (
    notice: WebhookNotice,
    hooks: readonly WebhookEndpoint[],
    record: SnapshotRequestRecord,
  ): Promise<WebhookEndpoint[]> => {
    const expiresAt = record.delivery?.expiresAt;
    if (record.state !== 'succeeded' || expiresAt === null || expiresAt === undefined) return [];
    const left = Date.parse(expiresAt) - (notice.now ?? new Date()).getTime();
    const key = (h: WebhookEndpoint): string => `${h.name}:${record.id}:${expiresAt}`;
    const inWindow = hooks.filter((h) => left <= h.expiringMs && !expiringSent.has(key(h)));
    if (inWindow.length === 0) return [];
    const recorded = await store.listAudit({ subject: record.id, limit: 1000 });
    // A notice about this expiry (an older event without expires_at counts for any: never twice).
    const noticed = new Set(
      recorded
        .filter(
          (e) =>
            e.action.startsWith('webhook.') &&
            e.details.event === 'expiring' &&
            (e.details.expires_at === undefined || e.details.expires_at === expiresAt),
        )
        .map((e) => String(e.details.webhook)),
    );
    const due = inWindow.filter((h) => !noticed.has(h.name) && !expiringSent.has(key(h)));
    for (const h of due) expiringSent.add(key(h));
    return due;
  };

  return {
    notify(notice) {
      const hooks = options.webhooks.filter((h) => h.events.includes(notice.event));
      if (hooks.length === 0 || stopped.signal.aborted) return;
      const running = send(notice, hooks).catch((error: unknown) => {
        logger.warn('webhook_failed', { event: notice.event, code: toGatewayError(error).code });
      });
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
    expiringWindowMs() {
      return Math.max(
        0,
        ...options.webhooks.filter((h) => h.events.includes('expiring')).map((h) => h.expiringMs),
      );
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      stopped.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
