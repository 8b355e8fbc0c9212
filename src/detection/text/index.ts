export { foldToken } from './fold-token.js';
export { buildNameLexicon, loadNameLexicon, type NameLexicon } from './name-lexicon.js';
export { buildPlaceGazetteer, loadPlaceGazetteer, type PlaceGazetteer } from './place-gazetteer.js';
export {
  loadTextResources,
  shareTextResources,
  useSharedTextResources,
  type NerFinding,
  type NerFunction,
  type SharedTextResources,
  type TextResources,
} from './text-resources.js';
export { findPersonSpans } from './find-person-spans.js';
export { findLocationSpans } from './find-location-spans.js';
export { findOrganizationSpans } from './find-organization-spans.js';
export { findStreetAddresses, type AddressMatch } from './street-address-patterns.js';
export {
  createTextDetectors,
  loadTextDetectors,
  resolveOverlaps,
  type TextDetectors,
} from './text-detectors.js';
export {
  KnownEntityIndex,
  type KnownEntityIndexOptions,
  type KnownValueKind,
  type SharedKnownEntities,
} from './known-entity-index.js';
