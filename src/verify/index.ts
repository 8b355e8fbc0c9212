export {
  domainKind,
  SideFigures,
  utilityFigure,
  type SideFiguresState,
  type DomainMix,
  type UtilityFigure,
} from './column-figures.js';
export { DEFAULT_MAX_SLOTS, FingerprintSet, type FingerprintSetOptions } from '../core/index.js';
export {
  planIntegrity,
  type ForeignKeyToCheck,
  type IntegrityCheck,
  type IntegrityPlan,
  type UniqueToCheck,
} from './integrity-checks.js';
export { forEachJsonString } from './json-leaves.js';
export {
  describeKAnonymity,
  kAnonymityFailures,
  kAnonymityFigure,
  kAnonymityLines,
  type ClassFigures,
  type KAnonymityFigure,
} from './k-anonymity.js';
export { LeakIndex, type LeakIndexStats, type LeakKind, type SharedLeakIndex } from './leak-index.js';
export {
  SourceTableIndexer,
  TargetTableScanner,
  type LeakCount,
  type TargetScanState,
} from './table-scanners.js';
export { probeText } from './text-probes.js';
export {
  planVerification,
  roleOfAction,
  roleOfEntity,
  type ColumnRole,
  type KeptPersonalColumns,
  type VerificationPlan,
  type VerifiedColumn,
  type VerifiedTable,
} from './verification-plan.js';
export {
  describeProblems,
  leakStats,
  verificationStatus,
  type VerificationResult,
} from './verification-result.js';
