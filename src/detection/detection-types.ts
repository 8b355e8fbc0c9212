/**
 * The vocabulary of detection, shared by its parts (patterns, text, columns) and by the pipeline.
 * Findings carry positions, scores and counts — never the values they were found in.
 */

/** A catalogue entity id, named like Presidio's where one exists: `PERSON`, `EMAIL_ADDRESS`, `US_SSN`. */
export type EntityId = string;

/** One personal-data span inside a text. `start`/`end` are JavaScript string offsets, `end` exclusive. */
export interface TextSpan {
  readonly type: EntityId;
  readonly start: number;
  readonly end: number;
  /** 0..1, after validation and context. */
  readonly score: number;
  /** Which detector found it: `pattern:<rule name>`, `lexicon`, `ner`, `known_entity`, … */
  readonly detector: string;
}

/** A whole value (one cell) recognised as an entity: used by column classification on sampled values. */
export interface ValueMatch {
  readonly type: EntityId;
  readonly score: number;
  /** True when a checksum or structural validator passed (evidence, not certainty). */
  readonly validated: boolean;
}

/** Why a classification was made. Counts and names only. */
export interface Evidence {
  /** `column_name`, `table_context`, `neighbours`, `declared_type`, `values`, `comment`, `json_key`, `llm`, … */
  readonly detector: string;
  /** Human-readable reason naming rules and counts, e.g. `name token "email" (alias of EMAIL_ADDRESS)`. */
  readonly detail: string;
  readonly matched?: number;
  readonly sampled?: number;
  /** Signed contribution to the confidence. */
  readonly weight: number;
}
