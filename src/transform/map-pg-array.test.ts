import { describe, expect, it } from 'vitest';

import { mapPgArray } from './map-pg-array.js';

const upper = (element: string): string => element.toUpperCase();
const identity = (element: string): string => element;

describe('mapPgArray', () => {
  it('maps every element and keeps NULL elements NULL', () => {
    expect(mapPgArray('{a,b,NULL,c}', upper, 'tags')).toBe('{A,B,NULL,C}');
  });

  it('reads quoted elements with escapes and quotes output that needs it', () => {
    expect(mapPgArray('{"a b","q\\"uote","back\\\\slash","",c}', identity, 'tags')).toBe(
      '{"a b","q\\"uote","back\\\\slash","",c}',
    );
    expect(mapPgArray('{x}', () => 'has,comma', 'tags')).toBe('{"has,comma"}');
    expect(mapPgArray('{x}', () => '{brace}', 'tags')).toBe('{"{brace}"}');
  });

  it('treats a quoted "NULL" as text and quotes a mapped "null" so it stays text', () => {
    expect(mapPgArray('{"NULL"}', identity, 'tags')).toBe('{"NULL"}');
    expect(mapPgArray('{x}', () => 'null', 'tags')).toBe('{"null"}');
    expect(mapPgArray('{\\NULL}', identity, 'tags')).toBe('{"NULL"}');
  });

  it('writes NULL when the mapping returns null', () => {
    expect(mapPgArray('{a,b}', (e) => (e === 'a' ? null : e), 'tags')).toBe('{NULL,b}');
  });

  it('keeps nested dimensions, empty arrays and dimension decorations', () => {
    expect(mapPgArray('{{a,b},{c,NULL}}', upper, 'grid')).toBe('{{A,B},{C,NULL}}');
    expect(mapPgArray('{}', upper, 'tags')).toBe('{}');
    expect(mapPgArray('[0:1]={a,b}', upper, 'tags')).toBe('[0:1]={A,B}');
  });

  it('passes elements to the mapping exactly once each, in order', () => {
    const seen: string[] = [];
    mapPgArray('{"x y",z,NULL,"w"}', (e) => (seen.push(e), e), 'tags');
    expect(seen).toEqual(['x y', 'z', 'w']);
  });

  it('throws naming the column, never the value, on malformed text', () => {
    for (const bad of ['not an array', '{a,b', '{"open}', '{a}}', '{a"b}', '[1:2]']) {
      let caught: unknown;
      try {
        mapPgArray(bad, identity, 'tags');
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'internal', details: { column: 'tags' } });
      expect((caught as Error).message).not.toContain(bad);
    }
  });
});
