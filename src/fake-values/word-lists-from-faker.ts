import { faker as fakerDe } from '@faker-js/faker/locale/de';
import { faker } from '@faker-js/faker/locale/en';
import { faker as fakerEs } from '@faker-js/faker/locale/es';
import { faker as fakerFr } from '@faker-js/faker/locale/fr';
import { faker as fakerIt } from '@faker-js/faker/locale/it';
import { faker as fakerNl } from '@faker-js/faker/locale/nl';
import { faker as fakerPl } from '@faker-js/faker/locale/pl';

import { GatewayError } from '../core/index.js';

/**
 * The word lists as read from @faker-js/faker (pinned: a new version changes fakes, which the pinned-output
 * tests catch). Not loaded at run time: word-list-data.ts holds their result (`npm run word-lists` writes
 * it; a unit test fails when the two drift apart), so a thread does not import seven faker locales
 * (~6 MB of heap in each thread that makes fakes) to keep ~27,000 words.
 */
export function wordListsFromFaker(): Record<WordListName, readonly string[]> {
  const definitions = faker.rawDefinitions;

  function stringList(value: unknown, path: string, pattern?: RegExp): readonly string[] {
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
      throw new GatewayError('internal', `faker word list ${path} is missing or not a list of strings`);
    }
    const items: string[] = value;
    const kept = pattern === undefined ? items : items.filter((item) => pattern.test(item));
    return Object.freeze([...new Set(kept)]);
  }

  function objectList<T>(value: unknown, path: string, field: string): readonly T[] {
    if (!Array.isArray(value) || value.length === 0) {
      throw new GatewayError('internal', `faker word list ${path} is missing`);
    }
    return stringList(
      value.map((item: unknown) =>
        typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[field] : undefined,
      ),
      `${path}.${field}`,
    ) as readonly T[];
  }

  const LETTERS = /^[A-Za-z]+$/;
  /** Plain lowercase words, minus a few that would make a neutral sentence grim. */
  const WORD =
    /^(?!(?:dead|deadly|fat|fatal|fatally|hateful|ugly|warlike|warped|blowgun|drug|terrorise)$)[a-z]+$/;

  const location = definitions.location;
  const word = definitions.word;

  /**
   * Person names come from several locales (ASCII spellings only). One locale's list is small enough that a
   * real table can hold most of it (pagila's staff use 453 of en's 473 last names), and substitution must
   * be able to avoid every real value of a column (see collectSourceValues): ~5,000 first and last names.
   */
  const PERSON_LOCALES = [faker, fakerDe, fakerEs, fakerFr, fakerIt, fakerNl, fakerPl].map(
    (f) => f.rawDefinitions.person,
  );

  const FIRST_NAMES = stringList(
    PERSON_LOCALES.flatMap((p) => [
      ...(p?.first_name?.female ?? []),
      ...(p?.first_name?.male ?? []),
      ...(p?.first_name?.generic ?? []),
    ]),
    'person.first_name',
    LETTERS,
  );
  /** First names by gender: in one gender's lists (of the seven locales) and never in the other's. */
  function firstNamesOf(gender: 'female' | 'male'): readonly string[] {
    const other = gender === 'female' ? 'male' : 'female';
    const others = new Set(
      PERSON_LOCALES.flatMap((p) => p?.first_name?.[other] ?? []).map((n) => n.toLowerCase()),
    );
    return stringList(
      PERSON_LOCALES.flatMap((p) => p?.first_name?.[gender] ?? []).filter(
        (n) => !others.has(n.toLowerCase()),
      ),
      `person.first_name.${gender}`,
      LETTERS,
    );
  }
  const FEMALE_FIRST_NAMES = firstNamesOf('female');
  const MALE_FIRST_NAMES = firstNamesOf('male');
  const LAST_NAMES = stringList(
    PERSON_LOCALES.flatMap((p) => p?.last_name?.generic ?? []),
    'person.last_name.generic',
    LETTERS,
  );
  const STREET_NAMES = stringList(location?.street_name, 'location.street_name');
  const STREET_SUFFIXES = stringList(location?.street_suffix, 'location.street_suffix');
  /** `STATES[i]` and `STATE_ABBREVIATIONS[i]` name the same state. */
  const STATES = stringList(location?.state, 'location.state');
  const STATE_ABBREVIATIONS = stringList(location?.state_abbr, 'location.state_abbr');
  const COUNTRIES = stringList(location?.country, 'location.country');
  const COUNTRY_ALPHA2 = objectList<string>(location?.country_code, 'location.country_code', 'alpha2');
  const COUNTRY_ALPHA3 = objectList<string>(location?.country_code, 'location.country_code', 'alpha3');
  const LEGAL_ENTITY_TYPES = stringList(definitions.company?.legal_entity_type, 'company.legal_entity_type');
  const ADJECTIVES = stringList(word?.adjective, 'word.adjective', WORD);
  const NOUNS = stringList(word?.noun, 'word.noun', WORD);
  const VERBS = stringList(word?.verb, 'word.verb', WORD);
  const ADVERBS = stringList(word?.adverb, 'word.adverb', WORD);
  return {
    FIRST_NAMES,
    FEMALE_FIRST_NAMES,
    MALE_FIRST_NAMES,
    LAST_NAMES,
    STREET_NAMES,
    STREET_SUFFIXES,
    STATES,
    STATE_ABBREVIATIONS,
    COUNTRIES,
    COUNTRY_ALPHA2,
    COUNTRY_ALPHA3,
    LEGAL_ENTITY_TYPES,
    ADJECTIVES,
    NOUNS,
    VERBS,
    ADVERBS,
  };
}

export const WORD_LIST_NAMES = [
  'FIRST_NAMES',
  'FEMALE_FIRST_NAMES',
  'MALE_FIRST_NAMES',
  'LAST_NAMES',
  'STREET_NAMES',
  'STREET_SUFFIXES',
  'STATES',
  'STATE_ABBREVIATIONS',
  'COUNTRIES',
  'COUNTRY_ALPHA2',
  'COUNTRY_ALPHA3',
  'LEGAL_ENTITY_TYPES',
  'ADJECTIVES',
  'NOUNS',
  'VERBS',
  'ADVERBS',
] as const;
export type WordListName = (typeof WORD_LIST_NAMES)[number];
