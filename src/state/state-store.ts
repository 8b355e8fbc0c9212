import { UnitStore } from './unit-store.js';
import { createHash, randomUUID } from 'node:crypto';
import { GatewayError } from '../core/index.js';
import { canonicalJson } from '../introspection/index.js';
import {
  auditEventHash,
  createAuditVerifier,
  GENESIS_HASH,
  type AuditDetails,
  type AuditEvent,
  type AuditOutcome,
  type AuditVerification,
} from './audit-chain.js';
import { changedSections } from './changed-sections.js';
import type { SqlClient } from './sql-client.js';
import { STATE_SCHEMA_LOCK, STATE_SCHEMA_SQL, WORKER_LIVENESS_LOCK } from './state-schema.js';

/** A job failed because the process running it stopped (`interrupted`), with its request. */
export interface FailedJob {
  readonly jobId: string;
  readonly requestId: string;
}
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
  /** `snapshot` (anonymized copy) or `synth` (synthetic rows); both deliver a database with a TTL. */
  readonly kind: 'snapshot' | 'synth';
  /** A synth request's scale and seed; null for snapshots. */
  readonly synth: { readonly scale: number; readonly seed: string } | null;
  readonly requester: string;
  readonly source: string;
  readonly target: string;
  readonly policy: string;
  /** The policy version (and its digest) the request runs with; null for requests older than versioning. */
  readonly policyVersion: number | null;
  readonly policyDigest: string | null;
  readonly purpose: string;
  readonly ttlHours: number;
  readonly approvalRequired: boolean;
  readonly state: RequestState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly approvedBy: string | null;
  /** The named environment the request chose (its target resolved from it), or null. */
  readonly environment: string | null;
  /** A schedule of refreshes (this request is its root); null when none was asked for. */
  readonly refresh: {
    readonly cron: string;
    readonly nextAt: string | null;
    readonly stoppedAt: string | null;
  } | null;
  /** The scheduled request this one refreshes (the chain's root), or null. */
  readonly refreshOf: string | null;
  /** The refresh whose delivery replaced this one's (its database then dropped), or null. */
  readonly replacedBy: string | null;
  readonly job: JobRecord | null;
  /** The database (and role) made for this request on its target; null before a run starts. */
  readonly delivery: {
    readonly database: string;
    readonly role: string | null;
    readonly expiresAt: string | null;
    readonly droppedAt: string | null;
    /** When the run delivered it (the TTL and renewals count from here); null before. */
    readonly deliveredAt: string | null;
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
  readonly environment?: string | null;
  /** A synth request (scale, seed); absent: a snapshot. */
  readonly synth?: { readonly scale: number; readonly seed: string } | null;
  /** Refresh on this schedule (validated cron) from `nextAt` on. */
  readonly refresh?: { readonly cron: string; readonly nextAt: Date } | null;
  /** Extra audit fields (policy digest, request id of the HTTP call): identifiers only. */
  readonly audit?: AuditDetails;
}

/** One recorded version of a policy (the text is read separately: `getPolicyVersion`). */
export interface PolicyVersionRecord {
  readonly name: string;
  readonly version: number;
  readonly digest: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly origin: 'config' | 'upload';
  readonly reason: string;
  /** Sections that differ from the previous version (`tables.public.users`, `subset`, …). */
  readonly changedSections: readonly string[];
}

export interface NewPolicyVersion {
  readonly name: string;
  readonly digest: string;
  /** The YAML as written (config file or upload). */
  readonly sourceText: string;
  /** The loaded policy as JSON (what runs use: side files already read in). */
  readonly policyJson: string;
  readonly actor: string;
  readonly origin: 'config' | 'upload';
  readonly reason: string;
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
  /** Events naming this source, or about a snapshot request of it. */
  readonly source?: string;
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

/** A delivered run's manifest file as the run wrote it (signed or marked unsigned). */
export interface StoredManifest {
  /** `manifest_id`: SHA-256 (hex) of the manifest's canonical JSON (RFC 8785), as recorded in the audit log. */
  readonly id: string;
  readonly jobId: string;
  /** The manifest file's text, byte for byte (what `lookalike manifest verify` checks). */
  readonly text: string;
}

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
  /** Units of work of split runs (PostgreSQL only: the embedded store runs every load in one process). */
  readonly units: UnitStore;

  private constructor(sql: SqlClient) {
    this.#sql = sql;
    this.units = new UnitStore(sql);
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
        `INSERT INTO lookalike_requests (id, requester, source, target, policy, purpose, ttl_hours, approval_required,
           state, environment, refresh_cron, refresh_next_at, kind, synth_scale, synth_seed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz, $13, $14, $15)`,
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
          input.environment ?? null,
          input.refresh?.cron ?? null,
          input.refresh?.nextAt.toISOString() ?? null,
          input.synth == null ? 'snapshot' : 'synth',
          input.synth?.scale ?? null,
          input.synth?.seed ?? null,
        ],
      );
      if (state === 'queued') await insertJob(tx, id);
      const policyVersion = await pinPolicyVersion(tx, id, input.policy);
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
          ...(input.environment == null ? {} : { environment: input.environment }),
          ...(input.synth == null ? {} : { kind: 'synth', scale: input.synth.scale, seed: input.synth.seed }),
          ...(input.refresh == null ? {} : { refresh_cron: input.refresh.cron }),
          ...(policyVersion === null
            ? {}
            : { policy_version: policyVersion.version, policy_digest: policyVersion.digest }),
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
      // Rows are locked in the order claimJob and finishJob lock them (the job, then its request): a cancel
      // racing a worker's claim waits for it instead of deadlocking with it (and failing with a 500).
      await tx.query(`SELECT id FROM lookalike_jobs WHERE request_id = $1 ORDER BY id FOR UPDATE`, [id]);
      const rows = await tx.query<{ state: RequestState; refreshing: boolean }>(
        `SELECT state, refresh_cron IS NOT NULL AND refresh_stopped_at IS NULL AS refreshing
         FROM lookalike_requests WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const state = rows[0]?.state;
      if (state === undefined) throw new GatewayError('not_found', 'no such snapshot request');
      // A cancel ends a refresh schedule too; on a finished request that is all it does.
      if (rows[0]?.refreshing === true) {
        await tx.query(
          `UPDATE lookalike_requests SET refresh_stopped_at = now(), refresh_next_at = NULL, updated_at = now()
           WHERE id = $1`,
          [id],
        );
        await appendAudit(tx, { actor, action: 'snapshot.refresh_stopped', subject: id, outcome: 'success' });
      }
      if (state === 'succeeded' || state === 'failed' || state === 'cancelled' || state === 'expired') {
        if (rows[0]?.refreshing === true) return false;
        throw new GatewayError('conflict', `the request is already ${state}`);
      }
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
      const rows = await tx.query<{ request_id: string; manifest_id: string | null }>(
        `UPDATE lookalike_jobs SET state = $2, finished_at = now(), summary = $3::jsonb, progress = $4::jsonb,
           error_code = $5, error_message = $6
         WHERE id = $1 AND state = 'running' RETURNING request_id, manifest_id`,
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
      if (outcome.state !== 'succeeded')
        await tx.query(
          `UPDATE lookalike_job_units SET state = 'cancelled', finished_at = now()
           WHERE job_id = $1 AND state IN ('queued', 'running')`,
          [jobId],
        );
      // The TTL counts from delivery, not from the request.
      const expiry = await tx.query<{
        expires_at: Date | string | null;
        delivery_database: string | null;
        chain: string;
      }>(
        `UPDATE lookalike_requests SET state = $2, updated_at = now(),
           expires_at = CASE WHEN $2 = 'succeeded' AND delivery_database IS NOT NULL
                             THEN now() + make_interval(hours => ttl_hours) ELSE expires_at END,
           delivered_at = CASE WHEN $2 = 'succeeded' AND delivery_database IS NOT NULL
                               THEN now() ELSE delivered_at END
         WHERE id = $1 RETURNING expires_at, delivery_database, COALESCE(refresh_of, id) AS chain`,
        [requestId, outcome.state],
      );
      const delivered = expiry[0];
      // A refresh replaces the chain's earlier deliveries only once it is delivered itself: they expire now
      // and the expiry sweep drops them.
      if (outcome.state === 'succeeded' && delivered !== undefined && delivered.delivery_database !== null) {
        const replaced = await tx.query<{ id: string; delivery_database: string }>(
          `UPDATE lookalike_requests SET expires_at = now(), replaced_by = $2, updated_at = now()
           WHERE (id = $1 OR refresh_of = $1) AND id <> $2 AND state = 'succeeded'
             AND delivery_database IS NOT NULL AND dropped_at IS NULL
           RETURNING id, delivery_database`,
          [delivered.chain, requestId],
        );
        for (const old of replaced)
          await appendAudit(tx, {
            actor: 'gateway',
            action: 'snapshot.replaced',
            subject: old.id,
            outcome: 'success',
            details: { replaced_by: requestId, database: old.delivery_database },
          });
      }
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
                manifest_id: rows[0]?.manifest_id ?? null,
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
  async failInterruptedJobs(staleAfterMs: number): Promise<FailedJob[]> {
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
  async failOrphanedJobs(): Promise<FailedJob[]> {
    return this.#failRunningJobs(
      `NOT EXISTS (SELECT 1 FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = $1::oid AND l.objid = hashtext(lookalike_jobs.worker_id)::oid)`,
      [WORKER_LIVENESS_LOCK],
    );
  }

  async #failRunningJobs(condition: string, params: readonly unknown[]): Promise<FailedJob[]> {
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
        // Its units stop with it (running ones at their next heartbeat).
        await tx.query(
          `UPDATE lookalike_job_units SET state = 'cancelled', finished_at = now()
           WHERE job_id = $1 AND state IN ('queued', 'running')`,
          [row.id],
        );
        await appendAudit(tx, {
          actor: 'gateway',
          action: 'snapshot.failed',
          subject: row.request_id,
          outcome: 'failure',
          details: { job_id: row.id, error_code: 'interrupted' },
        });
      }
      return rows.map((r) => ({ jobId: r.id, requestId: r.request_id }));
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

  /**
   * Keeps the manifest file a running job wrote for its delivery (before `finishJob` records the success,
   * whose audit event names the manifest id). Returns the id; null when the job is no longer running.
   */
  async recordManifest(
    jobId: string,
    file: { readonly text: string; readonly manifest: unknown },
  ): Promise<string | null> {
    const id = createHash('sha256').update(canonicalJson(file.manifest)).digest('hex');
    const rows = await this.#sql.query<{ id: string }>(
      `UPDATE lookalike_jobs SET manifest = $2, manifest_id = $3 WHERE id = $1 AND state = 'running' RETURNING id`,
      [jobId, file.text, id],
    );
    return rows.length > 0 ? id : null;
  }

  /** The manifest of a request's latest succeeded run, or null when none was stored. */
  async getManifest(requestId: string): Promise<StoredManifest | null> {
    const rows = await this.#sql.query<{ id: string; manifest: string; manifest_id: string }>(
      `SELECT id, manifest, manifest_id FROM lookalike_jobs
       WHERE request_id = $1 AND state = 'succeeded' AND manifest IS NOT NULL
       ORDER BY finished_at DESC, id LIMIT 1`,
      [requestId],
    );
    const row = rows[0];
    return row === undefined ? null : { id: row.manifest_id, jobId: row.id, text: row.manifest };
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
        replaced_by: string | null;
      }>(
        `UPDATE lookalike_requests
           SET dropped_at = now(), updated_at = now(),
               state = CASE WHEN state = 'succeeded' THEN 'expired' ELSE state END
         WHERE id = $1 AND delivery_database IS NOT NULL AND dropped_at IS NULL
         RETURNING state, delivery_database, expires_at, replaced_by`,
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
          ...(row.replaced_by === null ? {} : { replaced_by: row.replaced_by }),
        },
      });
      return true;
    });
  }

  /**
   * Records a policy version unless it would not change anything: with `origin: 'config'`, a digest this
   * name ever had is not recorded again (the config file is seen at every start; an upload since stays
   * current); with `upload`, only a digest equal to the current one is skipped. A recorded version is
   * audited (`policy.changed`: who, old → new digest, changed sections, why). Returns the current version.
   */
  async recordPolicyVersion(
    input: NewPolicyVersion,
  ): Promise<{ readonly version: PolicyVersionRecord; readonly recorded: boolean }> {
    const result = await this.#sql.transaction(async (tx) => {
      await tx.query('LOCK TABLE lookalike_policy_versions IN EXCLUSIVE MODE');
      const latest = await tx.query<{ version: number; digest: string; policy_json: string }>(
        `SELECT version, digest, policy_json FROM lookalike_policy_versions WHERE name = $1
         ORDER BY version DESC LIMIT 1`,
        [input.name],
      );
      const current = latest[0];
      const seen =
        input.origin === 'config'
          ? (
              await tx.query(
                'SELECT 1 FROM lookalike_policy_versions WHERE name = $1 AND digest = $2 LIMIT 1',
                [input.name, input.digest],
              )
            ).length > 0
          : current?.digest === input.digest;
      if (seen && current !== undefined) return { version: current.version, recorded: false };
      const version = (current?.version ?? 0) + 1;
      const sections = changedSections(
        current === undefined ? null : JSON.parse(current.policy_json),
        JSON.parse(input.policyJson),
      );
      await tx.query(
        `INSERT INTO lookalike_policy_versions
           (name, version, digest, source_text, policy_json, created_by, origin, reason, changed_sections)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
        [
          input.name,
          version,
          input.digest,
          input.sourceText,
          input.policyJson,
          input.actor,
          input.origin,
          input.reason,
          JSON.stringify(sections),
        ],
      );
      await appendAudit(tx, {
        actor: input.actor,
        action: 'policy.changed',
        subject: `policy:${input.name}`,
        outcome: 'success',
        details: {
          ...input.audit,
          policy: input.name,
          origin: input.origin,
          version,
          old_digest: current?.digest ?? null,
          new_digest: input.digest,
          changed_sections: sections,
          reason: input.reason,
        },
      });
      return { version, recorded: true };
    });
    const versions = await this.listPolicyVersions(input.name);
    const record = versions.find((v) => v.version === result.version);
    if (record === undefined) throw new GatewayError('internal', 'a recorded policy version is missing');
    return { version: record, recorded: result.recorded };
  }

  /** Every version of a policy, oldest first (with `version`: that one only, and its text). */
  async listPolicyVersions(name: string): Promise<PolicyVersionRecord[]> {
    return this.#policyVersions(name, null);
  }

  /** One version of a policy with the text it was recorded from; null when there is none. */
  async getPolicyVersionText(
    name: string,
    version: number,
  ): Promise<(PolicyVersionRecord & { readonly sourceText: string }) | null> {
    return (await this.#policyVersions(name, version))[0] ?? null;
  }

  async #policyVersions(
    name: string,
    version: number | null,
  ): Promise<(PolicyVersionRecord & { readonly sourceText: string })[]> {
    const rows = await this.#sql.query<{
      name: string;
      version: number;
      digest: string;
      created_at: Date | string;
      created_by: string;
      origin: 'config' | 'upload';
      reason: string;
      changed_sections: string[];
      source_text: string;
    }>(
      `SELECT name, version, digest, created_at, created_by, origin, reason, changed_sections,
              CASE WHEN $2::integer IS NULL THEN '' ELSE source_text END AS source_text
       FROM lookalike_policy_versions WHERE name = $1 AND ($2::integer IS NULL OR version = $2) ORDER BY version`,
      [name, version],
    );
    return rows.map((r) => ({
      name: r.name,
      version: r.version,
      digest: r.digest,
      createdAt: iso(r.created_at),
      createdBy: r.created_by,
      origin: r.origin,
      reason: r.reason,
      changedSections: r.changed_sections,
      sourceText: r.source_text,
    }));
  }

  /** The loaded policy (JSON) of one version, or of the current one without `version`. */
  async getPolicyVersion(
    name: string,
    version?: number,
  ): Promise<{ readonly version: number; readonly digest: string; readonly policyJson: string } | null> {
    const rows = await this.#sql.query<{ version: number; digest: string; policy_json: string }>(
      `SELECT version, digest, policy_json FROM lookalike_policy_versions
       WHERE name = $1 AND ($2::integer IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
      [name, version ?? null],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : { version: row.version, digest: row.digest, policyJson: row.policy_json };
  }

  /** Refresh schedules due at `now` (root request ids and the time each was due). */
  async dueRefreshes(
    now: Date,
    limit = 100,
  ): Promise<{ readonly requestId: string; readonly dueAt: string }[]> {
    const rows = await this.#sql.query<{ id: string; refresh_next_at: Date | string }>(
      `SELECT id, refresh_next_at FROM lookalike_requests
       WHERE refresh_cron IS NOT NULL AND refresh_stopped_at IS NULL AND refresh_next_at <= $1::timestamptz
       ORDER BY refresh_next_at, id LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => ({ requestId: r.id, dueAt: iso(r.refresh_next_at) }));
  }

  /**
   * Starts one due refresh of the schedule rooted at `rootId`: advances its next time to `nextAt` (only if
   * it was still due at `dueAt`, so among replicas one wins) and queues a new request with the same source,
   * target, policy, purpose, environment and TTL. Skipped (the time still advances) while the root awaits
   * approval or an earlier refresh of the chain is queued or running. Returns the new job's id.
   */
  async startRefresh(
    rootId: string,
    dueAt: string,
    nextAt: Date | null,
  ): Promise<{ readonly requestId: string; readonly jobId: string } | null> {
    return this.#sql.transaction(async (tx) => {
      const claimed = await tx.query<RequestRow & { busy: boolean }>(
        `UPDATE lookalike_requests r SET refresh_next_at = $3::timestamptz,
           refresh_stopped_at = CASE WHEN $3::timestamptz IS NULL THEN now() ELSE NULL END
         WHERE r.id = $1 AND r.refresh_cron IS NOT NULL AND r.refresh_stopped_at IS NULL
           AND r.refresh_next_at = $2::timestamptz
         RETURNING r.*, EXISTS (SELECT 1 FROM lookalike_requests c
           WHERE (c.id = r.id OR c.refresh_of = r.id) AND c.state IN ('awaiting_approval', 'queued', 'running')) AS busy`,
        [rootId, dueAt, nextAt?.toISOString() ?? null],
      );
      const root = claimed[0];
      if (root === undefined) return null;
      if (root.busy) {
        await appendAudit(tx, {
          actor: 'gateway',
          action: 'snapshot.refresh_skipped',
          subject: rootId,
          outcome: 'failure',
          details: { due_at: dueAt, reason: 'earlier_run_pending' },
        });
        return null;
      }
      const id = randomUUID();
      await tx.query(
        `INSERT INTO lookalike_requests (id, requester, source, target, policy, purpose, ttl_hours, approval_required,
           state, environment, refresh_of, kind, synth_scale, synth_seed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $10, $11, $12, $13)`,
        [
          id,
          root.requester,
          root.source,
          root.target,
          root.policy,
          root.purpose,
          root.ttl_hours,
          root.approval_required,
          root.environment,
          rootId,
          root.kind,
          root.synth_scale,
          root.synth_seed,
        ],
      );
      const jobId = await insertJob(tx, id);
      // The policy's current version, which may be newer than the scheduled request's.
      const policyVersion = await pinPolicyVersion(tx, id, root.policy);
      await appendAudit(tx, {
        actor: 'gateway',
        action: 'snapshot.refresh_started',
        subject: id,
        outcome: 'success',
        details: {
          refresh_of: rootId,
          due_at: dueAt,
          job_id: jobId,
          requester: root.requester,
          source: root.source,
          target: root.target,
          policy: root.policy,
          policy_version: policyVersion?.version ?? null,
          policy_digest: policyVersion?.digest ?? null,
          next_at: nextAt?.toISOString() ?? null,
        },
      });
      return { requestId: id, jobId };
    });
  }

  /**
   * Extends a delivered snapshot's TTL to `now + hours`, never past `lifetimeMaxHours` after its delivery.
   * Audited (`snapshot.renewed`) with the old and new expiry.
   */
  async renewSnapshot(
    id: string,
    actor: string,
    hours: number,
    lifetimeMaxHours: number,
    audit: AuditDetails = {},
  ): Promise<SnapshotRequestRecord> {
    await this.#sql.transaction(async (tx) => {
      const rows = await tx.query<{
        state: RequestState;
        expires_at: Date | string | null;
        dropped_at: Date | string | null;
        new_expires_at: Date | string;
        latest_allowed: Date | string | null;
        expired: boolean;
      }>(
        `SELECT state, expires_at, dropped_at, now() + make_interval(hours => $2) AS new_expires_at,
                COALESCE(delivered_at, expires_at - make_interval(hours => ttl_hours))
                  + make_interval(hours => $3) AS latest_allowed,
                expires_at <= now() AS expired
         FROM lookalike_requests WHERE id = $1 FOR UPDATE`,
        [id, hours, lifetimeMaxHours],
      );
      const row = rows[0];
      if (row === undefined) throw new GatewayError('not_found', 'no such snapshot request');
      if (row.state !== 'succeeded' || row.dropped_at !== null || row.expires_at === null)
        throw new GatewayError('conflict', `the request is ${row.state}, not a delivered snapshot`);
      if (row.expired) throw new GatewayError('conflict', 'the snapshot has expired');
      if (
        row.latest_allowed !== null &&
        Date.parse(iso(row.new_expires_at)) > Date.parse(iso(row.latest_allowed))
      )
        throw new GatewayError(
          'conflict',
          `a renewal cannot keep a snapshot beyond ${lifetimeMaxHours} hours after its delivery`,
        );
      await tx.query(
        `UPDATE lookalike_requests SET expires_at = $2::timestamptz, updated_at = now() WHERE id = $1`,
        [id, iso(row.new_expires_at)],
      );
      await appendAudit(tx, {
        actor,
        action: 'snapshot.renewed',
        subject: id,
        outcome: 'success',
        details: {
          ...audit,
          hours,
          old_expires_at: iso(row.expires_at),
          new_expires_at: iso(row.new_expires_at),
        },
      });
    });
    return this.#mustGet(id);
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
         AND ($9::text IS NULL OR details->>'source' = $9
              OR subject IN (SELECT r.id FROM lookalike_requests r WHERE r.source = $9))
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
        query.source ?? null,
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

/** Records on a request the current version of its policy (none recorded: left null). */
async function pinPolicyVersion(
  tx: SqlClient,
  requestId: string,
  policy: string,
): Promise<{ readonly version: number; readonly digest: string } | null> {
  const rows = await tx.query<{ version: number; digest: string }>(
    `UPDATE lookalike_requests r SET policy_version = v.version, policy_digest = v.digest
     FROM (SELECT version, digest FROM lookalike_policy_versions WHERE name = $2 ORDER BY version DESC LIMIT 1) v
     WHERE r.id = $1 RETURNING v.version, v.digest`,
    [requestId, policy],
  );
  return rows[0] ?? null;
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
SELECT r.id, r.kind, r.synth_scale, r.synth_seed, r.requester, r.source, r.target, r.policy, r.policy_version, r.policy_digest, r.purpose, r.ttl_hours, r.approval_required, r.state,
       r.created_at, r.updated_at, a.approver, r.delivery_database, r.delivery_role, r.expires_at, r.dropped_at,
       r.environment, r.refresh_cron, r.refresh_next_at, r.refresh_stopped_at, r.refresh_of, r.replaced_by,
       r.delivered_at,
       j.id AS job_id, j.state AS job_state, j.worker_id, j.started_at, j.finished_at, j.progress, j.summary,
       j.error_code, j.error_message
FROM lookalike_requests r
LEFT JOIN lookalike_approvals a ON a.request_id = r.id
LEFT JOIN LATERAL (
  SELECT * FROM lookalike_jobs jj WHERE jj.request_id = r.id ORDER BY jj.created_at DESC, jj.id LIMIT 1
) j ON true`;

interface RequestRow {
  id: string;
  kind: 'snapshot' | 'synth';
  synth_scale: number | null;
  synth_seed: string | null;
  requester: string;
  source: string;
  target: string;
  policy: string;
  policy_version: number | null;
  policy_digest: string | null;
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
  environment: string | null;
  refresh_cron: string | null;
  refresh_next_at: Date | string | null;
  refresh_stopped_at: Date | string | null;
  refresh_of: string | null;
  replaced_by: string | null;
  delivered_at: Date | string | null;
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
    kind: row.kind,
    synth:
      row.kind === 'synth' && row.synth_scale !== null && row.synth_seed !== null
        ? { scale: row.synth_scale, seed: row.synth_seed }
        : null,
    requester: row.requester,
    source: row.source,
    target: row.target,
    policy: row.policy,
    policyVersion: row.policy_version,
    policyDigest: row.policy_digest,
    purpose: row.purpose,
    ttlHours: row.ttl_hours,
    approvalRequired: row.approval_required,
    state: row.state,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    approvedBy: row.approver,
    environment: row.environment,
    refresh:
      row.refresh_cron === null
        ? null
        : {
            cron: row.refresh_cron,
            nextAt: row.refresh_next_at === null ? null : iso(row.refresh_next_at),
            stoppedAt: row.refresh_stopped_at === null ? null : iso(row.refresh_stopped_at),
          },
    refreshOf: row.refresh_of,
    replacedBy: row.replaced_by,
    delivery:
      row.delivery_database === null
        ? null
        : {
            database: row.delivery_database,
            role: row.delivery_role,
            expiresAt: row.expires_at === null ? null : iso(row.expires_at),
            droppedAt: row.dropped_at === null ? null : iso(row.dropped_at),
            deliveredAt: row.delivered_at === null ? null : iso(row.delivered_at),
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
