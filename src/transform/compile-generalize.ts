import type { ColumnInfo } from '../core/index.js';
import { GatewayError } from '../core/index.js';
import {
  describeColumn,
  fitting,
  notFitting,
  perValue,
  valueBaseType,
  valueCategory,
} from './column-shape.js';
import { formatPgDateTime, isInfinite, parsePgDateTime, parseTimeRest } from './pg-date-time.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

type Precision = NonNullable<ActionOf<'generalize'>['to']>;

const PRECISIONS: readonly Precision[] = ['year', 'month', 'day', 'hour'];

/** Integer types' bounds: a floor below the minimum moves up one bucket instead. */
const INTEGER_MIN: Readonly<Record<string, bigint>> = {
  int2: -32_768n,
  int4: -2_147_483_648n,
  int8: -9_223_372_036_854_775_808n,
};

const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function notADate(column: ColumnInfo): GatewayError {
  return new GatewayError('internal', `${describeColumn(column)}: a value is not an ISO date or timestamp`, {
    column: column.name,
  });
}

/** `2024-03-17 10:42:07.5+05:30` → `2024-03-01 00:00:00+05:30` for `month`: zone and era kept. */
function generalizeDateTime(column: ColumnInfo, to: Precision): (value: string) => string {
  const isDate = valueCategory(column) === 'date';
  return (value) => {
    if (isInfinite(value)) return value;
    const parsed = parsePgDateTime(value);
    if (parsed === null || (isDate && parsed.rest !== '')) throw notADate(column);
    const month = to === 'year' ? 1 : parsed.month;
    const day = to === 'year' || to === 'month' ? 1 : parsed.day;
    if (isDate) return formatPgDateTime(parsed.year, month, day, '');
    const time = parseTimeRest(parsed.rest);
    if (time === null) throw notADate(column);
    const hour = to === 'hour' ? time.hour : '00';
    return formatPgDateTime(parsed.year, month, day, ` ${hour}:00:00${time.zone}`);
  };
}

function scaled(whole: string, fraction: string, scale: number): bigint {
  return BigInt(whole + fraction.padEnd(scale, '0'));
}

function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${whole}` : whole;
}

/** Floors plain decimal text to a multiple of `bucket` exactly (scaled integers, no float rounding). */
function generalizeNumber(column: ColumnInfo, bucket: number): (value: string) => string {
  const bucketText = String(bucket);
  const bucketParts = /e/i.test(bucketText) ? null : bucketText.split('.');
  const minimum = valueCategory(column) === 'integer' ? INTEGER_MIN[valueBaseType(column)] : undefined;
  return (value) => {
    const match = PLAIN_DECIMAL.exec(value);
    if (match === null || bucketParts === null) {
      // Exponent forms, NaN and ±Infinity (floats): float arithmetic; non-finite values stay.
      const number = Number(value);
      return Number.isFinite(number) ? String(Math.floor(number / bucket) * bucket) : value;
    }
    const fraction = match[3] ?? '';
    const bucketFraction = bucketParts[1] ?? '';
    const scale = Math.max(fraction.length, bucketFraction.length);
    const step = scaled(bucketParts[0]!, bucketFraction, scale);
    const magnitude = scaled(match[2]!, fraction, scale);
    const signed = match[1] === '-' ? -magnitude : magnitude;
    let quotient = signed / step;
    if (quotient * step > signed) quotient -= 1n;
    let floored = quotient * step;
    if (minimum !== undefined && floored < minimum) floored += step;
    return formatScaled(floored, scale);
  };
}

/** The first `prefix` characters (code points, not UTF-16 units). */
function generalizeString(prefix: number): (value: string) => string {
  return (value) => {
    if (value.length <= prefix) return value;
    let end = 0;
    for (let count = 0; count < prefix && end < value.length; count++) {
      const code = value.charCodeAt(end);
      end += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    return value.slice(0, end);
  };
}

/**
 * Coarsens each value: dates and timestamps to the start of their year, month, day or hour (keeping
 * the printed zone offset and era); numbers down to a multiple of `bucket`; text to its first `prefix`
 * characters. Which option applies follows the column's category (see `fitGeneralize`).
 */
export function compileGeneralize(action: ActionOf<'generalize'>, context: ColumnContext): ValueTransform {
  const { column } = context;
  switch (valueCategory(column)) {
    case 'date':
    case 'timestamp':
      return perValue(column, generalizeDateTime(column, action.to ?? 'year'));
    case 'integer':
    case 'decimal':
      return perValue(column, generalizeNumber(column, action.bucket ?? 1));
    default:
      return perValue(column, generalizeString(action.prefix ?? 1));
  }
}

export function fitGeneralize(action: ActionOf<'generalize'>, column: ColumnInfo): OutputFit {
  const where = describeColumn(column);
  switch (valueCategory(column)) {
    case 'date':
    case 'timestamp':
      if (action.to === undefined || !PRECISIONS.includes(action.to)) {
        return notFitting(`${where} is a date or timestamp: generalize needs to: year, month, day or hour`);
      }
      return fitting(true);
    case 'integer':
    case 'decimal': {
      const { bucket } = action;
      if (bucket === undefined || !Number.isFinite(bucket) || bucket <= 0) {
        return notFitting(`${where} is numeric: generalize needs a positive bucket`);
      }
      if (valueCategory(column) === 'integer' && !Number.isInteger(bucket)) {
        return notFitting(`${where} is an integer column: the generalize bucket must be a whole number`);
      }
      return fitting(true);
    }
    case 'string':
      if (action.prefix === undefined || !Number.isInteger(action.prefix) || action.prefix < 1) {
        return notFitting(`${where} is text: generalize needs a prefix of at least 1 character`);
      }
      return fitting(true);
    default:
      return notFitting(`${where}: generalize applies to date, timestamp, numeric and text columns`);
  }
}
