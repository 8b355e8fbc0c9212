/**
 * Splits a column, table or JSON key name into lower-case word tokens: snake_case, camelCase, kebab-case,
 * dots and spaces split; letters and digits split (`address2` → `address`; digits are dropped, they only
 * number repeated columns); diacritics folded (`straße` → `strasse`, `prénom` → `prenom`). With
 * `abbreviations`, each token found there is replaced by its expansion (`fname` → `first name`).
 */
export function tokenizeName(name: string, abbreviations?: ReadonlyMap<string, readonly string[]>): string[] {
  const folded = name
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const spaced = folded
    // `emailAddr` → `email Addr`, `HTTPServer` → `HTTP Server`
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    // `address2` → `address 2`, `2fa` → `2 fa`
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2');
  const tokens: string[] = [];
  for (const raw of spaced.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw === '' || /^\p{N}+$/u.test(raw)) continue;
    const expansion = abbreviations?.get(raw);
    if (expansion === undefined) tokens.push(raw);
    else tokens.push(...expansion);
  }
  return tokens;
}

/** Index of the first occurrence of `phrase` as consecutive tokens in `tokens`, or -1. */
export function findPhrase(tokens: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0 || phrase.length > tokens.length) return -1;
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    return i;
  }
  return -1;
}
