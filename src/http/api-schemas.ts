import { z } from 'zod';

const Name = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected a configured name');

/** POST /v1/snapshots: names only — requesters never see or send connection strings. */
export const CreateSnapshotRequestSchema = z.strictObject({
  source: Name,
  target: Name,
  policy: Name,
  /** Why the copy is needed; recorded in the audit log. */
  purpose: z.string().trim().min(3).max(500),
  ttl_hours: z.int().min(1).max(8760).optional(),
});
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
  state: RequestStateSchema,
  source: z.string(),
  target: z.string(),
  policy: z.string(),
  purpose: z.string(),
  ttl_hours: z.int(),
  approval_required: z.boolean(),
  requester: z.string(),
  approved_by: z.string().nullable(),
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

export const AuditQuerySchema = z.strictObject({
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(100).optional(),
  subject: z.string().min(1).max(100).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  after_seq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'jsonl']).default('json'),
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
