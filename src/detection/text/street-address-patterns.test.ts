import { beforeAll, describe, expect, it } from 'vitest';
import { endsWithAny, findStreetAddresses } from './street-address-patterns.js';
import { loadTextResources, type TextResources } from './text-resources.js';

describe('findStreetAddresses', () => {
  let resources: TextResources;
  beforeAll(async () => {
    resources = await loadTextResources();
  });
  const streets = (text: string): string[] =>
    findStreetAddresses(text, resources).map((m) => text.slice(m.start, m.end));

  it('reads a direction word before a street type as the street name, and as a prefix otherwise', () => {
    expect(streets('The courier left it at 454 South Road without asking me.')).toEqual(['454 South Road']);
    expect(streets('I live at 12 North Street, Leeds.')).toEqual(['12 North Street']);
    expect(streets('Send it to 1600 N Pennsylvania Ave NW please.')).toEqual(['1600 N Pennsylvania Ave NW']);
  });
});

describe('endsWithAny', () => {
  const endings = ['strasse', 'weg', 'gracht', 'laan'];

  it('finds an ending with at least three letters before it', () => {
    expect(endsWithAny('hauptstrasse', endings)).toBe(true);
    expect(endsWithAny('kerkweg', endings)).toBe(true);
    expect(endsWithAny('prinsengracht', endings)).toBe(true);
  });

  it('refuses a word that is only (or barely more than) the ending, or ends otherwise', () => {
    expect(endsWithAny('weg', endings)).toBe(false);
    expect(endsWithAny('abweg', endings)).toBe(false);
    expect(endsWithAny('hauptstrasser', endings)).toBe(false);
    expect(endsWithAny('a', endings)).toBe(false);
    expect(endsWithAny('', endings)).toBe(false);
  });

  it('handles endings shorter than two characters the same way as longer ones', () => {
    expect(endsWithAny('abcx', ['x'])).toBe(true);
    expect(endsWithAny('abx', ['x'])).toBe(false);
  });
});
