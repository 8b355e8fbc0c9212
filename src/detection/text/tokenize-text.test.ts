import { describe, expect, it } from 'vitest';
import { digitsThenLetter, letterCases, scanText, tokenizeText, unitClass } from './tokenize-text.js';

const view = (text: string): string[] =>
  tokenizeText(text).map(
    (t) => `${t.text}|${t.kind}|${t.shape}${t.spaceBefore ? '|sp' : ''}${t.lineBefore ? '|nl' : ''}`,
  );

describe('tokenizeText', () => {
  it('keeps apostrophes and hyphens inside words, splits punctuation, marks shapes', () => {
    expect(view("O'Brien, Jean-Luc MÜLLER 96c")).toEqual([
      "O'Brien|word|capital",
      ',|punct|lower',
      'Jean-Luc|word|capital|sp',
      'MÜLLER|word|upper|sp',
      '96c|number|lower|sp',
    ]);
  });

  it('records blanks and line breaks before a token; a trailing hyphen is punctuation', () => {
    expect(view('a\u00a0b\n c- d')).toEqual([
      'a|word|lower',
      'b|word|lower|sp',
      'c|word|lower|nl',
      '-|punct|lower',
      'd|word|lower|sp',
    ]);
  });

  it('reads letters outside ASCII, combining marks and astral characters with offsets as string indexes', () => {
    const text = 'Zoë e\u0301 𝐀b 🙂!';
    const tokens = tokenizeText(text);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Zoë', 'e\u0301', '𝐀b', '🙂', '!']);
    expect(tokens.map((t) => t.kind)).toEqual(['word', 'word', 'word', 'punct', 'punct']);
  });

  it('letterCases tells single-case text apart', () => {
    expect(letterCases('JOHN SMITH 12')).toEqual({ upper: true, lower: false });
    expect(letterCases('élan vital')).toEqual({ upper: false, lower: true });
    expect(letterCases('Émile')).toEqual({ upper: true, lower: true });
  });
});

describe('tokenizeText outside the Basic Multilingual Plane', () => {
  it('reads surrogate pairs as one character and lone surrogates as punctuation', () => {
    const text = 'Hi 𝐀𝐧𝐧𝐚 \ud800 x';
    const tokens = tokenizeText(text).map((t) => [t.text, t.kind]);
    expect(tokens).toEqual([
      ['Hi', 'word'],
      ['𝐀𝐧𝐧𝐚', 'word'],
      ['\ud800', 'punct'],
      ['x', 'word'],
    ]);
  });

  it('answers character-class questions per code unit as the regexes they replace', () => {
    const pattern = /[\s"'([{<«“‘,;:/]/;
    const test = unitClass(pattern);
    for (let code = 0; code < 0x3100; code++)
      expect(test(code)).toBe(pattern.test(String.fromCharCode(code)));
    expect(test(Number.NaN)).toBe(false);
    for (const word of [
      '1',
      '12',
      '123',
      '1234',
      '12a',
      '123B',
      '1234c',
      '12ab',
      'a1',
      '',
      '1-2',
      '٣',
      '12é',
    ])
      for (const most of [3, 4])
        expect(digitsThenLetter(word, most)).toBe(new RegExp(`^\\d{1,${most}}[a-zA-Z]?$`).test(word));
  });

  it('scanText sees the letter cases and the marks or apostrophes of the whole text', () => {
    for (const text of [
      'JOHN SMITH 12',
      'élan vital',
      "O'Brien",
      "it's",
      "' quoted",
      'ends with ’',
      'Sa\u0301o Paulo',
      '\u0301 alone',
      'x\ud834\udd65 astral mark',
      'lone \ud800 high',
      'Ünïcödé-Ünïcödé',
      '',
      '   ',
      '12-34 -- !!',
    ]) {
      const scan = scanText(text);
      expect(scan.tokens).toEqual(tokenizeText(text));
      expect({ upper: scan.upper, lower: scan.lower }).toEqual(letterCases(text));
      expect(scan.markOrApostrophe).toBe(/\p{M}|['’]/u.test(text));
    }
  });
});
