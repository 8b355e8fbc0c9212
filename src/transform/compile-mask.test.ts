import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';

import { Secret } from '../core/index.js';
import type { ActionSpec } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 1)));

const column = columnInfo;

function mask(keepFirst: number, keepLast: number, char = '*', col = column()) {
  const action: ActionSpec = { kind: 'mask', keep_first: keepFirst, keep_last: keepLast, char };
  return compileTransform(action, {
    column: col,
    seeder,
    isUnique: false,
    columnIndexByName: new Map(),
    rowKeyIndexes: [],
  });
}

describe('compileTransform(mask)', () => {
  it('masks all but separators and the kept ends', () => {
    expect(mask(1, 4)('jane.doe@example.com', [])).toBe('j***.***@*******.com');
    expect(mask(0, 4)('4111 1111 1111 1234', [])).toBe('**** **** **** 1234');
    expect(mask(0, 0, '#')('+1 (415) 555-0142', [])).toBe('+# (###) ###-####');
  });

  it('keeps the length in characters, astral characters included', () => {
    const out = mask(1, 1)('a😀b😀c', []);
    expect(out).toBe('a***c');
    expect(Array.from(out ?? '')).toHaveLength(5);
  });

  it('masks a value no longer than keep_first + keep_last entirely', () => {
    expect(mask(2, 2)('abcd', [])).toBe('****');
    expect(mask(2, 2)('abcde', [])).toBe('ab*de');
  });

  it('keeps NULL and masks array elements one by one', () => {
    const arrayColumn = column({
      dataType: 'text[]',
      baseType: '_text',
      category: 'array',
      elementCategory: 'string',
    });
    expect(mask(1, 0)(null, [])).toBeNull();
    expect(mask(1, 0, '*', arrayColumn)('{secret,NULL,"two words"}', [])).toBe('{s*****,NULL,"t** *****"}');
  });
});
