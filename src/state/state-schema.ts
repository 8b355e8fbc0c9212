/**
 * The state tables, in the one dialect both drivers speak (PostgreSQL 15+ and PGlite). Idempotent, run at
 * every start under an advisory lock so replicas sharing one state database do not race.
 */
export const STATE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS lookalike_requests (
  id text PRIMARY KEY,
  requester text NOT NULL,
  source text NOT NULL,
  target text NOT NULL,
  policy text NOT NULL,
  purpose text NOT NULL,
  ttl_hours integer NOT NULL,
  approval_required boolean NOT NULL,
  state text NOT NULL CHECK (state IN ('awaiting_approval', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS lookalike_requests_requester ON lookalike_requests (requester, created_at);
-- Delivery: the fresh database (and role) a run creates on the target, its expiry and when it was dropped.
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS delivery_database text;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS delivery_role text;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS expires_at timestamptz;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS dropped_at timestamptz;
ALTER TABLE lookalike_requests DROP CONSTRAINT IF EXISTS lookalike_requests_state_check;
ALTER TABLE lookalike_requests ADD CONSTRAINT lookalike_requests_state_check
  CHECK (state IN ('awaiting_approval', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired'));
CREATE INDEX IF NOT EXISTS lookalike_requests_undropped ON lookalike_requests (expires_at)
  WHERE delivery_database IS NOT NULL AND dropped_at IS NULL;

CREATE TABLE IF NOT EXISTS lookalike_jobs (
  id text PRIMARY KEY,
  request_id text NOT NULL REFERENCES lookalike_requests (id),
  state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  worker_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  heartbeat_at timestamptz,
  finished_at timestamptz,
  progress jsonb,
  summary jsonb,
  error_code text,
  error_message text
);
CREATE INDEX IF NOT EXISTS lookalike_jobs_request ON lookalike_jobs (request_id);
CREATE INDEX IF NOT EXISTS lookalike_jobs_state ON lookalike_jobs (state);
-- A cancel of a running job, for whichever worker runs it (it reads this with its heartbeat).
ALTER TABLE lookalike_jobs ADD COLUMN IF NOT EXISTS cancel_requested_at timestamptz;

CREATE TABLE IF NOT EXISTS lookalike_approvals (
  request_id text PRIMARY KEY REFERENCES lookalike_requests (id),
  approver text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  decided_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS lookalike_audit_events (
  seq bigint PRIMARY KEY,
  id text NOT NULL UNIQUE,
  at text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text,
  outcome text NOT NULL,
  details jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX IF NOT EXISTS lookalike_audit_actor ON lookalike_audit_events (actor, seq);

CREATE OR REPLACE FUNCTION lookalike_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'lookalike_audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS lookalike_audit_no_change ON lookalike_audit_events;
CREATE TRIGGER lookalike_audit_no_change BEFORE UPDATE OR DELETE ON lookalike_audit_events
  FOR EACH ROW EXECUTE FUNCTION lookalike_audit_append_only();
DROP TRIGGER IF EXISTS lookalike_audit_no_truncate ON lookalike_audit_events;
CREATE TRIGGER lookalike_audit_no_truncate BEFORE TRUNCATE ON lookalike_audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION lookalike_audit_append_only();
`;

/** Any fixed number: the advisory lock that serialises migrations between replicas. */
export const STATE_SCHEMA_LOCK = 7_462_318_201;

/**
 * First key of the advisory lock a job-running process holds for its life, on its own session:
 * `pg_advisory_lock(WORKER_LIVENESS_LOCK, hashtext(worker id))`. A running job whose worker holds none died.
 */
export const WORKER_LIVENESS_LOCK = 746_231;
