import type { GatewayConfig, GatewayConnections } from '../config/index.js';
import { GatewayError, type Logger } from '../core/index.js';
import type { DetectResult, SourceInspector, SourcePlan, SourceScan } from '../http/index.js';
import { createJobProcessPool } from '../jobs/index.js';
import type { Policy } from '../policy/index.js';
import { runInspection, type InspectionPayload, type InspectionResult } from './inspection-job.js';
import { settingsEnvOf } from './snapshot-job.js';

export interface SourceInspectorDeps {
  readonly config: GatewayConfig;
  readonly connections: GatewayConnections;
  /** A configured policy's current version (see CurrentPolicies): uploads through any replica count. */
  readonly policyOf: (name: string) => Promise<Policy | undefined>;
  /** The environment whose `LOOKALIKE_*` settings scans use (pg_dump path, LLM assist). */
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** `child_process` (the gateway: inspections never run on the API's event loop) or `this_process`. */
  readonly isolation: 'child_process' | 'this_process';
  /** Inspections at once (default: `jobs.concurrency`); more wait, up to `maxWaiting`, then 503. */
  readonly concurrency?: number;
  readonly maxWaiting?: number;
}

export interface SourceInspection extends SourceInspector {
  /** Ends idle inspection processes. */
  close(): void;
}

/**
 * Scans, plans and text detection for the gateway's API: the `lookalike scan/plan/detect` pipeline run in
 * inspection processes (kept warm, like job processes), a bounded number at once.
 */
export function createSourceInspector(deps: SourceInspectorDeps): SourceInspection {
  const settingsEnv = settingsEnvOf(deps.env);
  const pool = deps.isolation === 'child_process' ? createJobProcessPool({ entry: processEntry() }) : null;
  const gate = createGate(deps.concurrency ?? deps.config.jobs.concurrency, deps.maxWaiting ?? 32);

  const run = async <R extends InspectionResult>(
    payload: InspectionPayload,
    signal: AbortSignal,
  ): Promise<R> => {
    await gate.enter(signal);
    try {
      const result =
        pool === null
          ? await runInspection(payload, signal)
          : await pool.run<never, InspectionResult>({
              payload,
              signal,
              onEvent: () => undefined,
              logger: deps.logger,
            });
      return result as R;
    } finally {
      gate.leave();
    }
  };

  const sourceUrl = (source: string): string => {
    const url = deps.connections.sources.get(source);
    if (url === undefined) throw new GatewayError('config_invalid', `source "${source}" has no connection`);
    return url.reveal().toString('utf8');
  };

  return {
    scan: (source, signal) =>
      run<SourceScan>({ kind: 'scan', source, sourceUrl: sourceUrl(source), settingsEnv }, signal),
    plan: async (source, policyName, signal) => {
      const policy = policyName === null ? null : await deps.policyOf(policyName);
      if (policy === undefined)
        throw new GatewayError('config_invalid', `policy "${policyName}" is not loaded`);
      return await run<SourcePlan>(
        { kind: 'plan', source, sourceUrl: sourceUrl(source), policyName, policy, settingsEnv },
        signal,
      );
    },
    detect: (input, signal) =>
      run<DetectResult>(
        {
          kind: 'detect',
          texts: input.texts,
          ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
        },
        signal,
      ),
    close: () => pool?.close(),
  };
}

/** At most `limit` inside at once; up to `maxWaiting` wait their turn, anyone beyond is refused (503). */
function createGate(
  limit: number,
  maxWaiting: number,
): { enter(signal: AbortSignal): Promise<void>; leave(): void } {
  let inside = 0;
  const waiting: (() => void)[] = [];
  return {
    async enter(signal) {
      // A caller already gone takes no place, now or in the queue.
      if (signal.aborted) throw new GatewayError('cancelled', 'the caller went away');
      if (inside < limit) {
        inside++;
        return;
      }
      if (waiting.length >= maxWaiting)
        throw new GatewayError('unavailable', 'too many scans, plans or detections in progress');
      await new Promise<void>((resolve, reject) => {
        const admit = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const at = waiting.indexOf(admit);
          if (at >= 0) waiting.splice(at, 1);
          reject(new GatewayError('cancelled', 'the caller went away'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.push(admit);
      });
    },
    // The place passes straight to the next in line (inside stays the same), or frees up.
    leave() {
      const next = waiting.shift();
      if (next === undefined) inside--;
      else next();
    },
  };
}

/** The inspection process's module beside this one (source under tsx, compiled under dist/). */
function processEntry(): URL {
  return new URL(
    import.meta.url.endsWith('.ts') ? './inspection-process.ts' : './inspection-process.js',
    import.meta.url,
  );
}
