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
});
