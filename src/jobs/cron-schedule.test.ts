import { describe, expect, it } from 'vitest';
import { isCronExpression, parseCronSchedule } from './cron-schedule.js';

const at = (iso: string): Date => new Date(iso);
const next = (expression: string, after: string): string | undefined =>
  parseCronSchedule(expression).next(at(after))?.toISOString();

describe('parseCronSchedule', () => {
  it('finds the next Monday 06:00 UTC for "0 6 * * 1"', () => {
    // 2026-11-27 is a Friday.
    expect(next('0 6 * * 1', '2026-11-27T12:00:00Z')).toBe('2026-11-30T06:00:00.000Z');
    // Strictly after: at 06:00 on a Monday, the next one is a week later.
    expect(next('0 6 * * 1', '2026-11-30T06:00:00Z')).toBe('2026-12-07T06:00:00.000Z');
    expect(next('0 6 * * 1', '2026-11-30T05:59:30Z')).toBe('2026-11-30T06:00:00.000Z');
  });

  it('handles every minute, steps, ranges and lists', () => {
    expect(next('* * * * *', '2026-11-27T12:00:10Z')).toBe('2026-11-27T12:01:00.000Z');
    expect(next('*/15 * * * *', '2026-11-27T12:16:00Z')).toBe('2026-11-27T12:30:00.000Z');
    expect(next('5,35 9-17/4 * * *', '2026-11-27T13:35:00Z')).toBe('2026-11-27T17:05:00.000Z');
    expect(next('0 0 1 1 *', '2026-11-27T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('treats 7 as Sunday and ORs restricted day-of-month and day-of-week (Vixie cron)', () => {
    expect(next('0 0 * * 7', '2026-11-27T00:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    // The 1st of the month or any Sunday, whichever is first.
    expect(next('0 0 1 * 0', '2026-11-27T00:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    expect(next('0 0 1 * 0', '2026-11-29T00:00:00Z')).toBe('2026-12-01T00:00:00.000Z');
  });

  it('finds 29 February years ahead', () => {
    expect(next('0 12 29 2 *', '2026-11-27T00:00:00Z')).toBe('2028-02-29T12:00:00.000Z');
  });

  it('refuses malformed or impossible expressions', () => {
    for (const bad of [
      '',
      '* * * *',
      '* * * * * *',
      '60 * * * *',
      '* 24 * * *',
      '* * 0 * *',
      '* * * 13 *',
      '* * * * 8',
      '5-1 * * * *',
      '*/0 * * * *',
      '5/10 * * * *',
      '0 6 * * MON',
      '@daily',
      '0 0 31 2 *',
      '1,,2 * * * *',
    ])
      expect(isCronExpression(bad), bad).toBe(false);
    expect(() => parseCronSchedule('0 6 * * 9')).toThrow(/day of week field: out of range/);
  });
});
