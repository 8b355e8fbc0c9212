import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/index.js';
import {
  auditEventHash,
  createAuditVerifier,
  GENESIS_HASH,
  type AuditDetails,
  type AuditEvent,
  type AuditOutcome,
  type AuditVerification,
} from './audit-chain.js';
import type { SqlClient } from './sql-client.js';
import { STATE_SCHEMA_LOCK, STATE_SCHEMA_SQL, WORKER_LIVENESS_LOCK } from './state-schema.js';

export type RequestState =
  'awaiting_approval' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'expired';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Live progress of a run: phase and per-table row counts (names and counts only). */
export interface JobProgress {
  readonly phase: string | null;
  readonly tables: Readonly<Record<string, { readonly rows: number; readonly done: boolean }>>;
  readonly rows: number;
}

export interface JobRecord {
  readonly id: string;
  readonly requestId: string;
  readonly state: JobState;
  readonly workerId: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly progress: JobProgress | null;
  readonly summary: Readonly<Record<string, unknown>> | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface SnapshotRequestRecord {
  readonly id: string;
  readonly requester: string;
  readonly source: string;
  readonly target: string;
  readonly policy: string;
  readonly purpose: string;
  readonly ttlHours: number;
  readonly approvalRequired: boolean;
  readonly state: RequestState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly approvedBy: string | null;
  readonly job: JobRecord | null;
  /** The database (and role) made for this request on its target; null before a run starts. */
  readonly delivery: {
    readonly database: string;
    readonly role: string | null;
    readonly expiresAt: string | null;
    readonly droppedAt: string | null;
  } | null;
}

/** A delivered or half-made database due to be dropped. */
export interface DroppableDelivery {
  readonly requestId: string;
  readonly target: string;
  readonly database: string;
  readonly role: string | null;
  /** `expired`: a delivered snapshot past its TTL; `discarded`: what a failed or cancelled run left. */
  readonly reason: 'expired' | 'discarded';
}

export interface NewSnapshotRequest {
  readonly requester: string;
  readonly source: string;
  readonly target: string;
  readonly policy: string;
  readonly purpose: string;
  readonly ttlHours: number;
  readonly approvalRequired: boolean;
  /** Extra audit fields (policy digest, request id of the HTTP call): identifiers only. */
  readonly audit?: AuditDetails;
}

export interface NewAuditEvent {
  readonly actor: string;
  readonly action: string;
  readonly subject?: string | null;
  readonly outcome: AuditOutcome;
  readonly details?: AuditDetails;
}

export interface AuditQuery {
  readonly actor?: string;
  readonly action?: string;
  readonly subject?: string;
  readonly outcome?: AuditOutcome;
  readonly since?: string;
  readonly until?: string;
  /** Events after this sequence number (paging). */
  readonly afterSeq?: number;
  readonly limit: number;
}

export type JobOutcome =
  | { readonly state: 'succeeded'; readonly summary: Readonly<Record<string, unknown>> }
  | { readonly state: 'failed' | 'cancelled'; readonly code: string; readonly message: string };

/** What a running job's heartbeat learns: whether it is still its worker's, and whether it was cancelled. */
export interface JobPulse {
  readonly running: boolean;
  readonly cancelRequested: boolean;
}

/** The job a worker has claimed, with what it needs to run it. */
export interface ClaimedJob {
  readonly jobId: string;
  readonly request: SnapshotRequestRecord;
}

/**
 * Requests, jobs, approvals and the hash-chained audit log, in PostgreSQL or PGlite through one dialect.
 * Every state change and its audit event are written in one transaction.
 */
export class StateStore {
  readonly #sql: SqlClient;

  private constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  /** Creates or updates the tables (idempotent) and returns the store. */
  static async open(sql: SqlClient): Promise<StateStore> {
    await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [STATE_SCHEMA_LOCK]);
      await tx.exec(STATE_SCHEMA_SQL);
    });
    return new StateStore(sql);
  }

  async ping(): Promise<void> {
    await this.#sql.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.#sql.close();
  }

  async createSnapshotRequest(input: NewSnapshotRequest): Promise<SnapshotRequestRecord> {
    const id = randomUUID();
    const state: RequestState = input.approvalRequired ? 'awaiting_approval' : 'queued';
    await this.#sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO lookalike_requests (id, requester, source, target, policy, purpose, ttl_hours, approval_required, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          input.requester,
          input.source,
          input.target,
          input.policy,
          input.purpose,
          input.ttlHours,
          input.approvalRequired,
          state,
        ],
      );
      if (state === 'queued') await insertJob(tx, id);
      await appendAudit(tx, {
        actor: input.requester,
        action: 'snapshot.requested',
        subject: id,
        outcome: 'success',
        details: {
          ...input.audit,
          source: input.source,
          target: input.target,
          policy: input.policy,
          purpose: input.purpose,
          ttl_hours: input.ttlHours,
          approval_required: input.approvalRequired,
        },
      });
    });
    return this.#mustGet(id);
  }

  async getSnapshotRequest(id: string): Promise<SnapshotRequestRecord | null> {
    const rows = await this.#sql.query<RequestRow>(`${REQUEST_SELECT} WHERE r.id = $1`, [id]);
    return rows[0] === undefined ? null : toRequest(rows[0]);
  }

  async listSnapshotRequests(filter: {
    readonly requester?: string;
    readonly state?: RequestState;
    readonly limit: number;
  }): Promise<SnapshotRequestRecord[]> {
    const rows = await this.#sql.query<RequestRow>(
      `${REQUEST_SELECT} WHERE ($1::text IS NULL OR r.requester = $1) AND ($2::text IS NULL OR r.state = $2)
       ORDER BY r.created_at DESC, r.id LIMIT $3`,
      [filter.requester ?? null, filter.state ?? null, filter.limit],
    );
    return rows.map(toRequest);
  }

  /** Approves a waiting request and queues its job. The requester can never approve their own request. */
  async approveSnapshotRequest(id: string, approver: string): Promise<SnapshotRequestRecord> {
    await this.#sql.transaction(async (tx) => {
      const rows = await tx.query<{ requester: string; state: RequestState }>(
        'SELECT requester, state FROM lookalike_requests WHERE id = $1 FOR UPDATE',
        [id],
      );
      const row = rows[0];
      if (row === undefined) throw new GatewayError('not_found', 'no such snapshot request');
      if (row.requester === approver)
        throw new GatewayError('forbidden', 'a requester cannot approve their own request');
      if (row.state !== 'awaiting_approval')
        throw new GatewayError('conflict', `the request is ${row.state}, not awaiting approval`);
      await tx.query(
        `INSERT INTO lookalike_approvals (request_id, approver, decision) VALUES ($1, $2, 'approved')`,
        [id, approver],
      );
      await tx.query(`UPDATE lookalike_requests SET state = 'queued', updated_at = now() WHERE id = $1`, [
        id,
      ]);
      const jobId = await insertJob(tx, id);
      await appendAudit(tx, {
        actor: approver,
        action: 'snapshot.approved',
        subject: id,
        outcome: 'success',
        details: { job_id: jobId, requester: row.requester },
      });
    });
    return this.#mustGet(id);
  }

  /**
   * Cancels a request that has not started (state → cancelled). A running one is left to its runner
   * (which reaches the run's AbortSignal and records the outcome): `running` says so.
   */
  async cancelSnapshotRequest(
    id: string,
    actor: string,
  ): Promise<{ readonly request: SnapshotRequestRecord; readonly running: boolean }> {
    const running = await this.#sql.transaction(async (tx) => {
      const rows = await tx.query<{ state: RequestState }>(
        'SELECT state FROM lookalike_requests WHERE id = $1 FOR UPDATE',
        [id],
      );
      const state = rows[0]?.state;
      if (state === undefined) throw new GatewayError('not_found', 'no such snapshot request');
      if (state === 'succeeded' || state === 'failed' || state === 'cancelled' || state === 'expired')
        throw new GatewayError('conflict', `the request is already ${state}`);
      if (state === 'running') {
        await tx.query(
          `UPDATE lookalike_jobs SET cancel_requested_at = now() WHERE request_id = $1 AND state = 'running'`,
          [id],
        );
        await appendAudit(tx, {
          actor,
          action: 'snapshot.cancel_requested',
          subject: id,
          outcome: 'success',
        });
        return true;
      }
      await tx.query(`UPDATE lookalike_requests SET state = 'cancelled', updated_at = now() WHERE id = $1`, [
        id,
      ]);
      await tx.query(
        `UPDATE lookalike_jobs SET state = 'cancelled', finished_at = now(), error_code = 'cancelled',
           error_message = 'cancelled before it started' WHERE request_id = $1 AND state = 'queued'`,
        [id],
      );
      await appendAudit(tx, { actor, action: 'snapshot.cancelled', subject: id, outcome: 'success' });
      return false;
    });
    return { request: await this.#mustGet(id), running };
  }

  /** Jobs per state (for /metrics: every replica's jobs, not only this process's). */
  async countJobsByState(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    const rows = await this.#sql.query<{ state: JobState; n: string }>(
      'SELECT state, count(*)::text AS n FROM lookalike_jobs GROUP BY state',
    );
    for (const row of rows) counts[row.state] = Number(row.n);
    return counts;
  }

  /** Queued jobs, oldest first (what a runner picks up after a restart). */
  async queuedJobIds(): Promise<string[]> {
    const rows = await this.#sql.query<{ id: string }>(
      `SELECT id FROM lookalike_jobs WHERE state = 'queued' ORDER BY created_at, id`,
    );
    return rows.map((r) => r.id);
  }

  /** Marks a queued job running for `workerId`; null when another worker took it or it was cancelled. */
  async claimJob(jobId: string, workerId: string): Promise<ClaimedJob | null> {
    const requestId = await this.#sql.transaction(async (tx) => {
      const rows = await tx.query<{ request_id: string }>(
        `UPDATE lookalike_jobs SET state = 'running', worker_id = $2, started_at = now(), heartbeat_at = now()
         WHERE id = $1 AND state = 'queued' RETURNING request_id`,
        [jobId, workerId],
      );
      const claimed = rows[0]?.request_id;
      if (claimed === undefined) return null;
      await tx.query(`UPDATE lookalike_requests SET state = 'running', updated_at = now() WHERE id = $1`, [
        claimed,
      ]);
      await appendAudit(tx, {
        actor: `worker:${workerId}`,
        action: 'snapshot.started',
        subject: claimed,
        outcome: 'success',
        details: { job_id: jobId },
      });
      return claimed;
    });
    return requestId === null ? null : { jobId, request: await this.#mustGet(requestId) };
  }

  /** Progress and heartbeat of a running job (throttled by the runner); says whether a cancel is pending. */
  async recordProgress(jobId: string, progress: JobProgress): Promise<JobPulse> {
    const rows = await this.#sql.query<{ cancel_requested: boolean }>(
      `UPDATE lookalike_jobs SET progress = $2::jsonb, heartbeat_at = now() WHERE id = $1 AND state = 'running'
       RETURNING cancel_requested_at IS NOT NULL AS cancel_requested`,
      [jobId, JSON.stringify(progress)],
    );
    return { running: rows.length > 0, cancelRequested: rows[0]?.cancel_requested === true };
  }

  /** Records how a running job ended, with its audit event. A job no longer running is left alone. */
  async finishJob(jobId: string, outcome: JobOutcome, progress: JobProgress | null): Promise<void> {
    await this.#sql.transaction(async (tx) => {
      const rows = await tx.query<{ request_id: string }>(
        `UPDATE lookalike_jobs SET state = $2, finished_at = now(), summary = $3::jsonb, progress = $4::jsonb,
           error_code = $5, error_message = $6
         WHERE id = $1 AND state = 'running' RETURNING request_id`,
        [
          jobId,
          outcome.state,
          outcome.state === 'succeeded' ? JSON.stringify(outcome.summary) : null,
          progress === null ? null : JSON.stringify(progress),
          outcome.state === 'succeeded' ? null : outcome.code,
          outcome.state === 'succeeded' ? null : outcome.message,
        ],
      );
      const requestId = rows[0]?.request_id;
      if (requestId === undefined) return;
      // The TTL counts from delivery, not from the request.
      const expiry = await tx.query<{ expires_at: Date | string | null; delivery_database: string | null }>(
        `UPDATE lookalike_requests SET state = $2, updated_at = now(),
           expires_at = CASE WHEN $2 = 'succeeded' AND delivery_database IS NOT NULL
                             THEN now() + make_interval(hours => ttl_hours) ELSE expires_at END
         WHERE id = $1 RETURNING expires_at, delivery_database`,
        [requestId, outcome.state],
      );
      const delivered = expiry[0];
      await appendAudit(tx, {
        actor: 'gateway',
        action: `snapshot.${outcome.state}`,
        subject: requestId,
        outcome: outcome.state === 'succeeded' ? 'success' : 'failure',
        details:
          outcome.state === 'succeeded'
            ? {
                job_id: jobId,
                ...auditSummary(outcome.summary),
                database: delivered?.delivery_database ?? null,
                expires_at:
                  delivered?.expires_at === null || delivered?.expires_at === undefined
                    ? null
                    : iso(delivered.expires_at),
              }
            : { job_id: jobId, error_code: outcome.code },
      });
    });
  }

  /**
   * Jobs left `running` by a gateway that died are failed as `interrupted` — never reported succeeded (their
   * target transaction died with the process). `staleAfterMs` spares jobs another replica still heartbeats;
   * 0 (the embedded store: one process) fails every running job.
   */
  async failInterruptedJobs(staleAfterMs: number): Promise<string[]> {
    return this.#failRunningJobs(
      `heartbeat_at IS NULL OR heartbeat_at <= now() - make_interval(secs => $1::float8 / 1000)`,
      [staleAfterMs],
    );
  }

  /**
   * PostgreSQL only: fails (`interrupted`) the running jobs whose worker process is gone — its liveness lock
   * (`WORKER_LIVENESS_LOCK`, held on its own session for the process's life) is no longer held by anyone.
   * Exact, unlike a heartbeat timeout: a killed worker's session ends with it.
   */
  async failOrphanedJobs(): Promise<string[]> {
    return this.#failRunningJobs(
      `NOT EXISTS (SELECT 1 FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = $1::oid AND l.objid = hashtext(lookalike_jobs.worker_id)::oid)`,
      [WORKER_LIVENESS_LOCK],
    );
  }

  async #failRunningJobs(condition: string, params: readonly unknown[]): Promise<string[]> {
    return this.#sql.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; request_id: string }>(
        `UPDATE lookalike_jobs SET state = 'failed', finished_at = now(), error_code = 'interrupted',
           error_message = 'the process running the job stopped'
         WHERE state = 'running' AND (${condition})
         RETURNING id, request_id`,
        params,
      );
      for (const row of rows) {
        await tx.query(`UPDATE lookalike_requests SET state = 'failed', updated_at = now() WHERE id = $1`, [
          row.request_id,
        ]);
        await appendAudit(tx, {
          actor: 'gateway',
          action: 'snapshot.failed',
          subject: row.request_id,
          outcome: 'failure',
          details: { job_id: row.id, error_code: 'interrupted' },
        });
      }
      return rows.map((r) => r.id);
    });
  }

  /**
   * Records the database (and role) a run is about to create, before it exists: whatever a crash leaves
   * half-made is then known to the expiry sweep.
   */
  async recordDelivery(requestId: string, database: string, role: string | null): Promise<void> {
    await this.#sql.query(
      `UPDATE lookalike_requests SET delivery_database = $2, delivery_role = $3, updated_at = now() WHERE id = $1`,
      [requestId, database, role],
    );
  }

  /** Deliveries to drop at `now`: succeeded past their expiry, and anything failed or cancelled runs left. */
  async droppableDeliveries(now: Date, limit = 100): Promise<DroppableDelivery[]> {
    const rows = await this.#sql.query<{
      id: string;
      target: string;
      delivery_database: string;
      delivery_role: string | null;
      state: RequestState;
    }>(
      `SELECT id, target, delivery_database, delivery_role, state FROM lookalike_requests
       WHERE delivery_database IS NOT NULL AND dropped_at IS NULL
         AND (state IN ('failed', 'cancelled') OR (state = 'succeeded' AND expires_at <= $1::timestamptz))
       ORDER BY expires_at NULLS FIRST, id LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => ({
      requestId: r.id,
      target: r.target,
      database: r.delivery_database,
      role: r.delivery_role,
      reason: r.state === 'succeeded' ? 'expired' : 'discarded',
    }));
  }

  /** Ids of delivered snapshots whose TTL ends after `now` and by `until` (the webhooks' expiring notice). */
  async expiringDeliveries(now: Date, until: Date, limit = 100): Promise<string[]> {
    const rows = await this.#sql.query<{ id: string }>(
      `SELECT id FROM lookalike_requests
       WHERE state = 'succeeded' AND dropped_at IS NULL
         AND expires_at > $1::timestamptz AND expires_at <= $2::timestamptz
       ORDER BY expires_at, id LIMIT $3`,
      [now.toISOString(), until.toISOString(), limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Records that a delivery's database and role are gone: a succeeded request becomes `expired` (audit
   * `snapshot.expired`), a failed one keeps its state (`snapshot.discarded`). False when another replica
   * recorded it first.
   */
  async markDropped(requestId: string, actor: string): Promise<boolean> {
    return this.#sql.transaction(async (tx) => {
      const rows = await tx.query<{
        state: RequestState;
        delivery_database: string;
        expires_at: Date | null;
      }>(
        `UPDATE lookalike_requests
           SET dropped_at = now(), updated_at = now(),
               state = CASE WHEN state = 'succeeded' THEN 'expired' ELSE state END
         WHERE id = $1 AND delivery_database IS NOT NULL AND dropped_at IS NULL
         RETURNING state, delivery_database, expires_at`,
        [requestId],
      );
      const row = rows[0];
      if (row === undefined) return false;
      await appendAudit(tx, {
        actor,
        action: row.state === 'expired' ? 'snapshot.expired' : 'snapshot.discarded',
        subject: requestId,
        outcome: 'success',
        details: {
          database: row.delivery_database,
          expires_at: row.expires_at === null ? null : iso(row.expires_at),
        },
      });
      return true;
    });
  }

  appendAudit(event: NewAuditEvent): Promise<AuditEvent> {
    return this.#sql.transaction((tx) => appendAudit(tx, event));
  }

  async listAudit(query: AuditQuery): Promise<AuditEvent[]> {
    const rows = await this.#sql.query<AuditRow>(
      `${AUDIT_SELECT}
       WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
         AND ($3::text IS NULL OR subject = $3) AND ($4::text IS NULL OR outcome = $4)
         AND ($5::text IS NULL OR at >= $5) AND ($6::text IS NULL OR at < $6) AND seq > $7
       ORDER BY seq LIMIT $8`,
      [
        query.actor ?? null,
        query.action ?? null,
        query.subject ?? null,
        query.outcome ?? null,
        query.since ?? null,
        query.until ?? null,
        query.afterSeq ?? 0,
        query.limit,
      ],
    );
    return rows.map(toAuditEvent);
  }

  /** Walks the whole chain in pages and names the first event that does not fit. */
  async verifyAudit(pageSize = 1000): Promise<AuditVerification> {
    const verifier = createAuditVerifier();
    let after = 0;
    for (;;) {
      const rows = await this.#sql.query<AuditRow>(`${AUDIT_SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2`, [
        after,
        pageSize,
      ]);
      for (const row of rows) {
        if (!verifier.push(toAuditEvent(row))) return verifier.result();
      }
      if (rows.length < pageSize) return verifier.result();
      after = Number(rows[rows.length - 1]?.seq_text);
    }
  }

  async #mustGet(id: string): Promise<SnapshotRequestRecord> {
    const record = await this.getSnapshotRequest(id);
    if (record === null) throw new GatewayError('not_found', 'no such snapshot request');
    return record;
  }
}

async function insertJob(tx: SqlClient, requestId: string): Promise<string> {
  const jobId = randomUUID();
  await tx.query(`INSERT INTO lookalike_jobs (id, request_id, state) VALUES ($1, $2, 'queued')`, [
    jobId,
    requestId,
  ]);
  return jobId;
}

/** Appends under an exclusive lock so seq and prev_hash follow the last event exactly, across replicas. */
async function appendAudit(tx: SqlClient, event: NewAuditEvent): Promise<AuditEvent> {
  await tx.query('LOCK TABLE lookalike_audit_events IN EXCLUSIVE MODE');
  const last = await tx.query<{ seq_text: string; hash: string }>(
    'SELECT seq::text AS seq_text, hash FROM lookalike_audit_events ORDER BY seq DESC LIMIT 1',
  );
  const unhashed = {
    seq: last[0] === undefined ? 1 : Number(last[0].seq_text) + 1,
    id: randomUUID(),
    at: new Date().toISOString(),
    actor: event.actor,
    action: event.action,
    subject: event.subject ?? null,
    outcome: event.outcome,
    details: event.details ?? {},
    prevHash: last[0]?.hash ?? GENESIS_HASH,
  };
  const full: AuditEvent = { ...unhashed, hash: auditEventHash(unhashed) };
  await tx.query(
    `INSERT INTO lookalike_audit_events (seq, id, at, actor, action, subject, outcome, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
    [
      full.seq,
      full.id,
      full.at,
      full.actor,
      full.action,
      full.subject,
      full.outcome,
      JSON.stringify(full.details),
      full.prevHash,
      full.hash,
    ],
  );
  return full;
}

/** Counts and fingerprints from a run summary for its audit event. */
function auditSummary(summary: Readonly<Record<string, unknown>>): AuditDetails {
  const pick = (key: string): string | number | null => {
    const value = summary[key];
    return typeof value === 'string' || typeof value === 'number' ? value : null;
  };
  return {
    total_rows: pick('totalRows'),
    tables: Array.isArray(summary.tables) ? summary.tables.length : null,
    key_id: pick('keyId'),
    schema_fingerprint: pick('schemaFingerprint'),
    policy_digest: pick('policyDigest'),
  };
}

const REQUEST_SELECT = `
SELECT r.id, r.requester, r.source, r.target, r.policy, r.purpose, r.ttl_hours, r.approval_required, r.state,
       r.created_at, r.updated_at, a.approver, r.delivery_database, r.delivery_role, r.expires_at, r.dropped_at,
       j.id AS job_id, j.state AS job_state, j.worker_id, j.started_at, j.finished_at, j.progress, j.summary,
       j.error_code, j.error_message
FROM lookalike_requests r
LEFT JOIN lookalike_approvals a ON a.request_id = r.id
LEFT JOIN LATERAL (
  SELECT * FROM lookalike_jobs jj WHERE jj.request_id = r.id ORDER BY jj.created_at DESC, jj.id LIMIT 1
) j ON true`;

interface RequestRow {
  id: string;
  requester: string;
  source: string;
  target: string;
  policy: string;
  purpose: string;
  ttl_hours: number;
  approval_required: boolean;
  state: RequestState;
  created_at: Date | string;
  updated_at: Date | string;
  approver: string | null;
  delivery_database: string | null;
  delivery_role: string | null;
  expires_at: Date | string | null;
  dropped_at: Date | string | null;
  job_id: string | null;
  job_state: JobState | null;
  worker_id: string | null;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  progress: JobProgress | null;
  summary: Record<string, unknown> | null;
  error_code: string | null;
  error_message: string | null;
}

function toRequest(row: RequestRow): SnapshotRequestRecord {
  return {
    id: row.id,
    requester: row.requester,
    source: row.source,
    target: row.target,
    policy: row.policy,
    purpose: row.purpose,
    ttlHours: row.ttl_hours,
    approvalRequired: row.approval_required,
    state: row.state,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    approvedBy: row.approver,
    delivery:
      row.delivery_database === null
        ? null
        : {
            database: row.delivery_database,
            role: row.delivery_role,
            expiresAt: row.expires_at === null ? null : iso(row.expires_at),
            droppedAt: row.dropped_at === null ? null : iso(row.dropped_at),
          },
    job:
      row.job_id === null || row.job_state === null
        ? null
        : {
            id: row.job_id,
            requestId: row.id,
            state: row.job_state,
            workerId: row.worker_id,
            startedAt: row.started_at === null ? null : iso(row.started_at),
            finishedAt: row.finished_at === null ? null : iso(row.finished_at),
            progress: row.progress,
            summary: row.summary,
            error:
              row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
          },
  };
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

// bigint comes back as text from node-postgres; the alias must differ from `seq` or ORDER BY sorts text.
const AUDIT_SELECT = `SELECT seq::text AS seq_text, id, at, actor, action, subject, outcome, details, prev_hash, hash
FROM lookalike_audit_events`;

interface AuditRow {
  seq_text: string;
  id: string;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  outcome: AuditOutcome;
  details: AuditDetails;
  prev_hash: string;
  hash: string;
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq_text),
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    outcome: row.outcome,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
