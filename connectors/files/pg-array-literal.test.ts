import { describe, expect, it } from 'vitest';
import { parsePgArray } from './pg-array-literal.js';

describe('PostgreSQL array literal reader', () => {
  it('reads unquoted, quoted and NULL elements', () => {
    expect(parsePgArray('{a,"b c",NULL,"NULL",""}')).toEqual(['a', 'b c', null, 'NULL', '']);
  });

  it('reads backslash escapes in quoted and unquoted elements', () => {
    expect(parsePgArray('{"q\\"uote","back\\\\slash",un\\,quoted}')).toEqual([
      'q"uote',
      'back\\slash',
      'un,quoted',
    ]);
  });

  it('reads nested arrays, explicit bounds and the empty array', () => {
    expect(parsePgArray('{{1,2},{3,4}}')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parsePgArray('[0:1]={x,y}')).toEqual(['x', 'y']);
    expect(parsePgArray('{}')).toEqual([]);
  });

  it('refuses text that is not an array literal', () => {
    expect(parsePgArray('plain')).toBeUndefined();
    expect(parsePgArray('{a,b')).toBeUndefined();
    expect(parsePgArray('{a}trailing')).toBeUndefined();
    expect(parsePgArray('{"open}')).toBeUndefined();
  });
});
