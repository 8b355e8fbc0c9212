import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';

import { GatewayError, Secret } from '../core/index.js';
import type { ActionSpec, ColumnInfo } from '../core/index.js';
import { createFormatCipher, createKeyedSeeder } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';
import { outputConstraints } from './output-constraints.js';

const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 7) % 256));
const seeder = createKeyedSeeder(new Secret(key));
const cipher = createFormatCipher(new Secret(key));

function encrypt(action: ActionSpec, column: ColumnInfo = columnInfo(), isUnique = false) {
  return compileTransform(action, {
    column,
    seeder,
    isUnique,
    columnIndexByName: new Map(),
    rowKeyIndexes: [],
  });
}

describe('compileTransform(encrypt)', () => {
  it('enciphers under the default scope "encrypt", reversibly, keeping NULL', () => {
    const transform = encrypt({ kind: 'encrypt', alphabet: 'auto' });
    const out = transform('ACC-00421337', []) as string;
    expect(out).toMatch(/^ACC-\d{8}$/);
    expect(out).not.toBe('ACC-00421337');
    expect(cipher.decrypt(out, 'encrypt', 'auto')).toBe('ACC-00421337');
    expect(transform(null, [])).toBeNull();
  });

  it('gives a key and its references one ciphertext when they share a scope, another under another scope', () => {
    const key = encrypt({ kind: 'encrypt', alphabet: 'digits', scope: 'account' });
    const reference = encrypt(
      { kind: 'encrypt', alphabet: 'digits', scope: 'account' },
      columnInfo({ name: 'account_ref' }),
    );
    const other = encrypt({ kind: 'encrypt', alphabet: 'digits', scope: 'invoice' });
    expect(reference('7700-1234-5678', [])).toBe(key('7700-1234-5678', []));
    expect(other('7700-1234-5678', [])).not.toBe(key('7700-1234-5678', []));
  });

  it('enciphers each element of an array column', () => {
    const array = columnInfo({
      dataType: 'text[]',
      baseType: '_text',
      category: 'array',
      elementCategory: 'string',
    });
    const out = encrypt({ kind: 'encrypt', alphabet: 'alphanumeric' }, array)('{AbCdEf,NULL,"x 123456"}', []);
    const elements = (out as string).slice(1, -1).split(',');
    expect(elements[0]).toMatch(/^[A-Z][a-z][A-Z][a-z][A-Z][a-z]$/);
    expect(elements[1]).toBe('NULL');
    expect(elements[2]).toMatch(/^"[a-z] \d{6}"$/);
  });

  it('stops on a value too short to encrypt, naming the column but never the value', () => {
    const transform = encrypt({ kind: 'encrypt', alphabet: 'digits' }, columnInfo({ name: 'pin' }));
    let caught: unknown;
    try {
      transform('PIN-4711', []);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    const error = caught as GatewayError;
    expect(error.code).toBe('transform_failed');
    expect(error.message).toContain('column "pin"');
    expect(error.message).toContain('only 4 characters to encrypt');
    expect(error.message).not.toContain('4711');
    expect(JSON.stringify(error.details)).not.toContain('4711');
  });

  it('fits text columns only, and not those too short for FF1; never collides, so unique columns take it', () => {
    const action: ActionSpec = { kind: 'encrypt', alphabet: 'auto' };
    expect(outputConstraints(action, columnInfo(), true)).toEqual({ fits: true, canCollide: false });
    const integer = columnInfo({ name: 'n', dataType: 'integer', baseType: 'int4', category: 'integer' });
    expect(outputConstraints(action, integer, false).problem).toBe(
      'column "n" (integer) is not a text column; encrypt keeps the format of text identifiers',
    );
    const short = columnInfo({ name: 'code', dataType: 'character(4)', baseType: 'bpchar', maxLength: 4 });
    expect(outputConstraints(action, short, false).problem).toMatch(
      /^column "code" \(character\(4\)\) is too short to encrypt: FF1 needs at least 6 digits, or 5 letters/,
    );
    const fiveChars = columnInfo({ name: 'c5', dataType: 'character(5)', baseType: 'bpchar', maxLength: 5 });
    expect(outputConstraints(action, fiveChars, false).fits).toBe(true);
    expect(outputConstraints({ kind: 'encrypt', alphabet: 'digits' }, fiveChars, false).fits).toBe(false);
    expect(() => encrypt(action, integer)).toThrow(/not a text column/);
  });
});
