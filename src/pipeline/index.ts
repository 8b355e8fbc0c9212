export {
  assertPlanRunnable,
  checkSavedPlan,
  planFromScan,
  planSnapshot,
  type PlannedSnapshot,
} from './plan-snapshot.js';
export {
  runSnapshot,
  type SnapshotRequest,
  type SnapshotSummary,
  type TableSummary,
} from './run-snapshot.js';
export type { SnapshotEvent, SnapshotListener, SnapshotPhase } from './snapshot-events.js';
export { computeSubset } from './compute-subset.js';
export { draftPolicy } from './draft-policy.js';
export {
  scanSource,
  type ScanDecision,
  type ScanOptions,
  type ScannedColumn,
  type ScanReport,
  type ScanResult,
} from './scan-source.js';
