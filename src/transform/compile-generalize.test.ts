import { columnInfo } from '../../test/helpers/column-info.js';
import { describe, expect, it } from 'vitest';

import { Secret } from '../core/index.js';
import type { ActionSpec, ColumnInfo, TypeCategory } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 1)));

function column(category: TypeCategory, baseType: string, overrides: Partial<ColumnInfo> = {}): ColumnInfo {
  return columnInfo({ name: 'value', dataType: baseType, baseType, category, ...overrides });
}

function generalize(action: Omit<ActionSpec & { kind: 'generalize' }, 'kind'>, col: ColumnInfo) {
  return compileTransform(
    { kind: 'generalize', ...action },
    { column: col, seeder, isUnique: false, columnIndexByName: new Map(), rowKeyIndexes: [] },
  );
}

describe('compileTransform(generalize) on dates and timestamps', () => {
  const date = column('date', 'date');
  const timestamp = column('timestamp', 'timestamp');
  const timestamptz = column('timestamp', 'timestamptz');

  it('truncates dates to year or month and leaves them for day and hour', () => {
    expect(generalize({ to: 'year' }, date)('2024-03-17', [])).toBe('2024-01-01');
    expect(generalize({ to: 'month' }, date)('2024-03-17', [])).toBe('2024-03-01');
    expect(generalize({ to: 'day' }, date)('2024-03-17', [])).toBe('2024-03-17');
    expect(generalize({ to: 'hour' }, date)('2024-03-17', [])).toBe('2024-03-17');
  });

  it('truncates timestamps with fractional seconds, keeping the text form', () => {
    const value = '2024-03-17 10:42:07.123456';
    expect(generalize({ to: 'year' }, timestamp)(value, [])).toBe('2024-01-01 00:00:00');
    expect(generalize({ to: 'month' }, timestamp)(value, [])).toBe('2024-03-01 00:00:00');
    expect(generalize({ to: 'day' }, timestamp)(value, [])).toBe('2024-03-17 00:00:00');
    expect(generalize({ to: 'hour' }, timestamp)(value, [])).toBe('2024-03-17 10:00:00');
  });

  it('keeps a timestamptz offset such as +05:30 and the BC era', () => {
    expect(generalize({ to: 'hour' }, timestamptz)('2024-03-17 10:42:07+05:30', [])).toBe(
      '2024-03-17 10:00:00+05:30',
    );
    expect(generalize({ to: 'month' }, timestamptz)('2024-03-17 10:42:07.5-03', [])).toBe(
      '2024-03-01 00:00:00-03',
    );
    expect(generalize({ to: 'year' }, date)('0044-03-15 BC', [])).toBe('0044-01-01 BC');
  });

  it('leaves infinity and NULL, and generalizes array elements', () => {
    const dates = column('array', '_date', { elementCategory: 'date', dataType: 'date[]' });
    expect(generalize({ to: 'year' }, date)('infinity', [])).toBe('infinity');
    expect(generalize({ to: 'year' }, date)('-infinity', [])).toBe('-infinity');
    expect(generalize({ to: 'year' }, date)(null, [])).toBeNull();
    expect(generalize({ to: 'month' }, dates)('{2024-03-17,NULL,1999-12-31}', [])).toBe(
      '{2024-03-01,NULL,1999-12-01}',
    );
  });

  it('refuses a value that is not ISO text, naming the column only', () => {
    expect(() => generalize({ to: 'year' }, date)('03/17/2024', [])).toThrow(/column "value"/);
    expect(() => generalize({ to: 'year' }, date)('03/17/2024', [])).not.toThrow(/03\/17/);
  });
});

describe('compileTransform(generalize) on numbers', () => {
  it('floors integers to a multiple of bucket, negatives downwards', () => {
    const int4 = column('integer', 'int4');
    expect(generalize({ bucket: 100 }, int4)('12345', [])).toBe('12300');
    expect(generalize({ bucket: 10 }, int4)('-5', [])).toBe('-10');
    expect(generalize({ bucket: 10 }, int4)('-20', [])).toBe('-20');
    expect(generalize({ bucket: 1000 }, column('integer', 'int8'))('9223372036854775807', [])).toBe(
      '9223372036854775000',
    );
  });

  it('stays within the integer type at its lower bound', () => {
    expect(generalize({ bucket: 10 }, column('integer', 'int2'))('-32768', [])).toBe('-32760');
  });

  it('floors decimals exactly, without float rounding', () => {
    const numeric = column('decimal', 'numeric');
    expect(generalize({ bucket: 0.1 }, numeric)('0.30', [])).toBe('0.30');
    expect(generalize({ bucket: 0.5 }, numeric)('123.45', [])).toBe('123.00');
    expect(generalize({ bucket: 10 }, numeric)('-0.01', [])).toBe('-10.00');
    expect(generalize({ bucket: 2.5 }, numeric)('7.4', [])).toBe('5.0');
  });

  it('uses float arithmetic for exponent forms and leaves NaN and Infinity', () => {
    const float8 = column('decimal', 'float8');
    expect(generalize({ bucket: 10 }, float8)('1.5e+20', [])).toBe('150000000000000000000');
    expect(generalize({ bucket: 10 }, float8)('NaN', [])).toBe('NaN');
    expect(generalize({ bucket: 10 }, float8)('-Infinity', [])).toBe('-Infinity');
  });
});

describe('compileTransform(generalize) on text', () => {
  it('keeps the first prefix characters, counting astral characters once', () => {
    const text = column('string', 'text');
    expect(generalize({ prefix: 3 }, text)('94110-1234', [])).toBe('941');
    expect(generalize({ prefix: 2 }, text)('😀😀😀', [])).toBe('😀😀');
    expect(generalize({ prefix: 5 }, text)('ab', [])).toBe('ab');
  });
});
