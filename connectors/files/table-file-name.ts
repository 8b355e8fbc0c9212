import type { TableRef } from '../../src/core/index.js';

/** Letters (any script), digits, `_` and `-` stay; everything else (`.`, `/`, `%`, spaces…) is %-encoded. */
const KEEP = /[\p{L}\p{N}_-]/u;

function encodePart(name: string): string {
  let out = '';
  for (const char of name) {
    out += KEEP.test(char)
      ? char
      : [...Buffer.from(char, 'utf8')]
          .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
          .join('');
  }
  return out;
}

/**
 * `schema.table.ext`, safe on any file system: the one `.` between schema and table is the only one, so
 * `a.b` + `c` and `a` + `b.c` never share a file.
 */
export function tableFileName(table: TableRef, extension: string): string {
  return `${encodePart(table.schema)}.${encodePart(table.name)}.${extension}`;
}
