import type { TypeCategory } from '../core/index.js';

/** What a kind's fakes look like, for the planner's pre-flight. */
export interface EntityOutput {
  /** Column categories a fake of this kind can be written into (array columns: their element category). */
  readonly categories: readonly TypeCategory[];
  /** The shortest well-formed fake; a column shorter than this gets cut, malformed values. */
  readonly minLength: number;
  /** The longest fake without options, give or take a rare long word. */
  readonly typicalMaxLength: number;
  /** Whether `unique: true` can embed ≥ 64 keyed bits in the format (given enough length). */
  readonly canBeUnique: boolean;
}

/**
 * One entity kind's generator. `maxLength` is `Infinity` when unbounded; `sourceLength` (the length of the
 * value being replaced, when known) lets a kind keep the original's shape (digits only vs punctuated,
 * state abbreviation vs name, string length).
 */
export interface KindGenerator {
  readonly output: EntityOutput;
  generate(seed: Uint8Array, maxLength: number, unique: boolean, sourceLength: number | undefined): string;
  /**
   * Keyed bits that `unique: true` embeds at this `maxLength` (null: unbounded). Below 64, distinct inputs
   * may collide: n values collide with probability about n² / 2^(bits+1).
   */
  uniqueCapacityBits(maxLength: number | null): number;
}

/** Bits needed before a unique column is considered safe from collisions. */
export const UNIQUE_BITS_TARGET = 64;
