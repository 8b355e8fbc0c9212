import { beforeAll, describe, expect, it } from 'vitest';

import { loadTextDetectors, type TextDetectors } from './index.js';

let detectors: TextDetectors;
beforeAll(async () => {
  detectors = await loadTextDetectors();
}, 30_000);

function people(text: string): string[] {
  return detectors.findPersonSpans(text).map((s) => text.slice(s.start, s.end));
}

describe('findPersonSpans', () => {
  it('finds non-Anglo names from the lexicon', () => {
    expect(people('Nguyễn Văn An called about order 1234.')).toEqual(['Nguyễn Văn An']);
    expect(people('Please forward this to Giulia Bianchi today.')).toEqual(['Giulia Bianchi']);
    expect(people('Invoice approved by Søren Kierkegaard yesterday.')).toEqual(['Søren Kierkegaard']);
    expect(people('Oluwaseun Adeyemi called twice.')).toEqual(['Oluwaseun Adeyemi']);
  });

  it('finds ALL-CAPS names and lower-case names after an announcing phrase', () => {
    expect(people('SOPHY SANTINO PAID THE INVOICE')).toEqual(['SOPHY SANTINO']);
    expect(people('hi, my name is maria garcia and i need help')).toEqual(['maria garcia']);
  });

  it('keeps particles, hyphens and apostrophes inside names and takes titles as context', () => {
    expect(people("Pieter van der Berg met Jean-Luc O'Brien.")).toEqual([
      'Pieter van der Berg',
      "Jean-Luc O'Brien",
    ]);
    expect(people('Meeting with Dr. Okonkwo tomorrow')).toEqual(['Okonkwo']);
    expect(people('Signed by J. Smith')).toEqual(['J. Smith']);
  });

  it('never reports numbers or tokens with digits', () => {
    for (const text of ['1607635102.00 -0.96', '6033391', 'what is letter 96c', 'Order A1 H1 shipped']) {
      expect(people(text)).toEqual([]);
    }
  });

  it('does not take everyday words, months or weekdays for names', () => {
    expect(people('May I help you? Will you call back on Monday in June?')).toEqual([]);
    expect(people('The Green Long White product is Brown.')).toEqual([]);
    expect(people('Contact john.smith@example.com for details')).toEqual([]);
  });

  it('accepts an ambiguous first name only with support', () => {
    expect(people('Dear Mark, thanks for the update.')).toEqual(['Mark']);
    expect(people('Please mark the ticket as done.')).toEqual([]);
  });
});
