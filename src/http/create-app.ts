import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import { hasRole, isAllowed, type Principal, type TokenVerifier } from '../auth/index.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError, toGatewayError, type Logger } from '../core/index.js';
import type { GatewayMetrics, JobRunner, TargetServer, WebhookNotifier } from '../jobs/index.js';
import type { AuditEvent, SnapshotRequestRecord, StateStore } from '../state/index.js';
import { AuditQuerySchema, CreateSnapshotRequestSchema, ListSnapshotsQuerySchema } from './api-schemas.js';
import { openApiDocument } from './openapi-document.js';
import { fieldProblems, problemOf, publicError } from './problem.js';
import { createRateLimiter } from './rate-limiter.js';

export interface AppDeps {
  readonly config: GatewayConfig;
  readonly verifyToken: TokenVerifier;
  readonly store: StateStore;
  readonly runner: JobRunner;
  /** Target servers by name: where deliveries are and who issues their credentials. */
  readonly targets?: ReadonlyMap<string, TargetServer>;
  readonly metrics?: GatewayMetrics;
  /** Signed webhooks (approval needed). */
  readonly notifier?: WebhookNotifier;
  /** Policy name → digest of the loaded policy (recorded in audit events). */
  readonly policyDigests: ReadonlyMap<string, string>;
  readonly logger: Logger;
  readonly version: string;
  /** False while draining (SIGTERM): /readyz answers 503 so no new traffic arrives. */
  readonly isAccepting?: () => boolean;
  /** Clock for the rate limiter (tests). */
  readonly now?: () => number;
}

interface Env {
  Variables: { principal: Principal; requestId: string };
}

/** The gateway's HTTP API (hono). Tested through `app.request()` and on a real socket. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { config, store, runner, logger } = deps;
  const targets = deps.targets ?? new Map<string, TargetServer>();
  const present = (record: SnapshotRequestRecord): Record<string, unknown> =>
    presentRecord(record, runner, targets);
  const limiter = createRateLimiter(
    config.server.rate_limit.requests_per_second,
    config.server.rate_limit.burst,
    deps.now,
  );
  const app = new Hono<Env>();

  app.use(requestId());
  app.use(secureHeaders());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    c.header('Cache-Control', 'no-store');
    // The path pattern, method and status only: never headers (tokens) or bodies.
    logger.info('http_request', {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      request_id: c.get('requestId'),
    });
  });
  app.use(
    bodyLimit({
      maxSize: config.server.body_limit_bytes,
      onError: () => {
        throw publicError('payload_too_large', `the body exceeds ${config.server.body_limit_bytes} bytes`);
      },
    }),
  );

  app.onError((error, c) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal')
      logger.error('http_internal_error', { request_id: c.get('requestId') });
    return problemResponse(c, gatewayError);
  });
  app.notFound((c) => problemResponse(c, publicError('not_found', 'no such route')));

  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (deps.isAccepting?.() === false) throw publicError('unavailable', 'the gateway is shutting down');
    try {
      await store.ping();
    } catch {
      throw publicError('unavailable', 'the state store is not reachable');
    }
    return c.json({ status: 'ok' });
  });
  // Counts only (no principals, no names from requests): served without a token, like /readyz.
  app.get('/metrics', async (c) => {
    const body = deps.metrics?.render(await store.countJobsByState()) ?? '';
    return c.body(body, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  const openApi = openApiDocument(deps.version);
  app.get('/openapi.json', (c) => c.json(openApi));

  // Everything under /v1 needs a verified bearer token, then passes the principal's rate limit.
  app.use('/v1/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(header);
    if (match?.[1] === undefined) {
      deps.metrics?.authFailed();
      c.header('WWW-Authenticate', 'Bearer');
      throw publicError('unauthorized', 'a bearer token is required');
    }
    let principal: Principal;
    try {
      principal = await deps.verifyToken(match[1]);
    } catch (error) {
      const gatewayError = toGatewayError(error);
      deps.metrics?.authFailed();
      logger.warn('auth_failed', { reason: gatewayError.message, request_id: c.get('requestId') });
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw publicError('unauthorized', 'the token is not valid');
    }
    const wait = limiter.take(`${principal.issuer}\0${principal.subject}`);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw publicError('rate_limited', 'too many requests; retry later');
    }
    c.set('principal', principal);
    await next();
  });

  const deny = async (
    c: Context<Env>,
    action: string,
    subject: string | null,
    message: string,
  ): Promise<never> => {
    await store.appendAudit({
      actor: c.get('principal').subject,
      action,
      subject,
      outcome: 'denied',
      details: { request_id: c.get('requestId') },
    });
    throw publicError('forbidden', message);
  };

  app.get('/v1/sources', (c) => {
    const principal = c.get('principal');
    const sources = Object.entries(config.sources)
      .filter(([, source]) => isAllowed(principal, source.allow))
      .map(([name, source]) => ({
        name,
        approval_required: source.approval_required,
        ...(source.description === undefined ? {} : { description: source.description }),
      }));
    return c.json({ sources });
  });

  app.post('/v1/snapshots', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'requester'))
      await deny(c, 'snapshot.request', null, 'this needs the role requester');
    const body = parse(CreateSnapshotRequestSchema, await readJson(c));
    const source = config.sources[body.source];
    if (source === undefined || !isAllowed(principal, source.allow))
      await deny(c, 'snapshot.request', null, `source "${body.source}" is not available to you`);
    if (config.targets[body.target] === undefined)
      throw publicError('usage', 'unknown target', [{ field: 'target', problem: 'no such target' }]);
    const policy = config.policies[body.policy];
    if (policy === undefined)
      throw publicError('usage', 'unknown policy', [{ field: 'policy', problem: 'no such policy' }]);
    const ttlHours = body.ttl_hours ?? config.snapshots.ttl_default_hours;
    if (ttlHours > config.snapshots.ttl_max_hours)
      throw publicError('usage', 'ttl_hours is above the maximum', [
        { field: 'ttl_hours', problem: `too big: at most ${config.snapshots.ttl_max_hours}` },
      ]);
    const record = await store.createSnapshotRequest({
      requester: principal.subject,
      source: body.source,
      target: body.target,
      policy: body.policy,
      purpose: body.purpose,
      ttlHours,
      approvalRequired: (source?.approval_required ?? true) || policy.approval_required,
      audit: {
        request_id: c.get('requestId'),
        policy_digest: deps.policyDigests.get(body.policy) ?? null,
      },
    });
    if (record.state === 'queued' && record.job !== null) runner.enqueue(record.job.id);
    if (record.state === 'awaiting_approval')
      deps.notifier?.notify({ event: 'approval_needed', requestId: record.id, outcome: record.state });
    c.header('Location', `/v1/snapshots/${record.id}`);
    return c.json(present(record), 201);
  });

  app.get('/v1/snapshots', async (c) => {
    const principal = c.get('principal');
    const query = parse(ListSnapshotsQuerySchema, c.req.query());
    const seesAll = hasRole(principal, 'approver', 'auditor');
    if (!seesAll && !hasRole(principal, 'requester'))
      throw publicError('forbidden', 'no role to list snapshots');
    const records = await store.listSnapshotRequests({
      ...(seesAll ? {} : { requester: principal.subject }),
      ...(query.state === undefined ? {} : { state: query.state }),
      limit: query.limit,
    });
    return c.json({ snapshots: records.map((r) => present(r)) });
  });

  /** A request the principal may see: their own, or any for approvers and auditors (else 404: no hint). */
  const visible = async (c: Context<Env>): Promise<SnapshotRequestRecord> => {
    const principal = c.get('principal');
    const record = await store.getSnapshotRequest(c.req.param('id') ?? '');
    if (
      record === null ||
      (record.requester !== principal.subject && !hasRole(principal, 'approver', 'auditor'))
    )
      throw publicError('not_found', 'no such snapshot request');
    return record;
  };

  app.get('/v1/snapshots/:id', async (c) => c.json(present(await visible(c))));

  app.post('/v1/snapshots/:id/cancel', async (c) => {
    const principal = c.get('principal');
    const record = await visible(c);
    if (record.requester !== principal.subject && !hasRole(principal, 'admin'))
      await deny(c, 'snapshot.cancel', record.id, 'only the requester or an admin can cancel');
    const { request, running } = await store.cancelSnapshotRequest(record.id, principal.subject);
    const reached = running && runner.cancel(record.id);
    return c.json({ ...present(request), ...(running ? { cancel_requested: reached } : {}) });
  });

  app.post('/v1/snapshots/:id/approve', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'approver'))
      await deny(c, 'snapshot.approve', c.req.param('id'), 'this needs the role approver');
    const record = await visible(c);
    if (record.requester === principal.subject)
      await deny(c, 'snapshot.approve', record.id, 'a requester cannot approve their own request');
    const approved = await store.approveSnapshotRequest(record.id, principal.subject);
    if (approved.state === 'queued' && approved.job !== null) runner.enqueue(approved.job.id);
    return c.json(present(approved));
  });

  // A fresh password for the delivered database on every call (the previous one stops working): the
  // gateway never stores it, and it reaches neither logs nor the audit log.
  app.post('/v1/snapshots/:id/credentials', async (c) => {
    const principal = c.get('principal');
    const record = await visible(c);
    if (record.requester !== principal.subject)
      await deny(c, 'snapshot.credentials', record.id, 'only the requester receives the credentials');
    const delivery = record.delivery;
    const target = targets.get(record.target);
    if (record.state !== 'succeeded' || delivery === null || delivery.droppedAt !== null)
      throw publicError('conflict', `the request is ${record.state}, not a delivered snapshot`);
    // Past its TTL but not yet swept: no new way in.
    if (delivery.expiresAt !== null && Date.parse(delivery.expiresAt) <= Date.now())
      throw publicError('conflict', 'the snapshot has expired');
    if (target === undefined || delivery.role === null)
      throw publicError('conflict', 'this target gives no per-snapshot credentials');
    const password = await target.issuePassword(delivery.role);
    await store.appendAudit({
      actor: principal.subject,
      action: 'snapshot.credentials_issued',
      subject: record.id,
      outcome: 'success',
      details: { database: delivery.database, user: delivery.role, request_id: c.get('requestId') },
    });
    return c.json({
      host: target.endpoint.host,
      port: target.endpoint.port,
      database: delivery.database,
      user: delivery.role,
      password: password.reveal().toString('utf8'),
      expires_at: delivery.expiresAt,
    });
  });

  app.get('/v1/audit', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'auditor')) await deny(c, 'audit.query', null, 'this needs the role auditor');
    const query = parse(AuditQuerySchema, c.req.query());
    const events = await store.listAudit({
      ...(query.actor === undefined ? {} : { actor: query.actor }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.subject === undefined ? {} : { subject: query.subject }),
      ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
      ...(query.since === undefined ? {} : { since: new Date(query.since).toISOString() }),
      ...(query.until === undefined ? {} : { until: new Date(query.until).toISOString() }),
      ...(query.after_seq === undefined ? {} : { afterSeq: query.after_seq }),
      limit: query.limit,
    });
    const wire = events.map(auditWire);
    if (query.format === 'jsonl') {
      c.header('Content-Type', 'application/x-ndjson');
      return c.body(wire.map((e) => `${JSON.stringify(e)}\n`).join(''));
    }
    const last = events[events.length - 1];
    return c.json({ events: wire, next_after_seq: events.length === query.limit && last ? last.seq : null });
  });

  app.get('/v1/audit/verify', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'auditor')) await deny(c, 'audit.verify', null, 'this needs the role auditor');
    const result = await store.verifyAudit();
    return c.json(
      result.ok
        ? { ok: true, events: result.events, head: result.head }
        : { ok: false, events: result.events, broken_at: result.brokenAt, reason: result.reason },
    );
  });

  return app;
}

function problemResponse(c: Context<Env>, error: GatewayError): Response {
  const problem = problemOf(error, c.get('requestId'));
  return c.body(JSON.stringify(problem), problem.status as 400, {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
  });
}

async function readJson(c: Context<Env>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    throw publicError('usage', 'the body must be application/json', [
      { field: '(body)', problem: 'expected application/json' },
    ]);
  try {
    return await c.req.json();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw publicError('usage', 'the body is not valid JSON', [{ field: '(body)', problem: 'invalid JSON' }]);
  }
}

function parse<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const fields = fieldProblems(result.error.issues);
  throw publicError('usage', `invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
}

function presentRecord(
  record: SnapshotRequestRecord,
  runner: JobRunner,
  targets: ReadonlyMap<string, TargetServer>,
): Record<string, unknown> {
  const live = record.state === 'running' ? runner.progress(record.id) : undefined;
  const endpoint = targets.get(record.target)?.endpoint;
  const delivery = record.delivery;
  return {
    id: record.id,
    state: record.state,
    source: record.source,
    target: record.target,
    policy: record.policy,
    purpose: record.purpose,
    ttl_hours: record.ttlHours,
    approval_required: record.approvalRequired,
    requester: record.requester,
    approved_by: record.approvedBy,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    // Where to connect once delivered (the password comes from POST …/credentials only).
    delivery:
      delivery === null || (record.state !== 'succeeded' && record.state !== 'expired')
        ? null
        : {
            host: endpoint?.host ?? null,
            port: endpoint?.port ?? null,
            database: delivery.database,
            user: delivery.role,
            expires_at: delivery.expiresAt,
            dropped_at: delivery.droppedAt,
          },
    job:
      record.job === null
        ? null
        : {
            id: record.job.id,
            state: record.job.state,
            started_at: record.job.startedAt,
            finished_at: record.job.finishedAt,
            progress: live ?? record.job.progress,
            summary: record.job.summary,
            error: record.job.error,
          },
  };
}

function auditWire(event: AuditEvent): Record<string, unknown> {
  return {
    seq: event.seq,
    id: event.id,
    at: event.at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    outcome: event.outcome,
    details: event.details,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}
