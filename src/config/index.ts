export { loadSecret, type SecretSources } from './load-secret.js';
export { DEFAULT_BATCH_ROWS, readSettings, type LlmSettings, type Settings } from './settings.js';
export { packageRoot } from './package-root.js';
