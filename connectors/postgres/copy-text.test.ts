import { describe, expect, it } from 'vitest';
import { CopyTextDecoder, decodeLine, encodeRows } from './copy-text.js';

describe('COPY text codec', () => {
  it('decodes NULL, empty strings and escapes', () => {
    expect(decodeLine('1\t\\N\t\ta\\tb\\nc\\\\d')).toEqual(['1', null, '', 'a\tb\nc\\d']);
  });

  it('decodes octal and hex escapes', () => {
    expect(decodeLine('\\101\\x42')).toEqual(['AB']);
  });

  it('round-trips values with every special character', () => {
    const rows = [['tab\there', 'new\nline', 'back\\slash', 'cr\rx', null, '', '\\N literal']];
    const text = encodeRows(rows);
    const decoder = new CopyTextDecoder();
    expect(decoder.push(Buffer.from(text))).toEqual(rows);
  });

  it('keeps partial lines and multi-byte characters across chunk boundaries', () => {
    const text = Buffer.from('1\tZoë Ñandú\n2\t日本語\n');
    const decoder = new CopyTextDecoder();
    const rows = [];
    for (let i = 0; i < text.length; i += 3) rows.push(...decoder.push(text.subarray(i, i + 3)));
    rows.push(...decoder.end());
    expect(rows).toEqual([
      ['1', 'Zoë Ñandú'],
      ['2', '日本語'],
    ]);
  });

  it('returns a final line that has no trailing newline at end()', () => {
    const decoder = new CopyTextDecoder();
    expect(decoder.push(Buffer.from('a\tb\nc\td'))).toEqual([['a', 'b']]);
    expect(decoder.end()).toEqual([['c', 'd']]);
  });
});
