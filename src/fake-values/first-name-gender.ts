import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES } from './word-lists.js';

/** Lower-cased first name → the one gender the name lists give it (names in both lists are left out). */
const GENDER_OF = new Map<string, 'female' | 'male'>([
  ...FEMALE_FIRST_NAMES.map((n): [string, 'female'] => [n.toLowerCase(), 'female']),
  ...MALE_FIRST_NAMES.map((n): [string, 'male'] => [n.toLowerCase(), 'male']),
]);

/**
 * The gender a first name is given by faker's female and male name lists of seven locales, or null
 * when it is in neither, or in both. Used so that a fake first name keeps the real one's gender: a
 * row's gender or title column (kept as is) still matches its name, and, being a function of the name
 * alone, the same real name gets the same fake in every table.
 */
export function firstNameGender(name: string): 'female' | 'male' | null {
  return GENDER_OF.get(name.toLowerCase()) ?? null;
}
