import type { EntityCatalogue } from './catalogue/index.js';
import type { TextSpan } from './detection-types.js';
import { findPatternSpans } from './patterns/index.js';
import type { KnownEntityIndex, TextDetectors } from './text/index.js';

/** The score a span needs to be acted on; chosen on the detection benchmark (bench/detection/text). */
export const DEFAULT_TEXT_THRESHOLD = 0.5;

export interface TextDetectorOptions {
  /** Spans scoring below this are not reported (default `DEFAULT_TEXT_THRESHOLD`). */
  readonly threshold?: number;
  /** Values of the source's personal columns, recognised verbatim in text (keyed hashes only). */
  readonly knownEntities?: KnownEntityIndex;
}

export interface TextDetector {
  /** Personal spans of `text`, in order, not overlapping. */
  detect(text: string): TextSpan[];
}

/**
 * Free-text detection: the catalogue's patterns with validators and context, names/places/organisations
 * from the lexicons with NLP on candidate spans only, and the source's own known values. Overlapping
 * spans go to the higher score, then the longer span (an email beats the name inside it).
 */
export function createTextDetector(
  catalogue: EntityCatalogue,
  text: TextDetectors,
  options: TextDetectorOptions = {},
): TextDetector {
  const threshold = options.threshold ?? DEFAULT_TEXT_THRESHOLD;
  const known = options.knownEntities;
  return {
    detect(input: string): TextSpan[] {
      if (input.length === 0) return [];
      const spans = [
        ...findPatternSpans(input, catalogue),
        ...text.findTextEntitySpans(input),
        ...(known === undefined ? [] : known.find(input)),
      ].filter((s) => s.score >= threshold && s.end > s.start);
      return keepBest(spans);
    },
  };
}

/** The best of overlapping spans: higher score, then longer, then earlier. */
function keepBest(spans: readonly TextSpan[]): TextSpan[] {
  if (spans.length <= 1) return [...spans];
  const ranked = [...spans].sort(
    (a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: TextSpan[] = [];
  for (const span of ranked) {
    if (!kept.some((k) => k.start < span.end && k.end > span.start)) kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}
