import { readSettings } from '../config/index.js';
import { GatewayError, Secret, SELECT_ALL, type Logger } from '../core/index.js';
import type { Detection } from '../detection/index.js';
import type { SnapshotManifest } from '../manifest/index.js';
import type {
  LoadUnit,
  LoadUnitDispatcher,
  LoadUnitResult,
  SnapshotListener,
  SnapshotSummary,
  SynthSummary,
} from '../pipeline/index.js';
import type { Plan, Policy } from '../policy/index.js';

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
  /** Present for a synth request: synthetic rows fitted on the source (policy marks what is personal). */
  readonly synth?: { readonly scale: number; readonly seed: string };
  /** Split the load into units of work of about this many pages (when the run can dispatch them; a synth run splits by table). */
  readonly units?: { readonly blocksPerUnit: number };
}

/** One unit of work of a split snapshot run (see runLoadUnit), as a job process receives it. */
export interface UnitJobPayload {
  readonly sourceUrl: string;
  readonly sinkUrl: string;
  /** The run's exported source snapshot, which the unit joins. */
  readonly snapshot: string;
  readonly unit: LoadUnit;
  readonly secret: Uint8Array;
  readonly batchRows: number;
  readonly settingsEnv: Readonly<Record<string, string>>;
}

export type JobPayload = SnapshotJobPayload | UnitJobPayload;

/** What a job process runs: a run (snapshot or synth), or one unit of a split run. */
export async function runJobPayload(
  payload: JobPayload,
  signal: AbortSignal,
  onEvent: SnapshotListener,
  logger: Logger,
  options: { readonly dispatchUnits?: LoadUnitDispatcher; readonly detection?: Detection } = {},
): Promise<SnapshotJobResult | LoadUnitResult> {
  if ('unit' in payload) return runUnitJob(payload, signal, logger, options.detection);
  return runSnapshotJob(payload, signal, onEvent, logger, options.detection, options.dispatchUnits);
}

/** One unit of a split run, in whichever process claimed it. */
export async function runUnitJob(
  payload: UnitJobPayload,
  signal: AbortSignal,
  logger: Logger,
  detection?: Detection,
): Promise<LoadUnitResult> {
  const [{ createSource, createTarget }, { runLoadUnit, runSynthUnit }, { loadDetection }, { buildId }] =
    await Promise.all([
      import('../compose.js'),
      import('../pipeline/index.js'),
      import('./detection-setup.js'),
      import('./build-id.js'),
    ]);
  // Units of one run must draw the same fakes: a process running other code than the planner's refuses.
  const version = await buildId();
  if (payload.unit.synth === true)
    return runSynthUnit({
      target: createTarget(payload.sinkUrl),
      unit: payload.unit,
      secret: new Secret(Buffer.from(payload.secret)),
      batchRows: payload.batchRows,
      signal,
      logger,
      version,
    });
  const settings = readSettings(payload.settingsEnv);
  return runLoadUnit({
    source: createSource(payload.sourceUrl, settings),
    target: createTarget(payload.sinkUrl),
    snapshot: payload.snapshot,
    unit: payload.unit,
    detection: detection ?? loadDetection,
    secret: new Secret(Buffer.from(payload.secret)),
    batchRows: payload.batchRows,
    signal,
    logger,
    version,
  });
}

/** What a gateway run hands back: its summary, and the manifest file of what it delivered. */
export interface SnapshotJobResult {
  readonly summary: SnapshotSummary | SynthSummary;
  /**
   * The manifest file's text (signed with LOOKALIKE_SIGNING_KEY_FILE, else marked unsigned) and content;
   * null for synth runs (a manifest records how real rows were transformed: synthesis has none).
   */
  readonly manifest: { readonly text: string; readonly manifest: SnapshotManifest } | null;
}

/** Synthetic rows for one gateway synth request, with the same pipeline as `lookalike synth`. */
async function runSynthJob(
  payload: SnapshotJobPayload & { readonly synth: { readonly scale: number; readonly seed: string } },
  signal: AbortSignal,
  onEvent: SnapshotListener,
  logger: Logger,
  detection: Detection | undefined,
  dispatchUnits: LoadUnitDispatcher | undefined,
): Promise<SnapshotJobResult> {
  const [{ createSource, createTarget }, { runSynthesis }, { buildId }] = await Promise.all([
    import('../compose.js'),
    import('../pipeline/index.js'),
    import('./build-id.js'),
  ]);
  const settings = readSettings(payload.settingsEnv);
  onEvent({ type: 'phase', phase: 'load' });
  const needsKey = payload.policy.subset?.suppress.some((s) => s.hashes.length > 0) === true;
  const secret = new Secret(Buffer.from(payload.secret));
  const summary = await runSynthesis({
    source: createSource(payload.sourceUrl, settings),
    target: createTarget(payload.sinkUrl),
    policy: payload.policy,
    selection: SELECT_ALL,
    seed: payload.synth.seed,
    scale: payload.synth.scale,
    rareCategoryMin: 5,
    maxSampleRows: 100_000,
    batchRows: payload.batchRows,
    ...(needsKey ? { secret } : {}),
    ...(payload.units === undefined || dispatchUnits === undefined
      ? {}
      : {
          units: {
            blocksPerUnit: payload.units.blocksPerUnit,
            dispatch: dispatchUnits,
            secret,
            version: await buildId(),
          },
        }),
    // Copied reference tables are scanned for personal values before their rows enter the model.
    ...(Object.values(payload.policy.tables).some((t) => t.synth === 'copy')
      ? { detection: detection ?? (await (await import('./detection-setup.js')).loadDetection()) }
      : {}),
    signal,
    logger,
  });
  return { summary, manifest: null };
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
  dispatchUnits?: LoadUnitDispatcher,
): Promise<SnapshotJobResult> {
  if (payload.synth !== undefined)
    return runSynthJob(
      { ...payload, synth: payload.synth },
      signal,
      onEvent,
      logger,
      detection,
      dispatchUnits,
    );
  const [{ createSource, createTarget }, { runSnapshot }, { loadDetection }, manifests, { buildId }] =
    await Promise.all([
      import('../compose.js'),
      import('../pipeline/index.js'),
      import('./detection-setup.js'),
      import('./commands/manifest-command.js'),
      import('./build-id.js'),
    ]);
  const settings = readSettings(payload.settingsEnv);
  // Read before any data moves: a bad signing key stops the run, not the delivery.
  const signingKey = await manifests.loadSigningKey(settings.signingKeyFile);
  const selection = SELECT_ALL;
  let plan: Plan | undefined;
  const summary = await runSnapshot({
    source: createSource(payload.sourceUrl, settings),
    target: createTarget(payload.sinkUrl),
    policy: payload.policy,
    detection: detection ?? (await loadDetection()),
    selection,
    secret: new Secret(Buffer.from(payload.secret)),
    batchRows: payload.batchRows,
    signal,
    logger,
    onEvent,
    onPlan: (p) => {
      plan = p;
    },
    ...(payload.units === undefined || dispatchUnits === undefined
      ? {}
      : {
          units: {
            blocksPerUnit: payload.units.blocksPerUnit,
            dispatch: dispatchUnits,
            version: await buildId(),
          },
        }),
  });
  if (plan === undefined) throw new GatewayError('internal', 'the run finished without a plan');
  const { text, manifest } = await manifests.snapshotManifest(
    summary,
    plan,
    selection,
    signingKey,
    await manifests.toolVersion(),
  );
  return { summary, manifest: { text, manifest } };
}

/** The `LOOKALIKE_*` settings of an environment, to hand to a job process. */
export function settingsEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('LOOKALIKE_') && entry[1] !== undefined,
    ),
  );
}
