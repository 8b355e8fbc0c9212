import { ownString, type ColumnInfo } from '../core/index.js';
import {
  canonicalNameCase,
  entityOutput,
  fakeEmailFromName,
  fakeFullNameFromParts,
  fakeNamePart,
  fakeNumberLike,
  fakeUsernameFromName,
  fakeValue,
  splitRunTogetherName,
  UNIQUE_BITS_TARGET,
  uniqueCapacityBits,
  type KeyedSeeder,
  type NameFakes,
  type NamePartKind,
  type NamePartOptions,
} from '../fake-values/index.js';
import { boundedMemo } from './bounded-memo.js';
import { compileLocation } from './compile-location.js';
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
 *
 * One person stays one person: first and last names are keyed in canonical case and written in the
 * input's (`fakeNamePart`), and an e-mail address or username made of names (`ann.lee@corp.com`) is built
 * from those names' fakes (`mark.diaz@example.com`), so it follows the fake name of its row — from the
 * value alone, so the same address is the same fake in every table. Other shapes get independent fakes.
 */
export function compileSubstitute(action: ActionOf<'substitute'>, context: ColumnContext): ValueTransform {
  const { column, seeder, isUnique, isSourceValue } = context;
  const scope = action.scope ?? action.entity;
  const kind = action.entity;
  const keepsEmpty = valueCategory(column) === 'string';
  // Address parts take their fakes from one fake place (compileLocation); null: not an address part here.
  const located = compileLocation(action, context);
  if (located !== null) return located;
  if ((kind === 'first_name' || kind === 'last_name') && keepsEmpty) {
    const options = { maxLength: column.maxLength, isRealValue: isSourceValue };
    return perValue(
      column,
      boundedMemo((value) => (value === '' ? '' : fakeNamePart(kind, seeder, scope, value, options))),
    );
  }
  const fromName = keepsEmpty && context.buildsFromNames !== false ? nameShapedFake(action, context) : null;
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
  const replace = (value: string): string => {
    if (value === '' && keepsEmpty) return '';
    // A built address that may be real gets other keyed digits and discriminator, the same names.
    for (let attempt = 0; fromName !== null && attempt <= MAX_REDRAWS; attempt++) {
      const coherent = fromName(value, attempt);
      if (coherent === null) break;
      if (isSourceValue?.(coherent) !== true) return coherent;
    }
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

/** Real domains whose seeds are kept (a column rarely has more; beyond it the map starts over). */
const MAX_DOMAIN_SEEDS = 10_000;

/**
 * Name scopes an e-mail address or username is built from: always the kinds' default scopes, so the fake
 * depends on the value alone (a name column under another scope keeps its own fakes).
 */
function nameFakes(seeder: KeyedSeeder, isScopeValue: ColumnContext['isScopeValue']): NameFakes {
  const options = (kind: NamePartKind): NamePartOptions => ({
    isRealValue: isScopeValue === undefined ? undefined : (value) => isScopeValue(kind, value),
  });
  const byKind = { first_name: options('first_name'), last_name: options('last_name') };
  // Names repeat across addresses (every Ann): one keyed draw per name and kind.
  const memo = boundedMemo((key) => {
    const kind: NamePartKind = key.charCodeAt(0) === 102 ? 'first_name' : 'last_name';
    return fakeNamePart(kind, seeder, kind, key.slice(1), byKind[kind]);
  });
  return (kind, name) => memo(`${kind === 'first_name' ? 'f' : 'l'}${name}`);
}

/** E-mail addresses and usernames built from the names they hold; null for other kinds. */
function nameShapedFake(
  action: ActionOf<'substitute'>,
  context: ColumnContext,
): ((value: string, attempt: number) => string | null) | null {
  const { column, seeder, isUnique } = context;
  const scope = action.scope ?? action.entity;
  const { isScopeValue } = context;
  const mayBe = (nameScope: string, name: string): boolean =>
    isScopeValue !== undefined &&
    // Each distinct spelling is one lookup (~1% false positives each): `lee` is looked up as lee, LEE, Lee.
    [...new Set([name, name.toUpperCase(), name.toLowerCase(), canonicalNameCase(name)])].some((v) =>
      isScopeValue(nameScope, v),
    );
  // A lone name is a last name when the source's last names may hold it and its first names may not.
  const isLastName = (name: string): boolean => mayBe('last_name', name) && !mayBe('first_name', name);
  // `jsmith`, `marysmith`: a first name (or an initial) and a last name of the source written together.
  const splitRunTogether = (letters: string): readonly [string, string] | null =>
    splitRunTogetherName(
      letters,
      (name) => mayBe('first_name', name),
      (name) => mayBe('last_name', name),
    );
  const options = { maxLength: column.maxLength, unique: isUnique, isLastName, splitRunTogether };
  const names = nameFakes(seeder, isScopeValue);
  // One fake domain per real domain and scope: one company's people share it.
  const domainSeeds = new Map<string, Uint8Array>();
  const domainSeed = (domain: string): Uint8Array => {
    let seed = domainSeeds.get(domain);
    if (seed === undefined) {
      seed = seeder.seed(`${scope}#domain`, domain);
      if (domainSeeds.size >= MAX_DOMAIN_SEEDS) domainSeeds.clear();
      domainSeeds.set(ownString(domain), seed);
    }
    return seed;
  };
  // Attempt 0 is the value's own seed; later attempts (a fake that may be real) redraw digits only.
  const seedOf = (value: string, attempt: number): Uint8Array =>
    seeder.seed(scope, attempt === 0 ? value : `${value}\u0000${attempt}`);
  if (action.entity === 'email')
    return (value, attempt) => {
      const domain = value.slice(value.lastIndexOf('@') + 1).toLowerCase();
      return fakeEmailFromName(value, names, seedOf(value, attempt), domainSeed(domain), options);
    };
  if (action.entity === 'username')
    return (value, attempt) => fakeUsernameFromName(value, names, seedOf(value, attempt), options);
  // A full name is its parts' fakes (no digits to redraw); a unique column keeps its discriminator.
  if (action.entity === 'full_name' && !isUnique)
    return (value, attempt) =>
      attempt === 0 ? fakeFullNameFromParts(value, names, column.maxLength, isLastName) : null;
  return null;
}

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
