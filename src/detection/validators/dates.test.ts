import { describe, expect, it } from 'vitest';
import { isAge, isDate, isDateOfBirth, isDateTime, parseDate } from './dates.js';

describe('dates', () => {
  it('parses ISO, numeric and month-name dates in several languages', () => {
    expect(parseDate('1985-04-12')).toEqual({ year: 1985, month: 4, day: 12 });
    expect(parseDate('1985-04-12T10:30:00Z')).toEqual({ year: 1985, month: 4, day: 12 });
    expect(parseDate('12.04.1985')).toEqual({ year: 1985, month: 4, day: 12 });
    expect(parseDate('04/25/1985')).toEqual({ year: 1985, month: 4, day: 25 });
    expect(parseDate('12 March 1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('March 12, 1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('12. März 1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('12 de marzo de 1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('12 février 1985')).toEqual({ year: 1985, month: 2, day: 12 });
  });

  it('rejects dates that do not exist and non-dates', () => {
    for (const bad of [
      '1985-02-30',
      '2023-02-29',
      '31/31/1985',
      '1985-13-01',
      '12 Smarch 1985',
      '1.2.3',
      '0000-01-01',
    ]) {
      expect(isDate(bad)).toBe(false);
    }
    expect(isDate('2024-02-29')).toBe(true);
  });

  it('date-times include month-year and times of day', () => {
    expect(isDateTime('March 2021')).toBe(true);
    expect(isDateTime('14:30')).toBe(true);
    expect(isDateTime('2:30 pm')).toBe(true);
    expect(isDateTime('13:30 pm')).toBe(false);
    expect(isDateTime('25:00')).toBe(false);
  });

  it('date of birth: past and within 120 years; age 0–120', () => {
    expect(isDateOfBirth('1985-04-12')).toBe(true);
    expect(isDateOfBirth(`${new Date().getUTCFullYear() + 1}-01-01`)).toBe(false);
    expect(isDateOfBirth('1870-01-01')).toBe(false);
    expect(isAge('42')).toBe(true);
    expect(isAge('121')).toBe(false);
  });
});
