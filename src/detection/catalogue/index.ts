export type { CatalogueDefaults, CatalogueFile, EntityRule, PatternRule } from './catalogue-schema.js';
export { CatalogueActionSchema, CatalogueSchema, DETECTORS } from './catalogue-schema.js';
export type { ContextTerms } from './context-terms.js';
export { compileContextTerms, matchesTerms, NO_TERMS, wordsOf } from './context-terms.js';
export type { CatalogueEntity, CompiledPattern, EntityCatalogue, WindowSize } from './entity-catalogue.js';
export { defaultCatalogue, ENTITY_CATALOGUE_FILE, loadEntityCatalogue } from './load-entity-catalogue.js';
export { parseEntityCatalogue } from './parse-entity-catalogue.js';
