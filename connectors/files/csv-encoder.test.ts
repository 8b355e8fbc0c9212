import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../test/helpers/parse-csv.js';
import { csvField, csvHeader, encodeCsvRows } from './csv-encoder.js';
import type { ColumnEncoding } from './value-json.js';

const text = (name: string): ColumnEncoding => ({ name, kind: 'string', arrayDepth: 0 });

describe('CSV encoder', () => {
  it('quotes only fields with a quote, comma, CR or LF, doubling quotes', () => {
    expect(csvField('plain value')).toBe('plain value');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('writes NULL as an empty unquoted field and the empty string as ""', () => {
    expect(encodeCsvRows([[null, '', 'x']], [text('a'), text('b'), text('c')])).toBe(',"",x\r\n');
  });

  it('ends every record with CRLF and starts with a header row', () => {
    const columns = [text('id'), text('note, with comma')];
    expect(csvHeader(columns)).toBe('id,"note, with comma"\r\n');
    expect(
      encodeCsvRows(
        [
          ['1', 'a'],
          ['2', 'b'],
        ],
        columns,
      ),
    ).toBe('1,a\r\n2,b\r\n');
  });

  it('writes booleans as true/false and arrays as JSON arrays, other values as PostgreSQL text', () => {
    const columns: ColumnEncoding[] = [
      { name: 'active', kind: 'boolean', arrayDepth: 0 },
      { name: 'tags', kind: 'string', arrayDepth: 1 },
      { name: 'scores', kind: 'number', arrayDepth: 1 },
      { name: 'amount', kind: 'number', arrayDepth: 0 },
      { name: 'doc', kind: 'json', arrayDepth: 0 },
    ];
    const line = encodeCsvRows([['f', '{a,"b c",NULL}', '{1,2.5}', '4.99', '{"k": [1, 2]}']], columns);
    expect(line).toBe('false,"[""a"",""b c"",null]","[1,2.5]",4.99,"{""k"": [1, 2]}"\r\n');
  });

  it('round-trips awkward values through a strict RFC 4180 reader', () => {
    const columns = [text('a'), text('b'), text('c'), text('d')];
    const rows = [
      ['multi\r\nline', '"quoted"', ' spaced ', null],
      ['', ',', 'ünïcødé 日本', '\\N'],
    ];
    const parsed = parseCsv(csvHeader(columns) + encodeCsvRows(rows, columns));
    expect(parsed).toEqual([['a', 'b', 'c', 'd'], ...rows]);
  });
});
