import { z } from 'zod';
import {
  AuditListSchema,
  AuditVerificationSchema,
  CreateSnapshotRequestSchema,
  HealthSchema,
  ProblemSchema,
  SnapshotCredentialsSchema,
  SnapshotListSchema,
  SnapshotRequestSchema,
  SourceListSchema,
} from './api-schemas.js';

const COMPONENTS = {
  CreateSnapshotRequest: { schema: CreateSnapshotRequestSchema, io: 'input' },
  SnapshotRequest: { schema: SnapshotRequestSchema, io: 'output' },
  SnapshotList: { schema: SnapshotListSchema, io: 'output' },
  SnapshotCredentials: { schema: SnapshotCredentialsSchema, io: 'output' },
  SourceList: { schema: SourceListSchema, io: 'output' },
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
      '/livez': { get: { security: [], responses: { '200': json('Health', 'the process is up') } } },
      '/readyz': {
        get: {
          security: [],
          responses: {
            '200': json('Health', 'ready'),
            '503': problem('not ready (draining or no state store)'),
          },
        },
      },
      '/metrics': {
        get: {
          security: [],
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
          responses: { '200': json('SourceList', 'sources this principal may request'), ...AUTH_ERRORS },
        },
      },
      '/v1/snapshots': {
        post: {
          operationId: 'createSnapshot',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('CreateSnapshotRequest') } },
          },
          responses: {
            '201': json('SnapshotRequest', 'queued, or awaiting approval'),
            '400': problem('malformed body; `errors` names the fields'),
            '403': problem('role or source not allowed'),
            '413': problem('body too large'),
            ...AUTH_ERRORS,
          },
        },
        get: {
          operationId: 'listSnapshots',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer' } },
          ],
          responses: { '200': json('SnapshotList', 'newest first'), ...AUTH_ERRORS },
        },
      },
      '/v1/snapshots/{id}': {
        get: {
          operationId: 'getSnapshot',
          parameters: [idParam],
          responses: {
            '200': json('SnapshotRequest', 'state and live progress'),
            '404': problem('unknown, or not visible to this principal'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}/cancel': {
        post: {
          operationId: 'cancelSnapshot',
          parameters: [idParam],
          responses: {
            '200': json('SnapshotRequest', 'cancelled, or cancellation sent to the running job'),
            '409': problem('already finished'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/v1/snapshots/{id}/approve': {
        post: {
          operationId: 'approveSnapshot',
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
          parameters: [
            'actor',
            'action',
            'subject',
            'outcome',
            'since',
            'until',
            'after_seq',
            'limit',
            'format',
          ].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
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
      '/v1/audit/verify': {
        get: {
          operationId: 'verifyAudit',
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
