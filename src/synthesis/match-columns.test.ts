import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import type { TableInfo } from '../core/index.js';
import { exactMatchColumns } from './match-columns.js';
import { buildQualityReport } from './report/index.js';

const int = (name: string) =>
  columnInfo({ name, dataType: 'integer', baseType: 'int4', category: 'integer', isNullable: false });
const ts = (name: string) =>
  columnInfo({ name, dataType: 'timestamp', baseType: 'timestamp', category: 'timestamp' });

const RENTAL: TableInfo = {
  ref: { schema: 'public', name: 'rental' },
  kind: 'table',
  parent: null,
  columns: [
    int('rental_id'),
    ts('rental_date'),
    int('inventory_id'),
    int('customer_id'),
    ts('return_date'),
    columnInfo({ name: 'note' }),
    { ...columnInfo({ name: 'computed' }), isGenerated: true },
  ],
  constraints: [],
  uniqueColumnSets: [['rental_id'], ['rental_date', 'inventory_id', 'customer_id']],
  estimatedRows: 0,
};

describe('exactMatchColumns', () => {
  it('keeps non-key attributes of a unique set (a date) and drops generated keys and foreign keys', () => {
    expect(exactMatchColumns(RENTAL, new Set(['inventory_id', 'customer_id']))).toEqual([
      'rental_date',
      'return_date',
      'note',
    ]);
  });

  it('compares an integer column that is in no unique set and no foreign key', () => {
    const table = { ...RENTAL, uniqueColumnSets: [] };
    expect(exactMatchColumns(table, new Set())).toEqual([
      'rental_id',
      'rental_date',
      'inventory_id',
      'customer_id',
      'return_date',
      'note',
    ]);
  });
});

describe('per-table exact-match rate in the report', () => {
  it('counts synthetic rows whose compared tuple equals a real one, per table and overall', () => {
    const report = buildQualityReport(
      [
        {
          table: 't',
          columns: [],
          rowKeys: { real: ['a|1', 'b|2', 'c|3'], synthetic: ['a|1', 'x|9', 'y|8', 'z|7'] },
        },
        { table: 'u', columns: [], rowKeys: { real: ['q'], synthetic: ['r', 's'] } },
      ],
      [],
    );
    expect(report.tables.map((t) => t.exactMatchRate)).toEqual([0.25, 0]);
    expect(report.privacy.exactMatchRate).toBeCloseTo(1 / 6, 12);
  });
});
