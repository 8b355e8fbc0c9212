import type { KnownEntityIndex, TextDetection, TextSpan } from '../detection/index.js';
import type { ReplaceableSpan, SpanFinder } from '../transform/index.js';

/**
 * The span finder that `redact_text` and `json` use: text detection plus the source's own known values
 * (see collectSourceValues), each span with the fake kind its type is substituted as.
 */
export function spanFinderOf(detection: TextDetection, known: KnownEntityIndex | undefined): SpanFinder {
  const detector = detection.textDetector(known === undefined ? {} : { knownEntities: known });
  const replaceable = (spans: readonly TextSpan[]): ReplaceableSpan[] =>
    spans.map((span) => ({
      type: span.type,
      start: span.start,
      end: span.end,
      substitute: detection.substituteKind(span.type),
    }));
  // The spans of the last prefetched batch only: memory is one batch of texts.
  let prefetched = new Map<string, ReplaceableSpan[]>();
  const find = (text: string): readonly ReplaceableSpan[] =>
    prefetched.get(text) ?? replaceable(detector.detect(text));
  return Object.assign(find, {
    prefetch(texts: readonly string[]): void {
      const distinct = [...new Set(texts)];
      const found = detector.detectAll(distinct);
      prefetched = new Map(distinct.map((text, i) => [text, replaceable(found[i] ?? [])]));
    },
  });
}
