import { describe, expect, it } from 'vitest';

import { civilFromDays, daysFromCivil, formatPgDateTime, parsePgDateTime } from './pg-date-time.js';

describe('daysFromCivil / civilFromDays', () => {
  it('agree with Date.UTC over four centuries, leap days included', () => {
    for (let days = daysFromCivil(1800, 1, 1); days < daysFromCivil(2200, 1, 1); days += 7) {
      const date = new Date(days * 86_400_000);
      const civil = civilFromDays(days);
      expect(civil).toEqual({
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
      });
      expect(daysFromCivil(civil.year, civil.month, civil.day)).toBe(days);
    }
    expect(civilFromDays(daysFromCivil(2024, 2, 28) + 1)).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('round-trip astronomical years before year 1', () => {
    for (const [y, m, d] of [
      [0, 2, 29],
      [-43, 3, 15],
      [-4712, 1, 1],
    ] as const) {
      expect(civilFromDays(daysFromCivil(y, m, d))).toEqual({ year: y, month: m, day: d });
    }
  });
});

describe('parsePgDateTime / formatPgDateTime', () => {
  it('read dates, timestamps with fractions and zone offsets', () => {
    expect(parsePgDateTime('2024-01-31')).toEqual({ year: 2024, month: 1, day: 31, rest: '' });
    expect(parsePgDateTime('2024-01-31 10:00:00.123456')?.rest).toBe(' 10:00:00.123456');
    expect(parsePgDateTime('2024-01-31 10:00:00+05:30')?.rest).toBe(' 10:00:00+05:30');
    expect(parsePgDateTime('1890-01-01 00:00:00+00:53:28')?.rest).toBe(' 00:00:00+00:53:28');
    expect(parsePgDateTime('12024-01-31')?.year).toBe(12024);
  });

  it('read BC as astronomical years and write them back', () => {
    const parsed = parsePgDateTime('0044-03-15 10:00:00+00 BC');
    expect(parsed).toEqual({ year: -43, month: 3, day: 15, rest: ' 10:00:00+00' });
    expect(formatPgDateTime(-43, 3, 15, ' 10:00:00+00')).toBe('0044-03-15 10:00:00+00 BC');
    expect(formatPgDateTime(0, 12, 31, '')).toBe('0001-12-31 BC');
  });

  it('refuse other date styles', () => {
    expect(parsePgDateTime('01/31/2024')).toBeNull();
    expect(parsePgDateTime('Wed Jan 31 10:00:00 2024 PST')).toBeNull();
    expect(parsePgDateTime('2024-01-31T10:00:00Z')).toBeNull();
  });
});
