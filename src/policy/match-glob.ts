/** Whole-string glob match: `*` any run of characters (also none), `?` exactly one. Case-sensitive. */
export function matchGlob(pattern: string, text: string): boolean {
  const source = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'su').test(text);
}
