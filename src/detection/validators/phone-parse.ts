import { Metadata } from 'libphonenumber-js/core';
import type { CountryCode } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/metadata.max.json';

/**
 * libphonenumber-js's `parsePhoneNumberFromString(text, region)?.isValid()` and, for `+` numbers,
 * `isPossible() || isValid()`, for the plain candidates the detector asks about: the library's own steps
 * (parse.js, extractCountryCallingCode, extractNationalNumber, getCountryByCallingCode, getNumberType,
 * checkNumberLength, isPossible, isValid of libphonenumber-js 1.13) on its own "max" metadata, read through
 * its own Metadata class — with every metadata pattern compiled once instead of on every test, and no
 * option objects, Metadata or PhoneNumber instances per call (5–10 times faster than a parse, measured warm).
 *
 * Only texts made of ASCII digits and the separators ` ( ) . / -` (and, for `+` numbers, one leading `+`)
 * are answered here: for those the library's input extraction (viability, extensions, RFC 3966 URIs)
 * reduces the text to its digits, which is what the steps below start from. Anything else — and the
 * rare national number that starts with the region's international call prefix — returns undefined,
 * and the caller asks the library. phone-parse.test.ts compares the two on a large fuzzed set.
 */

/** Methods of libphonenumber-js's Metadata (metadata.js) read here; its typings declare only a few. */
interface LibraryType {
  pattern(): string;
  possibleLengths(): readonly number[] | undefined;
}
interface LibraryPlan {
  callingCode(): string;
  IDDPrefix(): string | undefined;
  nationalNumberPattern(): string | undefined;
  possibleLengths(): readonly number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(type: string): LibraryType | undefined;
}
interface LibraryMetadata {
  selectNumberingPlan(countryOrCallingCode: string): unknown;
  numberingPlan: LibraryPlan | undefined;
  hasCallingCode(callingCode: string): boolean | undefined;
  getCountryCodesForCallingCode(callingCode: string): readonly string[] | undefined;
  isNonGeographicCallingCode(callingCode: string): boolean;
}

const library = new Metadata(metadataJson) as unknown as LibraryMetadata;

/** `hasCallingCode` and `getCountryCodesForCallingCode` of the library, per calling code (fixed metadata). */
const callingCodes = new Map<string, { known: boolean; countries: readonly string[] | undefined }>();

function callingCodeInfo(code: string): { known: boolean; countries: readonly string[] | undefined } {
  let entry = callingCodes.get(code);
  if (entry === undefined) {
    entry = {
      known: library.hasCallingCode(code) === true,
      countries: library.getCountryCodesForCallingCode(code),
    };
    callingCodes.set(code, entry);
  }
  return entry;
}

/** getNumberType's order: fixed line first, then the others (any match makes a number valid). */
const TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/** One numbering plan (as `selectNumberingPlan(country or calling code)` selects it), patterns compiled. */
interface Plan {
  readonly callingCode: string;
  /** `new RegExp(IDDPrefix())`, tested with `search() === 0` as stripIddPrefix does. */
  readonly idd: RegExp;
  /** matchesEntirely's `^(?:…)$` of the national number pattern. */
  readonly nationalNumber: RegExp;
  readonly possibleLengths: readonly number[] | undefined;
  /** `^(?:national prefix for parsing)`, or undefined when the plan has none. */
  readonly prefix: RegExp | undefined;
  readonly transformRule: string | undefined;
  /** `new RegExp(leadingDigits())` (String.prototype.search's conversion), or undefined. */
  readonly leadingDigits: RegExp | undefined;
  readonly hasTypes: boolean;
  /** The types with a non-empty pattern: `^(?:pattern)$` and the lengths checked before it. */
  readonly types: readonly { readonly pattern: RegExp; readonly lengths: readonly number[] | undefined }[];
}

const plans = new Map<string, Plan>();

/** The plan `metadata.selectNumberingPlan(argument)` selects (a country code or a calling code). */
function planOf(argument: string): Plan {
  let plan = plans.get(argument);
  if (plan !== undefined) return plan;
  library.selectNumberingPlan(argument);
  const p = library.numberingPlan as LibraryPlan;
  const prefix = p.nationalPrefixForParsing();
  const leading = p.leadingDigits();
  const types: { pattern: RegExp; lengths: readonly number[] | undefined }[] = [];
  if (p.hasTypes())
    for (const name of TYPES) {
      const type = p.type(name);
      if (type === undefined || !type.pattern()) continue;
      types.push({ pattern: entirely(type.pattern()), lengths: type.possibleLengths() });
    }
  plan = {
    callingCode: p.callingCode(),
    idd: new RegExp(p.IDDPrefix() as string),
    nationalNumber: entirely(p.nationalNumberPattern()),
    possibleLengths: p.possibleLengths(),
    prefix: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
    transformRule: p.nationalPrefixTransformRule(),
    leadingDigits: leading ? new RegExp(leading) : undefined,
    hasTypes: p.hasTypes(),
    types,
  };
  plans.set(argument, plan);
  return plan;
}

/** matchesEntirely's regular expression (the library concatenates whatever the metadata holds). */
function entirely(pattern: string | undefined): RegExp {
  return new RegExp(`^(?:${String(pattern)})$`);
}

/** matchesEntirely(text, pattern): `text || ''` tested. */
function matches(text: string | undefined, re: RegExp): boolean {
  return re.test(text || '');
}

type Length = 'IS_POSSIBLE' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH';

/** checkNumberLength with no type: the plan's possible lengths. */
function numberLength(nationalNumber: string, plan: Plan): Length {
  const lengths = plan.possibleLengths;
  if (!lengths) return 'IS_POSSIBLE';
  const length = nationalNumber.length;
  const minimum = lengths[0] as number;
  if (minimum === length) return 'IS_POSSIBLE';
  if (minimum > length) return 'TOO_SHORT';
  if ((lengths[lengths.length - 1] as number) < length) return 'TOO_LONG';
  return lengths.indexOf(length, 1) >= 0 ? 'IS_POSSIBLE' : 'INVALID_LENGTH';
}

/** getNumberType(…) !== undefined, for a country's plan. */
function hasNumberType(nationalNumber: string, plan: Plan): boolean {
  if (!matches(nationalNumber, plan.nationalNumber)) return false;
  for (const type of plan.types) {
    if (type.lengths && type.lengths.indexOf(nationalNumber.length) < 0) continue;
    if (matches(nationalNumber, type.pattern)) return true;
  }
  return false;
}

/** getCountryByCallingCode (and getCountryByNationalNumber): the country a national number belongs to. */
function countryOf(code: string, nationalNumber: string): string | undefined {
  const { countries } = callingCodeInfo(code);
  if (!countries) return undefined;
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = planOf(country);
    if (plan.leadingDigits !== undefined) {
      if (nationalNumber && nationalNumber.search(plan.leadingDigits) === 0) return country;
    } else if (hasNumberType(nationalNumber, plan)) return country;
  }
  return undefined;
}

/** extractNationalNumberFromPossiblyIncompleteNumber: the number without its national prefix. */
function withoutNationalPrefix(number: string, plan: Plan): string {
  if (number && plan.prefix !== undefined) {
    const match = plan.prefix.exec(number);
    if (match) {
      const groups = match.length - 1;
      const hasGroups = groups > 0 && match[groups];
      if (plan.transformRule && hasGroups) return number.replace(plan.prefix, plan.transformRule);
      return number.slice(match[0].length);
    }
  }
  return number;
}

/** extractNationalNumber(number, undefined, metadata with `plan` selected). */
function nationalNumberOf(number: string, plan: Plan): string {
  const nationalNumber = withoutNationalPrefix(number, plan);
  if (nationalNumber !== number) {
    // shouldHaveExtractedNationalPrefix
    if (matches(number, plan.nationalNumber) && !matches(nationalNumber, plan.nationalNumber)) return number;
    if (plan.possibleLengths) {
      const country = countryOf(plan.callingCode, nationalNumber);
      const length = numberLength(nationalNumber, country === undefined ? plan : planOf(country));
      if (length === 'TOO_SHORT' || length === 'INVALID_LENGTH') return number;
    }
  }
  return nationalNumber;
}

/** A parsed number: the calling code, the country if one was found, the national number. */
interface Parsed {
  readonly callingCode: string;
  readonly country: string | undefined;
  readonly nationalNumber: string;
}

/** parse.js's parsePhoneNumber and length checks, from the digits (and a leading `+`) of the input. */
function parseDigits(number: string, region: CountryCode | undefined): Parsed | undefined {
  let callingCode: string | undefined;
  let rest = number;
  if (number[0] === '+') {
    // extractCountryCallingCode on a `+` number.
    if (number[1] === '0') return undefined;
    for (let i = 2; i - 1 <= 3 && i <= number.length; i++) {
      const code = number.slice(1, i);
      if (callingCodeInfo(code).known) {
        callingCode = code;
        rest = number.slice(i);
        break;
      }
    }
    if (callingCode === undefined) return undefined;
  } else {
    if (region === undefined) return undefined;
    // extractCountryCallingCodeFromInternationalNumberWithoutPlusSign (the IDD prefix was ruled out).
    const own = planOf(region);
    const code = own.callingCode;
    if (number.indexOf(code) === 0) {
      const shorter = number.slice(code.length);
      const shorterNational = nationalNumberOf(shorter, own);
      const national = nationalNumberOf(number, own);
      if (
        (!matches(national, own.nationalNumber) && matches(shorterNational, own.nationalNumber)) ||
        numberLength(national, own) === 'TOO_LONG'
      ) {
        callingCode = code;
        rest = shorter;
      }
    }
  }
  let country: string | undefined;
  let plan: Plan;
  if (callingCode !== undefined) plan = planOf(callingCode);
  else {
    if (region === undefined) return undefined;
    country = region;
    plan = planOf(country);
    callingCode = plan.callingCode;
  }
  if (!rest) return undefined;
  const nationalNumber = nationalNumberOf(rest, plan);
  const exact = countryOf(callingCode, nationalNumber);
  if (exact) country = exact;
  if (!nationalNumber || nationalNumber.length < 2 || nationalNumber.length > 17) return undefined;
  return { callingCode, country, nationalNumber };
}

/** PhoneNumber.isValid(). */
function isValid(parsed: Parsed): boolean {
  const plan = planOf(parsed.country ?? parsed.callingCode);
  return plan.hasTypes
    ? hasNumberType(parsed.nationalNumber, plan)
    : matches(parsed.nationalNumber, plan.nationalNumber);
}

/** The library's metadata has the region (it parses as if given none otherwise: left to it). */
function supported(region: string): boolean {
  return plans.has(region) || Object.prototype.hasOwnProperty.call(metadataJson.countries, region);
}

/** Digits and the separators the library reads as punctuation; nothing it could read as an extension. */
const PLAIN = /^[0-9 ()./-]*$/;
/** The library's input limit (longer texts are TOO_LONG). */
const MAX_INPUT = 250;

const NON_DIGITS = /\D/g;

/**
 * `parsePhoneNumberFromString(text, region)?.isValid() === true` for a national number (no `+`), or
 * undefined when `text` is not one this module answers (see above).
 */
export function nationalValid(text: string, region: CountryCode): boolean | undefined {
  if (text.length > MAX_INPUT || !PLAIN.test(text) || !supported(region)) return undefined;
  // Input extraction, viability and parseIncompletePhoneNumber leave the digits of a plain text.
  const digits = text.replace(NON_DIGITS, '');
  // Fewer than three digits is not a viable number; the detector never asks about those.
  if (digits.length < 3) return undefined;
  // A number starting with the region's international call prefix is read as international: not here.
  if (digits.search(planOf(region).idd) === 0) return undefined;
  const parsed = parseDigits(digits, region);
  return parsed !== undefined && isValid(parsed);
}

/**
 * For a `+` number: `parsed !== undefined && (parsed.isPossible() || parsed.isValid())` where parsed is
 * `parsePhoneNumberFromString(text)`; undefined when `text` is not one this module answers.
 */
export function internationalPossibleOrValid(text: string): boolean | undefined {
  if (text.length > MAX_INPUT || text[0] !== '+' || !PLAIN.test(text.slice(1))) return undefined;
  const digits = text.replace(NON_DIGITS, '');
  if (digits.length < 3) return undefined;
  const parsed = parseDigits(`+${digits}`, undefined);
  if (parsed === undefined) return false;
  // isPossible(): the selected plan's lengths; a plan without any throws in the library — ask it.
  const plan = planOf(parsed.country ?? parsed.callingCode);
  if (plan.possibleLengths) {
    if (numberLength(parsed.nationalNumber, plan) === 'IS_POSSIBLE') return true;
  } else if (!library.isNonGeographicCallingCode(parsed.callingCode)) return undefined;
  else return true;
  return isValid(parsed);
}
