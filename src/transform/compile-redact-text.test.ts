import { columnInfo } from '../../test/helpers/column-info.js';
import { describe, expect, it } from 'vitest';

import { Secret } from '../core/index.js';
import type { ActionSpec, ColumnInfo } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 1)));

function column(overrides: Partial<ColumnInfo> = {}): ColumnInfo {
  return columnInfo({ name: 'notes', ...overrides });
}

function redact(action: ActionSpec, col = column()) {
  return compileTransform(action, {
    column: col,
    seeder,
    isUnique: false,
    columnIndexByName: new Map(),
    rowKeyIndexes: [],
  });
}

describe('compileTransform(redact_text)', () => {
  it('replaces text with [REDACTED] by default, or the placeholder given', () => {
    expect(redact({ kind: 'redact_text' })('Call Ada on 555-0142', [])).toBe('[REDACTED]');
    expect(redact({ kind: 'redact_text', placeholder: '(removed)' })('anything', [])).toBe('(removed)');
  });

  it('cuts the placeholder to the column length', () => {
    const short = column({ dataType: 'character varying(4)', baseType: 'varchar', maxLength: 4 });
    expect(redact({ kind: 'redact_text' }, short)('secret', [])).toBe('[RED');
  });

  it('keeps NULL and redacts array elements', () => {
    const arrayColumn = column({
      dataType: 'text[]',
      baseType: '_text',
      category: 'array',
      elementCategory: 'string',
    });
    expect(redact({ kind: 'redact_text' })(null, [])).toBeNull();
    expect(redact({ kind: 'redact_text' }, arrayColumn)('{a,NULL}', [])).toBe('{[REDACTED],NULL}');
  });
});
