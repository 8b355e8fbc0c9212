import { toGatewayError, type Logger } from '../core/index.js';

/** A sweep run on demand and on a timer, one at a time in this process. */
export interface PeriodicSweep {
  /** Runs one sweep at `now` (default: the clock) after any in flight; returns what it counted. */
  sweep(now?: Date): Promise<number>;
  /** Sweeps once now (not awaited) and then every interval. */
  start(): void;
  /** Stops the timer and waits for a sweep in flight. */
  stop(): Promise<void>;
}

/**
 * Serialises `sweepOnce` (a sweep never overlaps another in this process; replicas rely on the state
 * database instead) and runs it every `intervalMs` in the background, logging a failed background sweep as
 * `failureEvent` with its error code only.
 */
export function createPeriodicSweep(
  sweepOnce: (now: Date) => Promise<number>,
  intervalMs: number,
  logger: Logger,
  failureEvent: string,
): PeriodicSweep {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const sweep = (now = new Date()): Promise<number> => {
    const next = (running ?? Promise.resolve(0)).then(
      () => sweepOnce(now),
      () => sweepOnce(now),
    );
    running = next;
    return next;
  };

  const background = (): void => {
    sweep().catch((error: unknown) => {
      logger.warn(failureEvent, { code: toGatewayError(error).code });
    });
  };

  return {
    sweep,
    start() {
      background();
      timer = setInterval(background, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
