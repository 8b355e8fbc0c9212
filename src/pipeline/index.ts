export { assertPlanRunnable, checkSavedPlan, planSnapshot, type PlannedSnapshot } from './plan-snapshot.js';
export {
  runSnapshot,
  type SnapshotRequest,
  type SnapshotSummary,
  type TableSummary,
} from './run-snapshot.js';
export type { SnapshotEvent, SnapshotListener, SnapshotPhase } from './snapshot-events.js';
