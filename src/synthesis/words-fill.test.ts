import { describe, expect, it } from 'vitest';
import { drawWords, wordsFill } from './column-stats.js';
import { textShape } from './report/index.js';
import { seededRandom } from './seeded-random.js';

/** Unique descriptions over a small vocabulary: every value is rare, every word frequent. */
function descriptions(n: number): Map<string, number> {
  const adjectives = ['Epic', 'Astounding', 'Fanciful', 'Boring'];
  const nouns = ['Drama', 'Documentary', 'Saga', 'Story'];
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const words = ['A', adjectives[i % 4] as string, nouns[(i >> 2) % 4] as string, 'of'];
    const letter = (k: number): string => String.fromCharCode(97 + (k % 26));
    for (let j = 0; j <= i % 3; j++) words.push(`Uniq${letter(i)}${letter(Math.floor(i / 26))}${letter(j)}`);
    out.set(words.join(' '), 1);
  }
  return out;
}

describe('word model of rare text', () => {
  it('stores only frequent words, and draws text of the same word-count shape', () => {
    const counts = descriptions(300);
    const fill = wordsFill(counts, new Map(), 5, null);
    expect(fill).not.toBeNull();
    if (fill === null) return;
    expect(fill.words).toContain('Drama');
    // Made-up tails (each seen under 5 times) are never stored as words.
    expect(fill.words.some((w) => w.startsWith('Uniq'))).toBe(false);
    const random = seededRandom('w');
    const drawn = Array.from({ length: 600 }, () => drawWords(fill, random));
    expect(drawn.filter((d) => counts.has(d))).toEqual([]);
    expect(textShape([...counts.keys()], drawn)).toBeGreaterThan(0.85);
    // A made-up-words-only generator (letters of random lengths) scores worse on the same real text.
    expect(
      textShape(
        [...counts.keys()],
        drawn.map((d) => d.split(' ')[0] ?? ''),
      ),
    ).toBeLessThan(0.5);
  });

  it('refuses codes with digits and word counts no k rows share', () => {
    const codes = new Map(Array.from({ length: 20 }, (_, i) => [`AB-${1000 + i} X`, 1] as [string, number]));
    expect(wordsFill(codes, new Map(), 5, null)).toBeNull();
    expect(
      wordsFill(
        new Map([
          ['one two', 1],
          ['three', 1],
        ]),
        new Map(),
        5,
        null,
      ),
    ).toBeNull();
  });

  it('keeps drawn text within the column maximum length', () => {
    const fill = wordsFill(descriptions(300), new Map(), 5, 12);
    if (fill === null) throw new Error('no model');
    const random = seededRandom('m');
    for (let i = 0; i < 200; i++) expect(drawWords(fill, random).length).toBeLessThanOrEqual(12);
  });
});

describe('text shape (hand-computed)', () => {
  it('is the mean of the KS complements of lengths and word counts', () => {
    // lengths real [1,3] synthetic [1,1]: D = 0.5; words [1,2] vs [1,1]: D = 0.5 → 0.5.
    expect(textShape(['a', 'b c'], ['x', 'y'])).toBeCloseTo(0.5, 12);
    expect(textShape(['ab cd', 'e'], ['xy zw', 'q', null])).toBe(1);
    expect(textShape([null], ['a'])).toBeNull();
  });
});
