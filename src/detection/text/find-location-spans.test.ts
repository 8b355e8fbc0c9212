import { beforeAll, describe, expect, it } from 'vitest';

import { loadTextDetectors, type TextDetectors } from './index.js';

let detectors: TextDetectors;
beforeAll(async () => {
  detectors = await loadTextDetectors();
}, 30_000);

function places(text: string): string[] {
  return detectors.findLocationSpans(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('findLocationSpans', () => {
  it('finds street addresses in several languages', () => {
    expect(places('Ship to 221B Baker Street please')).toEqual(['STREET_ADDRESS:221B Baker Street']);
    expect(places('Lieferung an Hauptstraße 5 bitte')).toEqual(['STREET_ADDRESS:Hauptstraße 5']);
    expect(places('Envoyer au 12 rue de la Paix')).toEqual(['STREET_ADDRESS:12 rue de la Paix']);
    expect(places('Vivo en Calle Mayor 3')).toEqual(['STREET_ADDRESS:Calle Mayor 3']);
    expect(places('Abito in Via Roma 10')).toEqual(['STREET_ADDRESS:Via Roma 10']);
    expect(places('Woont op Kerkstraat 12')).toEqual(['STREET_ADDRESS:Kerkstraat 12']);
  });

  it('reads a state before its ZIP code as a state, even where a town or a first name has its letters', () => {
    expect(places('We are based in Carrollcester CO, zip code 76921.')).toEqual([
      'CITY:Carrollcester',
      'STATE:CO',
      'POSTAL_CODE:76921',
    ]);
    expect(places('8 Gabrielle Harbor, Rogahnchester, UT 83900')).toContain('STATE:UT');
    expect(places('993, resident of Gerlachboro, OR. Allergies: none.')).toContain('STATE:OR');
    expect(places('We are based in Langoshburgh Georgia, zip code 83994.')).toContain('STATE:Georgia');
    // Single-case text: ", or" is a conjunction unless a ZIP code follows.
    expect(places('we r based in lowefurt or, zip code 34015')).toContain('STATE:or');
    expect(places('i moved to lowefurt, or so they say')).not.toContain('STATE:or');
  });

  it('splits an address block into its parts', () => {
    expect(places('7258 Chestnut Street Apt. 140, Springfield, IL 62704, United States')).toEqual([
      'STREET_ADDRESS:7258 Chestnut Street Apt. 140',
      'CITY:Springfield',
      'STATE:IL',
      'POSTAL_CODE:62704',
      'COUNTRY:United States',
    ]);
    expect(places('Hauptstraße 5, 10115 Berlin')).toEqual([
      'STREET_ADDRESS:Hauptstraße 5',
      'POSTAL_CODE:10115',
      'CITY:Berlin',
    ]);
  });

  it('reports postal codes only near an address or after context', () => {
    expect(places('Order 62704 has 3 items')).toEqual([]);
    expect(places('zip code: 62704')).toEqual(['POSTAL_CODE:62704']);
  });

  it('needs context for place names that are everyday words or names', () => {
    expect(places('That was a nice reading of the report')).toEqual([]);
    expect(places('She moved to Nice last year')).toEqual(['CITY:Nice']);
  });

  it('finds streets by their shape in more languages, with units and house numbers after the name', () => {
    expect(places('Ship to 4907 Orval Freeway Apt. 3 today')).toEqual([
      'STREET_ADDRESS:4907 Orval Freeway Apt. 3',
    ]);
    expect(places('follow-up at Rostocker Str. 1 tomorrow')).toEqual(['STREET_ADDRESS:Rostocker Str. 1']);
    expect(places('Adres: Mulderweg 948 III')).toEqual(['STREET_ADDRESS:Mulderweg 948 III']);
    expect(places('Envío a Calle Huerta, 2')).toEqual(['STREET_ADDRESS:Calle Huerta, 2']);
    expect(places('Entregar na 864 Avenida Maria Helena hoje')).toEqual([
      'STREET_ADDRESS:864 Avenida Maria Helena',
    ]);
  });

  it('does not take phone groups, times, dates or bank codes for house numbers', () => {
    expect(places('Call 055 9383 2114, Via Zago is closed')).not.toContain('STREET_ADDRESS:2114, Via Zago');
    expect(places('Left at 14:05 On Its Way')).toEqual([]);
    expect(places('Pay to NL35 ABNA 0921 5843 20 today')).toEqual([]);
    expect(places('DOB February 29, 2016, SSN on file')).toEqual([]);
  });

  it('finds towns by their place in an address', () => {
    expect(places('Deliver to: 18506 Jaydon River\nPort Andreaneworth, MO 38197')).toEqual([
      'STREET_ADDRESS:18506 Jaydon River',
      'CITY:Port Andreaneworth',
      'STATE:MO',
      'POSTAL_CODE:38197',
    ]);
    expect(places('Im Kalkfeld 78c, 50018 Bad Alexander')).toEqual([
      'STREET_ADDRESS:Im Kalkfeld 78c',
      'POSTAL_CODE:50018',
      'CITY:Bad Alexander',
    ]);
    expect(places('33 Hillside, RM7 8GL East Erdman')).toEqual([
      'STREET_ADDRESS:33 Hillside',
      'POSTAL_CODE:RM7 8GL',
      'CITY:East Erdman',
    ]);
  });

  it('finds town-shaped names after a place preposition, in any case', () => {
    expect(places('The parcel left the depot in Arnoldside at 14:05')).toEqual(['CITY:Arnoldside']);
    expect(places('Patient lives in Santos do Sul, Brasil.')).toEqual([
      'CITY:Santos do Sul',
      'COUNTRY:Brasil',
    ]);
    expect(places('i moved to fort eloisa, maine last month')).toEqual(['CITY:fort eloisa', 'STATE:maine']);
    expect(places('DELIVER TO: 5130 LEXI BYPASS\nEMARDSIDE, OHIO 05365')).toEqual([
      'STREET_ADDRESS:5130 LEXI BYPASS',
      'CITY:EMARDSIDE',
      'STATE:OHIO',
      'POSTAL_CODE:05365',
    ]);
  });

  it('keeps everyday words with town endings out', () => {
    expect(places('Please send the Report and the Passport copy')).toEqual([]);
    expect(places('The Meeting starts at 10')).toEqual([]);
  });

  it('reads postal codes after "zip is" and whole Brazilian codes', () => {
    expect(places('new zip is 72332')).toEqual(['POSTAL_CODE:72332']);
    expect(places('Rua Costa 12, 33834-649 Franco do Descoberto')).toEqual([
      'STREET_ADDRESS:Rua Costa 12',
      'POSTAL_CODE:33834-649',
      'CITY:Franco do Descoberto',
    ]);
  });
});
