import { bitsOf, fitLength } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

/** Ages are counted at this fixed date, not "now", so a fake never changes with the calendar. */
export const DATE_OF_BIRTH_REFERENCE = '2025-01-01';
export const MIN_AGE_YEARS = 18;
export const MAX_AGE_YEARS = 90;

const DAY_MS = 86_400_000;
const reference = Date.parse(`${DATE_OF_BIRTH_REFERENCE}T00:00:00Z`);
const { year, month, day } = ((d: Date) => ({
  year: d.getUTCFullYear(),
  month: d.getUTCMonth(),
  day: d.getUTCDate(),
}))(new Date(reference));
/** Born on the reference day 18 years earlier: just 18. */
const latest = Date.UTC(year - MIN_AGE_YEARS, month, day);
/** Born the day after the reference day 91 years earlier: still 90. */
const earliest = Date.UTC(year - MAX_AGE_YEARS - 1, month, day) + DAY_MS;
const spanDays = (latest - earliest) / DAY_MS + 1;

/** All ~26.7k dates as text, built on first use: a lookup instead of `toISOString` (~600 ns a value). */
let datesText: readonly string[] | undefined;

function dateText(offset: number): string {
  datesText ??= Array.from({ length: spanDays }, (_, i) =>
    new Date(earliest + i * DAY_MS).toISOString().slice(0, 10),
  );
  return datesText[offset]!;
}

/** ISO `YYYY-MM-DD` for someone aged 18–90 on 2025-01-01 (born 1934-01-02 … 2007-01-01). */
export const fakeDateOfBirth: KindGenerator = {
  output: {
    categories: ['date', 'timestamp', 'string'],
    minLength: 10,
    typicalMaxLength: 10,
    canBeUnique: false,
  },
  generate(seed, maxLength) {
    return fitLength(dateText(new SeedStream(seed).below(spanDays)), maxLength);
  },
  uniqueCapacityBits: () => bitsOf(spanDays),
};
