import { GatewayError } from '../core/index.js';
import { WORD_LIST_DATA } from './word-list-data.js';
import type { WordListName } from './word-lists-from-faker.js';

/**
 * Word lists taken from the `en` locale of @faker-js/faker and, for person names, six more (pinned: a new
 * version changes fakes, which the pinned-output tests catch). Values are picked with seed bytes directly:
 * seeding faker per value measured ~25–37 µs per value (`faker.seed(n); faker.person.firstName()`, Node
 * 20.20, 2-core EPYC) against ~0.8 µs here, HMAC included. The lists are read from word-list-data.ts,
 * written from faker by `npm run word-lists` (see word-lists-from-faker.ts): importing the seven locales
 * cost each thread that makes fakes ~6 MB of heap and ~0.3 s (the main thread and every transform worker).
 */
function wordList(name: WordListName): readonly string[] {
  return Object.freeze(WORD_LIST_DATA[name].split('\n'));
}

/**
 * Person names come from several locales (ASCII spellings only). One locale's list is small enough that a
 * real table can hold most of it (pagila's staff use 453 of en's 473 last names), and substitution must
 * be able to avoid every real value of a column (see collectSourceValues): ~5,000 first and last names.
 */
export const FIRST_NAMES = wordList('FIRST_NAMES');
/** First names by gender: in one gender's lists (of the seven locales) and never in the other's. */
export const FEMALE_FIRST_NAMES = wordList('FEMALE_FIRST_NAMES');
export const MALE_FIRST_NAMES = wordList('MALE_FIRST_NAMES');
export const LAST_NAMES = wordList('LAST_NAMES');
export const STREET_NAMES = wordList('STREET_NAMES');
export const STREET_SUFFIXES = wordList('STREET_SUFFIXES');
/** `STATES[i]` and `STATE_ABBREVIATIONS[i]` name the same state. */
export const STATES = wordList('STATES');
export const STATE_ABBREVIATIONS = wordList('STATE_ABBREVIATIONS');
export const COUNTRIES = wordList('COUNTRIES');
export const COUNTRY_ALPHA2 = wordList('COUNTRY_ALPHA2');
export const COUNTRY_ALPHA3 = wordList('COUNTRY_ALPHA3');
export const LEGAL_ENTITY_TYPES = wordList('LEGAL_ENTITY_TYPES');
/** Plain lowercase words, minus a few that would make a neutral sentence grim. */
export const ADJECTIVES = wordList('ADJECTIVES');
export const NOUNS = wordList('NOUNS');
export const VERBS = wordList('VERBS');
export const ADVERBS = wordList('ADVERBS');

if (STATES.length !== STATE_ABBREVIATIONS.length) {
  throw new GatewayError('internal', 'faker state names and abbreviations no longer align');
}
