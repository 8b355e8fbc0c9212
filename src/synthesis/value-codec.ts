import type { ColumnInfo } from '../core/index.js';

/**
 * How a numeric-like column's text (PostgreSQL output, TimeZone UTC, DateStyle ISO) maps to a number
 * and back: integers and decimals as themselves, dates as days and timestamps as microseconds since
 * 1970-01-01 UTC (PostgreSQL's precision; below 2^53 until year 2255), times as seconds after midnight.
 */
export type NumericKind = 'integer' | 'decimal' | 'date' | 'timestamp' | 'timestamptz' | 'time';

export function numericKindOf(column: ColumnInfo): NumericKind | null {
  switch (column.category) {
    case 'integer':
      return 'integer';
    case 'decimal':
      return 'decimal';
    case 'date':
      return 'date';
    case 'timestamp':
      return column.baseType === 'timestamptz' ? 'timestamptz' : 'timestamp';
    case 'time':
      return column.baseType === 'time' ? 'time' : null;
    default:
      return null;
  }
}

const DAY_MS = 86_400_000;
const DAY_US = 86_400_000_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([+-])(\d{2})(?::?(\d{2}))?)?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** The number for a value, or null when the text is outside what the kind handles (infinity, BC, NaN). */
export function parseNumeric(kind: NumericKind, text: string): number | null {
  switch (kind) {
    case 'integer':
    case 'decimal': {
      if (!NUMBER.test(text)) return null;
      const value = Number(text);
      return Number.isFinite(value) ? value : null;
    }
    case 'date': {
      const m = DATE.exec(text);
      if (m === null) return null;
      return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
    }
    case 'timestamp':
    case 'timestamptz': {
      const m = TIMESTAMP.exec(text);
      if (m === null) return null;
      const fraction = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1_000_000);
      let us =
        Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) *
          1000 +
        fraction;
      if (m[8] !== undefined) {
        const offset = (Number(m[9]) * 60 + Number(m[10] ?? '0')) * 60_000_000;
        us -= m[8] === '+' ? offset : -offset;
      }
      return us;
    }
    case 'time': {
      const m = TIME.exec(text);
      if (m === null) return null;
      return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + (m[4] === undefined ? 0 : Number(m[4]));
    }
  }
}

/**
 * Whether two numbers of a column are one value. Parsed from text they are equal doubles; the small
 * tolerance covers decimals computed by rounding, and stays far below a microsecond for timestamps.
 */
export function sameNumber(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.min(Math.abs(a), 1e6));
}

/** Digits after the point in a decimal's text: the precision synthetic values keep. */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

/** The step a column's values move in: whole days for midnight timestamps, whole seconds, or finer. */
export function resolutionOf(kind: NumericKind, value: number): number {
  if (kind === 'timestamp' || kind === 'timestamptz') {
    if (value % DAY_US === 0) return DAY_US;
    if (value % 1_000_000 === 0) return 1_000_000;
    if (value % 1000 === 0) return 1000;
    return 1;
  }
  if (kind === 'time') return value % 1 === 0 ? 1 : 0.001;
  return 1;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Text for a synthetic number, rounded to the column's step (`decimals` for decimals, `resolution` else). */
export function formatNumeric(
  kind: NumericKind,
  value: number,
  decimals: number,
  resolution: number,
): string {
  switch (kind) {
    case 'integer':
      return String(Math.round(value));
    case 'decimal':
      return decimals === 0 ? String(Math.round(value)) : value.toFixed(decimals);
    case 'date': {
      const d = new Date(Math.round(value) * DAY_MS);
      return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    }
    case 'timestamp':
    case 'timestamptz': {
      const us = Math.round(value / resolution) * resolution;
      const micros = ((us % 1_000_000) + 1_000_000) % 1_000_000;
      const d = new Date((us - micros) / 1000);
      const text =
        `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
        `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
        (micros === 0 ? '' : `.${pad(micros, 6).replace(/0+$/, '')}`);
      return kind === 'timestamptz' ? `${text}+00` : text;
    }
    case 'time': {
      const total = Math.min(Math.max(0, Math.round(value / resolution) * resolution), 86_399.999);
      const h = Math.floor(total / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total - h * 3600 - m * 60;
      const whole = Math.floor(s);
      const ms = Math.round((s - whole) * 1000);
      return `${pad(h)}:${pad(m)}:${pad(whole)}${ms === 0 ? '' : `.${pad(ms, 3)}`}`;
    }
  }
}
