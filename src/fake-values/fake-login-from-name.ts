import type { NamePartKind } from './fake-name-part.js';
import { SeedStream } from './seed-stream.js';
import { uniqueDiscriminator } from './unique-discriminator.js';

/** The fake of a first or last name as a name column gets it, in the case the name is written in. */
export type NameFakes = (kind: NamePartKind, name: string) => string;

/** Whether a lone name (`schneider84@…`) is a last name rather than a first name, when that is known. */
export type IsLastName = (name: string) => boolean;

/** A run of letters read as a first name (or an initial) and a last name written together, or null. */
export type SplitRunTogether = (letters: string) => readonly [string, string] | null;

/**
 * Splits `jsmith` into `j` + `smith` and `marysmith` into `mary` + `smith` when the parts may be a first
 * name (any initial may) and a last name of the source (`mayBeFirst`, `mayBeLast`: its Bloom filters),
 * preferring the longest first name; null for a run that is a name itself or splits no such way. A word
 * that happens to split into two of the source's names (`dragonslayer`) becomes two fake names: still a
 * fake, only less tidy.
 */
export function splitRunTogetherName(
  letters: string,
  mayBeFirst: (name: string) => boolean,
  mayBeLast: (name: string) => boolean,
): readonly [string, string] | null {
  if (letters.length < MIN_RUN_TOGETHER || mayBeFirst(letters) || mayBeLast(letters)) return null;
  for (let at = letters.length - MIN_PART; at >= MIN_PART; at--) {
    const last = letters.slice(at);
    if (mayBeLast(last) && mayBeFirst(letters.slice(0, at))) return [letters.slice(0, at), last];
  }
  const afterInitial = letters.slice(1);
  return mayBeLast(afterInitial) ? [letters.charAt(0), afterInitial] : null;
}

/** Shorter runs (`ann`, `leo`) are read as one name; parts shorter than two letters are initials only. */
const MIN_RUN_TOGETHER = 5;
const MIN_PART = 2;

/** Reserved domains (RFC 2606 / 6761) standing for a company's own domain, and for a free-mail provider. */
const COMPANY_DOMAINS: readonly string[] = ['example.com', 'example.net', 'example.org'];
const FREE_MAIL_DOMAINS: readonly string[] = ['mail.example', 'inbox.test', 'mail.test'];

/** Common free-mail providers, matched on the domain's first label (`gmail` in `gmail.com`, `yahoo.co.uk`). */
const FREE_MAIL = new Set([
  'aol',
  'fastmail',
  'gmail',
  'gmx',
  'googlemail',
  'hotmail',
  'icloud',
  'live',
  'mail',
  'me',
  'msn',
  'outlook',
  'proton',
  'protonmail',
  'qq',
  'web',
  'yahoo',
  'yandex',
  'zoho',
]);

/** Runs of ASCII letters, runs of digits, and the separators a local part or a login uses. */
const TOKEN = /[A-Za-z]+|[0-9]+|[._+-]/g;
const MAX_NAME_TOKENS = 3;

/**
 * A login shaped like `local` with its names replaced, or null when `local` is not made of one to three
 * runs of letters, digits and `._+-`. The last of two or more letter runs is a last name, the others first
 * names (`ann.lee` → `maria.diaz`) — unless two runs read last-first by `isLastName` (`lee.ann` →
 * `diaz.maria`); a lone one is a first name (`ANN` → `MARIA`) unless `isLastName` says
 * otherwise (`lee84` → `diaz31`); a single letter is an initial (the initial of that
 * letter's fake name); digits become keyed digits of the same count; separators stay. The names come from
 * `names`, so they are the fakes the name columns give the same names: a login built from a person's name
 * follows their fake name, and since nothing but the login itself is read, the same login gets the same fake
 * in every table, with or without the name beside it.
 */
export function fakeNameShapedLogin(
  local: string,
  names: NameFakes,
  seed: Uint8Array,
  isLastName?: IsLastName,
  splitRunTogether?: SplitRunTogether,
): string | null {
  const tokens = local.match(TOKEN);
  if (tokens === null || tokens.join('') !== local) return null;
  const nameTokens = tokens.filter(isLetters).length;
  if (nameTokens === 0 || nameTokens > MAX_NAME_TOKENS) return null;
  const digits = new SeedStream(seed);
  // `lee.ann`: two names whose first is known as a last name and whose second is not are last-first.
  const letters = tokens.filter(isLetters);
  const lastFirst =
    nameTokens === 2 &&
    isLastName !== undefined &&
    isLastName(letters[0] ?? '') &&
    !isLastName(letters[1] ?? '');
  // `jsmith`, `marysmith`: one run holding a first name (or an initial) and a last name.
  const parts = nameTokens === 1 ? splitRunTogether?.(letters[0] ?? '') : null;
  let seen = 0;
  let out = '';
  for (const token of tokens) {
    if (isLetters(token) && parts != null) {
      const [given, family] = parts;
      const fakeGiven = names('first_name', given);
      out += (given.length === 1 ? fakeGiven.charAt(0) : fakeGiven) + names('last_name', family);
    } else if (isLetters(token)) {
      seen++;
      const isLast =
        nameTokens >= 2 ? (lastFirst ? seen === 1 : seen === nameTokens) : isLastName?.(token) === true;
      const kind: NamePartKind = isLast ? 'last_name' : 'first_name';
      const fake = names(kind, token);
      out += token.length === 1 ? fake.charAt(0) : fake;
    } else if (isDigit(token.charCodeAt(0))) {
      out += digits.digits(token.length);
    } else {
      out += token;
    }
  }
  return out;
}

export interface LoginOptions {
  readonly maxLength: number | null;
  /** Embed the keyed discriminator (the column, or its scope, is unique). */
  readonly unique: boolean;
  readonly isLastName?: IsLastName | undefined;
  readonly splitRunTogether?: SplitRunTogether | undefined;
}

/**
 * An e-mail address whose local part follows the names in the real one (see `fakeNameShapedLogin`), at a
 * reserved domain of the same kind (free mail stays free mail, a company's domain becomes a company
 * domain), chosen by `domainSeed` (seeded by the real domain, so one company's people share a domain).
 * With `unique`, `.` and the keyed discriminator of `seed` follow the handle (65 bits, as `fakeEmail`).
 * Null when the address has no such shape or the result is longer than `maxLength`.
 */
export function fakeEmailFromName(
  email: string,
  names: NameFakes,
  seed: Uint8Array,
  domainSeed: Uint8Array,
  options: LoginOptions,
): string | null {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return null;
  const handle = fakeNameShapedLogin(
    email.slice(0, at),
    names,
    seed,
    options.isLastName,
    options.splitRunTogether,
  );
  if (handle === null) return null;
  const provider =
    email
      .slice(at + 1)
      .toLowerCase()
      .split('.')[0] ?? '';
  const domain = new SeedStream(domainSeed).pick(
    FREE_MAIL.has(provider) ? FREE_MAIL_DOMAINS : COMPANY_DOMAINS,
  );
  const local = options.unique ? `${handle}.${discriminatorFor(handle, seed)}` : handle;
  return fits(`${local}@${domain}`, options.maxLength);
}

/** A username following the names in the real one; with `unique`, `_` and the keyed discriminator follow. */
export function fakeUsernameFromName(
  username: string,
  names: NameFakes,
  seed: Uint8Array,
  options: LoginOptions,
): string | null {
  const handle = fakeNameShapedLogin(username, names, seed, options.isLastName, options.splitRunTogether);
  if (handle === null) return null;
  return fits(options.unique ? `${handle}_${discriminatorFor(handle, seed)}` : handle, options.maxLength);
}

/** The keyed discriminator, in capitals after a handle in capitals (uppercasing it stays one-to-one). */
function discriminatorFor(handle: string, seed: Uint8Array): string {
  const discriminator = uniqueDiscriminator(seed);
  return handle === handle.toUpperCase() ? discriminator.toUpperCase() : discriminator;
}

function fits(value: string, maxLength: number | null): string | null {
  return maxLength === null || value.length <= maxLength ? value : null;
}

function isLetters(token: string): boolean {
  const code = token.charCodeAt(0) | 0x20;
  return code >= 97 && code <= 122;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
