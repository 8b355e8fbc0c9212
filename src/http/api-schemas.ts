import { z } from 'zod';
import { isCronExpression } from '../jobs/index.js';

const Name = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected a configured name');

const DeliveryRequestShape = {
  source: Name,
  /** A configured target; or name an `environment` instead (not both). */
  target: Name.optional(),
  /** A named environment (GET /v1/environments): its target, default TTL and approval rule apply. */
  environment: Name.optional(),
  policy: Name,
  /** Why the copy is needed; recorded in the audit log. */
  purpose: z.string().trim().min(3).max(500),
  ttl_hours: z.int().min(1).max(8760).optional(),
  /**
   * Refresh on a schedule: a new run of the same request at each time (five-field cron, UTC); each replaces
   * the previous delivery once it is delivered itself. Cancel the request to stop it.
   */
  refresh: z
    .strictObject({
      cron: z
        .string()
        .max(100)
        .refine(isCronExpression, 'expected a five-field cron expression (minute hour day month weekday)'),
    })
    .optional(),
};

const exactlyOneDestination = (
  body: { readonly target?: string | undefined; readonly environment?: string | undefined },
  ctx: z.RefinementCtx,
): void => {
  if ((body.target === undefined) === (body.environment === undefined))
    ctx.addIssue({
      code: 'custom',
      path: [body.target === undefined ? 'target' : 'environment'],
      message: 'expected exactly one of target or environment',
    });
};

/** POST /v1/snapshots: names only — requesters never see or send connection strings. */
export const CreateSnapshotRequestSchema = z
  .strictObject(DeliveryRequestShape)
  .superRefine(exactlyOneDestination);

/**
 * POST /v1/synth: synthetic rows fitted on the source (the policy says which columns are personal), into a
 * fresh database on the target, like a snapshot (approval, delivery, TTL, renewal, refresh).
 */
export const CreateSynthRequestSchema = z
  .strictObject({
    ...DeliveryRequestShape,
    /** Rows relative to the source: 0.1, 1 or 10. */
    scale: z.union([z.literal(0.1), z.literal(1), z.literal(10)]).default(1),
    /** The same seed, source and policy give the same rows. */
    seed: z.string().min(1).max(100).default('1'),
  })
  .superRefine(exactlyOneDestination);
export type CreateSnapshotRequest = z.infer<typeof CreateSnapshotRequestSchema>;

export const RequestStateSchema = z.enum([
  'awaiting_approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
]);

export const JobProgressSchema = z.object({
  phase: z.string().nullable(),
  rows: z.int(),
  tables: z.record(z.string(), z.object({ rows: z.int(), done: z.boolean() })),
});

export const SnapshotRequestSchema = z.object({
  id: z.string(),
  /** `snapshot` (anonymized copy) or `synth` (synthetic rows). */
  kind: z.enum(['snapshot', 'synth']),
  synth: z.object({ scale: z.number(), seed: z.string() }).nullable(),
  state: RequestStateSchema,
  source: z.string(),
  target: z.string(),
  policy: z.string(),
  /** The policy version the request runs with (GET /v1/policies/{name}/versions). */
  policy_version: z.int().nullable(),
  policy_digest: z.string().nullable(),
  purpose: z.string(),
  ttl_hours: z.int(),
  approval_required: z.boolean(),
  requester: z.string(),
  approved_by: z.string().nullable(),
  environment: z.string().nullable(),
  refresh: z
    .object({ cron: z.string(), next_at: z.string().nullable(), stopped_at: z.string().nullable() })
    .nullable(),
  /** The scheduled request this one refreshes. */
  refresh_of: z.string().nullable(),
  /** The refresh whose delivery replaced this one. */
  replaced_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  cancel_requested: z.boolean().optional(),
  delivery: z
    .object({
      host: z.string().nullable(),
      port: z.int().nullable(),
      database: z.string(),
      user: z.string().nullable(),
      expires_at: z.string().nullable(),
      dropped_at: z.string().nullable(),
      delivered_at: z.string().nullable(),
    })
    .nullable(),
  job: z
    .object({
      id: z.string(),
      state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
      started_at: z.string().nullable(),
      finished_at: z.string().nullable(),
      progress: JobProgressSchema.nullable(),
      summary: z.record(z.string(), z.unknown()).nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    })
    .nullable(),
});

export const SnapshotListSchema = z.object({ snapshots: z.array(SnapshotRequestSchema) });

export const ListSnapshotsQuerySchema = z.strictObject({
  state: RequestStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** POST /v1/snapshots/{id}/credentials: shown once; each call sets a new password. */
export const SnapshotCredentialsSchema = z.object({
  host: z.string(),
  port: z.int(),
  database: z.string(),
  user: z.string(),
  password: z.string(),
  expires_at: z.string().nullable(),
});

/** POST /v1/snapshots/{id}/renew: the TTL from now (default: the request's own `ttl_hours`). */
export const RenewSnapshotRequestSchema = z.strictObject({
  hours: z.int().min(1).max(8760).optional(),
});

/** PUT /v1/policies/{name}: a new version of a configured policy (admins), with why. */
export const UploadPolicyRequestSchema = z.strictObject({
  /** The policy document (YAML, as in a policy file; no `hashes_file` references). */
  text: z.string().min(1).max(1_000_000),
  /** Why it changes; recorded with the version and in the audit log. */
  reason: z.string().trim().min(3).max(500),
});

export const PolicyVersionSchema = z.object({
  version: z.int(),
  digest: z.string(),
  created_at: z.string(),
  /** The admin who uploaded it, or `gateway` for a config file seen at start-up. */
  created_by: z.string(),
  origin: z.enum(['config', 'upload']),
  reason: z.string(),
  changed_sections: z.array(z.string()),
});

export const PolicyVersionListSchema = z.object({
  name: z.string(),
  current_version: z.int().nullable(),
  versions: z.array(PolicyVersionSchema),
});

export const PolicyVersionTextSchema = PolicyVersionSchema.extend({
  name: z.string(),
  /** The policy document as recorded (config file or upload). */
  text: z.string(),
});

export const PolicyUploadResultSchema = z.object({
  name: z.string(),
  /** False when the text's digest is the current one already (nothing recorded). */
  changed: z.boolean(),
  version: PolicyVersionSchema,
});

/** GET /v1/environments: names and descriptions, never targets' connections. */
export const EnvironmentListSchema = z.object({
  environments: z.array(
    z.object({
      name: z.string(),
      description: z.string().optional(),
      ttl_default_hours: z.int(),
      approval_required: z.boolean(),
    }),
  ),
});

export const SourceListSchema = z.object({
  sources: z.array(
    z.object({ name: z.string(), approval_required: z.boolean(), description: z.string().optional() }),
  ),
});

export const AuditEventSchema = z.object({
  seq: z.int(),
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  details: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});

export const AuditListSchema = z.object({
  events: z.array(AuditEventSchema),
  next_after_seq: z.int().nullable(),
});

/** The filters of GET /v1/audit and GET /v1/audit/export: who (actor), what, which source, when, outcome. */
const AuditFilterShape = {
  /** The person (token subject) or component (`gateway`, `worker:<id>`) that acted. */
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(100).optional(),
  subject: z.string().min(1).max(100).optional(),
  /** Events naming this source, or about a snapshot request of it. */
  source: Name.optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  /** From this instant (inclusive); `since` is the same filter under its older name. */
  from: z.iso.datetime().optional(),
  /** Up to this instant (exclusive); `until` is the same filter under its older name. */
  to: z.iso.datetime().optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
};

/** `from`/`since` and `to`/`until` name one filter each: giving both names is an error naming the field. */
const oneNamePerBound = (
  query: {
    from?: string | undefined;
    since?: string | undefined;
    to?: string | undefined;
    until?: string | undefined;
  },
  ctx: z.core.$RefinementCtx,
): void => {
  if (query.from !== undefined && query.since !== undefined)
    ctx.addIssue({ code: 'custom', path: ['since'], message: 'give from or since, not both' });
  if (query.to !== undefined && query.until !== undefined)
    ctx.addIssue({ code: 'custom', path: ['until'], message: 'give to or until, not both' });
};

export const AuditQuerySchema = z
  .strictObject({
    ...AuditFilterShape,
    after_seq: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    format: z.enum(['json', 'jsonl']).default('json'),
  })
  .superRefine(oneNamePerBound);

/** GET /v1/audit/export: every matching event, streamed as JSON Lines (no paging). */
export const AuditExportQuerySchema = z
  .strictObject({ ...AuditFilterShape, after_seq: z.coerce.number().int().min(0).optional() })
  .superRefine(oneNamePerBound);

/** POST /v1/sources/{name}/plan: which configured policy to plan with (default: the source's own). */
export const PlanSourceRequestSchema = z.strictObject({ policy: Name.optional() });

const EvidenceSchema = z.object({
  detector: z.string(),
  /** Rule names and counts, never values. */
  detail: z.string(),
  matched: z.int().optional(),
  sampled: z.int().optional(),
  weight: z.number(),
});

/** POST /v1/sources/{name}/scan: each column's (or JSON path's) classification — never a value. */
export const SourceScanSchema = z.object({
  source: z.string(),
  schema_fingerprint: z.string(),
  tables: z.int(),
  rows_sampled: z.int(),
  columns: z.array(
    z.object({
      table: z.string(),
      column: z.string(),
      /** A JSON leaf path of a json/jsonb column, or null for the column itself. */
      path: z.string().nullable(),
      /** The entity found (`EMAIL_ADDRESS`, …), or null. */
      category: z.string().nullable(),
      confidence: z.number(),
      decision: z.enum(['personal', 'not_personal', 'prose', 'undecided']),
      evidence: z.array(EvidenceSchema),
    }),
  ),
});

/** POST /v1/sources/{name}/plan: column → action ← rule, and the pre-flight. */
export const SourcePlanSchema = z.object({
  source: z.string(),
  /** The configured policy planned with, or null when a fresh scan drafted it. */
  policy: z.string().nullable(),
  origin: z.enum(['policy', 'scan']),
  schema_fingerprint: z.string(),
  policy_digest: z.string(),
  strict: z.boolean(),
  /** False when a snapshot with this plan would stop before moving data (uncovered columns, errors). */
  runnable: z.boolean(),
  tables: z.array(
    z.object({
      table: z.string(),
      kind: z.string(),
      copy_rows: z.boolean(),
      /** Whether the policy filters the table's rows (the predicate itself is not shown). */
      filtered: z.boolean(),
      columns: z.array(
        z.object({
          name: z.string(),
          /** e.g. `substitute(entity=email)`, `keep`. */
          action: z.string(),
          action_kind: z.string(),
          /** Which policy entry or rule decided it. */
          rule: z.string(),
          reason: z.string(),
          copied: z.boolean(),
        }),
      ),
    }),
  ),
  uncovered: z.array(z.object({ table: z.string(), column: z.string() })),
  findings: z.array(
    z.object({
      severity: z.enum(['error', 'warning']),
      code: z.string(),
      table: z.string().optional(),
      column: z.string().optional(),
      message: z.string(),
    }),
  ),
});

/** Bounds of POST /v1/detect (the body limit applies too). */
export const DETECT_MAX_TEXTS = 100;
export const DETECT_MAX_TEXT_CHARS = 20_000;

/** POST /v1/detect: texts to find personal entities in. The texts are never logged or audited. */
export const DetectRequestSchema = z.strictObject({
  texts: z
    .array(
      z.strictObject({
        id: z.union([z.string().min(1).max(200), z.int()]),
        text: z.string().max(DETECT_MAX_TEXT_CHARS),
      }),
    )
    .min(1)
    .max(DETECT_MAX_TEXTS),
  /** Minimum score of an entity (0–1); the detector's default when absent. */
  threshold: z.number().min(0).max(1).optional(),
});

/** Entities as `lookalike detect` gives them: type and character offsets, never the matched text. */
export const DetectResultSchema = z.object({
  results: z.array(
    z.object({
      id: z.union([z.string(), z.int()]),
      entities: z.array(z.object({ type: z.string(), start: z.int(), end: z.int(), score: z.number() })),
    }),
  ),
});

/** GET /v1/snapshots/{id}/manifest: the manifest file the run stored (verify with `lookalike manifest verify`). */
export const ManifestFileSchema = z.object({
  manifest: z.record(z.string(), z.unknown()),
  signature: z.object({ alg: z.literal('EdDSA'), kid: z.string(), jws: z.string() }).nullable(),
  unsigned: z.string().optional(),
});

export const AuditVerificationSchema = z.object({
  ok: z.boolean(),
  events: z.int(),
  head: z.string().optional(),
  broken_at: z.object({ seq: z.int(), id: z.string() }).optional(),
  reason: z.enum(['hash_mismatch', 'chain_break', 'sequence_gap']).optional(),
});

/** RFC 9457 problem details; `code` is from the closed error-code table. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  code: z.string(),
  detail: z.string().optional(),
  request_id: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), problem: z.string() })).optional(),
});

export const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']) });
