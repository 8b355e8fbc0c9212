import { z } from 'zod';
import {
  AuditListSchema,
  AuditVerificationSchema,
  CreateSnapshotRequestSchema,
  CreateSynthRequestSchema,
  DetectRequestSchema,
  DetectResultSchema,
  EnvironmentListSchema,
  HealthSchema,
  ManifestFileSchema,
  PlanSourceRequestSchema,
  PolicyUploadResultSchema,
  PolicyVersionListSchema,
  PolicyVersionTextSchema,
  ProblemSchema,
  RenewSnapshotRequestSchema,
  SnapshotCredentialsSchema,
  SnapshotListSchema,
  SnapshotRequestSchema,
  SourceListSchema,
  SourcePlanSchema,
  SourceScanSchema,
  UploadPolicyRequestSchema,
} from './api-schemas.js';

const COMPONENTS = {
  CreateSnapshotRequest: { schema: CreateSnapshotRequestSchema, io: 'input' },
  CreateSynthRequest: { schema: CreateSynthRequestSchema, io: 'input' },
  SnapshotRequest: { schema: SnapshotRequestSchema, io: 'output' },
  SnapshotList: { schema: SnapshotListSchema, io: 'output' },
  SnapshotCredentials: { schema: SnapshotCredentialsSchema, io: 'output' },
  RenewSnapshotRequest: { schema: RenewSnapshotRequestSchema, io: 'input' },
  EnvironmentList: { schema: EnvironmentListSchema, io: 'output' },
  UploadPolicyRequest: { schema: UploadPolicyRequestSchema, io: 'input' },
  PolicyUploadResult: { schema: PolicyUploadResultSchema, io: 'output' },
  PolicyVersionList: { schema: PolicyVersionListSchema, io: 'output' },
  PolicyVersionText: { schema: PolicyVersionTextSchema, io: 'output' },
  SourceList: { schema: SourceListSchema, io: 'output' },
  SourceScan: { schema: SourceScanSchema, io: 'output' },
  PlanSourceRequest: { schema: PlanSourceRequestSchema, io: 'input' },
  SourcePlan: { schema: SourcePlanSchema, io: 'output' },
  DetectRequest: { schema: DetectRequestSchema, io: 'input' },
  DetectResult: { schema: DetectResultSchema, io: 'output' },
  ManifestFile: { schema: ManifestFileSchema, io: 'output' },
  AuditList: { schema: AuditListSchema, io: 'output' },
  AuditVerification: { schema: AuditVerificationSchema, io: 'output' },
  Problem: { schema: ProblemSchema, io: 'output' },
  Health: { schema: HealthSchema, io: 'output' },
} as const;

type ComponentName = keyof typeof COMPONENTS;

const ref = (name: ComponentName): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const json = (name: ComponentName, description: string): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
const problem = (description: string): Record<string, unknown> => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const AUTH_ERRORS = { '401': problem('missing or invalid token'), '429': problem('rate limited') };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const nameParam = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'a configured source name',
  schema: { type: 'string' },
};
const body = (name: ComponentName, required = true): Record<string, unknown> => ({
  required,
  content: { 'application/json': { schema: ref(name) } },
});
const AUDIT_FILTERS: readonly [string, string][] = [
  ['actor', 'the person (token subject) or component that acted'],
  ['action', 'e.g. snapshot.requested'],
  ['subject', 'a snapshot request id'],
  ['source', 'events naming this source, or about a snapshot request of it'],
  ['outcome', 'success, failure or denied'],
  ['from', 'from this instant, inclusive (ISO 8601; alias: since)'],
  ['to', 'up to this instant, exclusive (ISO 8601; alias: until)'],
  ['since', 'older name of from'],
  ['until', 'older name of to'],
  ['after_seq', 'events after this sequence number'],
];
const auditFilterParams = AUDIT_FILTERS.map(([name, description]) => ({
  name,
  in: 'query',
  description,
  schema: { type: name === 'after_seq' ? 'integer' : 'string' },
}));

/** OpenAPI 3.1 of the gateway API, generated from the same zod schemas that validate requests. */
export function openApiDocument(version: string): Record<string, unknown> {
  const schemas = Object.fromEntries(
    Object.entries(COMPONENTS).map(([name, { schema, io }]) => {
      const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
      return [name, rest];
    }),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'lookalike gateway',
      version,
      description: 'Self-serve anonymized snapshots: request, approve, watch, audit.',
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    paths: {
      '/livez': {
        get: { security: [], summary: 'Liveness', responses: { '200': json('Health', 'the process is up') } },
      },
      '/readyz': {
        get: {
          security: [],
          summary: 'Readiness: state store reachable, not draining',
          responses: {
            '200': json('Health', 'ready'),
            '503': problem('not ready (draining or no state store)'),
          },
        },
      },
      '/openapi.json': {
        get: {
          security: [],
          summary: 'This OpenAPI 3.1 document',
          responses: {
            '200': {
              description: 'OpenAPI 3.1',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/docs': {
        get: {
          security: [],
          summary: 'A readable reference page rendered from this document',
          responses: {
            '200': {
              description: 'HTML, self-contained',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/metrics': {
        get: {
          security: [],
          summary: 'Prometheus metrics (counts only)',
          responses: {
            '200': {
              description: 'Prometheus text format: jobs by state, rows, durations, auth failures, leaks',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/v1/sources': {
        get: {
          operationId: 'listSources',
          summary: 'Sources this principal may request',
          responses: { '200': json('SourceList', 'sources this principal may request'), ...AUTH_ERRORS },
        },
      },
      '/v1/environments': {
        get: {
          operationId: 'listEnvironments',
          summary: 'Named environments this principal may request into (names and descriptions only)',
          responses: {
            '200': json('EnvironmentList', 'environments this principal may request into'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/policies/{name}': {
        put: {
          operationId: 'uploadPolicy',
          summary: 'Upload a new version of a configured policy, with a reason (admins; audited)',
          parameters: [{ ...nameParam, description: 'a configured policy name' }],
          requestBody: body('UploadPolicyRequest'),
          responses: {
            '200': json(
              'PolicyUploadResult',
              'the current version (changed: false when the text is current already)',
            ),
            '400': problem('malformed body, or the text is not a valid policy'),
            '403': problem('needs the admin role'),
            '404': problem('no such policy'),
            '413': problem('body too large'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/policies/{name}/versions': {
        get: {
          operationId: 'listPolicyVersions',
          summary: "A policy's versions: digest, who, when, why, changed sections",
          parameters: [{ ...nameParam, description: 'a configured policy name' }],
          responses: {
            '200': json('PolicyVersionList', 'oldest first; the last is current'),
            '404': problem('no such policy'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/policies/{name}/versions/{version}': {
        get: {
          operationId: 'getPolicyVersion',
          summary: 'One version of a policy with the text it was recorded from',
          parameters: [
            { ...nameParam, description: 'a configured policy name' },
            { name: 'version', in: 'path', required: true, schema: { type: 'integer' } },
          ],
          responses: {
            '200': json('PolicyVersionText', 'the version and its policy text'),
            '404': problem('no such policy or version'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/sources/{name}/scan': {
        post: {
          operationId: 'scanSource',
          summary: 'Classify every column of a source (kind, confidence, evidence counts; never values)',
          parameters: [nameParam],
          responses: {
            '200': json('SourceScan', 'each column and JSON path: category, confidence, decision, evidence'),
            '403': problem('not a requester, or the source is not available to this principal'),
            '502': problem('the source cannot be reached or read'),
            '503': problem('busy, or scans are not available'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/sources/{name}/plan': {
        post: {
          operationId: 'planSource',
          summary: "Plan a source with a policy (the source's own, or a fresh scan's draft)",
          parameters: [nameParam],
          requestBody: body('PlanSourceRequest', false),
          responses: {
            '200': json('SourcePlan', 'column → action ← rule, pre-flight findings, uncovered columns'),
            '400': problem('malformed body, or no such policy'),
            '403': problem('not a requester, or the source is not available to this principal'),
            '502': problem('the source cannot be reached or read'),
            '503': problem('busy, or plans are not available'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/detect': {
        post: {
          operationId: 'detectText',
          summary: 'Find personal entities in texts (offsets and types; texts are never logged)',
          requestBody: body('DetectRequest'),
          responses: {
            '200': json('DetectResult', 'entities per text: type, start, end, score'),
            '400': problem('malformed body, too many texts or a text too long; `errors` names the field'),
            '403': problem('needs the requester role'),
            '413': problem('body too large'),
            '503': problem('busy, or detection is not available'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots': {
        post: {
          operationId: 'createSnapshot',
          summary:
            'Request a snapshot into a target or a named environment, once or refreshed on a cron schedule',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('CreateSnapshotRequest') } },
          },
          responses: {
            '201': json('SnapshotRequest', 'queued, or awaiting approval'),
            '400': problem('malformed body; `errors` names the fields'),
            '403': problem('role, source or environment not allowed'),
            '413': problem('body too large'),
            ...AUTH_ERRORS,
          },
        },
        get: {
          operationId: 'listSnapshots',
          summary: 'List snapshot requests (own; approvers and auditors: all)',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer' } },
          ],
          responses: { '200': json('SnapshotList', 'newest first'), ...AUTH_ERRORS },
        },
      },
      '/v1/synth': {
        post: {
          operationId: 'createSynth',
          summary:
            'Request synthetic data into a fresh database (scale, seed); followed like a snapshot at /v1/snapshots/{id}',
          requestBody: body('CreateSynthRequest'),
          responses: {
            '201': json('SnapshotRequest', 'queued, or awaiting approval (kind: synth)'),
            '400': problem('malformed body; `errors` names the fields'),
            '403': problem('role, source or environment not allowed'),
            '413': problem('body too large'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}': {
        get: {
          operationId: 'getSnapshot',
          summary: 'A snapshot request with live progress and delivery',
          parameters: [idParam],
          responses: {
            '200': json('SnapshotRequest', 'state and live progress'),
            '404': problem('unknown, or not visible to this principal'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}/manifest': {
        get: {
          operationId: 'getSnapshotManifest',
          summary: 'The signed manifest of what the run delivered (as stored, byte for byte)',
          parameters: [idParam],
          responses: {
            '200': json('ManifestFile', 'the manifest file; verify with `lookalike manifest verify`'),
            '404': problem('unknown, not visible, or nothing delivered'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}/cancel': {
        post: {
          operationId: 'cancelSnapshot',
          summary: 'Cancel a waiting request, or abort its running job; stops a refresh schedule',
          parameters: [idParam],
          responses: {
            '200': json('SnapshotRequest', 'cancelled, or cancellation sent to the running job'),
            '409': problem('already finished'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}/renew': {
        post: {
          operationId: 'renewSnapshot',
          summary: "Extend a delivered snapshot's TTL from now (requester or admin; bounded)",
          parameters: [idParam],
          requestBody: body('RenewSnapshotRequest', false),
          responses: {
            '200': json('SnapshotRequest', 'the request with its new expires_at'),
            '400': problem('hours above snapshots.ttl_max_hours'),
            '403': problem('only the requester or an admin can renew'),
            '404': problem('unknown, or not visible to this principal'),
            '409': problem('not delivered, expired, or beyond lifetime_max_hours after delivery'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}/approve': {
        post: {
          operationId: 'approveSnapshot',
          summary: 'Approve a request (approvers; never your own)',
          parameters: [idParam],
          responses: {
            '200': json('SnapshotRequest', 'approved and queued'),
            '403': problem('not an approver, or approving your own request'),
            '409': problem('not awaiting approval'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}/credentials': {
        post: {
          operationId: 'issueSnapshotCredentials',
          summary: 'A new password for the delivered database (the requester only)',
          parameters: [idParam],
          responses: {
            '200': json('SnapshotCredentials', 'a new password for the delivered database (shown once)'),
            '403': problem('only the requester receives credentials'),
            '409': problem('not delivered, expired, or the target has no scoped roles'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/audit': {
        get: {
          operationId: 'queryAudit',
          summary: 'Query the audit log (auditors)',
          parameters: [
            ...auditFilterParams,
            { name: 'limit', in: 'query', description: '1–1000 (default 100)', schema: { type: 'integer' } },
            { name: 'format', in: 'query', description: 'json or jsonl', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'events in chain order (format=jsonl: JSON Lines for a SIEM)',
              content: {
                'application/json': { schema: ref('AuditList') },
                'application/x-ndjson': { schema: { type: 'string' } },
              },
            },
            '403': problem('needs the auditor role'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/audit/export': {
        get: {
          operationId: 'exportAudit',
          summary: 'Export matching audit events as JSON Lines for a SIEM (auditors; streamed)',
          parameters: auditFilterParams,
          responses: {
            '200': {
              description: 'one event per line, in chain order',
              content: { 'application/x-ndjson': { schema: { type: 'string' } } },
            },
            '400': problem('malformed filter; `errors` names the field'),
            '403': problem('needs the auditor role'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/audit/verify': {
        get: {
          operationId: 'verifyAudit',
          summary: 'Verify the audit hash chain (auditors)',
          responses: {
            '200': json('AuditVerification', 'whether the hash chain holds, and where it breaks'),
            '403': problem('needs the auditor role'),
            ...AUTH_ERRORS,
          },
        },
      },
    },
  };
}
