import { describe, expect, it } from 'vitest';

import { loadFakerLocales } from './faker-locales.js';
import { buildNameLexicon, nameLexiconFromShared } from './name-lexicon.js';
import { buildPlaceGazetteer, placeGazetteerFromShared } from './place-gazetteer.js';
import { SharedWordTable } from './shared-word-table.js';

/** A deterministic generator (xorshift32), so that a failure repeats. */
function randomWords(count: number, seed: number): string[] {
  const letters = "abcdefghijklmnopqrstuvwxyzéüßøł' -";
  let s = seed;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    let word = '';
    const length = 1 + Math.floor(next() * 14);
    for (let i = 0; i < length; i++) word += letters[Math.floor(next() * letters.length)];
    return word;
  });
}

describe('SharedWordTable', () => {
  const entries = new Map<string, number>([
    ['', 3],
    ['a', 1],
    ['straße', 7],
    ['新宿', 9],
    ['x'.repeat(300), 255],
    ['zero', 0],
  ]);
  for (const [i, word] of randomWords(5_000, 7).entries()) entries.set(word, 1 + (i % 200));

  it('answers exactly as the map it was built from, for every key and for words that are not keys', () => {
    const table = SharedWordTable.build(entries);
    expect(table.size).toBe(entries.size);
    for (const [key, value] of entries) expect(table.get(key)).toBe(value);
    for (const word of [...randomWords(20_000, 99), 'straß', 'strasse', 'A', 'x'.repeat(299), '新'])
      expect(table.get(word)).toBe(entries.get(word) ?? 0);
  });

  it('is the same table over the shared memory in another thread (a structured clone of share())', () => {
    const table = SharedWordTable.build(entries);
    const data = structuredClone(table.share());
    expect(data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const view = SharedWordTable.fromShared(data);
    for (const [key, value] of entries) expect(view.get(key)).toBe(value);
    expect([...view.entries()]).toEqual([...entries]);
  });

  it('refuses values that do not fit a byte', () => {
    expect(() => SharedWordTable.build(new Map([['a', 256]]))).toThrow(RangeError);
    expect(() => SharedWordTable.build(new Map([['a', -1]]))).toThrow(RangeError);
  });
});

describe('the name lexicon and place gazetteer from shared memory', () => {
  it('answer every question as the ones built in this thread', async () => {
    const locales = await loadFakerLocales();
    const names = buildNameLexicon(locales);
    const places = buildPlaceGazetteer(locales);
    const sharedNames = nameLexiconFromShared(structuredClone(names.share()));
    const sharedPlaces = placeGazetteerFromShared(structuredClone(places.share()));
    expect([sharedNames.firstNameCount, sharedNames.lastNameCount]).toEqual([
      names.firstNameCount,
      names.lastNameCount,
    ]);
    expect([sharedPlaces.maxTokens, sharedPlaces.size]).toEqual([places.maxTokens, places.size]);
    const words = [
      ...[...SharedWordTable.fromShared(names.share().table).entries()].map(([k]) => k),
      ...[...SharedWordTable.fromShared(places.share().table).entries()].map(([k]) => k),
      ...randomWords(5_000, 3),
    ];
    for (const word of words) {
      const ask = (n: typeof names, p: typeof places): unknown[] => [
        n.flagsOf(word),
        n.isFirstName(word),
        n.isLastName(word),
        n.isCommonWord(word),
        n.isParticle(word),
        p.lookup(word),
      ];
      expect(ask(sharedNames, sharedPlaces)).toEqual(ask(names, places));
    }
    // The bits are the lexicon's facts: a common word is one, a particle is one, a known name is one.
    expect(names.isCommonWord('thanks')).toBe(true);
    expect(names.isParticle('van')).toBe(true);
    expect(names.isCommonWord('zzqx')).toBe(false);
    expect(names.firstNameCount).toBeGreaterThan(1000);
  });
});
