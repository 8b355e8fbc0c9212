export {
  fitSynthesisModel,
  mutualInformation,
  writtenColumns,
  type ColumnTreatment,
  type FitOptions,
  type TableSample,
} from './fit-model.js';
export { ConditionSyntaxError, parseCondition, type Clause, type ClauseOp } from './condition-grammar.js';
export { drawForest, fitHierarchy, forestDepths } from './hierarchy.js';
export {
  drawJsonDocument,
  fitJsonShape,
  forEachStringLeaf,
  pathStep,
  personalPaths,
  type JsonLeafTreatment,
} from './json-shape.js';
export { exactMatchColumns } from './match-columns.js';
export { laplaceNoise, privatizeModel, type PrivacyOptions } from './privatize-model.js';
export { parseScenario, parseWhereOptions, type ScenarioSpec, type SliceSpec } from './parse-scenario.js';
export { resolveScenario, type ResolvedScenario } from './resolve-scenario.js';
export { parseSynthesisModel } from './parse-model.js';
export {
  comparedColumns,
  personValue,
  SynthesisSampler,
  tupleKey,
  type FakePerson,
  type SampleOptions,
  type TableOutcome,
} from './sample-model.js';
export { seededRandom, type SeededRandom } from './seeded-random.js';
export {
  MAX_COPIED_ROWS,
  MODEL_FORMAT_VERSION,
  MODEL_NOTICE,
  MODEL_NOTICE_WITH_COPIES,
  type ColumnModel,
  type ColumnStats,
  type CopiedRows,
  type ForeignKeyModel,
  type JsonShape,
  type PrivacyHeader,
  type SynthesisModel,
  type TableModel,
} from './synthesis-model.js';
export {
  bookkeepingReason,
  buildQualityReport,
  closerToTrainingShare,
  closestDistances,
  contingencySimilarity,
  correlationSimilarity,
  cramersV,
  equalWidthBins,
  ksComplement,
  pearson,
  renderReportHtml,
  rowDistance,
  tvComplement,
  type CopiedTableReport,
  type QualityReport,
  type JoinedRows,
  type ReportColumn,
  type ReportIntertableInput,
  type ReportRelationInput,
  type ReportTableInput,
} from './report/index.js';
export { numericKindOf, parseNumeric, type NumericKind } from './value-codec.js';
