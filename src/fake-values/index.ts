export { entityOutput, uniqueCapacityBits } from './entity-output.js';
export type { FakeValueOptions } from './fake-value.js';
export { fakeValue } from './fake-value.js';
export { DATE_OF_BIRTH_REFERENCE } from './fake-date-of-birth.js';
export { EMAIL_DOMAINS } from './email-domains.js';
export { fakeNumberLike } from './fake-number.js';
export type { EntityOutput } from './kind-generator.js';
export { UNIQUE_BITS_TARGET } from './kind-generator.js';
export type { KeyedSeeder } from './keyed-seeder.js';
export { createKeyedSeeder, SEED_BYTES, SEEDER_KEY_LABEL } from './keyed-seeder.js';
export type { FormatCipher } from './format-cipher.js';
export {
  createFormatCipher,
  DomainTooSmallError,
  MIN_ALPHANUMERIC_CHARS,
  MIN_DIGITS,
} from './format-cipher.js';
export { ValueBloomFilter, type SharedBloomFilter } from './value-bloom-filter.js';
export { mayCoincideWithRealValues } from './may-coincide.js';
export type { NamePartKind, NamePartOptions } from './fake-name-part.js';
export { fakeNamePart } from './fake-name-part.js';
export { firstNameGender } from './first-name-gender.js';
export { fakeFullNameFromParts } from './fake-full-name-from-parts.js';
export type { IsLastName, LoginOptions, NameFakes, SplitRunTogether } from './fake-login-from-name.js';
export {
  fakeEmailFromName,
  fakeNameShapedLogin,
  fakeUsernameFromName,
  splitRunTogetherName,
} from './fake-login-from-name.js';
export { canonicalNameCase, matchNameCase } from './name-case.js';
export type { FakePlace, IsRealPlaceValue, PlaceKind, PlaceMemo, RealLocation } from './fake-place.js';
export {
  fakePlace,
  isKnownCountry,
  placeMemo,
  formatCity,
  formatCountry,
  formatPostalCode,
  formatState,
} from './fake-place.js';
export { fakeStreetIn } from './fake-address.js';
