import { readSettings } from '../config/index.js';
import { qualifiedName, SELECT_ALL } from '../core/index.js';
import type { DetectResult, SourcePlan, SourceScan } from '../http/index.js';
import type { ScanReport } from '../pipeline/index.js';
import type { Plan, Policy } from '../policy/index.js';

/** What one gateway scan, plan or detection needs, all of it cloneable (it crosses to a process over IPC). */
export type InspectionPayload =
  | {
      readonly kind: 'scan';
      readonly source: string;
      readonly sourceUrl: string;
      readonly settingsEnv: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'plan';
      readonly source: string;
      readonly sourceUrl: string;
      /** The configured policy's name and content, or null: a fresh scan drafts the policy. */
      readonly policyName: string | null;
      readonly policy: Policy | null;
      readonly settingsEnv: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'detect';
      readonly texts: readonly { readonly id: string | number; readonly text: string }[];
      readonly threshold?: number;
    };

export type InspectionResult = SourceScan | SourcePlan | DetectResult;

/** Every table of the source, as `lookalike scan` and `lookalike plan` without a selection. */

/**
 * The data work behind POST /v1/sources/{name}/scan, …/plan and /v1/detect, in whichever process runs it:
 * the same pipeline functions `lookalike scan`, `plan` and `detect` use, imported on first use.
 */
export async function runInspection(
  payload: InspectionPayload,
  signal: AbortSignal,
): Promise<InspectionResult> {
  const { loadDetection, advisorOption } = await import('./detection-setup.js');
  if (payload.kind === 'detect') {
    const [{ publicSpans }, detection] = await Promise.all([
      import('./commands/detect-command.js'),
      loadDetection(),
    ]);
    const detector = detection.textDetector(
      payload.threshold === undefined ? {} : { threshold: payload.threshold },
    );
    const spans = detector.detectAll(payload.texts.map((t) => t.text));
    return {
      results: payload.texts.map((t, i) => ({ id: t.id, entities: publicSpans(spans[i] ?? []) })),
    };
  }
  const [{ createSource }, pipeline, { formatAction, planErrors }] = await Promise.all([
    import('../compose.js'),
    import('../pipeline/index.js'),
    import('../policy/index.js'),
  ]);
  const settings = readSettings(payload.settingsEnv);
  const session = await createSource(payload.sourceUrl, settings).openSource(signal);
  try {
    if (payload.kind === 'scan') {
      const { report } = await pipeline.scanSource(
        session,
        SELECT_ALL,
        await loadDetection(),
        signal,
        advisorOption(settings),
      );
      return scanWire(payload.source, report);
    }
    const { plan } =
      payload.policy === null
        ? await pipeline.planFromScan(
            session,
            await loadDetection(),
            SELECT_ALL,
            signal,
            advisorOption(settings),
          )
        : await pipeline.planSnapshot(session, payload.policy, SELECT_ALL);
    return planWire(payload.source, payload.policyName, plan, formatAction, planErrors(plan).length);
  } finally {
    await session.close();
  }
}

function scanWire(source: string, report: ScanReport): SourceScan {
  return {
    source,
    schema_fingerprint: report.schemaFingerprint,
    tables: report.tables,
    rows_sampled: report.rowsSampled,
    columns: report.columns.map((c) => ({
      table: c.table,
      column: c.column,
      path: c.path,
      category: c.category,
      confidence: c.confidence,
      decision: c.decision,
      evidence: c.evidence.map((e) => ({
        detector: e.detector,
        detail: e.detail,
        ...(e.matched === undefined ? {} : { matched: e.matched }),
        ...(e.sampled === undefined ? {} : { sampled: e.sampled }),
        weight: e.weight,
      })),
    })),
  };
}

function planWire(
  source: string,
  policyName: string | null,
  plan: Plan,
  formatAction: (action: Plan['tables'][number]['columns'][number]['action']) => string,
  errors: number,
): SourcePlan {
  return {
    source,
    policy: policyName,
    origin: policyName === null ? 'scan' : 'policy',
    schema_fingerprint: plan.schemaFingerprint,
    policy_digest: plan.policyDigest,
    strict: plan.strict,
    // What assertPlanRunnable lets through: no uncovered column under a strict policy, no pre-flight error.
    runnable: !(plan.strict && plan.uncovered.length > 0) && errors === 0,
    tables: plan.tables.map((t) => ({
      table: qualifiedName(t.table),
      kind: t.kind,
      copy_rows: t.copyRows,
      filtered: t.where !== null,
      columns: t.columns.map((c) => ({
        name: c.name,
        action: formatAction(c.action),
        action_kind: c.action.kind,
        rule: c.rule,
        reason: c.reason,
        copied: c.copied,
      })),
    })),
    uncovered: plan.uncovered.map((u) => ({ table: u.table, column: u.column })),
    findings: plan.findings.map((f) => ({
      severity: f.severity,
      code: f.code,
      ...(f.table === undefined ? {} : { table: f.table }),
      ...(f.column === undefined ? {} : { column: f.column }),
      message: f.message,
    })),
  };
}
