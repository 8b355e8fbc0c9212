import type { ColumnInfo, Row } from '../core/index.js';
import { GatewayError, ownString } from '../core/index.js';
import { describeColumn, fitting, notFitting, perValue, valueCategory } from './column-shape.js';
import {
  civilFromDays,
  daysFromCivil,
  formatPgDateTime,
  isInfinite,
  parsePgDateTime,
} from './pg-date-time.js';
import type { ActionOf, ColumnContext, OutputFit, ValueTransform } from './value-transform.js';

/** Seed scope of date shifts: one key value shifts alike in every table (orders by customer_id, customers by id). */
export const SHIFT_DATE_SCOPE = 'shift_date';
/** ~2700 years: larger shifts leave PostgreSQL's date range for ordinary dates. */
export const MAX_SHIFT_DAYS = 1_000_000;
const MEMO_LIMIT = 50_000;

/** A whole number of days in ±maxDays, never 0 unless maxDays is 0, from seed bytes 0..4. */
function offsetFromSeed(seed: Uint8Array, maxDays: number): number {
  if (maxDays === 0) return 0;
  const word = ((seed[0]! << 24) | (seed[1]! << 16) | (seed[2]! << 8) | seed[3]!) >>> 0;
  const magnitude = 1 + (word % maxDays);
  return (seed[4]! & 1) === 1 ? -magnitude : magnitude;
}

/**
 * Moves dates and timestamps by a keyed whole number of days, keeping time of day, zone offset and era.
 * The offset is keyed by the `by` column's value; when there is no `by` (or it is NULL in this row), by
 * the row's primary key values; without a primary key, by the value itself. `infinity` stays.
 */
export function compileShiftDate(action: ActionOf<'shift_date'>, context: ColumnContext): ValueTransform {
  const { column, seeder, rowKeyIndexes } = context;
  const maxDays = action.max_days;
  let byIndex = -1;
  if (action.by !== undefined) {
    const index = context.columnIndexByName.get(action.by);
    if (index === undefined) {
      throw new GatewayError(
        'plan_invalid',
        `${describeColumn(column)}: shift_date by "${action.by}", but the row has no such column`,
        { column: column.name },
      );
    }
    byIndex = index;
  }

  const offsets = new Map<string, number>();
  const offsetFor = (key: string): number => {
    let offset = offsets.get(key);
    if (offset === undefined) {
      offset = offsetFromSeed(seeder.seed(SHIFT_DATE_SCOPE, key), maxDays);
      if (offsets.size >= MEMO_LIMIT) offsets.clear();
      offsets.set(ownString(key), offset);
    }
    return offset;
  };
  const keyOf = (value: string, row: Row): string => {
    if (byIndex >= 0) {
      const by = row[byIndex];
      if (by !== null && by !== undefined) return by;
    }
    if (rowKeyIndexes.length === 1) return row[rowKeyIndexes[0]!] ?? value;
    if (rowKeyIndexes.length > 1) return rowKeyIndexes.map((i) => row[i] ?? '').join('\0');
    return value;
  };

  return perValue(column, (value, row) => {
    if (isInfinite(value)) return value;
    const parsed = parsePgDateTime(value);
    if (parsed === null) {
      throw new GatewayError(
        'internal',
        `${describeColumn(column)}: a value is not an ISO date or timestamp`,
        {
          column: column.name,
        },
      );
    }
    const shifted = civilFromDays(
      daysFromCivil(parsed.year, parsed.month, parsed.day) + offsetFor(keyOf(value, row)),
    );
    return formatPgDateTime(shifted.year, shifted.month, shifted.day, parsed.rest);
  });
}

export function fitShiftDate(action: ActionOf<'shift_date'>, column: ColumnInfo): OutputFit {
  const category = valueCategory(column);
  if (category !== 'date' && category !== 'timestamp') {
    return notFitting(`${describeColumn(column)} is not a date or timestamp column; shift_date moves dates`);
  }
  const maxDays = action.max_days;
  if (!Number.isInteger(maxDays) || maxDays < 0 || maxDays > MAX_SHIFT_DAYS) {
    return notFitting(
      `${describeColumn(column)}: shift_date max_days must be a whole number from 0 to ${MAX_SHIFT_DAYS}`,
    );
  }
  return fitting(true);
}
