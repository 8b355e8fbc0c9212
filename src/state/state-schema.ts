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

-- Named environment, refresh schedule (a request with refresh_cron is the root of a chain; each refresh
-- is a request with refresh_of = the root), the delivery replacing this one, and when it was delivered.
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS environment text;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS refresh_cron text;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS refresh_next_at timestamptz;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS refresh_stopped_at timestamptz;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS refresh_of text;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS replaced_by text;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS delivered_at timestamptz;
CREATE INDEX IF NOT EXISTS lookalike_requests_refresh_due ON lookalike_requests (refresh_next_at)
  WHERE refresh_cron IS NOT NULL AND refresh_stopped_at IS NULL;
CREATE INDEX IF NOT EXISTS lookalike_requests_refresh_of ON lookalike_requests (refresh_of)
  WHERE refresh_of IS NOT NULL;

-- Policy versions: each digest a policy name has had, with its text, who recorded it, when and why
-- (config at start-up, or an admin's upload). The highest version of a name is current; requests record
-- the version they run with.
CREATE TABLE IF NOT EXISTS lookalike_policy_versions (
  name text NOT NULL,
  version integer NOT NULL,
  digest text NOT NULL,
  source_text text NOT NULL,
  policy_json text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('config', 'upload')),
  reason text NOT NULL,
  changed_sections jsonb NOT NULL,
  PRIMARY KEY (name, version)
);
-- What a request delivers: an anonymized snapshot, or synth (synthetic rows at a scale, from a seed).
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'snapshot';
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS synth_scale double precision;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS synth_seed text;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS policy_version integer;
ALTER TABLE lookalike_requests ADD COLUMN IF NOT EXISTS policy_digest text;

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
-- The (signed) manifest file of what a run delivered, as written (byte-exact, so its signature verifies),
-- and its id (SHA-256 of the manifest's canonical JSON).
ALTER TABLE lookalike_jobs ADD COLUMN IF NOT EXISTS manifest text;
ALTER TABLE lookalike_jobs ADD COLUMN IF NOT EXISTS manifest_id text;

-- The units of work of a run whose load is split (PostgreSQL state store): claimed by any gateway or
-- worker; a unit's rows commit in the target with its own done mark, so a retried unit never loads twice.
CREATE TABLE IF NOT EXISTS lookalike_job_units (
  job_id text NOT NULL REFERENCES lookalike_jobs (id),
  unit_id text NOT NULL,
  spec jsonb NOT NULL,
  snapshot text NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  worker_id text,
  attempts integer NOT NULL DEFAULT 0,
  heartbeat_at timestamptz,
  finished_at timestamptz,
  result jsonb,
  error_code text,
  error_message text,
  PRIMARY KEY (job_id, unit_id)
);
CREATE INDEX IF NOT EXISTS lookalike_job_units_running ON lookalike_job_units (state) WHERE state = 'running';

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
