export {
  contingencySimilarity,
  correlationSimilarity,
  cramersV,
  equalWidthBins,
  ksComplement,
  pearson,
  textShape,
  tvComplement,
} from './column-metrics.js';
export { bookkeepingReason, LOAD_WINDOW_DAYS, type BookkeepingReason } from './bookkeeping-columns.js';
export { closerToTrainingShare, closestDistances, columnRanges, rowDistance, type DcrValue } from './dcr.js';
export {
  ASSOCIATION_THRESHOLD,
  buildQualityReport,
  CORRELATION_THRESHOLD,
  intertableTrends,
  pairTrend,
  type IntertableReport,
  type JoinedRows,
  type PairTrend,
  type PrivacyReport,
  type QualityReport,
  type CopiedTableReport,
  type ExcludedColumn,
  type ReportColumn,
  type ReportOptions,
  type ReportIntertableInput,
  type ReportRelationInput,
  type ReportTableInput,
  type TableReport,
} from './quality-report.js';
export { renderReportHtml } from './render-report-html.js';
