import type { PGlite } from '@electric-sql/pglite';
import type { Queryable } from './catalog.js';

/** Adapts PGlite's in-process `query` to the catalog's `Queryable` (rows only). */
export function pgliteQueryable(db: PGlite): Queryable {
  return {
    query: async <T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]> =>
      (await db.query<T>(sql, params === undefined ? undefined : [...params])).rows,
  };
}
