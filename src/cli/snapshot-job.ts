import { readSettings } from '../config/index.js';
import { Secret, type Logger } from '../core/index.js';
import type { Detection } from '../detection/index.js';
import type { SnapshotListener, SnapshotSummary } from '../pipeline/index.js';
import type { Policy } from '../policy/index.js';

/** What one gateway snapshot run needs, all of it cloneable (it crosses to a job process over IPC). */
export interface SnapshotJobPayload {
  readonly sourceUrl: string;
  /** The fresh database made for this run on its target server. */
  readonly sinkUrl: string;
  readonly policy: Policy;
  readonly secret: Uint8Array;
  readonly batchRows: number;
  /** The gateway's `LOOKALIKE_*` environment (pg_dump path, LLM assist). */
  readonly settingsEnv: Readonly<Record<string, string>>;
}

/**
 * The data work of a gateway snapshot, in whichever process runs it. The data path (connectors, pipeline,
 * fake values, detection) is imported here, on the first job, so readiness never waits for it.
 */
export async function runSnapshotJob(
  payload: SnapshotJobPayload,
  signal: AbortSignal,
  onEvent: SnapshotListener,
  logger: Logger,
  detection?: Detection,
): Promise<SnapshotSummary> {
  const [{ createSource, createTarget }, { runSnapshot }, { loadDetection }] = await Promise.all([
    import('../compose.js'),
    import('../pipeline/index.js'),
    import('./detection-setup.js'),
  ]);
  return runSnapshot({
    source: createSource(payload.sourceUrl, readSettings(payload.settingsEnv)),
    target: createTarget(payload.sinkUrl),
    policy: payload.policy,
    detection: detection ?? (await loadDetection()),
    selection: { schemas: [], tables: [] },
    secret: new Secret(Buffer.from(payload.secret)),
    batchRows: payload.batchRows,
    signal,
    logger,
    onEvent,
  });
}

/** The `LOOKALIKE_*` settings of an environment, to hand to a job process. */
export function settingsEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('LOOKALIKE_') && entry[1] !== undefined,
    ),
  );
}
