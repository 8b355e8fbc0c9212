import { columnInfo } from '../../test/helpers/column-info.js';
import { describe, expect, it } from 'vitest';

import { ACTION_KINDS, Secret } from '../core/index.js';
import type { ActionSpec, ColumnInfo } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';
import type { ColumnContext } from './value-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 1)));

function column(overrides: Partial<ColumnInfo> = {}): ColumnInfo {
  return columnInfo({ name: 'email', ...overrides });
}

function context(col = column()): ColumnContext {
  return {
    column: col,
    seeder,
    isUnique: false,
    columnIndexByName: new Map([['email', 0]]),
    rowKeyIndexes: [],
  };
}

/** One valid spec per action kind, for a text column. */
const SPECS: readonly ActionSpec[] = [
  { kind: 'keep' },
  { kind: 'substitute', entity: 'email' },
  { kind: 'mask', keep_first: 1, keep_last: 0, char: '*' },
  { kind: 'hash' },
  { kind: 'encrypt', alphabet: 'auto' },
  { kind: 'nullify' },
  { kind: 'generalize', prefix: 2 },
  { kind: 'redact_text' },
];

describe('compileTransform', () => {
  it('keeps values as they are for keep', () => {
    const keep = compileTransform({ kind: 'keep' }, context());
    expect(keep('ada@corp.invalid', [])).toBe('ada@corp.invalid');
    expect(keep(null, [])).toBeNull();
  });

  it('writes NULL for nullify', () => {
    expect(compileTransform({ kind: 'nullify' }, context())('ada@corp.invalid', [])).toBeNull();
  });

  it('keeps NULL as NULL for every action', () => {
    for (const spec of SPECS) expect(compileTransform(spec, context())(null, []), spec.kind).toBeNull();
    const dates = column({ name: 'born', category: 'date', baseType: 'date', dataType: 'date' });
    expect(compileTransform({ kind: 'shift_date', max_days: 5 }, context(dates))(null, [null])).toBeNull();
  });

  it('gives the same output on repeated calls for every action', () => {
    for (const spec of SPECS) {
      const transform = compileTransform(spec, context());
      expect(transform('ada@corp.invalid', []), spec.kind).toBe(transform('ada@corp.invalid', []));
    }
  });

  it('covers every action kind but drop with a spec above', () => {
    const covered = new Set<string>([...SPECS.map((s) => s.kind), 'shift_date', 'json', 'drop']);
    expect([...ACTION_KINDS].filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it('refuses drop as internal: the pipeline applies it', () => {
    expect(() => compileTransform({ kind: 'drop' }, context())).toThrow(
      expect.objectContaining({ code: 'internal', details: { column: 'email' } }) as Error,
    );
  });

  it('refuses an action that cannot fit the column as preflight_failed, naming the column', () => {
    const int4 = column({ name: 'age', category: 'integer', baseType: 'int4', dataType: 'integer' });
    const notNull = column({ isNullable: false });
    for (const [spec, col] of [
      [{ kind: 'substitute', entity: 'email' }, int4],
      [{ kind: 'nullify' }, notNull],
    ] as const) {
      expect(() => compileTransform(spec, context(col))).toThrow(
        expect.objectContaining({ code: 'preflight_failed', details: { column: col.name } }) as Error,
      );
    }
  });
});
