/** Helpers shared by the checksum validators. */

/** The candidate with spaces, dashes, dots and slashes removed (the separators IDs are printed with). */
export function stripSeparators(candidate: string): string {
  return candidate.replace(/[\s./-]/g, '');
}

export function isDigits(s: string): boolean {
  return /^\d+$/.test(s);
}

/** True when every character is the same: `000000000`, `1111…` are placeholders, not identifiers. */
export function allSameChar(s: string): boolean {
  return s.length > 0 && s.split('').every((c) => c === s[0]);
}

/** Digit at position `i` as a number (callers have checked the string is all digits). */
export function digitAt(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/** Separators used between groups, in order: `123-45-6789` → ['-', '-']. */
export function separatorsOf(candidate: string): string[] {
  return candidate.match(/[^0-9A-Za-z]+/g) ?? [];
}

/** True when a date (1-based month) exists in the proleptic Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}
