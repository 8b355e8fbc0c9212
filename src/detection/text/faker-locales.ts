/** The raw definitions of every faker locale, loaded once and only when a text detector is first needed. */
export type LocaleDefinitions = Readonly<Record<string, unknown>>;

let loading: Promise<LocaleDefinitions> | undefined;

/**
 * Dynamic import because all 70 locales cost ~300 ms and ~20 MB to parse (Node 20, 2-core EPYC): a CLI
 * command that never reads free text should not pay for them.
 */
export function loadFakerLocales(): Promise<LocaleDefinitions> {
  loading ??= import('@faker-js/faker').then((m) => m.allLocales as unknown as LocaleDefinitions);
  return loading;
}

const LATIN = /^[\p{Script=Latin}\p{M}\s'’.-]+$/u;

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Every Latin-script string found at `path` in any locale (other scripts cannot appear in Latin text). */
export function latinStrings(locales: LocaleDefinitions, path: readonly string[]): string[] {
  const out: string[] = [];
  for (const locale of Object.values(locales)) {
    const value = at(locale, path);
    const lists = Array.isArray(value)
      ? [value]
      : typeof value === 'object' && value !== null
        ? Object.values(value)
        : [];
    for (const list of lists) {
      if (!Array.isArray(list)) continue;
      for (const item of list) if (typeof item === 'string' && LATIN.test(item)) out.push(item.trim());
    }
  }
  return out;
}

/** Strings at `path` of the named locales only (for lists whose meaning depends on the country). */
export function localeStrings(
  locales: LocaleDefinitions,
  names: readonly string[],
  path: readonly string[],
): string[] {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (name in locales) picked[name] = locales[name];
  return latinStrings(picked, path);
}
