import { describe, expect, it } from 'vitest';
import { wordsAfter, wordsBefore } from './context-window.js';

describe('context windows', () => {
  it('reads whole lower-cased words on each side, punctuation and case ignored', () => {
    const text = 'Call me, PHONE: +1 415 555 2671 (mobile) thanks';
    const start = text.indexOf('+1');
    const end = text.indexOf(' (');
    expect(wordsBefore(text, start, 2)).toEqual(['me', 'phone']);
    expect(wordsAfter(text, end, 2)).toEqual(['mobile', 'thanks']);
    expect(wordsBefore(text, 0, 3)).toEqual([]);
    expect(wordsAfter(text, text.length, 3)).toEqual([]);
  });

  it('drops a word cut by the window limit (40 characters per word), never half of it', () => {
    const long = `${'x'.repeat(90)} ssn 536221234`;
    expect(wordsBefore(long, long.indexOf('536'), 1)).toEqual(['ssn']);
    expect(wordsBefore(long, long.indexOf('536'), 2)).toEqual(['ssn']);
    const after = `536221234 ${'y'.repeat(90)}`;
    expect(wordsAfter(after, 9, 2)).toEqual([]);
  });

  it('treats letters outside ASCII and astral letters as word characters', () => {
    const text = 'Téléphone 𝐀𝐁: 0612345678';
    expect(wordsBefore(text, text.indexOf('06'), 2)).toEqual(['téléphone', '𝐀𝐁'.toLowerCase()]);
  });
});
