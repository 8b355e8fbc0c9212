import type { Detection, KnownEntityIndex } from '../detection/index.js';
import type { SpanFinder } from '../transform/index.js';

/**
 * The span finder that `redact_text` and `json` use: text detection plus the source's own known values
 * (see collectSourceValues), each span with the fake kind its type is substituted as.
 */
export function spanFinderOf(detection: Detection, known: KnownEntityIndex | undefined): SpanFinder {
  const detector = detection.textDetector(known === undefined ? {} : { knownEntities: known });
  return (text) =>
    detector.detect(text).map((span) => ({
      type: span.type,
      start: span.start,
      end: span.end,
      substitute: detection.substituteKind(span.type),
    }));
}
