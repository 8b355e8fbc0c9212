import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';

import { Secret } from '../core/index.js';
import type { ActionSpec, ColumnInfo, EntityKind } from '../core/index.js';
import { createKeyedSeeder, fakeValue } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';
import type { ColumnContext } from './value-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.from(Array.from({ length: 32 }, (_, i) => i))));
const otherSeeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 9)));

const column = columnInfo;

function context(col: ColumnInfo, extra: Partial<ColumnContext> = {}): ColumnContext {
  return { column: col, seeder, isUnique: false, columnIndexByName: new Map(), rowKeyIndexes: [], ...extra };
}

function substitute(entity: EntityKind, scope?: string): ActionSpec {
  return scope === undefined ? { kind: 'substitute', entity } : { kind: 'substitute', entity, scope };
}

describe('compileTransform(substitute)', () => {
  it('writes fakeValue(kind, seed(kind, value)) with the column length and the source length', () => {
    const col = column({ dataType: 'character varying(30)', baseType: 'varchar', maxLength: 30 });
    const transform = compileTransform(substitute('phone'), context(col));
    const expected = fakeValue('phone', seeder.seed('phone', '+44 20 7946 0958'), {
      maxLength: 30,
      unique: false,
      sourceLength: 16,
    });
    expect(transform('+44 20 7946 0958', [])).toBe(expected);
    expect(transform('+44 20 7946 0958', [])).toBe(expected);
  });

  it('gives an address not made of names fakeValue(email, seed(email, value))', () => {
    const col = column({ dataType: 'character varying(40)', baseType: 'varchar', maxLength: 40 });
    const transform = compileTransform(substitute('email'), context(col));
    for (const value of ['a.b.c.d@corp.invalid', 'jürgen@corp.invalid', 'no-at-sign']) {
      const expected = fakeValue('email', seeder.seed('email', value), {
        maxLength: 40,
        unique: false,
        sourceLength: value.length,
      });
      expect(transform(value, [])).toBe(expected);
    }
  });

  it('gives a login built from names other digits, not other names, when the first build may be real', () => {
    const col = column({ dataType: 'character varying(60)', baseType: 'varchar', maxLength: 60 });
    const plain = compileTransform(substitute('username'), context(col));
    const first = plain('elif_okonkwo17', []);
    expect(first).toMatch(/^[a-z]+_[a-z]+\d{2}$/);
    // The source may hold that exact login (a Bloom filter's false positive, or a real clash).
    const isSourceValue = (v: string): boolean => v === first;
    const redrawn = compileTransform(substitute('username'), context(col, { isSourceValue }))(
      'elif_okonkwo17',
      [],
    );
    expect(redrawn).not.toBe(first);
    expect(redrawn?.replace(/\d+$/, '')).toBe(first?.replace(/\d+$/, ''));
  });

  it('builds a full name from the fakes its parts get in first- and last-name columns', () => {
    const col = column({ dataType: 'text', baseType: 'text', maxLength: null });
    const first = compileTransform(substitute('first_name'), context(col));
    const last = compileTransform(substitute('last_name'), context(col));
    const full = compileTransform(substitute('full_name'), context(col));
    expect(full('Mary Smith', [])).toBe(`${first('Mary', [])} ${last('Smith', [])}`);
    expect(full('SMITH, Mary', [])).toBe(`${last('SMITH', [])}, ${first('Mary', [])}`);
    expect(full('Ludwig van Beethoven', [])).toBe(`${first('Ludwig', [])} van ${last('Beethoven', [])}`);
    expect(full('J. Smith', [])).toBe(`${first('J', [])?.charAt(0)}. ${last('Smith', [])}`);
    // Not shaped like a name: an independent fake, as before.
    expect(full('Mary Smith 3rd', [])).toBe(
      fakeValue('full_name', seeder.seed('full_name', 'Mary Smith 3rd'), { sourceLength: 14 }),
    );
  });

  it('gives the same fake in every column sharing a scope, another under another scope', () => {
    const a = compileTransform(substitute('last_name', 'person'), context(column({ name: 'a' })));
    const b = compileTransform(substitute('last_name', 'person'), context(column({ name: 'b' })));
    const c = compileTransform(substitute('last_name'), context(column({ name: 'c' })));
    const outputs = ['Lovelace', 'Hopper', 'Curie'].map((v) => [a(v, []), b(v, []), c(v, [])]);
    for (const [x, y] of outputs) expect(x).toBe(y);
    expect(outputs.filter(([x, , z]) => x !== z).length).toBeGreaterThan(0);
  });

  it('depends on the key', () => {
    const mine = compileTransform(substitute('full_name'), context(column()));
    const theirs = compileTransform(substitute('full_name'), { ...context(column()), seeder: otherSeeder });
    const inputs = Array.from({ length: 20 }, (_, i) => `person ${i}`);
    expect(inputs.filter((v) => mine(v, []) !== theirs(v, [])).length).toBeGreaterThan(15);
  });

  it('keeps NULL and empty text', () => {
    const transform = compileTransform(substitute('first_name'), context(column()));
    expect(transform(null, [])).toBeNull();
    expect(transform('', [])).toBe('');
  });

  it('fits the column length', () => {
    const col = column({ dataType: 'character varying(12)', baseType: 'varchar', maxLength: 12 });
    const transform = compileTransform(substitute('email'), context(col));
    for (let i = 0; i < 200; i++)
      expect(transform(`someone.${i}@corp.invalid`, [])!.length).toBeLessThanOrEqual(12);
  });

  it('keeps a unique column unique', () => {
    const transform = compileTransform(substitute('email'), context(column(), { isUnique: true }));
    const outputs = new Set(Array.from({ length: 20_000 }, (_, i) => transform(`user${i}@corp.invalid`, [])));
    expect(outputs.size).toBe(20_000);
  });

  it('substitutes each element of an array, keeping NULL elements and quoting', () => {
    const col = column({
      dataType: 'text[]',
      baseType: '_text',
      category: 'array',
      elementCategory: 'string',
    });
    const transform = compileTransform(substitute('first_name'), context(col));
    const scalar = compileTransform(substitute('first_name'), context(column()));
    const out = transform('{Ada,NULL,"Grace Hopper",Ada}', []);
    expect(out).toBe(`{${scalar('Ada', [])},NULL,${scalar('Grace Hopper', [])},${scalar('Ada', [])}}`);
  });

  it('keeps integers in their type’s range and decimals in their shape', () => {
    const int2 = compileTransform(
      substitute('number'),
      context(column({ dataType: 'smallint', baseType: 'int2', category: 'integer' })),
    );
    const numeric = compileTransform(
      substitute('number'),
      context(column({ dataType: 'numeric(8,2)', baseType: 'numeric', category: 'decimal' })),
    );
    const int8Array = compileTransform(
      substitute('number'),
      context(
        column({ dataType: 'bigint[]', baseType: '_int8', category: 'array', elementCategory: 'integer' }),
      ),
    );
    for (let i = 0; i < 300; i++) {
      const small = Number(int2(String(30_000 + i), []));
      expect(small).toBeGreaterThanOrEqual(10_000);
      expect(small).toBeLessThanOrEqual(32_767);
      expect(numeric(`-${100 + i}.25`, [])).toMatch(/^-[1-9]\d\d\.\d\d$/);
    }
    expect(int8Array('{9223372036854775807,NULL,-5}', [])).toMatch(/^\{\d{19},NULL,-\d\}$/);
  });

  it('writes valid fakes into uuid, date and inet columns', () => {
    const uuid = compileTransform(
      substitute('uuid'),
      context(column({ dataType: 'uuid', baseType: 'uuid', category: 'uuid' })),
    );
    const dob = compileTransform(
      substitute('date_of_birth'),
      context(column({ dataType: 'date', baseType: 'date', category: 'date' })),
    );
    const ip = compileTransform(
      substitute('ip_address'),
      context(column({ dataType: 'inet', baseType: 'inet', category: 'network' })),
    );
    expect(uuid('0b8e2c1a-0000-4000-8000-000000000001', [])).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(dob('1980-05-12', [])).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(ip('10.1.2.3/24', [])).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
