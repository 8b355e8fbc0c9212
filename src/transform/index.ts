export { compileTransform } from './compile-transform.js';
export { outputConstraints } from './output-constraints.js';
export { ENCRYPT_SCOPE } from './compile-encrypt.js';
export { DEFAULT_PLACEHOLDER } from './compile-redact-text.js';
export { MAX_SHIFT_DAYS } from './compile-shift-date.js';
export type { ColumnContext, OutputFit, ValueTransform } from './value-transform.js';
export type { ReplaceableSpan, SpanFinder } from './value-transform.js';
export { keyStep, ARRAY_STEP } from './json-document.js';
