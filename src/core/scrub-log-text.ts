/**
 * The logs' backstop: log fields should hold identifiers, counts and durations only, but a string that
 * slipped through (an error message, a reason) is scrubbed of anything shaped like a personal value or a
 * secret before it is written. Deliberately small: a few shapes, validated where a checksum exists.
 */
export const REDACTION_KINDS = [
  'password',
  'token',
  'jwt',
  'email',
  'iban',
  'card',
  'phone',
  'secret',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export interface ScrubResult {
  readonly text: string;
  /** Replacements made, by kind (only kinds that occurred). */
  readonly redactions: Partial<Record<RedactionKind, number>>;
}

interface Rule {
  readonly kind: RedactionKind;
  readonly pattern: RegExp;
  /** The replacement of one match, or null to keep it (a checksum failed). */
  readonly replace: (match: string, ...groups: string[]) => string | null;
}

const marker = (kind: RedactionKind): string => `[redacted:${kind}]`;

/** Applied in this order: secrets inside URLs and headers before the shapes they contain. */
const RULES: readonly Rule[] = [
  {
    // scheme://user:password@host → scheme://user:[redacted:password]@host; up to the last @ before the
    // host, as URL parsers read it (a password may hold a raw @ or /).
    kind: 'password',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/]*):([^\s?#]*)@/gi,
    replace: (_m, prefix) => `${prefix}:${marker('password')}@`,
  },
  {
    // libpq key/value strings and the like: password=… / pwd=…
    kind: 'password',
    pattern: /\b(password|passwd|pwd)(\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s'",;]+)/gi,
    replace: (_m, key, sep) => `${key}${sep}${marker('password')}`,
  },
  {
    kind: 'token',
    pattern: /\b(bearer)(\s+)[A-Za-z0-9\-_.~+/]{8,}=*/gi,
    replace: (_m, scheme, space) => `${scheme}${space}${marker('token')}`,
  },
  {
    kind: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
    replace: () => marker('jwt'),
  },
  {
    kind: 'email',
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    replace: () => marker('email'),
  },
  {
    kind: 'iban',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    replace: (m) => (ibanValid(m) ? marker('iban') : null),
  },
  {
    // 13–19 digits (spaces or dashes between), issuer digit 2–6, Luhn-valid; not inside a longer token.
    kind: 'card',
    pattern: /(?<![\w.:-])[2-6](?:[ -]?\d){12,18}(?![\w-])/g,
    replace: (m) => (luhnValid(m.replace(/\D/g, '')) ? marker('card') : null),
  },
  {
    // +CC …, (555) 123-4567, 555-123-4567, 030 1234567 — with separators, 8–15 digits in all.
    kind: 'phone',
    pattern:
      /(?<![\w.:+-])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4}|0\d{1,4}[ /-]\d{3,4}[ -]?\d{2,4})(?![\w:-]|\.\d)/g,
    replace: (m) => {
      const digits = m.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15 ? marker('phone') : null;
    },
  },
  {
    kind: 'secret',
    pattern: /(?<![A-Za-z0-9+/_=-])[A-Fa-f0-9]{32,}(?![A-Za-z0-9+/_=-])/g,
    replace: () => marker('secret'),
  },
  {
    // Long base64 / base64url runs that look random: all of upper case, lower case and digits, switching
    // between them often (CamelCase identifiers switch every word, random text at ~2 of 3 characters).
    kind: 'secret',
    pattern: /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9][A-Za-z0-9+/_-]{31,}=*(?![A-Za-z0-9+/_=-])/g,
    replace: (m) => (looksRandom(m) ? marker('secret') : null),
  },
];

/** Replaces every secret- or personal-looking run in `text` with `[redacted:<kind>]`. */
export function scrubLogText(text: string): ScrubResult {
  const redactions: Partial<Record<RedactionKind, number>> = {};
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      const groups = rest.filter((g): g is string => typeof g === 'string');
      const replacement = rule.replace(match, ...groups);
      if (replacement === null) return match;
      redactions[rule.kind] = (redactions[rule.kind] ?? 0) + 1;
      return replacement;
    });
  }
  return { text: out, redactions };
}

function looksRandom(text: string): boolean {
  const classOf = (ch: string): number =>
    /[A-Z]/.test(ch) ? 0 : /[a-z]/.test(ch) ? 1 : /\d/.test(ch) ? 2 : 3;
  const seen = new Set<number>();
  let switches = 0;
  for (let i = 0; i < text.length; i++) {
    const c = classOf(text.charAt(i));
    seen.add(c);
    if (i > 0 && c !== classOf(text.charAt(i - 1))) switches++;
  }
  return seen.has(0) && seen.has(1) && seen.has(2) && switches >= text.length * 0.4;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 mod-97 check. */
export function ibanValid(text: string): boolean {
  const compact = text.replace(/ /g, '');
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}
