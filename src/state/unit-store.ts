import type { SqlClient } from './sql-client.js';
import { WORKER_LIVENESS_LOCK } from './state-schema.js';

export type UnitState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** What a unit's record says (names, counts, codes: the spec names a table and a page range). */
export interface UnitRecord {
  readonly jobId: string;
  readonly unitId: string;
  readonly spec: unknown;
  readonly snapshot: string;
  readonly state: UnitState;
  readonly workerId: string | null;
  readonly attempts: number;
  /** What the unit reported when done (rows, seconds, …). */
  readonly result: unknown;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

/** A unit claimed by a worker, with the request its job serves. */
export interface ClaimedUnit {
  readonly jobId: string;
  readonly requestId: string;
  readonly unitId: string;
  readonly spec: unknown;
  readonly snapshot: string;
  readonly attempts: number;
}

export type UnitOutcome =
  | { readonly state: 'done'; readonly result: Record<string, unknown> }
  | { readonly state: 'failed'; readonly code: string; readonly message: string };

interface UnitRow {
  job_id: string;
  unit_id: string;
  spec: unknown;
  snapshot: string;
  state: UnitState;
  worker_id: string | null;
  attempts: number;
  result: unknown;
  error_code: string | null;
  error_message: string | null;
}

/**
 * The units of work of split runs (`lookalike_job_units`, PostgreSQL state store only). The job's row stays
 * the truth for the request; a unit's row only says who works on which part. Its rows' truth is in the
 * target (the unit's done mark commits with them), so a unit is safely run again after any failure.
 */
export class UnitStore {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async addUnits(
    jobId: string,
    snapshot: string,
    units: readonly { readonly id: string; readonly spec: unknown }[],
  ): Promise<void> {
    await this.#sql.transaction(async (tx) => {
      for (const unit of units)
        await tx.query(
          `INSERT INTO lookalike_job_units (job_id, unit_id, spec, snapshot, state)
           VALUES ($1, $2, $3::jsonb, $4, 'queued')`,
          [jobId, unit.id, JSON.stringify(unit.spec), snapshot],
        );
    });
  }

  /** Claims a queued unit of a running job for `workerId`; null when it is taken, ended, or its job is. */
  async claimUnit(jobId: string, unitId: string, workerId: string): Promise<ClaimedUnit | null> {
    const rows = await this.#sql.query<{
      request_id: string;
      spec: unknown;
      snapshot: string;
      attempts: number;
    }>(
      `UPDATE lookalike_job_units u
          SET state = 'running', worker_id = $3, attempts = u.attempts + 1, heartbeat_at = now()
         FROM lookalike_jobs j
        WHERE u.job_id = $1 AND u.unit_id = $2 AND u.state = 'queued'
          AND j.id = u.job_id AND j.state = 'running' AND j.cancel_requested_at IS NULL
        RETURNING j.request_id, u.spec, u.snapshot, u.attempts`,
      [jobId, unitId, workerId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          jobId,
          requestId: row.request_id,
          unitId,
          spec: row.spec,
          snapshot: row.snapshot,
          attempts: row.attempts,
        };
  }

  /** The heartbeat of a running unit; false when the unit should stop (cancelled, re-queued, its job ended). */
  async pulse(jobId: string, unitId: string, workerId: string): Promise<boolean> {
    const rows = await this.#sql.query<{ go: boolean }>(
      `UPDATE lookalike_job_units u SET heartbeat_at = now()
         FROM lookalike_jobs j
        WHERE u.job_id = $1 AND u.unit_id = $2 AND u.state = 'running' AND u.worker_id = $3 AND j.id = u.job_id
        RETURNING j.state = 'running' AND j.cancel_requested_at IS NULL AS go`,
      [jobId, unitId, workerId],
    );
    return rows[0]?.go === true;
  }

  /** Records how this worker's attempt at a unit ended; an attempt no longer its own is left alone. */
  async finishUnit(jobId: string, unitId: string, workerId: string, outcome: UnitOutcome): Promise<void> {
    await this.#sql.query(
      `UPDATE lookalike_job_units SET state = $4, finished_at = now(), result = $5::jsonb,
         error_code = $6, error_message = $7
       WHERE job_id = $1 AND unit_id = $2 AND worker_id = $3 AND state = 'running'`,
      [
        jobId,
        unitId,
        workerId,
        outcome.state,
        outcome.state === 'done' ? JSON.stringify(outcome.result) : null,
        outcome.state === 'failed' ? outcome.code : null,
        outcome.state === 'failed' ? outcome.message : null,
      ],
    );
  }

  async units(jobId: string): Promise<UnitRecord[]> {
    const rows = await this.#sql.query<UnitRow>(
      `SELECT job_id, unit_id, spec, snapshot, state, worker_id, attempts, result, error_code, error_message
         FROM lookalike_job_units WHERE job_id = $1 ORDER BY unit_id`,
      [jobId],
    );
    return rows.map((r) => ({
      jobId: r.job_id,
      unitId: r.unit_id,
      spec: r.spec,
      snapshot: r.snapshot,
      state: r.state,
      workerId: r.worker_id,
      attempts: r.attempts,
      result: r.result,
      errorCode: r.error_code,
      errorMessage: r.error_message,
    }));
  }

  /**
   * Running units of `jobId` whose worker died (it holds no liveness lock) or went silent for `staleAfterMs`
   * go back to the queue, or fail (`interrupted`) after `maxAttempts`. Returns the re-queued units' ids.
   */
  async requeueLostUnits(jobId: string, staleAfterMs: number, maxAttempts: number): Promise<string[]> {
    const lost = `u.state = 'running' AND u.job_id = $1 AND (
        u.heartbeat_at <= now() - make_interval(secs => $2::float8 / 1000)
        OR NOT EXISTS (SELECT 1 FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid = $3::oid AND l.objid = hashtext(u.worker_id)::oid))`;
    return this.#sql.transaction(async (tx) => {
      await tx.query(
        `UPDATE lookalike_job_units u SET state = 'failed', finished_at = now(), error_code = 'interrupted',
           error_message = 'the processes running the unit stopped, ' || u.attempts || ' times'
         WHERE ${lost} AND u.attempts >= $4`,
        [jobId, staleAfterMs, WORKER_LIVENESS_LOCK, maxAttempts],
      );
      const rows = await tx.query<{ unit_id: string }>(
        `UPDATE lookalike_job_units u SET state = 'queued', worker_id = NULL
         WHERE ${lost} RETURNING u.unit_id`,
        [jobId, staleAfterMs, WORKER_LIVENESS_LOCK],
      );
      return rows.map((r) => r.unit_id);
    });
  }

  /** Ends every unit of `jobId` not yet ended (its run failed or was cancelled); running ones stop at their pulse. */
  async cancelUnits(jobId: string): Promise<void> {
    await this.#sql.query(
      `UPDATE lookalike_job_units SET state = 'cancelled', finished_at = now()
       WHERE job_id = $1 AND state IN ('queued', 'running')`,
      [jobId],
    );
  }
}
