import { toGatewayError, type Logger } from '../core/index.js';
import type { StateStore } from '../state/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { TargetServer } from './target-server.js';
import type { WebhookNotifier } from './webhook-notifier.js';

export interface ExpirySweeper {
  /** Drops every delivery due at `now` (expired, or left by a failed run); returns how many were dropped. */
  sweep(now?: Date): Promise<number>;
  /** Sweeps once now (not awaited by the caller's readiness) and then every interval. */
  start(): void;
  /** Stops the timer and waits for a sweep in flight. */
  stop(): Promise<void>;
}

export interface ExpirySweeperOptions {
  readonly store: StateStore;
  readonly targets: ReadonlyMap<string, TargetServer>;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Audit actor of the drops (this gateway's worker id). */
  readonly actor: string;
  readonly metrics?: GatewayMetrics;
  readonly notifier?: WebhookNotifier;
}

/** Drops delivered snapshots past their TTL, and the half-made databases of failed runs. */
export function createExpirySweeper(options: ExpirySweeperOptions): ExpirySweeper {
  const { store, targets, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const sweepOnce = async (now: Date): Promise<number> => {
    let dropped = 0;
    for (const due of await store.droppableDeliveries(now)) {
      const target = targets.get(due.target);
      if (target === undefined) {
        logger.warn('snapshot_drop_skipped', { request_id: due.requestId, reason: 'target_not_configured' });
        continue;
      }
      try {
        await target.drop({ database: due.database, role: due.role });
      } catch (error) {
        // Left for the next sweep; the record still says it exists.
        logger.warn('snapshot_drop_failed', { request_id: due.requestId, code: toGatewayError(error).code });
        continue;
      }
      if (await store.markDropped(due.requestId, options.actor)) {
        dropped++;
        options.metrics?.snapshotsDropped(due.reason);
        if (due.reason === 'expired')
          options.notifier?.notify({ event: 'expired', requestId: due.requestId, outcome: 'dropped' });
        logger.info(`snapshot_${due.reason}`, { request_id: due.requestId, database: due.database });
      }
    }
    // The expiring notice (once per webhook and request: the notifier checks the audit log).
    const window = options.notifier?.expiringWindowMs() ?? 0;
    if (window > 0)
      for (const requestId of await store.expiringDeliveries(now, new Date(now.getTime() + window)))
        options.notifier?.notify({ event: 'expiring', requestId, outcome: 'expiring', now });
    return dropped;
  };

  const sweep = (now = new Date()): Promise<number> => {
    // One sweep at a time in this process; replicas are safe (drops are idempotent, markDropped once).
    const next = (running ?? Promise.resolve(0)).then(
      () => sweepOnce(now),
      () => sweepOnce(now),
    );
    running = next;
    return next;
  };

  const background = (): void => {
    sweep().catch((error: unknown) => {
      logger.warn('expiry_sweep_failed', { code: toGatewayError(error).code });
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
