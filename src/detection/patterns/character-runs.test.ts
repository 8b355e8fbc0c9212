import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../catalogue/index.js';
import { characterRuns, requiredRuns, runsSuffice, textRuns } from './character-runs.js';

const packageRoot = new URL('../../../', import.meta.url).pathname;

/** [digit, upper, upperDigit, letter, alnum, digitPunct, hexPunct] */
const runs = (source: string, flags = 'g'): number[] => [...requiredRuns(source, flags)];

describe('characterRuns', () => {
  it('measures the longest run of each class, non-ASCII and punctuation ending runs', () => {
    expect(characterRuns('ab12CD-345')).toEqual([3, 2, 4, 2, 6, 4, 10]);
    expect(characterRuns('')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(characterRuns('ÉCOLE 12')).toEqual([2, 4, 4, 4, 4, 2, 2]);
    expect(characterRuns('x1y2z3W')).toEqual([1, 1, 2, 1, 7, 1, 1]);
    expect(characterRuns('10.0.0.1 at 00:1a:2B')).toEqual([2, 1, 2, 2, 2, 8, 8]);
  });

  it('counts ASCII digits and the lengths of maximal digit runs in the same pass', () => {
    const bits = (...lengths: number[]): number => lengths.reduce((b, n) => b | (1 << n), 0);
    expect(textRuns('call 555-010-4477 x12')).toMatchObject({ digits: 12, digitRunLengths: bits(2, 3, 4) });
    // A run ends at any non-digit, non-ASCII included; Arabic-Indic digits are not ASCII digits.
    expect(textRuns('12é345٣6')).toMatchObject({ digits: 6, digitRunLengths: bits(1, 2, 3) });
    expect(textRuns('1'.repeat(40))).toMatchObject({ digits: 40, digitRunLengths: bits(31) });
    expect(textRuns('no digits')).toMatchObject({ digits: 0, digitRunLengths: 0 });
    expect(textRuns('ab12CD-345').runs).toEqual(characterRuns('ab12CD-345'));
  });
});

describe('requiredRuns', () => {
  it('reads consecutive classes, counted repeats and groups', () => {
    expect(runs('\\d{3}-\\d{2}-\\d{4}')).toEqual([4, 0, 4, 0, 4, 11, 11]);
    expect(runs('[A-Z]{2}\\d{2}[A-Z0-9]{4}')).toEqual([2, 2, 8, 2, 8, 2, 2]);
    expect(runs('(?:\\d{2}){3}')).toEqual([6, 0, 6, 0, 6, 6, 6]);
    expect(runs('(?<value>[A-Z]{6})')).toEqual([0, 6, 6, 6, 6, 0, 0]);
  });

  it('keeps only what every alternative and every repeat count guarantees', () => {
    expect(runs('\\d{5}|\\d{3}')).toEqual([3, 0, 3, 0, 3, 3, 3]);
    expect(runs('\\d{5}|[A-Z]{4}')).toEqual([0, 0, 4, 0, 4, 0, 0]);
    expect(runs('\\d{5}|-')).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(runs('(?:\\d{4})?x')).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect(runs('\\d{4}?x')).toEqual([4, 0, 4, 1, 5, 4, 4]);
    expect(runs('(?:\\d{3}-)+\\d')).toEqual([3, 0, 3, 0, 3, 5, 5]);
    expect(runs('(?:-\\d{2})*')).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('lets zero-width assertions join their neighbours and never count lookarounds', () => {
    expect(runs('\\b\\d{2}\\b\\d{2}')).toEqual([4, 0, 4, 0, 4, 4, 4]);
    expect(runs('(?<![\\w-])(?=\\d{9})\\d{3}')).toEqual([3, 0, 3, 0, 3, 3, 3]);
    expect(runs('^[0-9]{3}$')).toEqual([3, 0, 3, 0, 3, 3, 3]);
  });

  it('takes no class from sets that hold other characters', () => {
    expect(runs('\\w{10}')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(runs('[A-Z_]{10}')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(runs('[^a]{10}')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(runs('.{10}')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(runs('[A-ZÄ]{10}')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(runs('\\p{Lu}{10}', 'gu')).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('reads letters under the i flag as either case, and gives up on i with u', () => {
    expect(runs('[A-Z]{3}', 'gi')).toEqual([0, 0, 0, 3, 3, 0, 0]);
    expect(runs('abc\\d', 'gi')).toEqual([1, 0, 1, 3, 4, 1, 4]);
    // /k/iu also matches the Kelvin sign (U+212A), which ends a run of ASCII letters.
    expect(runs('[A-Z]{3}', 'giu')).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('reads a back-reference as its group where the group lies in one class (not under i)', () => {
    const mac = '[0-9A-F]{2}([:-])[0-9A-F]{2}\\1[0-9A-F]{2}';
    expect(runs(mac)).toEqual([0, 0, 2, 0, 2, 1, 7]);
    expect(runs(mac, 'gi')).toEqual([0, 0, 0, 0, 2, 1, 5]);
    expect(runs('(?<sep>[:-])\\d\\k<sep>\\d')).toEqual([1, 0, 1, 0, 1, 3, 3]);
    expect(runs('([ :])\\d\\1\\d')).toEqual([1, 0, 1, 0, 1, 1, 1]);
  });

  it('gives no requirement for syntax it does not read', () => {
    expect(runs('(?i:abc)')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(runs('[\\w-.]{5}')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(runs('(\\d{4})\\1')).toEqual([4, 0, 4, 0, 4, 4, 4]);
  });
});

/** Seeded PRNG: the same texts on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('requiredRuns is a necessary condition', () => {
  const random = mulberry32(20261127);
  const alphabet = ['a', 'B', 'z', 'Q', '0', '7', '3', '-', '.', ' ', '@', 'é', 'K', '_', '\n'];
  const texts = Array.from({ length: 4000 }, () => {
    let s = '';
    const n = 1 + Math.floor(random() * 24);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  });

  it('never rules out a text a hand-made regex matches', () => {
    const sources: [string, string][] = [
      ['\\d{2,3}[-. ]?\\d{2}', 'g'],
      ['[A-Z][a-z]?\\d{2}', 'g'],
      ['(?:[a-z]|\\d){3}', 'gi'],
      ['\\b\\d\\d?\\b(?:\\.\\d+)?', 'g'],
      ['(?<![\\w-])[0-9A-Z]{2,}(?![\\w-])', 'g'],
      ['(?:\\d-|[a-z]\\.)+\\d', 'g'],
      ['[a-z]{2}(?:@|\\s)\\d{1,2}', 'gi'],
      ['(\\d)[.-]\\1\\d?', 'g'],
      ['\\d{1,2}[./-]\\d{1,2}(?:-\\d)?', 'g'],
      ['([a-fB])-?\\1[0-9a-f]', 'g'],
      ['(?<x>[.-])\\d\\k<x>', 'g'],
    ];
    for (const [source, flags] of sources) {
      const re = new RegExp(source, flags);
      const needs = requiredRuns(source, flags);
      for (const text of texts) {
        re.lastIndex = 0;
        if (re.test(text)) expect(runsSuffice(characterRuns(text), needs), `${source} on ${text}`).toBe(true);
      }
    }
  });

  it('never rules out a text a catalogue rule matches', () => {
    const catalogue = defaultCatalogue(packageRoot);
    const samples = [
      ...texts,
      'SSN 123-45-6789, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, VIN 1HGCM82633A004352',
      'BIC DEUTDEFF500 · NINO AB123456C · call +44 20 7946 0958 or (415) 555-2671 on 12 March 2024',
      'mail ann.lee@example.com, host 192.168.10.20, mac 00:1A:2B:3C:4D:5E, plate AB-123-CD',
      'key AKIAIOSFODNN7EXAMPLE · codice RSSMRA85T10A562S · wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyT',
    ];
    for (const entity of catalogue.entities) {
      for (const pattern of entity.patterns) {
        const needs = requiredRuns(pattern.scan.source, pattern.scan.flags);
        const re = new RegExp(pattern.scan.source, pattern.scan.flags);
        for (const text of samples) {
          re.lastIndex = 0;
          if (re.test(text)) expect(runsSuffice(characterRuns(text), needs), pattern.name).toBe(true);
        }
      }
    }
  });

  it('rules out texts whose runs are too short for a rule', () => {
    const needs = requiredRuns('\\b[A-HJ-NPR-Z0-9]{17}\\b', 'g');
    expect(runsSuffice(characterRuns('VIN 1HGCM82633A004352'), needs)).toBe(true);
    expect(runsSuffice(characterRuns('order 1HGCM8 2633A004352'), needs)).toBe(false);
  });
});
