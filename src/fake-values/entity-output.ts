import type { EntityKind } from '../core/index.js';
import type { EntityOutput } from './kind-generator.js';
import { kindGenerator } from './kind-generators.js';

/** What fakes of `kind` look like: which column categories take them, how long they are, whether they can be unique. */
export function entityOutput(kind: EntityKind): EntityOutput {
  return kindGenerator(kind).output;
}

/**
 * Keyed bits a fake of `kind` carries with `unique: true` in a column of `maxLength` (null: unbounded).
 * Below `UNIQUE_BITS_TARGET` (64) a unique column may see collisions: about n² / 2^(bits+1) among n rows.
 */
export function uniqueCapacityBits(kind: EntityKind, maxLength: number | null): number {
  return kindGenerator(kind).uniqueCapacityBits(maxLength);
}
