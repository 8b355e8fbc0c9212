export { contextAround, wordsAfter, wordsBefore } from './context-window.js';
export type { PatternSpanOptions } from './find-pattern-spans.js';
export { findPatternSpans, findPatternSpansAll, findScoredPatternSpans } from './find-pattern-spans.js';
export { matchValue } from './match-value.js';
export type { ScoredSpan } from './resolve-overlaps.js';
export { resolveOverlaps } from './resolve-overlaps.js';
export { certainInText } from './certain-in-text.js';
