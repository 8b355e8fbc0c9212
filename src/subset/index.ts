export { buildSubsetRequest, rowKey } from './build-subset-request.js';
export {
  budgetUse,
  closureTotals,
  fitSubsetToBudget,
  MAX_BUDGET_ATTEMPTS,
  type FittedSubset,
  type SubsetAttempt,
  type SubsetBudget,
} from './fit-subset-budget.js';
export { formatBytes, formatSubsetText, subsetEstimate, type SubsetEstimate } from './subset-estimate.js';
export { subsetSettings, type SubsetOverrides } from './subset-settings.js';
export { suppressionHash, suppressionKey } from './suppression-hash.js';
