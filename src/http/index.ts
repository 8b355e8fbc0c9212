export { createApp, type AppDeps, type ServedRequest } from './create-app.js';
export { openApiDocument } from './openapi-document.js';
export type { PolicyCatalog } from './policy-catalog.js';
export { renderReferencePage } from './reference-page.js';
export type {
  DetectInput,
  DetectResult,
  SourceInspector,
  SourcePlan,
  SourceScan,
} from './source-inspector.js';
export { DETECT_MAX_TEXT_CHARS, DETECT_MAX_TEXTS } from './api-schemas.js';
