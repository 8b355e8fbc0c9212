import type { EntityKind } from '../core/index.js';
import { kindGenerator } from './kind-generators.js';

export interface FakeValueOptions {
  /** The column's maximum length in characters; the fake always fits. Null or absent: unbounded. */
  readonly maxLength?: number | null;
  /**
   * Embed a keyed discriminator (≥ 64 bits where the format and length allow, see `uniqueCapacityBits`)
   * so distinct inputs give distinct fakes. Changes the fake: every column sharing a scope must agree.
   */
  readonly unique?: boolean;
  /** Length of the value being replaced: keeps its shape (string length, digits-only, abbreviations). */
  readonly sourceLength?: number;
}

/**
 * The fake of `kind` for a seed from `KeyedSeeder.seed`: a pure function of (seed, kind, options), so of
 * (key, scope, input). Outputs are pinned in tests: a change here, or in @faker-js/faker's word lists,
 * changes every snapshot.
 */
export function fakeValue(kind: EntityKind, seed: Uint8Array, options?: FakeValueOptions): string {
  const maxLength = options?.maxLength ?? Infinity;
  return kindGenerator(kind).generate(seed, maxLength, options?.unique ?? false, options?.sourceLength);
}
