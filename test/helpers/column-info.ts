import type { ColumnInfo } from '../../src/core/index.js';

/** A nullable text column; override what a test is about. */
export function columnInfo(overrides: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name: 'value',
    dataType: 'text',
    baseType: 'text',
    category: 'string',
    elementCategory: null,
    maxLength: null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
    ...overrides,
  };
}
