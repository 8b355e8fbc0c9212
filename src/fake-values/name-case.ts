/** The letter case a value is written in: `MARY`, `mary`, or anything else (`Mary`, `McDonald`). */
type CaseShape = 'upper' | 'lower' | 'mixed';

function caseShape(value: string): CaseShape {
  const upper = value.toUpperCase();
  const lower = value.toLowerCase();
  if (upper === lower) return 'mixed';
  if (value === upper) return 'upper';
  return value === lower ? 'lower' : 'mixed';
}

/**
 * The form a name is keyed by: each word, hyphen or apostrophe part capitalized, the rest in lower case
 * (`MARY`, `mary` and `Mary` → `Mary`; `McDERMOTT`, `mcdermott` → `Mcdermott`). So a name column in
 * capitals, the same name in an e-mail's local part and in prose get one fake, and a name written the
 * usual way (`Mary`) keeps the fake it had before case was taken into account.
 */
export function canonicalNameCase(value: string): string {
  return value.toLowerCase().replace(/(^|[\s'’-])(\p{L})/gu, (_, before: string, letter: string) => {
    return before + letter.toUpperCase();
  });
}

/** `fake` written in the case of `original` (all capitals or all lower case); otherwise as it is. */
export function matchNameCase(fake: string, original: string): string {
  const shape = caseShape(original);
  const cased = shape === 'upper' ? fake.toUpperCase() : shape === 'lower' ? fake.toLowerCase() : fake;
  // A few letters change length when cased (ß → SS): the column's length limit was checked on `fake`.
  return cased.length === fake.length ? cased : fake;
}
