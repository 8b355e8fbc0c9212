export { canonicalJson } from './canonical-json.js';
export type { DeferredDependency, LoadDependency, LoadOrder } from './load-order.js';
export { loadOrder, resolveLoadOrder } from './load-order.js';
export { schemaFingerprint } from './schema-fingerprint.js';
