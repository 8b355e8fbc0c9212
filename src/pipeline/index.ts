export {
  assertPlanRunnable,
  checkSavedPlan,
  planFromScan,
  planSnapshot,
  type PlannedSnapshot,
} from './plan-snapshot.js';
export { runSnapshot, type SnapshotRequest, type SnapshotSummary } from './run-snapshot.js';
export type { TableSummary } from './copy-table.js';
export {
  planLoadUnits,
  runLoadUnit,
  type LoadUnit,
  type LoadUnitDispatcher,
  type LoadUnitRequest,
  type LoadUnitResult,
  type LoadUnitSettings,
} from './load-units.js';
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
export {
  findKeptPersonalColumns,
  runVerification,
  verifySnapshot,
  type VerifyRequest,
  type VerifySnapshotInput,
} from './verify-snapshot.js';
export {
  fitSynthesis,
  runSynthesis,
  sampleSynthesis,
  type SynthFitRequest,
  type SynthSampleRequest,
  type SynthSummary,
  type SynthUnitSettings,
} from './run-synthesis.js';
export { planSynthUnits, runSynthUnit, type SynthUnitRequest } from './synth-units.js';
export { runSynthReport, type SynthReportRequest } from './synth-report.js';
