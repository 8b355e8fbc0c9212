import type { ActionSpec, ColumnInfo, EntityKind, Row } from '../core/index.js';
import type { KeyedSeeder } from '../fake-values/index.js';

/**
 * One column's action as a function on PostgreSQL text values (`null` is SQL NULL). `row` is the whole
 * source row, in the order `ColumnContext.columnIndexByName` describes, for actions keyed by other columns.
 */
export type ValueTransform = (value: string | null, row: Row) => string | null;

/** Everything a transform needs about its column, fixed once per table. */
export interface ColumnContext {
  readonly column: ColumnInfo;
  readonly seeder: KeyedSeeder;
  /**
   * Whether the column must stay unique. It changes substitute's output (a keyed discriminator is
   * embedded), so every column sharing a scope (e.g. foreign keys referencing it) must get the same value.
   */
  readonly isUnique: boolean;
  /**
   * Whether a substitution scope holds a unique column anywhere in the plan. Its values then take the
   * unique form in JSON leaves too, and e-mail addresses and usernames in text as well (see columnFakeOf),
   * so one real value has one fake: a unique e-mail column's address and the same address quoted in a note
   * stay the same.
   */
  readonly isUniqueScope?: (scope: string) => boolean;
  readonly columnIndexByName: ReadonlyMap<string, number>;
  /** Indexes of the primary key's columns in the row; may be empty. */
  readonly rowKeyIndexes: readonly number[];
  /**
   * Whether a text may be a real value of the substitution's scope in the source. A fake that may be one
   * is drawn again (a few times at most), so a real value never reappears as someone else's fake.
   */
  readonly isSourceValue?: (value: string) => boolean;
  /**
   * Whether a text may be a real value of a given substitution scope: the name scopes an e-mail address
   * or username is built from (`first_name`, `last_name`) redraw their fakes as those columns do.
   */
  readonly isScopeValue?: (scope: string, value: string) => boolean;
  /**
   * Whether e-mail addresses and usernames made of names are built from those names' fakes (the table's
   * `coherent_rows`; default true). False gives them independent fakes.
   */
  readonly buildsFromNames?: boolean;
  /**
   * The row's substituted scalar columns (name → kind and scope), so that address parts substituted in
   * one row (street, city, state, postal code, country) take their fakes from one fake place.
   */
  readonly rowSubstitutions?: ReadonlyMap<string, RowSubstitution>;
  /** Columns of the row the table keeps as they are (a kept country column sets the address's locale). */
  readonly keptColumns?: ReadonlySet<string>;
  /**
   * Finds the personal spans of a text (detection, built by the pipeline). With it, `redact_text`
   * replaces only those spans; without it, the whole value.
   */
  readonly findSpans?: SpanFinder;
}

/** One substituted column of a row, for the columns it must agree with. */
export interface RowSubstitution {
  readonly entity: EntityKind;
  readonly scope: string;
  /** A unique column's fake depends on its value alone (keys must keep matching): no place is keyed on it. */
  readonly unique?: boolean;
}

/** A personal span in a text and the fake kind that replaces it (null: a typed placeholder does). */
export interface ReplaceableSpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly substitute: EntityKind | null;
}

/**
 * Finds the personal spans of one text. `prefetch`, when present, finds those of a whole batch of texts in
 * one go (detection runs stage by stage over the batch: faster), answered by the next calls.
 */
export interface SpanFinder {
  (text: string): readonly ReplaceableSpan[];
  prefetch?(texts: readonly string[]): void;
}

/** What an action can write into a column, judged from types alone (never values). */
export interface OutputFit {
  readonly fits: boolean;
  /** Why it does not fit; names the column and the type expected. */
  readonly problem?: string;
  /** Whether two distinct inputs can produce the same output. */
  readonly canCollide: boolean;
}

/** The spec of one action kind. */
export type ActionOf<K extends ActionSpec['kind']> = Extract<ActionSpec, { readonly kind: K }>;
