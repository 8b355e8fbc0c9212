/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Vendor key formats with a fixed prefix and alphabet. Sources: AWS IAM identifier prefixes, GitHub token
 * formats (2021), Slack token types, Stripe API keys, Google API keys, GitLab PATs, SendGrid, npm tokens.
 */
const KNOWN_KEYS: readonly RegExp[] = [
  /^(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA)[A-Z2-7]{16}$/,
  /^gh[pousr]_[A-Za-z0-9]{36,255}$/,
  /^github_pat_[A-Za-z0-9_]{60,255}$/,
  /^xox[abposr]-[A-Za-z0-9-]{10,250}$/,
  /^(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}$/,
  /^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}$/,
  /^AIza[0-9A-Za-z_-]{35}$/,
  /^glpat-[A-Za-z0-9_-]{20,64}$/,
  /^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/,
  /^npm_[A-Za-z0-9]{36}$/,
];

/** A token in one of the known vendor formats (the prefix alone is strong evidence of a live secret). */
export function isKnownApiKey(candidate: string): boolean {
  const s = candidate.trim();
  if (!KNOWN_KEYS.some((re) => re.test(s))) return false;
  // The random part of a real key is never a repeated placeholder such as `xxxx…` or `0000…`.
  const body = s.replace(/^[A-Za-z]+[_-](?:[a-z]+_)?|^AKIA|^ASIA|^AIza|^SG\./, '');
  return shannonEntropy(body) >= 2.5;
}

/**
 * A generic secret value (after `key=`, `token:`, …): 16–256 characters from a token alphabet, at least two
 * character classes, and high entropy — long words and placeholders such as `changeme` or `xxxxxxxx` fail.
 */
export function isHighEntropySecret(candidate: string): boolean {
  const s = candidate.trim();
  if (s.length < 16 || s.length > 256 || !/^[A-Za-z0-9+/=_.~-]+$/.test(s)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((re) => re.test(s)).length;
  if (classes < 2) return false;
  const hexOnly = /^[0-9a-f]+$/i.test(s);
  return shannonEntropy(s) >= (hexOnly ? 3.0 : 3.5);
}

/** An API key: a known vendor format, or a high-entropy token. */
export function isApiKey(candidate: string): boolean {
  return isKnownApiKey(candidate) || isHighEntropySecret(candidate);
}

function base64UrlJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON Web Token: three base64url parts; the header is a JSON object with `alg`, the payload an object. */
export function isJwt(candidate: string): boolean {
  const parts = candidate.trim().split('.');
  if (parts.length !== 3) return false;
  const header = base64UrlJson(parts[0] ?? '');
  if (typeof header !== 'object' || header === null || !('alg' in header)) return false;
  const payload = base64UrlJson(parts[1] ?? '');
  if (typeof payload !== 'object' || payload === null) return false;
  return /^[A-Za-z0-9_-]*$/.test(parts[2] ?? '');
}

/** Password hash formats (modular crypt and framework formats). */
const PASSWORD_HASHES: readonly RegExp[] = [
  /^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/, // bcrypt
  /^\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, // argon2 PHC
  /^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, // scrypt PHC
  /^\$7\$[./A-Za-z0-9]{11,}\$[./A-Za-z0-9]{43}$/, // scrypt (libxcrypt $7$)
  /^\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}(?:[./A-Za-z0-9]{43})?$/, // sha256/512-crypt
  /^\$1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}$/, // md5-crypt
  /^\$y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{43}$/, // yescrypt
  /^pbkdf2_sha(?:1|256|512)\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{20,}$/, // Django
  /^(?:bcrypt_sha256|argon2)\$.{20,}$/, // Django wrappers
  /^\$pbkdf2-sha(?:1|256|512)\$\d+\$[./A-Za-z0-9+]+\$[./A-Za-z0-9+]+$/, // passlib
  /^\{(?:SSHA|SSHA256|SSHA512|SHA|CRYPT)\}[A-Za-z0-9+/=$.]{20,}$/, // LDAP
];

export function isPasswordHash(candidate: string): boolean {
  const s = candidate.trim();
  return PASSWORD_HASHES.some((re) => re.test(s));
}
