import { GatewayError, type EntityKind } from '../core/index.js';
import type { CatalogueFile } from './catalogue/catalogue-schema.js';
import { compileEntityCatalogue, type Problem } from './catalogue/compile-entity-catalogue.js';
import type { EntityCatalogue } from './catalogue/entity-catalogue.js';
import { createTextDetector, type TextDetector, type TextDetectorOptions } from './detect-text.js';
import type { EntityId } from './detection-types.js';
import { loadTextDetectors, type TextDetectors } from './text/index.js';

/**
 * Detection's second entry, for transform worker threads: finding spans in text, without the YAML parser,
 * zod, the catalogue's schema or the column rules (each worker would hold its own copy of their modules).
 * The worker gets the catalogue its main thread loaded and validated (`EntityCatalogue.source`).
 */

export { KnownEntityIndex, useSharedTextResources } from './text/index.js';

/** What rewriting text needs of detection: spans, and the fake kind that replaces each span's type. */
export interface TextDetection {
  /** The fake kind that replaces a span of this type in text, or null (a typed placeholder does). */
  substituteKind(id: EntityId): EntityKind | null;
  textDetector(options?: TextDetectorOptions): TextDetector;
}

/** Text detection over a compiled catalogue and the text detectors (shared by `createDetection`). */
export function textDetectionOf(catalogue: EntityCatalogue, text: TextDetectors): TextDetection {
  return {
    substituteKind: (id) => {
      const action = catalogue.get(id)?.action;
      return action?.kind === 'substitute' ? action.entity : null;
    },
    textDetector: (options) => createTextDetector(catalogue, text, options),
  };
}

/** Text detection over a validated catalogue (`EntityCatalogue.source` of one that compiled). */
export async function createTextDetection(source: CatalogueFile): Promise<TextDetection> {
  const problems: Problem[] = [];
  const catalogue = compileEntityCatalogue(source, problems);
  if (problems.length > 0)
    throw new GatewayError('internal', 'the entity catalogue does not compile in a worker thread');
  return textDetectionOf(catalogue, await loadTextDetectors());
}
