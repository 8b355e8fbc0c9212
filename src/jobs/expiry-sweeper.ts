import { toGatewayError, type Logger } from '../core/index.js';
import type { StateStore } from '../state/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { createPeriodicSweep, type PeriodicSweep } from './periodic-sweep.js';
import type { TargetServer } from './target-server.js';
import type { WebhookNotifier } from './webhook-notifier.js';

/** `sweep` drops every delivery due at `now` (expired, or left by a failed run) and returns how many. */
export type ExpirySweeper = PeriodicSweep;

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

  // One sweep at a time in this process; replicas are safe (drops are idempotent, markDropped once).
  return createPeriodicSweep(sweepOnce, options.intervalMs, logger, 'expiry_sweep_failed');
}
