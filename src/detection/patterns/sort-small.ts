/** Above this many items the built-in sort is used. */
const INSERTION_UP_TO = 32;

/**
 * `items.sort(compare)`, in place: the same order (both sorts are stable, and the comparators here are
 * consistent numeric ones), without what the built-in sort allocates per call (its sort state and work
 * arrays: ~0.4 KB and ~100 ns for two items) — detection sorts a handful of spans several times per text.
 */
export function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  if (items.length > INSERTION_UP_TO) return items.sort(compare);
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(items[j] as T, item) > 0) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}
