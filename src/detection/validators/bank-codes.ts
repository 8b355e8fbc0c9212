import { TOP_LEVEL_DOMAINS } from './top-level-domains.js';

/** ISO 3166 alpha-2 codes: the two-letter TLDs, with GB for the `uk` domain and XK for Kosovo. */
function isCountryCode(code: string): boolean {
  const lower = code.toLowerCase();
  return (
    (lower !== 'uk' && lower !== 'eu' && lower !== 'ac' && TOP_LEVEL_DOMAINS.has(lower)) ||
    code === 'GB' ||
    code === 'XK'
  );
}

/** SWIFT/BIC: 4-letter bank code, ISO country code, 2-character location, optional 3-character branch. */
export function isSwiftBic(candidate: string): boolean {
  const s = candidate.trim();
  const m = /^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.exec(s);
  return m !== null && isCountryCode(m[1] ?? '');
}

/** EU VAT identification number formats (VIES), plus GB/XI, CH and NO. */
const VAT_FORMATS: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(?:\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(?:\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  GB: /^(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  XI: /^(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  CH: /^E\d{9}(?:MWST|TVA|IVA)?$/,
  NO: /^\d{9}(?:MVA)?$/,
};

/** A VAT number: a known country prefix and that country's body format (spaces, dots, dashes ignored). */
export function isVatNumber(candidate: string): boolean {
  const s = candidate.replace(/[\s.-]/g, '').toUpperCase();
  const prefix = s.startsWith('CHE') ? 'CH' : s.slice(0, 2);
  const format = VAT_FORMATS[prefix];
  if (format === undefined) return false;
  const body = s.slice(2);
  return format.test(body) && !/^(\d)\1+$/.test(body);
}
