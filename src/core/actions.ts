/**
 * The action vocabulary shared by policy (which chooses), plan (which records) and transform (which applies).
 * Field names are snake_case because they are a file format: the policy YAML and plan.json use them as is.
 */

/** Kinds of personal data lookalike can substitute. Shared by detection, substitution and synthesis. */
export const ENTITY_KINDS = [
  'first_name',
  'last_name',
  'full_name',
  'email',
  'phone',
  'street_address',
  'secondary_address',
  'city',
  'state',
  'postal_code',
  'country',
  'date_of_birth',
  'username',
  'password',
  'company',
  'ip_address',
  'url',
  'uuid',
  'credit_card',
  'national_id',
  'free_text',
  'string',
  'number',
] as const;

export type EntityKind = (typeof ENTITY_KINDS)[number];

export const ACTION_KINDS = [
  'keep',
  'substitute',
  'mask',
  'hash',
  'encrypt',
  'nullify',
  'generalize',
  'shift_date',
  'redact_text',
  'json',
  'drop',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

/**
 * What `encrypt` enciphers: `digits` only digits; `alphanumeric` digits and ASCII letters; `auto` digits
 * when a value has at least six of them (letters such as an `INV-` prefix stay), else digits and letters.
 */
export const ENCRYPT_ALPHABETS = ['auto', 'digits', 'alphanumeric'] as const;

export type EncryptAlphabet = (typeof ENCRYPT_ALPHABETS)[number];

export type ActionSpec =
  | { readonly kind: 'keep' }
  /** Deterministic keyed fake. `scope` defaults to the entity kind, so one person is one fake everywhere. */
  | { readonly kind: 'substitute'; readonly entity: EntityKind; readonly scope?: string }
  /** Replace characters with `char`, keeping `keep_first`/`keep_last` characters and separators. */
  | { readonly kind: 'mask'; readonly keep_first: number; readonly keep_last: number; readonly char: string }
  /** Keyed HMAC, hex, truncated to `length` (or to the column). Same input, same hash: joins survive. */
  | { readonly kind: 'hash'; readonly length?: number }
  /**
   * Keyed format-preserving encryption (FF1, NIST SP 800-38G): reversible with the key (`lookalike decrypt`).
   * Only the characters of `alphabet` change, each within its class (digit, lower- or upper-case letter);
   * separators, case pattern and length stay. `scope` (default `encrypt`) is the tweak: columns that must
   * stay joinable share it. Injective, so unique columns stay unique.
   */
  | { readonly kind: 'encrypt'; readonly alphabet: EncryptAlphabet; readonly scope?: string }
  | { readonly kind: 'nullify' }
  /**
   * Coarsen: dates/timestamps to `to` (year, month, day, hour); numbers to a multiple of `bucket`;
   * strings to their first `prefix` characters.
   */
  | {
      readonly kind: 'generalize';
      readonly to?: 'year' | 'month' | 'day' | 'hour';
      readonly bucket?: number;
      readonly prefix?: number;
    }
  /**
   * Move dates by a keyed offset within ±`max_days` days. The offset is derived from the value of
   * column `by` (e.g. the customer id) so one entity's dates move together; without `by`, from the row's
   * primary key; without one, from the value itself.
   */
  | { readonly kind: 'shift_date'; readonly max_days: number; readonly by?: string }
  /**
   * Replace free text; [detect] replaces only the personal spans: with consistent fakes (default), or with
   * `mode: 'placeholder'`, typed placeholders numbered per type and value within one value (`<PERSON_1>`).
   */
  | { readonly kind: 'redact_text'; readonly placeholder?: string; readonly mode?: 'placeholder' }
  /**
   * A JSON document rewritten leaf by leaf: `paths` (`$.contact.email`, `$.items[*].name`) name the action of
   * their leaves; every other string leaf gets `other` (by default `redact_text`: personal spans replaced).
   * Keys, structure, numbers and booleans outside `paths` are kept.
   */
  | {
      readonly kind: 'json';
      readonly paths: Readonly<Record<string, LeafActionSpec>>;
      readonly other: 'keep' | 'redact_text' | 'nullify';
    }
  /** Remove the column from the target table. */
  | { readonly kind: 'drop' };

/** What a JSON leaf can get: the value actions (no nested json, no drop, no shift_date). */
export type LeafActionSpec = Extract<
  ActionSpec,
  { readonly kind: 'keep' | 'substitute' | 'mask' | 'hash' | 'nullify' | 'generalize' | 'redact_text' }
>;

/**
 * A JSON path as policies and plans write it: `$` then steps `.key` (plain keys), `["any key"]` and `[*]`
 * (every array element), e.g. `$.contact.email`, `$.items[*]["unit price"]`.
 */
export const JSON_PATH_PATTERN = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\*\]|\["(?:[^"\\]|\\.)*"\])*$/;
