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

describe('compileTransform(redact_text) with span detection', () => {
  // A stand-in finder: spans at the positions of two known words (detection has its own tests).
  const findSpans = (text: string) =>
    [...text.matchAll(/Ada Lovelace|ada@example\.com/g)].map((m) => ({
      type: m[0].includes('@') ? 'EMAIL_ADDRESS' : 'PERSON',
      start: m.index,
      end: m.index + m[0].length,
      substitute: m[0].includes('@') ? ('email' as const) : ('full_name' as const),
    }));
  const withSpans = (action: ActionSpec) =>
    compileTransform(action, {
      column: column(),
      seeder,
      isUnique: false,
      columnIndexByName: new Map(),
      rowKeyIndexes: [],
      findSpans,
    });

  it('replaces only the personal spans, with the same fake each time they appear', () => {
    const out = withSpans({ kind: 'redact_text' })(
      'Ada Lovelace wrote from ada@example.com. Thanks, Ada Lovelace',
      [],
    );
    expect(out).not.toContain('Ada Lovelace');
    expect(out).not.toContain('ada@example.com');
    expect(out).toMatch(/^.+ wrote from \S+@\S+\. Thanks, .+$/);
    const [first, rest] = (out ?? '').split(' wrote from ');
    expect(rest?.endsWith(`Thanks, ${first}`)).toBe(true);
  });

  it('uses the fake a substituted column of the same kind would get', () => {
    const nameColumn = compileTransform(
      { kind: 'substitute', entity: 'full_name' },
      {
        column: column({ name: 'full_name' }),
        seeder,
        isUnique: false,
        columnIndexByName: new Map(),
        rowKeyIndexes: [],
      },
    );
    const fake = nameColumn('Ada Lovelace', []);
    expect(withSpans({ kind: 'redact_text' })('Hi Ada Lovelace!', [])).toBe(`Hi ${fake}!`);
  });

  it('writes typed placeholders when a placeholder template is given', () => {
    expect(
      withSpans({ kind: 'redact_text', placeholder: '<{type}>' })('Ada Lovelace, ada@example.com', []),
    ).toBe('<PERSON>, <EMAIL_ADDRESS>');
  });

  it('leaves text without spans untouched', () => {
    expect(withSpans({ kind: 'redact_text' })('order 42 shipped', [])).toBe('order 42 shipped');
  });
});
