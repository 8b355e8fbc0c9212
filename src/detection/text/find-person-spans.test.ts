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

  it('never takes an article or pronoun at a sentence start for part of a name', () => {
    expect(people('The Jordan river project is late.')).not.toContain('The Jordan');
    expect(people('THE VICTORIA LINE UPGRADE COST 2.5 MILLION.')).not.toContain('THE VICTORIA LINE UPGRADE');
    expect(people('The Smiths and Mary Jones met.')).toEqual(['Mary Jones']);
    // Given names and surnames that are also short words stay names.
    expect(people('Nguyễn Văn An called about order 1234.')).toEqual(['Nguyễn Văn An']);
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

  it('leaves role words out of the name they announce', () => {
    expect(people('Employee Ivan Baarck joined in May.')).toEqual(['Ivan Baarck']);
    expect(people('Patient Anton Hansen, DOB 1997')).toEqual(['Anton Hansen']);
  });

  it('finds lower-case first-and-last names after a preposition, not the preposition itself', () => {
    expect(people('ship 12 boxes to arnaldo koelpin, please')).toEqual(['arnaldo koelpin']);
    expect(people('hello eva lorentzen, your appointment is confirmed')).toEqual(['eva lorentzen']);
    expect(people('ship 12 boxes to the depot, please')).toEqual([]);
  });

  it('does not read product names in capitals as people', () => {
    expect(people('IPHONE 15 PRO AND GALAXY S24 SOLD OUT IN MAY')).toEqual([]);
  });
});

describe('findTextEntitySpans: places and companies claim their words before names are read', () => {
  function spans(text: string): string[] {
    return detectors.findTextEntitySpans(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
  }

  it('reads a street made of a first and a last name as a street', () => {
    expect(spans('Deliver to: 455 Carolyn Fields')).toEqual(['STREET_ADDRESS:455 Carolyn Fields']);
  });

  it('reads a town made of a prefix and a first name as a town', () => {
    expect(spans('I moved to Fort Hanna, Georgia last month')).toEqual(['CITY:Fort Hanna', 'STATE:Georgia']);
  });

  it('decides Jordan and Washington by context', () => {
    expect(spans('Our driver Jordan Smith called.')).toEqual(['PERSON:Jordan Smith']);
    expect(spans('She moved to Jordan last year.')).toEqual(['COUNTRY:Jordan']);
    expect(spans('George Washington signed it.')).toEqual(['PERSON:George Washington']);
    expect(spans('They live in Seattle, Washington now.')).toEqual(['CITY:Seattle', 'STATE:Washington']);
  });

  it('reads Paris Hilton as a person and Paris after "in" as a town', () => {
    expect(spans('Paris Hilton arrived.')).toEqual(['PERSON:Paris Hilton']);
    expect(spans('The office in Paris is closed.')).toEqual(['CITY:Paris']);
  });

  it('reads partnerships of surnames as companies, not people', () => {
    expect(spans('Send it to Kerluke, Anderson and Kertzmann by Friday.')).toEqual([
      'ORGANIZATION:Kerluke, Anderson and Kertzmann',
    ]);
    expect(spans('Payment from Bravo Páez Ltd arrived.')).toEqual(['ORGANIZATION:Bravo Páez Ltd']);
  });
});
