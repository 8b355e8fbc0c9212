import type { ColumnInfo } from '../core/index.js';
import {
  entityOutput,
  fakeNumberLike,
  fakeValue,
  UNIQUE_BITS_TARGET,
  uniqueCapacityBits,
} from '../fake-values/index.js';
import { boundedMemo } from './bounded-memo.js';
import {
  describeColumn,
  fitting,
  notFitting,
  perValue,
  valueBaseType,
  valueCategory,
} from './column-shape.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

/** Largest magnitude each integer type holds (the negative bound is one more: folding to this is safe). */
const INTEGER_MAX_ABS: Readonly<Record<string, bigint>> = {
  int2: 32_767n,
  int4: 2_147_483_647n,
  int8: 9_223_372_036_854_775_807n,
};

/** Network types that take an IPv4 address as text. */
const ADDRESS_TYPES = new Set(['inet', 'cidr']);

/** Kinds whose fakes carry ≥ 64 keyed bits even without `unique` (a bare uuid, a bcrypt-shaped hash). */
const ALWAYS_DISTINCT = new Set(['uuid', 'password']);

function isNumberIntoNumeric(action: ActionOf<'substitute'>, column: ColumnInfo): boolean {
  const category = valueCategory(column);
  return action.entity === 'number' && (category === 'integer' || category === 'decimal');
}

/**
 * A keyed fake per value (array columns: per element), seeded by (scope, value) with scope defaulting to
 * the entity kind, so the same value gets the same fake in every column sharing the scope. `number` into
 * integer and decimal columns keeps the original's digit shape and the type's range. Empty strings in
 * text columns stay empty: there is nothing personal to replace.
 */
export function compileSubstitute(action: ActionOf<'substitute'>, context: ColumnContext): ValueTransform {
  const { column, seeder, isUnique, isSourceValue } = context;
  const scope = action.scope ?? action.entity;
  const kind = action.entity;
  let fake: (seed: Uint8Array, value: string) => string;
  if (isNumberIntoNumeric(action, column)) {
    const maxAbs =
      valueCategory(column) === 'integer' ? (INTEGER_MAX_ABS[valueBaseType(column)] ?? null) : null;
    fake = (seed, value) => fakeNumberLike(seed, value, maxAbs);
  } else {
    const maxLength = column.maxLength;
    fake = (seed, value) =>
      fakeValue(kind, seed, { maxLength, unique: isUnique, sourceLength: value.length });
  }
  const keepsEmpty = valueCategory(column) === 'string';
  const replace = (value: string): string => {
    if (value === '' && keepsEmpty) return '';
    let output = fake(seeder.seed(scope, value), value);
    // Redraw (deterministically) while the fake may be a real source value of this scope.
    for (
      let attempt = 1;
      isSourceValue !== undefined && attempt <= MAX_REDRAWS && isSourceValue(output);
      attempt++
    ) {
      output = fake(seeder.seed(scope, `${value}\u0000${attempt}`), value);
    }
    return output;
  };
  return perValue(column, boundedMemo(replace));
}

/** Redraws per value when a fake may equal a real value; beyond it the output space is saturated (e.g. dates). */
const MAX_REDRAWS = 4;

export function fitSubstitute(
  action: ActionOf<'substitute'>,
  column: ColumnInfo,
  isUnique: boolean,
): OutputFit {
  const kind = action.entity;
  const output = entityOutput(kind);
  const category = valueCategory(column);
  if (!output.categories.includes(category)) {
    return notFitting(
      `${describeColumn(column)} cannot hold ${kind} fakes, which need a ${output.categories.join(', ')} column`,
    );
  }
  if (category === 'network' && !ADDRESS_TYPES.has(valueBaseType(column))) {
    return notFitting(
      `${describeColumn(column)} cannot hold ${kind} fakes, which need an inet or cidr column`,
    );
  }
  if (column.maxLength !== null && column.maxLength < output.minLength) {
    return notFitting(
      `${describeColumn(column)} holds ${column.maxLength} characters, but ${kind} fakes need ${output.minLength}`,
    );
  }
  if (isNumberIntoNumeric(action, column)) return fitting(true);
  const bits = isUnique || ALWAYS_DISTINCT.has(kind) ? uniqueCapacityBits(kind, column.maxLength) : 0;
  return fitting(bits < UNIQUE_BITS_TARGET);
}
