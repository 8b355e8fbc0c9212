import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import { hasRole, isAllowed, type Principal, type TokenVerifier } from '../auth/index.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError, toGatewayError, type Logger } from '../core/index.js';
import {
  parseCronSchedule,
  type GatewayMetrics,
  type JobRunner,
  type TargetServer,
  type WebhookNotifier,
} from '../jobs/index.js';
import type {
  AuditDetails,
  AuditEvent,
  AuditOutcome,
  AuditQuery,
  PolicyVersionRecord,
  SnapshotRequestRecord,
  StateStore,
} from '../state/index.js';
import {
  AuditExportQuerySchema,
  AuditQuerySchema,
  CreateSnapshotRequestSchema,
  CreateSynthRequestSchema,
  DetectRequestSchema,
  ListSnapshotsQuerySchema,
  PlanSourceRequestSchema,
  RenewSnapshotRequestSchema,
  UploadPolicyRequestSchema,
} from './api-schemas.js';
import { openApiDocument } from './openapi-document.js';
import { fieldProblems, problemOf, publicError } from './problem.js';
import { createRateLimiter } from './rate-limiter.js';
import { renderReferencePage } from './reference-page.js';
import type { PolicyCatalog } from './policy-catalog.js';
import type { SourceInspector } from './source-inspector.js';

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
  /** Scans, plans and text detection (off the API's event loop); those endpoints answer 503 without it. */
  readonly inspector?: SourceInspector;
  /** Checks uploaded policies (PUT /v1/policies/{name}); that endpoint answers 503 without it. */
  readonly policyCatalog?: PolicyCatalog;
  /** Policy name → digest of the loaded policy (recorded in audit events). */
  /** A configured policy's current digest, as the state store holds it (any replica's upload counts). */
  readonly policyDigestOf: (name: string) => Promise<string | null>;
  readonly logger: Logger;
  readonly version: string;
  /** False while draining (SIGTERM): /readyz answers 503 so no new traffic arrives. */
  readonly isAccepting?: () => boolean;
  /** Clock for the rate limiter (tests). */
  readonly now?: () => number;
  /** Told of each answered request (the tracing hook): method, route pattern, status, timing only. */
  readonly onRequestServed?: (served: ServedRequest) => void;
}

/** One answered request as the tracing sees it: never the path with its ids, headers or bodies. */
export interface ServedRequest {
  readonly method: string;
  /** The route pattern (`/v1/snapshots/:id`). */
  readonly route: string;
  readonly status: number;
  /** Arrival, in milliseconds since the epoch, and time to answer. */
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** The caller's W3C `traceparent`, when it sent a well-formed one: the request's span continues that trace. */
  readonly traceparent?: string;
}

/** `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, ids not all zero (W3C Trace Context). */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

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
    const durationMs = performance.now() - started;
    const traceparent = c.req.header('traceparent')?.trim().toLowerCase();
    deps.onRequestServed?.({
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      startedAtMs: performance.timeOrigin + started,
      durationMs,
      ...(traceparent !== undefined && TRACEPARENT.test(traceparent) ? { traceparent } : {}),
    });
    // The path pattern, method and status only: never headers (tokens) or bodies.
    logger.info('http_request', {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round(durationMs),
      // The HTTP call's id (X-Request-Id); `request_id` in job events is the snapshot request's.
      http_request_id: c.get('requestId'),
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
      logger.error('http_internal_error', { http_request_id: c.get('requestId') });
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
  // Self-contained: inline style, no script, nothing fetched from elsewhere.
  const referencePage = renderReferencePage(openApi);
  app.get('/docs', (c) =>
    c.html(referencePage, 200, {
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    }),
  );

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
      logger.warn('auth_failed', { reason: gatewayError.message, http_request_id: c.get('requestId') });
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
      details: { http_request_id: c.get('requestId') },
    });
    throw publicError('forbidden', message);
  };

  const inspector = (): SourceInspector => {
    if (deps.inspector === undefined)
      throw publicError('unavailable', 'scans, plans and detection are not available on this gateway');
    return deps.inspector;
  };

  /** The path's source, when the principal is a requester allowed on it (else 403, audited: no hint). */
  const allowedSource = async (c: Context<Env>, action: string): Promise<string> => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'requester')) await deny(c, action, null, 'this needs the role requester');
    const name = c.req.param('name') ?? '';
    const source = SOURCE_NAME.test(name) ? configured(config.sources, name) : undefined;
    if (source === undefined || !isAllowed(principal, source.allow))
      await deny(c, action, null, 'no such source is available to you');
    return name;
  };

  /** Runs an inspection and records its outcome (counts and names only; failures by error code). */
  const audited = async <T>(
    c: Context<Env>,
    action: string,
    details: AuditDetails,
    run: () => Promise<T>,
    counts: (result: T) => AuditDetails,
  ): Promise<T> => {
    const base = { ...details, http_request_id: c.get('requestId') };
    let result: T;
    try {
      result = await run();
    } catch (error) {
      await store.appendAudit({
        actor: c.get('principal').subject,
        action,
        outcome: 'failure',
        details: { ...base, error_code: toGatewayError(error).code },
      });
      throw error;
    }
    await store.appendAudit({
      actor: c.get('principal').subject,
      action,
      outcome: 'success',
      details: { ...base, ...counts(result) },
    });
    return result;
  };

  app.post('/v1/sources/:name/scan', async (c) => {
    const source = await allowedSource(c, 'source.scan');
    const scan = await audited(
      c,
      'source.scan',
      { source },
      () => inspector().scan(source, c.req.raw.signal),
      (r) => ({
        schema_fingerprint: r.schema_fingerprint,
        tables: r.tables,
        rows_sampled: r.rows_sampled,
        columns: r.columns.length,
        undecided: r.columns.filter((col) => col.decision === 'undecided').length,
      }),
    );
    return c.json(scan);
  });

  app.post('/v1/sources/:name/plan', async (c) => {
    const source = await allowedSource(c, 'source.plan');
    const body = parse(PlanSourceRequestSchema, await readOptionalJson(c));
    if (body.policy !== undefined && configured(config.policies, body.policy) === undefined)
      throw publicError('usage', 'unknown policy', [{ field: 'policy', problem: 'no such policy' }]);
    const policy = body.policy ?? configured(config.sources, source)?.policy ?? null;
    const plan = await audited(
      c,
      'source.plan',
      {
        source,
        policy,
        policy_digest: policy === null ? null : await deps.policyDigestOf(policy),
      },
      () => inspector().plan(source, policy, c.req.raw.signal),
      (r) => ({
        schema_fingerprint: r.schema_fingerprint,
        plan_policy_digest: r.policy_digest,
        runnable: r.runnable,
        tables: r.tables.length,
        uncovered: r.uncovered.length,
        errors: r.findings.filter((f) => f.severity === 'error').length,
      }),
    );
    return c.json(plan);
  });

  // The one endpoint that receives text: neither the texts nor what was found in them reach logs or the
  // audit log (counts only), and 400s name fields, never content.
  app.post('/v1/detect', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'requester')) await deny(c, 'text.detect', null, 'this needs the role requester');
    const body = parse(DetectRequestSchema, await readJson(c));
    const result = await audited(
      c,
      'text.detect',
      {
        texts: body.texts.length,
        characters: body.texts.reduce((sum, t) => sum + t.text.length, 0),
      },
      () =>
        inspector().detect(
          {
            texts: body.texts,
            ...(body.threshold === undefined ? {} : { threshold: body.threshold }),
          },
          c.req.raw.signal,
        ),
      (r) => ({ entities: r.results.reduce((sum, t) => sum + t.entities.length, 0) }),
    );
    return c.json(result);
  });

  // A new version of a configured policy, with the reason (admins). Runs requested from now on use it,
  // on every replica (they read the version their request recorded from the state store).
  app.put('/v1/policies/:name', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'admin')) await deny(c, 'policy.upload', null, 'this needs the role admin');
    const name = c.req.param('name');
    if (configured(config.policies, name) === undefined) throw publicError('not_found', 'no such policy');
    const body = parse(UploadPolicyRequestSchema, await readJson(c));
    if (deps.policyCatalog === undefined)
      throw publicError('unavailable', 'policy uploads are not available on this gateway');
    let loaded: { readonly digest: string; readonly policyJson: string };
    try {
      loaded = deps.policyCatalog.check(name, body.text);
    } catch (error) {
      const gatewayError = toGatewayError(error);
      // The parser's messages name line:column and the path in the document, never values.
      if (gatewayError.code === 'policy_invalid') throw publicError('policy_invalid', gatewayError.message);
      throw gatewayError;
    }
    const { version, recorded } = await store.recordPolicyVersion({
      name,
      digest: loaded.digest,
      sourceText: body.text,
      policyJson: loaded.policyJson,
      actor: principal.subject,
      origin: 'upload',
      reason: body.reason,
      audit: { http_request_id: c.get('requestId') },
    });
    if (recorded) deps.policyCatalog.changed(name, loaded.policyJson, loaded.digest);
    return c.json({ name, changed: recorded, version: policyVersionWire(version) });
  });

  app.get('/v1/policies/:name/versions', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'requester', 'approver', 'auditor', 'admin'))
      throw publicError('forbidden', 'no role to read policy versions');
    const name = c.req.param('name');
    if (configured(config.policies, name) === undefined) throw publicError('not_found', 'no such policy');
    const versions = await store.listPolicyVersions(name);
    return c.json({
      name,
      current_version: versions[versions.length - 1]?.version ?? null,
      versions: versions.map(policyVersionWire),
    });
  });

  // One version with the text it was recorded from (what an auditor compares).
  app.get('/v1/policies/:name/versions/:version', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'requester', 'approver', 'auditor', 'admin'))
      throw publicError('forbidden', 'no role to read policy versions');
    const name = c.req.param('name');
    const version = Number(c.req.param('version'));
    const found =
      configured(config.policies, name) === undefined || !Number.isInteger(version) || version < 1
        ? null
        : await store.getPolicyVersionText(name, version);
    if (found === null) throw publicError('not_found', 'no such policy version');
    return c.json({ name, ...policyVersionWire(found), text: found.sourceText });
  });

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

  // Environments this principal may request into: names and descriptions, never targets or connections.
  app.get('/v1/environments', (c) => {
    const principal = c.get('principal');
    const environments = Object.entries(config.environments)
      .filter(([, environment]) => isAllowed(principal, environment.allow))
      .map(([name, environment]) => ({
        name,
        ...(environment.description === undefined ? {} : { description: environment.description }),
        ttl_default_hours: environment.ttl_default_hours ?? config.snapshots.ttl_default_hours,
        approval_required: environment.approval_required,
      }));
    return c.json({ environments });
  });

  /** A snapshot or synth request: names resolved and checked, recorded, queued or left for an approver. */
  const createRequest = async (
    c: Context<Env>,
    body: z.infer<typeof CreateSnapshotRequestSchema>,
    synth: { readonly scale: number; readonly seed: string } | null,
  ): Promise<Response> => {
    const principal = c.get('principal');
    const source = configured(config.sources, body.source);
    if (source === undefined || !isAllowed(principal, source.allow))
      await deny(c, 'snapshot.request', null, `source "${body.source}" is not available to you`);
    // An environment resolves to its target; both its allow-list and the source's must admit the principal.
    const environment =
      body.environment === undefined ? undefined : configured(config.environments, body.environment);
    if (
      body.environment !== undefined &&
      (environment === undefined || !isAllowed(principal, environment.allow))
    )
      await deny(c, 'snapshot.request', null, 'no such environment is available to you');
    const target = environment?.target ?? body.target ?? '';
    if (configured(config.targets, target) === undefined)
      throw publicError('usage', 'unknown target', [{ field: 'target', problem: 'no such target' }]);
    const policy = configured(config.policies, body.policy);
    if (policy === undefined)
      throw publicError('usage', 'unknown policy', [{ field: 'policy', problem: 'no such policy' }]);
    const ttlHours = body.ttl_hours ?? environment?.ttl_default_hours ?? config.snapshots.ttl_default_hours;
    if (ttlHours > config.snapshots.ttl_max_hours)
      throw publicError('usage', 'ttl_hours is above the maximum', [
        { field: 'ttl_hours', problem: `too big: at most ${config.snapshots.ttl_max_hours}` },
      ]);
    const refresh = body.refresh === undefined ? null : parseCronSchedule(body.refresh.cron);
    const refreshNextAt = refresh?.next(new Date()) ?? null;
    const record = await store.createSnapshotRequest({
      requester: principal.subject,
      source: body.source,
      target,
      policy: body.policy,
      purpose: body.purpose,
      ttlHours,
      approvalRequired:
        (source?.approval_required ?? true) ||
        policy.approval_required ||
        environment?.approval_required === true,
      environment: body.environment ?? null,
      synth,
      refresh:
        refresh === null || refreshNextAt === null
          ? null
          : { cron: refresh.expression, nextAt: refreshNextAt },
      audit: {
        http_request_id: c.get('requestId'),
        policy_digest: await deps.policyDigestOf(body.policy),
      },
    });
    if (record.state === 'queued' && record.job !== null) runner.enqueue(record.job.id);
    if (record.state === 'awaiting_approval')
      deps.notifier?.notify({ event: 'approval_needed', requestId: record.id, outcome: record.state });
    c.header('Location', `/v1/snapshots/${record.id}`);
    return c.json(present(record), 201);
  };

  app.post('/v1/snapshots', async (c) => {
    if (!hasRole(c.get('principal'), 'requester'))
      await deny(c, 'snapshot.request', null, 'this needs the role requester');
    return createRequest(c, parse(CreateSnapshotRequestSchema, await readJson(c)), null);
  });

  // Synthetic data, delivered like a snapshot: followed, approved, renewed and cancelled at /v1/snapshots/{id}.
  app.post('/v1/synth', async (c) => {
    if (!hasRole(c.get('principal'), 'requester'))
      await deny(c, 'snapshot.request', null, 'this needs the role requester');
    const { scale, seed, ...body } = parse(CreateSynthRequestSchema, await readJson(c));
    return createRequest(c, body, { scale, seed });
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

  // The manifest file exactly as the run stored it, so its signature verifies (`lookalike manifest verify`).
  app.get('/v1/snapshots/:id/manifest', async (c) => {
    const record = await visible(c);
    const manifest = await store.getManifest(record.id);
    if (manifest === null) throw publicError('not_found', 'no manifest: the request has not delivered');
    return c.body(manifest.text, 200, {
      'Content-Type': 'application/json',
      'Lookalike-Manifest-Id': manifest.id,
    });
  });

  app.post('/v1/snapshots/:id/cancel', async (c) => {
    const principal = c.get('principal');
    const record = await visible(c);
    if (record.requester !== principal.subject && !hasRole(principal, 'admin'))
      await deny(c, 'snapshot.cancel', record.id, 'only the requester or an admin can cancel');
    const { request, running } = await store.cancelSnapshotRequest(record.id, principal.subject);
    const reached = running && runner.cancel(record.id);
    return c.json({ ...present(request), ...(running ? { cancel_requested: reached } : {}) });
  });

  // A longer life for a delivered snapshot: from now, bounded per renewal by ttl_max_hours and in all by
  // lifetime_max_hours after delivery.
  app.post('/v1/snapshots/:id/renew', async (c) => {
    const principal = c.get('principal');
    const record = await visible(c);
    if (record.requester !== principal.subject && !hasRole(principal, 'admin'))
      await deny(c, 'snapshot.renew', record.id, 'only the requester or an admin can renew');
    const body = parse(RenewSnapshotRequestSchema, await readOptionalJson(c));
    const hours = body.hours ?? record.ttlHours;
    if (hours > config.snapshots.ttl_max_hours)
      throw publicError('usage', 'hours is above the maximum', [
        { field: 'hours', problem: `too big: at most ${config.snapshots.ttl_max_hours}` },
      ]);
    const renewed = await store
      .renewSnapshot(
        record.id,
        principal.subject,
        hours,
        config.snapshots.lifetime_max_hours ?? config.snapshots.ttl_max_hours,
        { http_request_id: c.get('requestId') },
      )
      .catch((error: unknown) => {
        // The store's conflicts are written for the caller (states and limits, no values).
        if (error instanceof GatewayError && error.code === 'conflict')
          throw publicError('conflict', error.message);
        throw error;
      });
    return c.json(present(renewed));
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
      details: {
        database: delivery.database,
        user: delivery.role,
        http_request_id: c.get('requestId'),
      },
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
    const events = await store.listAudit({ ...auditFilter(query), limit: query.limit });
    const wire = events.map(auditWire);
    if (query.format === 'jsonl') {
      c.header('Content-Type', 'application/x-ndjson');
      return c.body(wire.map((e) => `${JSON.stringify(e)}\n`).join(''));
    }
    const last = events[events.length - 1];
    return c.json({ events: wire, next_after_seq: events.length === query.limit && last ? last.seq : null });
  });

  // For a SIEM: every matching event as JSON Lines, read page by page as the client takes them.
  app.get('/v1/audit/export', async (c) => {
    const principal = c.get('principal');
    if (!hasRole(principal, 'auditor')) await deny(c, 'audit.export', null, 'this needs the role auditor');
    const filter = auditFilter(parse(AuditExportQuerySchema, c.req.query()));
    const httpRequestId = c.get('requestId');
    const encoder = new TextEncoder();
    let afterSeq = filter.afterSeq ?? 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const events = await store.listAudit({ ...filter, afterSeq, limit: AUDIT_EXPORT_PAGE });
            const last = events[events.length - 1];
            if (last !== undefined) {
              controller.enqueue(
                encoder.encode(events.map((e) => `${JSON.stringify(auditWire(e))}\n`).join('')),
              );
              afterSeq = last.seq;
            }
            if (events.length < AUDIT_EXPORT_PAGE) controller.close();
          } catch (error) {
            // The status is sent already: the stream ends in error (the client sees a broken transfer).
            logger.warn('audit_export_failed', {
              http_request_id: httpRequestId,
              code: toGatewayError(error).code,
            });
            controller.error(error);
          }
        },
      },
      { highWaterMark: 0 },
    );
    return c.body(body, 200, {
      'Content-Type': 'application/x-ndjson',
      'Content-Disposition': 'attachment; filename="lookalike-audit.jsonl"',
    });
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

/** A body that may be left out (no content-type and nothing sent) reads as `{}`. */
async function readOptionalJson(c: Context<Env>): Promise<unknown> {
  if (c.req.header('content-type') === undefined && (await c.req.text()).trim() === '') return {};
  return readJson(c);
}

/** A configured entry by name: own keys only (`constructor` names nothing). */
function configured<T>(entries: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(entries, name) ? entries[name] : undefined;
}

/** Source names as configured (anything else names no source; it is never echoed). */
const SOURCE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** Events per page of an audit export. */
const AUDIT_EXPORT_PAGE = 500;

function auditFilter(query: {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly subject?: string | undefined;
  readonly source?: string | undefined;
  readonly outcome?: AuditOutcome | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly after_seq?: number | undefined;
}): Omit<AuditQuery, 'limit'> {
  const since = query.from ?? query.since;
  const until = query.to ?? query.until;
  return {
    ...(query.actor === undefined ? {} : { actor: query.actor }),
    ...(query.action === undefined ? {} : { action: query.action }),
    ...(query.subject === undefined ? {} : { subject: query.subject }),
    ...(query.source === undefined ? {} : { source: query.source }),
    ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
    ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
    ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
    ...(query.after_seq === undefined ? {} : { afterSeq: query.after_seq }),
  };
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
    kind: record.kind,
    synth: record.synth,
    state: record.state,
    source: record.source,
    target: record.target,
    policy: record.policy,
    policy_version: record.policyVersion,
    policy_digest: record.policyDigest,
    purpose: record.purpose,
    ttl_hours: record.ttlHours,
    approval_required: record.approvalRequired,
    requester: record.requester,
    approved_by: record.approvedBy,
    environment: record.environment,
    refresh:
      record.refresh === null
        ? null
        : { cron: record.refresh.cron, next_at: record.refresh.nextAt, stopped_at: record.refresh.stoppedAt },
    refresh_of: record.refreshOf,
    replaced_by: record.replacedBy,
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
            delivered_at: delivery.deliveredAt,
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

function policyVersionWire(v: PolicyVersionRecord): Record<string, unknown> {
  return {
    version: v.version,
    digest: v.digest,
    created_at: v.createdAt,
    created_by: v.createdBy,
    origin: v.origin,
    reason: v.reason,
    changed_sections: v.changedSections,
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
