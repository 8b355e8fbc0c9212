import type { EntityKind } from '../core/index.js';

/**
 * Kinds whose fakes can plausibly equal a real value: they are drawn from word lists of real names and
 * places, so a real table overlaps them. The others cannot: emails use reserved domains, phones the
 * fictional 555-01xx range, card numbers test prefixes, SSNs never-issued areas, uuids and hashes are
 * 64+ random bits; dates of birth cover every day of the range anyway, so excluding real ones is moot.
 */
const COINCIDENCE_PRONE: ReadonlySet<EntityKind> = new Set<EntityKind>([
  'first_name',
  'last_name',
  'full_name',
  'street_address',
  'secondary_address',
  'city',
  'state',
  'postal_code',
  'country',
  'company',
  'username',
]);

export function mayCoincideWithRealValues(kind: EntityKind): boolean {
  return COINCIDENCE_PRONE.has(kind);
}
