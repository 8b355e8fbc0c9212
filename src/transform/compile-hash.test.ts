import { createHmac, hkdfSync } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';

import { Secret } from '../core/index.js';
import type { ActionSpec } from '../core/index.js';
import { createKeyedSeeder, SEEDER_KEY_LABEL } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';
import type { KeyedSeeder } from '../fake-values/index.js';

const key = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i));
const seeder = createKeyedSeeder(new Secret(key));

const column = columnInfo;

function hash(action: ActionSpec, col = column(), with_: KeyedSeeder = seeder) {
  return compileTransform(action, {
    column: col,
    seeder: with_,
    isUnique: false,
    columnIndexByName: new Map(),
    rowKeyIndexes: [],
  });
}

describe('compileTransform(hash)', () => {
  it('writes the keyed HMAC-SHA256 of the value in hex, scope "hash"', () => {
    const subkey = Buffer.from(hkdfSync('sha256', key, new Uint8Array(0), SEEDER_KEY_LABEL, 32));
    const expected = createHmac('sha256', subkey).update('hash\0ada@corp.invalid').digest('hex');
    expect(hash({ kind: 'hash' })('ada@corp.invalid', [])).toBe(expected);
  });

  it('cuts to length, then to the column', () => {
    expect(hash({ kind: 'hash', length: 7 })('x', [])).toMatch(/^[0-9a-f]{7}$/);
    const short = column({ dataType: 'character varying(10)', baseType: 'varchar', maxLength: 10 });
    expect(hash({ kind: 'hash', length: 32 }, short)('x', [])).toMatch(/^[0-9a-f]{10}$/);
    expect(hash({ kind: 'hash', length: 500 })('x', [])).toHaveLength(64);
  });

  it('is deterministic across columns and depends on the key', () => {
    const a = hash({ kind: 'hash' }, column({ name: 'a' }));
    const b = hash({ kind: 'hash' }, column({ name: 'b' }));
    const other = hash({ kind: 'hash' }, column(), createKeyedSeeder(new Secret(Buffer.alloc(32, 3))));
    expect(a('joinable', [])).toBe(b('joinable', []));
    expect(a('joinable', [])).not.toBe(other('joinable', []));
  });

  it('keeps NULL and hashes array elements', () => {
    const arrayColumn = column({
      dataType: 'text[]',
      baseType: '_text',
      category: 'array',
      elementCategory: 'string',
    });
    const scalar = hash({ kind: 'hash', length: 8 });
    expect(scalar(null, [])).toBeNull();
    expect(hash({ kind: 'hash', length: 8 }, arrayColumn)('{a,NULL}', [])).toBe(`{${scalar('a', [])},NULL}`);
  });
});
