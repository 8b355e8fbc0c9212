import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';
import { Secret } from '../core/index.js';
import type { EntityKind } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { columnFakeOf } from './column-fake-of.js';
import { compileTransform } from './compile-transform.js';
import type { ColumnContext } from './value-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 4)));
const base: ColumnContext = {
  column: columnInfo(),
  seeder,
  isUnique: false,
  columnIndexByName: new Map(),
  rowKeyIndexes: [],
};

function column(kind: EntityKind, extra: Partial<ColumnContext> = {}): (value: string) => string | null {
  const transform = compileTransform({ kind: 'substitute', entity: kind }, { ...base, ...extra });
  return (value) => transform(value, []);
}

describe('columnFakeOf', () => {
  it('gives a span the fake a substituted column of its kind gives the value', () => {
    const span = columnFakeOf(base);
    expect(span('first_name', 'Mary')).toBe(column('first_name')('Mary'));
    // A name in capitals in the column, capitalized in the text: one fake, in each one's case.
    expect(span('first_name', 'Mary').toUpperCase()).toBe(column('first_name')('MARY'));
    expect(span('email', 'ann.lee@corp.example')).toBe(column('email')('ann.lee@corp.example'));
    expect(span('full_name', 'Ada Lovelace')).toBe(column('full_name')('Ada Lovelace'));
    expect(span('phone', '+44 20 7946 0958')).toBe(column('phone')('+44 20 7946 0958'));
  });

  it('draws again as the column does when the fake may be a real value of the kind’s scope', () => {
    const fake = column('last_name')('Lee') as string;
    const isScopeValue = (scope: string, v: string): boolean => scope === 'last_name' && v === fake;
    const span = columnFakeOf({ ...base, isScopeValue });
    const redrawn = span('last_name', 'Lee');
    expect(redrawn).not.toBe(fake);
    expect(redrawn).toBe(column('last_name', { isSourceValue: (v) => isScopeValue('last_name', v) })('Lee'));
  });

  it('gives a span the unique form when a unique column holds its scope, so both stay one fake', () => {
    const isUniqueScope = (scope: string): boolean => scope === 'email';
    const span = columnFakeOf({ ...base, isUniqueScope });
    const unique = column('email', { isUnique: true })('ann.lee@corp.example');
    expect(span('email', 'ann.lee@corp.example')).toBe(unique);
    expect(unique).not.toBe(column('email')('ann.lee@corp.example'));
    // Other kinds are not unique: a phone in the text is the phone column's fake.
    expect(span('phone', '+44 20 7946 0958')).toBe(column('phone')('+44 20 7946 0958'));
    // A name in prose stays its parts' fakes even when a unique column holds full names.
    const names = columnFakeOf({ ...base, isUniqueScope: () => true });
    expect(names('full_name', 'Ada Lovelace')).toBe(column('full_name')('Ada Lovelace'));
    expect(names('full_name', 'Ada Lovelace')).not.toBe(
      column('full_name', { isUnique: true })('Ada Lovelace'),
    );
  });

  it('gives a JSON leaf of a unique scope the unique column’s fake', () => {
    const isUniqueScope = (scope: string): boolean => scope === 'email';
    const json = compileTransform(
      { kind: 'json', paths: { '$.contact.email': { kind: 'substitute', entity: 'email' } }, other: 'keep' },
      {
        ...base,
        column: columnInfo({ dataType: 'jsonb', baseType: 'jsonb', category: 'json' }),
        isUniqueScope,
      },
    );
    const out = JSON.parse(json('{"contact":{"email":"ann.lee@corp.example"}}', []) ?? 'null') as {
      contact: { email: string };
    };
    expect(out.contact.email).toBe(column('email', { isUnique: true })('ann.lee@corp.example'));
  });
});
