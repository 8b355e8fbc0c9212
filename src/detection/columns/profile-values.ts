import type { NameLikelihood, ValueMatcher } from './column-classification.js';
import type { ValueMatch } from '../detection-types.js';

/** Counts over a column's sample. Counts only: nothing here keeps a value. */
export interface ValueProfile {
  /** Non-null values looked at. */
  readonly sampled: number;
  readonly nulls: number;
  readonly distinct: number;
  /** Per entity: values with a match of that kind, how many validated, and the mean score of those. */
  readonly hits: ReadonlyMap<
    string,
    { readonly matched: number; readonly validated: number; readonly meanScore: number }
  >;
  /** Values that look like a person's name; of those, how many have 2+ words. */
  readonly nameLike: number;
  readonly multiWordNames: number;
  /** Of the single-word name-like values, how many the first-name hint recognised as given names. */
  readonly firstNameLike: number;
  readonly booleans: number;
  readonly numbers: number;
  readonly uuids: number;
  readonly dates: number;
  readonly timestamps: number;
  /** Date-only values whose year puts the person between 10 and 105 years old. */
  readonly birthYears: number;
  readonly passwordHashes: number;
  readonly genderWords: number;
  readonly meanLength: number;
  readonly meanWords: number;
  /** Values with 5 or more words. */
  readonly sentences: number;
}

export interface ProfileOptions {
  readonly matchValue: ValueMatcher;
  readonly isLikelyName: NameLikelihood;
  /** Optional: whether a single word is a given name (first) rather than a family name. */
  readonly isFirstName?: ((word: string) => boolean) | undefined;
  readonly referenceYear: number;
}

const BOOLEAN = /^(?:t|f|true|false|y|n|yes|no|0|1|on|off)$/i;
const NUMBER = /^[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)(?:e[-+]?\d+)?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** Formats used only for stored password hashes (bcrypt, argon2, scrypt, crypt(3) SHA, PBKDF2, Django). */
const PASSWORD_HASH =
  /^(?:\$(?:2[abxy]?|argon2(?:id|i|d)|scrypt|[156]|pbkdf2[-_\w]*)\$\S{20,}|pbkdf2_sha\d+\$\S+|sha\d+\$\S+)$/;

/** Words a gender column holds, in the languages the name rules cover. */
export const GENDER_WORDS: ReadonlySet<string> = new Set([
  'm',
  'f',
  'w',
  'd',
  'x',
  'u',
  'male',
  'female',
  'man',
  'woman',
  'men',
  'women',
  'other',
  'unknown',
  'nonbinary',
  'non-binary',
  'non binary',
  'diverse',
  'divers',
  'mann',
  'frau',
  'männlich',
  'weiblich',
  'homme',
  'femme',
  'h',
  'hombre',
  'mujer',
  'masculino',
  'femenino',
  'feminino',
  'maschio',
  'femmina',
  'masculin',
  'féminin',
  'feminin',
  'vrouw',
  'v',
  'prefer not to say',
  'not specified',
  'mr',
  'mrs',
  'ms',
]);

export function profileValues(
  values: readonly string[],
  nulls: number,
  options: ProfileOptions,
): ValueProfile {
  const hits = new Map<string, { matched: number; validated: number; scoreSum: number }>();
  const distinct = new Set<string>();
  let nameLike = 0;
  let multiWordNames = 0;
  let firstNameLike = 0;
  let booleans = 0;
  let numbers = 0;
  let uuids = 0;
  let dates = 0;
  let timestamps = 0;
  let birthYears = 0;
  let passwordHashes = 0;
  let genderWords = 0;
  let lengthSum = 0;
  let wordSum = 0;
  let sentences = 0;
  // Samples repeat values (codes, years, amounts, flags): each distinct one is matched once.
  const matched = new Map<string, readonly ValueMatch[]>();

  for (const raw of values) {
    const value = raw.trim();
    distinct.add(value);
    lengthSum += value.length;
    const words = value === '' ? 0 : value.split(/\s+/).length;
    wordSum += words;
    if (words >= 5) sentences++;

    const best = new Map<string, { score: number; validated: boolean }>();
    let matches = matched.get(value);
    if (matches === undefined) {
      matches = options.matchValue(value);
      matched.set(value, matches);
    }
    for (const m of matches) {
      const seen = best.get(m.type);
      if (seen === undefined || seen.score < m.score || (m.validated && !seen.validated)) {
        best.set(m.type, {
          score: Math.max(m.score, seen?.score ?? 0),
          validated: m.validated || (seen?.validated ?? false),
        });
      }
    }
    for (const [type, m] of best) {
      if (m.score < 0.3) continue;
      const h = hits.get(type) ?? { matched: 0, validated: 0, scoreSum: 0 };
      h.matched++;
      if (m.validated) h.validated++;
      h.scoreSum += m.score;
      hits.set(type, h);
    }

    if (BOOLEAN.test(value)) booleans++;
    if (NUMBER.test(value)) numbers++;
    if (UUID.test(value)) uuids++;
    if (TIMESTAMP.test(value)) timestamps++;
    const date = DATE_ONLY.exec(value);
    if (date !== null) {
      dates++;
      const age = options.referenceYear - Number(date[1]);
      if (age >= 10 && age <= 105) birthYears++;
    }
    if (PASSWORD_HASH.test(value)) passwordHashes++;
    if (GENDER_WORDS.has(value.toLowerCase())) genderWords++;
    if (words >= 1 && words <= 4 && value.length <= 60 && options.isLikelyName(value) >= 0.5) {
      nameLike++;
      if (words >= 2) multiWordNames++;
      else if (options.isFirstName?.(value) === true) firstNameLike++;
    }
  }

  const n = values.length;
  const finalHits = new Map<string, { matched: number; validated: number; meanScore: number }>();
  for (const [type, h] of hits) {
    finalHits.set(type, { matched: h.matched, validated: h.validated, meanScore: h.scoreSum / h.matched });
  }
  return {
    sampled: n,
    nulls,
    distinct: distinct.size,
    hits: finalHits,
    nameLike,
    multiWordNames,
    firstNameLike,
    booleans,
    numbers,
    uuids,
    dates,
    timestamps,
    birthYears,
    passwordHashes,
    genderWords,
    meanLength: n === 0 ? 0 : lengthSum / n,
    meanWords: n === 0 ? 0 : wordSum / n,
    sentences,
  };
}

/** Common given names across the covered languages, and name-shape rules: the fallback when no lexicon is injected. */
const FALLBACK_GIVEN_NAMES = new Set(
  (
    'james john robert michael william david richard joseph thomas charles mary patricia jennifer linda ' +
    'elizabeth barbara susan jessica sarah karen nancy lisa anna emma olivia sophia mia noah liam lucas ' +
    'hans peter klaus jürgen wolfgang ursula petra sabine monika andrea maria jose juan carlos luis ' +
    'antonio manuel francisco ana carmen laura marco giuseppe giovanni francesca giulia pierre jean ' +
    'marie michel nathalie sophie jan piet henk sanne daan joao pedro paulo mariana beatriz ahmed ' +
    'mohammed fatima ali wei li mei yuki hiroshi olga ivan dmitri'
  ).split(' '),
);

/** A tiny name heuristic used when the text module's lexicon is not injected: capitalised alphabetic words. */
export function fallbackNameLikelihood(value: string): number {
  const words = value.trim().split(/\s+/);
  if (words.length === 0 || words.length > 4) return 0;
  if (!words.every((w) => /^\p{Lu}[\p{L}'’-]*\.?$/u.test(w) || /^\p{Lu}+$/u.test(w))) return 0;
  if (words.some((w) => FALLBACK_GIVEN_NAMES.has(w.toLowerCase()))) return 0.8;
  return 0.35;
}

/** Whether a single word is one of the fallback's common given names. */
export function fallbackIsFirstName(word: string): boolean {
  return FALLBACK_GIVEN_NAMES.has(word.trim().toLowerCase());
}
