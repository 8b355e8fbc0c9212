import type { SeedStream } from './seed-stream.js';
import { FIRST_NAMES, LAST_NAMES } from './word-lists.js';

/** Lowercase handles (letters only, no apostrophes): the lists are filtered to plain letters. */
const FIRST = FIRST_NAMES.map((name) => name.toLowerCase());
const LAST = LAST_NAMES.map((name) => name.toLowerCase());

/** Length of the longest handle `nameHandle` builds. */
export const LONGEST_HANDLE =
  Math.max(...FIRST.map((f) => f.length)) + 1 + Math.max(...LAST.map((l) => l.length)) + 4;

/**
 * A handle such as `jane.doe`, `jdoe`, `jane_doe`, `janedoe84` or `doe.jane`: the local part of an email
 * or a username, from a first and a last name drawn from the same seed so it reads like a person's.
 */
export function nameHandle(stream: SeedStream): string {
  const first = stream.pick(FIRST);
  const last = stream.pick(LAST);
  switch (stream.below(8)) {
    case 0:
    case 1:
      return `${first}.${last}`;
    case 2:
      return `${first}_${last}`;
    case 3:
      return `${first.charAt(0)}${last}`;
    case 4:
      return `${first}${last}`;
    case 5:
      return `${first}.${last}${stream.between(10, 99)}`;
    case 6:
      return `${last}.${first}`;
    default:
      return `${first}${stream.between(1950, 2005)}`;
  }
}

/** Cuts a handle to `length` (≥ 1) without leaving a trailing `.` or `_`. */
export function cutHandle(handle: string, length: number): string {
  let end = Math.min(handle.length, length);
  while (end > 1) {
    const code = handle.charCodeAt(end - 1);
    if (code !== 46 && code !== 95) break;
    end--;
  }
  return handle.slice(0, end);
}
