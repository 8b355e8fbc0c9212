export type {
  ClassifyColumnInput,
  ClassifyOptions,
  ColumnClassification,
  ColumnSample,
  JsonPathClassification,
  NameLikelihood,
  ValueMatcher,
} from './column-classification.js';
export { UNDECIDED_BELOW } from './column-classification.js';
export type { ColumnNameRules } from './column-name-rules.js';
export {
  defaultColumnNameRules,
  defaultColumnNameRulesPath,
  loadColumnNameRules,
  parseColumnNameRules,
} from './column-name-rules.js';
export type { ClassifiedColumn, ClassifyColumnOptions, TableSamples } from './classify-column.js';
export { classifyColumn, classifyColumns, classifyJsonColumn } from './classify-column.js';
export { fallbackNameLikelihood } from './profile-values.js';
export { tokenizeName } from './tokenize-name.js';
