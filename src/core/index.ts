export type { ActionKind, ActionSpec, EncryptAlphabet, EntityKind, LeafActionSpec } from './actions.js';
export { ACTION_KINDS, ENCRYPT_ALPHABETS, ENTITY_KINDS, JSON_PATH_PATTERN } from './actions.js';
export type {
  BlockRange,
  DdlSection,
  EncodedRowFormat,
  EquivalenceClassCounts,
  EquivalenceClassRequest,
  ReadRequest,
  RowCodec,
  RunArea,
  SinkConnector,
  SinkSession,
  SourceConnector,
  SourceSession,
  TargetReader,
} from './connector.js';
export type { ErrorCode, ErrorDetails } from './errors.js';
export { ERROR_CODES, GatewayError, HTTP_STATUS_BY_CODE, isGatewayError, toGatewayError } from './errors.js';
export type { LogFields, Logger } from './logger.js';
export { silentLogger } from './logger.js';
export type { RedactionKind, ScrubResult } from './scrub-log-text.js';
export { REDACTION_KINDS, scrubLogText } from './scrub-log-text.js';
export type { Row, RowBatch } from './rows.js';
export { ownString } from './rows.js';
export { workerScript } from './worker-script.js';
export type {
  ColumnInfo,
  ConstraintInfo,
  ConstraintKind,
  DatabaseSchema,
  Selection,
  SequenceInfo,
  TableInfo,
  TableKind,
  TableRef,
  TypeCategory,
} from './schema.js';
export { parseTableName, qualifiedName, sameTable, SELECT_ALL } from './schema.js';
export { MIN_SECRET_BYTES, Secret } from './secret.js';
export type {
  SubsetClosure,
  SubsetPull,
  SubsetRelation,
  SubsetRequest,
  SubsetSuppression,
  SubsetTable,
  SubsetTableCount,
  SubsetTarget,
} from './subset.js';
export { sourceLocation, sourceOffset } from './yaml-source.js';
export {
  DEFAULT_MAX_SLOTS,
  FingerprintSet,
  type FingerprintSetOptions,
  type FrozenLanes,
  type SharedFingerprints,
} from './fingerprint-set.js';
