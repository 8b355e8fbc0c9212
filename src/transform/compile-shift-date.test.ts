import { columnInfo } from '../../test/helpers/column-info.js';
import { describe, expect, it } from 'vitest';

import { Secret } from '../core/index.js';
import type { ColumnInfo, Row, TypeCategory } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import type { KeyedSeeder } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';
import { daysFromCivil, parsePgDateTime } from './pg-date-time.js';

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 1)));

function column(
  name: string,
  category: TypeCategory,
  baseType: string,
  overrides: Partial<ColumnInfo> = {},
): ColumnInfo {
  return columnInfo({ name: name, dataType: baseType, baseType, category, ...overrides });
}

/** Rows are [id, customer_id, value]. */
const indexes = new Map([
  ['id', 0],
  ['customer_id', 1],
  ['value', 2],
]);

function shift(
  maxDays: number,
  options: { by?: string; col?: ColumnInfo; keys?: number[]; with?: KeyedSeeder } = {},
) {
  const action =
    options.by === undefined
      ? ({ kind: 'shift_date', max_days: maxDays } as const)
      : ({ kind: 'shift_date', max_days: maxDays, by: options.by } as const);
  return compileTransform(action, {
    column: options.col ?? column('value', 'date', 'date'),
    seeder: options.with ?? seeder,
    isUnique: false,
    columnIndexByName: indexes,
    rowKeyIndexes: options.keys ?? [0],
  });
}

function dayOf(text: string): number {
  const parsed = parsePgDateTime(text)!;
  return daysFromCivil(parsed.year, parsed.month, parsed.day);
}

function row(id: string, customer: string | null, value: string | null): Row {
  return [id, customer, value];
}

describe('compileTransform(shift_date)', () => {
  it('moves each row by a whole number of days within ±max_days, never 0', () => {
    const transform = shift(30);
    const offsets = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const offset =
        dayOf(transform('2024-02-29', row(String(i), null, '2024-02-29'))!) - dayOf('2024-02-29');
      expect(Math.abs(offset)).toBeGreaterThanOrEqual(1);
      expect(Math.abs(offset)).toBeLessThanOrEqual(30);
      offsets.add(offset);
    }
    expect(offsets.size).toBeGreaterThan(50);
  });

  it('keys the offset by the by column, so one customer’s dates move together', () => {
    const transform = shift(365, { by: 'customer_id' });
    const a = dayOf(transform('2024-01-01', row('1', 'c-7', null))!) - dayOf('2024-01-01');
    const b = dayOf(transform('2019-06-30', row('2', 'c-7', null))!) - dayOf('2019-06-30');
    expect(a).toBe(b);
  });

  it('falls back to the row key, then to the value', () => {
    const byKey = shift(365);
    const first = byKey('2024-01-01', row('42', null, null));
    expect(byKey('2024-01-01', row('42', 'anything', null))).toBe(first);
    const composite = shift(365, { keys: [0, 1] });
    expect(composite('2024-01-01', row('42', 'x', null))).toBe(composite('2024-01-01', row('42', 'x', null)));
    const byValue = shift(365, { keys: [] });
    expect(byValue('2024-01-01', row('1', null, null))).toBe(byValue('2024-01-01', row('2', null, null)));
  });

  it('keeps time of day, fractional seconds and zone offset of timestamps', () => {
    const tz = shift(30, { col: column('value', 'timestamp', 'timestamptz') });
    expect(tz('2024-01-31 10:00:00.123+05:30', row('1', null, null))).toMatch(
      /^\d{4}-\d\d-\d\d 10:00:00\.123\+05:30$/,
    );
    const plain = shift(30, { col: column('value', 'timestamp', 'timestamp') });
    expect(plain('2024-01-31 23:59:59', row('1', null, null))).toMatch(/^\d{4}-\d\d-\d\d 23:59:59$/);
  });

  it('shifts all date columns of a row alike, across date and timestamp columns', () => {
    const dates = shift(90);
    const stamps = shift(90, { col: column('value', 'timestamp', 'timestamp') });
    const r = row('7', null, null);
    const d = dayOf(dates('2024-05-01', r)!) - dayOf('2024-05-01');
    const t = dayOf(stamps('2024-05-01 08:00:00', r)!) - dayOf('2024-05-01');
    expect(d).toBe(t);
  });

  it('crosses into BC correctly', () => {
    const transform = shift(1);
    const outputs = new Set(
      Array.from({ length: 20 }, (_, i) => transform('0001-01-01', row(String(i), null, null))),
    );
    expect([...outputs].sort()).toEqual(['0001-01-02', '0001-12-31 BC']);
    expect(transform('0001-12-31 BC', row('x', null, null))).toMatch(/^(0001-01-01|0001-12-30 BC)$/);
  });

  it('leaves infinity, NULL, and everything when max_days is 0', () => {
    expect(shift(30)('infinity', row('1', null, null))).toBe('infinity');
    expect(shift(30)('-infinity', row('1', null, null))).toBe('-infinity');
    expect(shift(30)(null, row('1', null, null))).toBeNull();
    expect(shift(0)('2024-01-31', row('1', null, null))).toBe('2024-01-31');
  });

  it('shifts array elements by the row’s one offset', () => {
    const transform = shift(30, { col: column('value', 'array', '_date', { elementCategory: 'date' }) });
    const out = transform('{2024-01-01,NULL,2024-01-11}', row('3', null, null))!;
    const [first, , last] = out.slice(1, -1).split(',');
    expect(out).toMatch(/^\{\d{4}-\d\d-\d\d,NULL,\d{4}-\d\d-\d\d\}$/);
    expect(dayOf(last!) - dayOf(first!)).toBe(10);
  });

  it('depends on the key', () => {
    const mine = shift(1000);
    const theirs = shift(1000, { with: createKeyedSeeder(new Secret(Buffer.alloc(32, 2))) });
    const differ = Array.from({ length: 20 }, (_, i) => row(String(i), null, null)).filter(
      (r) => mine('2024-01-01', r) !== theirs('2024-01-01', r),
    );
    expect(differ.length).toBeGreaterThan(15);
  });

  it('refuses a by column the row does not have, as plan_invalid', () => {
    expect(() => shift(30, { by: 'missing' })).toThrow(
      expect.objectContaining({ code: 'plan_invalid' }) as Error,
    );
  });

  it('refuses non-ISO text without quoting it', () => {
    let caught: unknown;
    try {
      shift(30)('31.01.2024', row('1', null, null));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'internal' });
    expect((caught as Error).message).not.toContain('31.01.2024');
  });
});
