import type { SeedStream } from './seed-stream.js';

/** Characters a cut may not end on: a fake never ends in a dangling separator. */
function isDanglingSeparator(code: number): boolean {
  // space . , - _ / ' (
  return (
    code === 32 ||
    code === 46 ||
    code === 44 ||
    code === 45 ||
    code === 95 ||
    code === 47 ||
    code === 39 ||
    code === 40
  );
}

/**
 * Cuts `text` to at most `maxLength` characters, then drops trailing separators (keeping at least one
 * character). Fakes are built from BMP characters only, so `length` counts characters.
 */
export function fitLength(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 0) return '';
  let end = maxLength;
  while (end > 1 && isDanglingSeparator(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

const fittingCache = new WeakMap<readonly string[], Map<number, readonly string[]>>();

/**
 * The items of `list` no longer than `maxLength` (cached per list and length), or `list` itself when
 * none is short enough: the caller then cuts with `fitLength`.
 */
export function itemsFitting(list: readonly string[], maxLength: number): readonly string[] {
  if (maxLength === Infinity) return list;
  let byLength = fittingCache.get(list);
  if (byLength === undefined) {
    byLength = new Map();
    fittingCache.set(list, byLength);
  }
  let items = byLength.get(maxLength);
  if (items === undefined) {
    const fitting = list.filter((item) => item.length <= maxLength);
    items = fitting.length === 0 || fitting.length === list.length ? list : Object.freeze(fitting);
    byLength.set(maxLength, items);
  }
  return items;
}

/** Length of the longest item. */
export function longest(list: readonly string[]): number {
  let max = 0;
  for (const item of list) if (item.length > max) max = item.length;
  return max;
}

/** Length of the shortest item. */
export function shortest(list: readonly string[]): number {
  let min = Infinity;
  for (const item of list) if (item.length < min) min = item.length;
  return min;
}

/** A seeded pick among the items that fit, cut if none does. */
export function pickFitting(stream: SeedStream, list: readonly string[], maxLength: number): string {
  return fitLength(stream.pick(itemsFitting(list, maxLength)), maxLength);
}

/** Whole bits of entropy in a uniform choice among `count` outcomes. */
export function bitsOf(count: number): number {
  return Math.floor(Math.log2(count));
}
