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

describe('compileTransform(redact_text) with mode: placeholder', () => {
  // Stand-in finder: two people and an e-mail address (detection has its own tests).
  const findSpans = (text: string) =>
    [...text.matchAll(/ada lovelace|bob stone|ada@example\.com/gi)].map((m) => ({
      type: m[0].includes('@') ? 'EMAIL_ADDRESS' : 'PERSON',
      start: m.index,
      end: m.index + m[0].length,
      substitute: m[0].includes('@') ? ('email' as const) : ('full_name' as const),
    }));
  const context = (overrides: Partial<ColumnInfo> = {}, spans: typeof findSpans | null = findSpans) => ({
    column: column(overrides),
    seeder,
    isUnique: false,
    columnIndexByName: new Map<string, number>(),
    rowKeyIndexes: [],
    ...(spans === null ? {} : { findSpans: spans }),
  });
  const numbered: ActionSpec = { kind: 'redact_text', mode: 'placeholder' };

  it('numbers placeholders per type, the same value keeping its number (case and spacing aside)', () => {
    const out = compileTransform(numbered, context())(
      'Ada Lovelace wrote from ada@example.com. cc Bob Stone. Thanks, ADA LOVELACE',
      [],
    );
    expect(out).toBe('<PERSON_1> wrote from <EMAIL_ADDRESS_1>. cc <PERSON_2>. Thanks, <PERSON_1>');
  });

  it('numbers each value on its own, and the same value always the same way, whatever the key', () => {
    const transform = compileTransform(numbered, context());
    expect(transform('Bob Stone', [])).toBe('<PERSON_1>');
    expect(transform('Ada Lovelace and Bob Stone', [])).toBe('<PERSON_1> and <PERSON_2>');
    expect(transform('Ada Lovelace and Bob Stone', [])).toBe('<PERSON_1> and <PERSON_2>');
    const otherKey = compileTransform(numbered, {
      ...context(),
      seeder: createKeyedSeeder(new Secret(Buffer.alloc(32, 2))),
    });
    expect(otherKey('Ada Lovelace and Bob Stone', [])).toBe('<PERSON_1> and <PERSON_2>');
  });

  it('fills a custom template with {type} and {n}, and cuts it to the column', () => {
    const custom = compileTransform({ ...numbered, placeholder: '[{type}#{n}]' }, context());
    expect(custom('Bob Stone, Ada Lovelace', [])).toBe('[PERSON#1], [PERSON#2]');
    const short = compileTransform(
      numbered,
      context({ dataType: 'character varying(12)', baseType: 'varchar', maxLength: 12 }),
    );
    expect(short('Hi Bob Stone!', [])).toBe('Hi <PERSON_1');
  });

  it('numbers across the elements of one array value', () => {
    const arrays = compileTransform(
      numbered,
      context({ dataType: 'text[]', baseType: '_text', category: 'array', elementCategory: 'string' }),
    );
    expect(arrays('{"Bob Stone","Ada Lovelace","bob stone",NULL}', [])).toBe(
      '{<PERSON_1>,<PERSON_2>,<PERSON_1>,NULL}',
    );
  });

  it('numbers whole values as TEXT without span detection, and keeps NULL', () => {
    const whole = compileTransform(numbered, context({}, null));
    expect(whole('anything at all', [])).toBe('<TEXT_1>');
    expect(whole(null, [])).toBeNull();
  });

  it('keeps the numbering of one JSON document across its leaves', () => {
    const json = compileTransform(
      {
        kind: 'json',
        paths: { '$.from': numbered, '$.notes[*]': numbered, '$.body': { kind: 'redact_text' } },
        other: 'keep',
      },
      context({ name: 'doc', dataType: 'jsonb', baseType: 'jsonb', category: 'json' }),
    );
    const out = JSON.parse(
      json(
        '{"from": "Bob Stone <ada@example.com>", "notes": ["Ada Lovelace called", "Bob Stone again"], "body": "Bob Stone"}',
        [],
      ) ?? 'null',
    ) as { from: string; notes: string[]; body: string };
    expect(out.from).toBe('<PERSON_1> <<EMAIL_ADDRESS_1>>');
    expect(out.notes).toEqual(['<PERSON_2> called', '<PERSON_1> again']);
    // A leaf in the default mode still gets the consistent fake.
    expect(out.body).not.toContain('Bob Stone');
    expect(out.body).not.toMatch(/^</);
  });
});
