import { describe, expect, it } from 'vitest';
import { selectRowsSql } from './select-rows-sql.js';

const table = { schema: 'public', name: 'people' };

describe('selectRowsSql', () => {
  it('a plain read is a COPY of the table (no SELECT)', () => {
    expect(selectRowsSql({ table, columns: ['id'], batchRows: 10 })).toBeNull();
  });

  it('samples the same pages every time: a block sample with a fixed seed, capped', () => {
    const sql = selectRowsSql({
      table,
      columns: ['id', 'email'],
      batchRows: 10,
      sample: { percent: 12.5, rows: 300 },
    });
    expect(sql).toBe(
      'SELECT "id", "email" FROM ONLY "public"."people" TABLESAMPLE SYSTEM (12.5) REPEATABLE (0) LIMIT 300',
    );
    // The whole table: no sample clause, only the cap.
    expect(selectRowsSql({ table, columns: ['id'], batchRows: 10, sample: { percent: 100, rows: 5 } })).toBe(
      'SELECT "id" FROM ONLY "public"."people" LIMIT 5',
    );
  });
});
