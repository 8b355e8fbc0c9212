import { describe, expect, it } from 'vitest';

import * as lists from './word-lists.js';
import { WORD_LIST_NAMES, wordListsFromFaker } from './word-lists-from-faker.js';

describe('word lists', () => {
  it('are the lists faker gives (else: npm run word-lists)', () => {
    const fromFaker = wordListsFromFaker();
    for (const name of WORD_LIST_NAMES) expect(lists[name], name).toEqual(fromFaker[name]);
  });
});
