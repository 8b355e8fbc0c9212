/**
 * The product's own free-text detector (what `lookalike detect` and `redact_text` use), as a bench
 * detector: `node --import tsx bench/detection/text/run.ts --detector bench/detection/text/product-detector.ts`.
 */
import { createDetection } from '../../../src/detection/index.js';
import type { SpanDetector } from './score-spans.js';

const packageRoot = new URL('../../../', import.meta.url).pathname;

export default async function productDetector(): Promise<SpanDetector> {
  const detection = await createDetection({ packageRoot });
  const detector = detection.textDetector();
  return (text) => detector.detect(text);
}
