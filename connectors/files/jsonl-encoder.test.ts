import { describe, expect, it } from 'vitest';
import { encodeJsonLines } from './jsonl-encoder.js';
import type { ColumnEncoding } from './value-json.js';

const column = (name: string, kind: ColumnEncoding['kind'], arrayDepth = 0): ColumnEncoding => ({
  name,
  kind,
  arrayDepth,
});

describe('JSON Lines encoder', () => {
  it('writes one object per row with numbers, booleans and json typed, other values as strings', () => {
    const columns = [
      column('id', 'number'),
      column('price', 'number'),
      column('active', 'boolean'),
      column('doc', 'json'),
      column('name', 'string'),
      column('day', 'string'),
    ];
    const out = encodeJsonLines(
      [['7', '19.90', 't', '{"a": {"b": [1, null]}}', 'Zoë "Z"', '2024-01-31']],
      columns,
    );
    expect(out.endsWith('\n')).toBe(true);
    expect(out.split('\n')).toHaveLength(2);
    expect(JSON.parse(out)).toEqual({
      id: 7,
      price: 19.9,
      active: true,
      doc: { a: { b: [1, null] } },
      name: 'Zoë "Z"',
      day: '2024-01-31',
    });
  });

  it('writes NULL as null and keeps the empty string a string', () => {
    const out = encodeJsonLines(
      [[null, '', null]],
      [column('a', 'string'), column('b', 'string'), column('c', 'number')],
    );
    expect(JSON.parse(out)).toEqual({ a: null, b: '', c: null });
  });

  it('keeps every digit of big integers and numerics, and writes NaN and Infinity as strings', () => {
    const out = encodeJsonLines(
      [['9223372036854775807', '12345678901234567890.123456789', 'NaN', '-Infinity']],
      [column('a', 'number'), column('b', 'number'), column('c', 'number'), column('d', 'number')],
    );
    expect(out).toBe(
      '{"a":9223372036854775807,"b":12345678901234567890.123456789,"c":"NaN","d":"-Infinity"}\n',
    );
  });

  it('writes arrays as JSON arrays typed by their elements, nested and with NULL elements', () => {
    const out = encodeJsonLines(
      [['{{1,2},{3,NULL}}', '{"a,b","say \\"hi\\"",NULL,"NULL"}', '{t,f}', '[0:1]={x,y}', '{}']],
      [
        column('m', 'number', 2),
        column('s', 'string', 1),
        column('b', 'boolean', 1),
        column('bounds', 'string', 1),
        column('empty', 'string', 1),
      ],
    );
    expect(JSON.parse(out)).toEqual({
      m: [
        [1, 2],
        [3, null],
      ],
      s: ['a,b', 'say "hi"', null, 'NULL'],
      b: [true, false],
      bounds: ['x', 'y'],
      empty: [],
    });
  });

  it('keeps a json document with line breaks on one line', () => {
    const out = encodeJsonLines([['{\n  "note": "a\\nb"\n}']], [column('doc', 'json')]);
    expect(out.split('\n')).toHaveLength(2);
    expect(JSON.parse(out)).toEqual({ doc: { note: 'a\nb' } });
  });

  it('writes text that is not valid JSON in a json column as a string rather than a broken line', () => {
    const out = encodeJsonLines([['{not json']], [column('doc', 'json')]);
    expect(JSON.parse(out)).toEqual({ doc: '{not json' });
  });
});
