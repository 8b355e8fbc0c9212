import type { ActionSpec } from '../../core/index.js';
import type { EntityId } from '../detection-types.js';
import type { Validator, ValidatorName } from '../validators/index.js';
import type { CatalogueDefaults, CatalogueFile } from './catalogue-schema.js';
import type { ContextTerms } from './context-terms.js';

/** One regex rule, compiled. */
export interface CompiledPattern {
  /** `<ENTITY>/<rule>`-unique rule name, used in a span's detector as `pattern:<name>`. */
  readonly name: string;
  readonly entity: EntityId;
  /** Global regex for scanning text; when the source has a `(?<value>…)` group, also has indices (`d`). */
  readonly scan: RegExp;
  /** The same pattern anchored to a whole value: `^(?:…)$`. */
  readonly whole: RegExp;
  /** True when the span is the named group `value` rather than the whole match. */
  readonly hasValueGroup: boolean;
  readonly score: number;
  /** Prefilter: the text must contain one of these literals, lower-cased (matched ignoring case); undefined = no check. */
  readonly anyOfLiterals: readonly string[] | undefined;
  /** Prefilter: the text must contain at least this many digits. */
  readonly minDigits: number;
  /** Prefilter: the text must hold a maximal run of exactly this many ASCII digits; 0 = no check. */
  readonly runLength: number;
  /**
   * Set for bare digit-run rules (`{{nb}}\d{9}{{na}}`): the rule's body anchored to a whole run. Such rules
   * are not scanned one by one; the catalogue's `digitRuns` scan finds every bounded run once and each rule
   * tests the runs (same matches: a bounded rule can only match a whole run).
   */
  readonly digitRun: RegExp | undefined;
}

export interface WindowSize {
  readonly before: number;
  readonly after: number;
}

/** One catalogue entity, compiled and ready to match. */
export interface CatalogueEntity {
  readonly id: EntityId;
  readonly label: string;
  readonly description: string;
  readonly detectedBy: readonly string[];
  /** What the auto-policy does with this kind of value. */
  readonly action: ActionSpec;
  readonly patterns: readonly CompiledPattern[];
  /** Reuse another entity's candidate matches (scored with this entity's validator and context). */
  readonly patternsFrom: EntityId | undefined;
  /** Base score of borrowed candidates; undefined keeps the source rule's score. */
  readonly derivedScore: number | undefined;
  readonly validatorName: ValidatorName | undefined;
  readonly validate: Validator | undefined;
  /** When false, a failed validation keeps the span at a reduced score instead of dropping it. */
  readonly validatorRequired: boolean;
  /** In text: a rejected candidate with enough digits and with context keeps this score. */
  readonly unvalidatedWithContext: { readonly score: number; readonly minDigits: number } | undefined;
  /** In text: spans of these kinds right before a candidate count as context (given by other detectors). */
  readonly contextEntities: ReadonlySet<string>;
  readonly context: ContextTerms;
  readonly negativeContext: ContextTerms;
  readonly window: WindowSize;
  /** Where negative context counts. */
  readonly negativeWindow: WindowSize;
  readonly contextBoost: number;
}

/** The compiled catalogue: entities in file order, with lookup by id. */
export interface EntityCatalogue {
  readonly version: 1;
  /** The validated file it was compiled from (plain data: what a worker thread recompiles). */
  readonly source: CatalogueFile;
  readonly defaults: CatalogueDefaults;
  readonly entities: readonly CatalogueEntity[];
  readonly ids: readonly EntityId[];
  /** `{{nb}}\d+{{na}}`: every bounded digit run, scanned once per text for all `digitRun` rules. */
  readonly digitRuns: RegExp | undefined;
  get(id: EntityId): CatalogueEntity | undefined;
  has(id: EntityId): boolean;
}
