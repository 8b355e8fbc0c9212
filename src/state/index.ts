export {
  auditEventHash,
  createAuditVerifier,
  GENESIS_HASH,
  type AuditDetails,
  type AuditEvent,
  type AuditOutcome,
  type AuditValue,
  type AuditVerification,
} from './audit-chain.js';
export { openPgliteSqlClient, openPgSqlClient, type SqlClient } from './sql-client.js';
export {
  StateStore,
  type AuditQuery,
  type ClaimedJob,
  type DroppableDelivery,
  type FailedJob,
  type JobOutcome,
  type JobPulse,
  type JobProgress,
  type JobRecord,
  type JobState,
  type NewAuditEvent,
  type NewPolicyVersion,
  type PolicyVersionRecord,
  type NewSnapshotRequest,
  type RequestState,
  type SnapshotRequestRecord,
  type StoredManifest,
} from './state-store.js';
export { WORKER_LIVENESS_LOCK } from './state-schema.js';
export {
  UnitStore,
  type ClaimedUnit,
  type UnitOutcome,
  type UnitRecord,
  type UnitState,
} from './unit-store.js';
