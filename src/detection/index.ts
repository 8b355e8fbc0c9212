import type { ActionSpec } from '../core/index.js';
import { defaultCatalogue, loadEntityCatalogue, type EntityCatalogue } from './catalogue/index.js';
import {
  classifyColumn,
  classifyColumns,
  defaultColumnNameRules,
  type ClassifiedColumn,
  type ClassifyColumnInput,
  type ClassifyColumnOptions,
  type ColumnClassification,
  type TableSamples,
} from './columns/index.js';
import type { EntityId } from './detection-types.js';
import { createColumnValueMatcher } from './column-value-matcher.js';
import { foldToken, loadTextDetectors, loadTextResources } from './text/index.js';
import { textDetectionOf, type TextDetection } from './text-detection.js';

export type { EntityId, Evidence, TextSpan, ValueMatch } from './detection-types.js';
export type { CatalogueFile, EntityCatalogue } from './catalogue/index.js';
export { defaultCatalogue } from './catalogue/index.js';
export type {
  ClassifiedColumn,
  ClassifyColumnInput,
  ColumnClassification,
  ColumnSample,
  JsonPathClassification,
  TableSamples,
} from './columns/index.js';
export { UNDECIDED_BELOW } from './columns/index.js';
export { KnownEntityIndex, shareTextResources, useSharedTextResources } from './text/index.js';
export type { KnownValueKind, SharedKnownEntities, SharedTextResources } from './text/index.js';
export type { TextDetector, TextDetectorOptions } from './detect-text.js';
export type { TextDetection } from './text-detection.js';
export type { ColumnAdvice, ColumnAdvisor, ColumnQuestion } from './column-advice.js';
export { valueShape, valueShapes } from './column-advice.js';

/** Everything detection needs, loaded once: the entity catalogue, the column rules, the text resources. */
export interface Detection extends TextDetection {
  readonly catalogue: EntityCatalogue;
  /** Classifies columns (and JSON paths) from names, types, neighbours and sampled values. */
  classifyTables(tables: readonly TableSamples[]): ClassifiedColumn[];
  classifyColumn(input: ClassifyColumnInput): ColumnClassification;
  /** What the auto-policy does with values of this kind (the catalogue's action; hash if unknown). */
  entityAction(id: EntityId): ActionSpec;
}

export interface DetectionOptions {
  /** The package root, where `rules/` lives. */
  readonly packageRoot: string;
  /** Another entity catalogue instead of `rules/entities.yaml`. */
  readonly catalogueFile?: string;
}

/** Loads the catalogue, the column rules and the text resources (~1 s, once per process). */
export async function createDetection(options: DetectionOptions): Promise<Detection> {
  const catalogue =
    options.catalogueFile === undefined
      ? defaultCatalogue(options.packageRoot)
      : loadEntityCatalogue(options.catalogueFile);
  const [text, resources] = await Promise.all([loadTextDetectors(), loadTextResources()]);
  const names = resources.names;
  const classifyOptions: ClassifyColumnOptions = {
    rules: defaultColumnNameRules(),
    matchValue: createColumnValueMatcher(catalogue, text, names),
    isLikelyName: (value) => nameLikelihood(value, names),
    isFirstName: (word) => names.isFirstName(foldToken(word)),
  };
  return {
    catalogue,
    classifyTables: (tables) => classifyColumns(tables, classifyOptions),
    classifyColumn: (input) => classifyColumn(input, classifyOptions),
    entityAction: (id) => catalogue.get(id)?.action ?? { kind: 'hash' },
    ...textDetectionOf(catalogue, text),
  };
}

/** 0..1: the share of a value's words that are known first or last names (2–4 words score best). */
function nameLikelihood(
  value: string,
  names: {
    isFirstName(folded: string): boolean;
    isLastName(folded: string): boolean;
    isCommonWord(folded: string): boolean;
  },
): number {
  const words = value.split(/[\s,]+/).filter((w) => w.length > 0);
  if (words.length === 0 || words.length > 5 || /\d/.test(value)) return 0;
  let known = 0;
  for (const word of words) {
    const folded = foldToken(word);
    if ((names.isFirstName(folded) || names.isLastName(folded)) && !names.isCommonWord(folded)) known++;
  }
  return known / words.length;
}
