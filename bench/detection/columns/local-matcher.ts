import { allFakers } from '@faker-js/faker';
import { isValidPhoneNumber } from 'libphonenumber-js';
import type { ValueMatch } from '../../../src/detection/detection-types.js';

/**
 * A minimal whole-value matcher for the column benchmark until the real one (`matchValue` from
 * src/detection/patterns) is wired: a few patterns with validators, plus gazetteers built from faker's
 * locale lists. The gazetteers come from the same lists the synthetic values are drawn from, so they
 * flatter place and name recall — the real matcher's figures are the ones that count.
 */
const LOCALES = ['en_US', 'en_GB', 'de', 'fr', 'es', 'it', 'nl', 'pt_BR'] as const;

function collect(pick: (defs: Record<string, Record<string, unknown>>) => unknown): Set<string> {
  const out = new Set<string>();
  for (const locale of LOCALES) {
    const value = pick(allFakers[locale].rawDefinitions);
    const flat = Array.isArray(value)
      ? value
      : value !== null && typeof value === 'object'
        ? Object.values(value).flat()
        : [];
    for (const v of flat) if (typeof v === 'string' && !v.includes('{')) out.add(v.toLowerCase());
  }
  return out;
}

export const FIRST_NAMES = collect((d) => d['person']?.['first_name']);
export const LAST_NAMES = collect((d) => d['person']?.['last_name']);
const COUNTRIES = collect((d) => d['location']?.['country']);
const STATES = new Set([
  ...collect((d) => d['location']?.['state']),
  ...collect((d) => d['location']?.['state_abbr']),
]);
const CITY_NAMES = collect((d) => d['location']?.['city_name']);
const STREET_SUFFIXES = collect((d) => d['location']?.['street_suffix']);

const EMAIL = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const IPV6 =
  /^(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$|^(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?$/i;
const MAC = /^(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
const URL_RE = /^https?:\/\/[^\s/$.?#].[^\s]*$/i;
const SSN = /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$/;
const CARD = /^(?:\d[ -]?){12,18}\d$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const ZIP = /^(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2}|\d{5}-\d{3})$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const USERNAME = /^(?=.*[a-z])[a-z][a-z0-9]*(?:[._][a-z0-9]+)+$|^[A-Za-z]+[._]?[A-Za-z]*\d{1,4}$/;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanOk(v: string): boolean {
  const moved = v.slice(4) + v.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const n = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of n) rem = (rem * 10 + Number(digit)) % 97;
  }
  return rem === 1;
}

export function localMatchValue(raw: string): ValueMatch[] {
  const v = raw.trim();
  const out: ValueMatch[] = [];
  if (v === '') return out;
  if (EMAIL.test(v)) out.push({ type: 'EMAIL_ADDRESS', score: 0.95, validated: true });
  if (IPV4.test(v) || IPV6.test(v)) out.push({ type: 'IP_ADDRESS', score: 0.9, validated: true });
  if (MAC.test(v)) out.push({ type: 'MAC_ADDRESS', score: 0.9, validated: true });
  if (URL_RE.test(v)) out.push({ type: 'URL', score: 0.85, validated: false });
  if (SSN.test(v)) out.push({ type: 'US_SSN', score: 0.85, validated: true });
  const compact = v.replace(/[ -]/g, '');
  if (CARD.test(v) && compact.length >= 13 && luhn(compact))
    out.push({ type: 'CREDIT_CARD', score: 0.9, validated: true });
  if (IBAN.test(compact) && ibanOk(compact)) out.push({ type: 'IBAN_CODE', score: 0.95, validated: true });
  if (DATE.test(v)) out.push({ type: 'DATE_TIME', score: 0.8, validated: false });
  if (out.length === 0 && /^[+(\d][\d ()./x+-]{6,}$/.test(v) && /\d{3}/.test(v)) {
    const valid = ['US', 'DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'BR'].some((c) => {
      try {
        return isValidPhoneNumber(v.replace(/\s*x\d+$/, ''), c as 'US');
      } catch {
        return false;
      }
    });
    if (valid) out.push({ type: 'PHONE_NUMBER', score: 0.8, validated: true });
  }
  const lower = v.toLowerCase();
  if (COUNTRIES.has(lower)) out.push({ type: 'COUNTRY', score: 0.8, validated: false });
  if (STATES.has(lower)) out.push({ type: 'STATE', score: 0.7, validated: false });
  if (CITY_NAMES.has(lower)) out.push({ type: 'CITY', score: 0.7, validated: false });
  if (ZIP.test(v)) out.push({ type: 'POSTAL_CODE', score: 0.55, validated: false });
  const words = lower.split(/\s+/);
  if (/^\d+[a-z]?\s/.test(lower) || /\s\d+[a-z]?$/.test(lower)) {
    if (
      words.some(
        (w) =>
          STREET_SUFFIXES.has(w) || /(strasse|straße|weg|platz|gasse|allee|rue|avenue|calle|via)$/.test(w),
      )
    ) {
      out.push({ type: 'STREET_ADDRESS', score: 0.8, validated: false });
    }
  }
  if (USERNAME.test(v) && !EMAIL.test(v)) out.push({ type: 'USERNAME', score: 0.5, validated: false });
  return out;
}

/** Name likelihood from faker's name lists: every word a known given or family name. */
export function localIsLikelyName(value: string): number {
  const words = value
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => !/^(mr|mrs|ms|dr|jr|sr|ii|iii)\.?$/.test(w));
  if (words.length === 0 || words.length > 4) return 0;
  const known = words.filter((w) => FIRST_NAMES.has(w) || LAST_NAMES.has(w)).length;
  return known === words.length ? 0.9 : known > 0 && words.length > 1 ? 0.6 : 0;
}

export function localIsFirstName(word: string): boolean {
  const w = word.trim().toLowerCase();
  return FIRST_NAMES.has(w) && !LAST_NAMES.has(w);
}
