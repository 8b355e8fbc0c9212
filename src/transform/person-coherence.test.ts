import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';
import { Secret } from '../core/index.js';
import type { ActionSpec, EntityKind } from '../core/index.js';
import { createKeyedSeeder, fakeValue } from '../fake-values/index.js';
import { compileTransform } from './compile-transform.js';
import type { ColumnContext, ValueTransform } from './value-transform.js';

const seeder = createKeyedSeeder(new Secret(Buffer.from(Array.from({ length: 32 }, (_, i) => 7 * i))));

function compile(entity: EntityKind, extra: Partial<ColumnContext> = {}, scope?: string): ValueTransform {
  const action: ActionSpec =
    scope === undefined ? { kind: 'substitute', entity } : { kind: 'substitute', entity, scope };
  return compileTransform(action, {
    column: columnInfo({ name: entity }),
    seeder,
    isUnique: false,
    columnIndexByName: new Map(),
    rowKeyIndexes: [],
    ...extra,
  });
}

const FIRSTS = ['Ann', 'Bob', 'Chen', 'Dana', 'Emil', 'Fatima', 'Gus', 'Hana', 'Ivo', 'Jules'];
const LASTS = ['Lee', 'Ray', 'Okafor', 'Novak', 'Silva', 'Berg', 'Kowalski', 'Rossi'];
const PEOPLE = FIRSTS.flatMap((first) => LASTS.map((last) => ({ first, last })));

describe('one person per row (substitute)', () => {
  const first = compile('first_name');
  const last = compile('last_name');

  it('builds an e-mail address and a username made of the row’s names from the row’s fake names', () => {
    const email = compile('email');
    const username = compile('username');
    for (const p of PEOPLE) {
      const f = first(p.first, []) as string;
      const l = last(p.last, []) as string;
      const real = `${p.first}.${p.last}@corp.example`.toLowerCase();
      expect(email(real, [])?.split('@')[0]).toBe(`${f}.${l}`.toLowerCase());
      expect(username(`${p.first}_${p.last}`, [])).toBe(`${f}_${l}`);
      // Pagila writes names and addresses in capitals: the same people, in capitals.
      expect(first(p.first.toUpperCase(), [])).toBe(f.toUpperCase());
      expect(email(`${p.first}.${p.last}@sakila.example`.toUpperCase(), [])?.split('@')[0]).toBe(
        `${f}.${l}`.toUpperCase(),
      );
    }
  });

  it('gives an address the same fake in any column of its scope, with or without names beside it', () => {
    const unique = { isUnique: true };
    const key = compile('email', unique, 'account');
    const reference = compile('email', unique, 'account');
    const values = PEOPLE.map((p) => `${p.first}.${p.last}@corp.example`.toLowerCase());
    const fakes = values.map((v) => key(v, [v, 'a name column']));
    expect(values.map((v) => reference(v, []))).toEqual(fakes);
    expect(new Set(fakes).size).toBe(values.length);
    for (const [i, p] of PEOPLE.entries())
      expect(fakes[i]).toMatch(new RegExp(`^${(first(p.first, []) ?? '').toLowerCase()}\\.`));
  });

  it('keeps a unique column unique when many people share names', () => {
    const email = compile('email', { isUnique: true });
    const out = new Set<string | null>();
    for (let i = 0; i < 10_000; i++) {
      const p = PEOPLE[i % PEOPLE.length] as (typeof PEOPLE)[0];
      out.add(email(`${p.first}.${p.last}${i >= PEOPLE.length ? i : ''}@corp.example`, []));
    }
    expect(out.size).toBe(10_000);
  });

  it('never writes a real value: a built address or name that may be real is drawn independently', () => {
    const plain = compile('email');
    const built = plain('ann.lee@corp.example', []) as string;
    const guarded = compile('email', { isSourceValue: (v) => v === built });
    expect(guarded('ann.lee@corp.example', [])).not.toBe(built);
    expect(guarded('ann.lee@corp.example', [])).toMatch(/@/);

    // The first-name scope holds the fake first name: the address's name is drawn again, as the column's is.
    const fakeAnn = first('Ann', []) as string;
    const isScopeValue = (scope: string, v: string): boolean => scope === 'first_name' && v === fakeAnn;
    const firstGuarded = compile('first_name', { isSourceValue: (v) => isScopeValue('first_name', v) });
    const emailGuarded = compile('email', { isScopeValue });
    const redrawn = firstGuarded('Ann', []) as string;
    expect(redrawn).not.toBe(fakeAnn);
    expect(emailGuarded('ann.lee@corp.example', [])?.split('@')[0]).toBe(
      `${redrawn}.${last('Lee', []) ?? ''}`.toLowerCase(),
    );
  });

  it('reads a lone name as a last name when the source holds it as one, not as a first name', () => {
    const isScopeValue = (scope: string, v: string): boolean =>
      (scope === 'last_name' && v === 'SCHNEIDER') || (scope === 'first_name' && v === 'Ann');
    const email = compile('email', { isScopeValue });
    expect(email('schneider9987@corp.example', [])).toMatch(
      new RegExp(`^${(last('Schneider', []) ?? '').toLowerCase()}\\d{4}@`),
    );
    expect(email('ann84@corp.example', [])).toMatch(
      new RegExp(`^${(first('Ann', []) ?? '').toLowerCase()}\\d\\d@`),
    );
  });

  it('gives independent fakes when the table turns coherence off', () => {
    const off = compile('email', { buildsFromNames: false });
    const value = 'ann.lee@corp.example';
    expect(off(value, [])).toBe(
      fakeValue('email', seeder.seed('email', value), { maxLength: null, unique: false }),
    );
    expect(off(value, [])).not.toBe(compile('email')(value, []));
    const username = compile('username', { buildsFromNames: false });
    expect(username('ann_lee', [])).toBe(fakeValue('username', seeder.seed('username', 'ann_lee')));
  });

  it('depends on the key', () => {
    const other = createKeyedSeeder(new Secret(Buffer.alloc(32, 1)));
    const theirs = compileTransform(
      { kind: 'substitute', entity: 'email' },
      {
        column: columnInfo(),
        seeder: other,
        isUnique: false,
        columnIndexByName: new Map(),
        rowKeyIndexes: [],
      },
    );
    const mine = compile('email');
    const values = PEOPLE.map((p) => `${p.first}.${p.last}@corp.example`);
    expect(values.filter((v) => mine(v, []) !== theirs(v, [])).length).toBeGreaterThan(values.length * 0.9);
  });
});

describe('one person in columns and in prose (redact_text)', () => {
  it('gives a name and an e-mail address quoted in a note the fakes their own columns get', () => {
    const email = compile('email');
    const name = compile('full_name');
    // A stand-in span finder: detection has its own tests; this checks what replaces a span.
    const findSpans = (text: string) =>
      [...text.matchAll(/Ann Lee|ann\.lee@corp\.example/g)].map((m) => ({
        type: m[0].includes('@') ? 'EMAIL_ADDRESS' : 'PERSON',
        start: m.index,
        end: m.index + m[0].length,
        substitute: m[0].includes('@') ? ('email' as const) : ('full_name' as const),
      }));
    const note = compileTransform(
      { kind: 'redact_text' },
      {
        column: columnInfo({ name: 'note' }),
        seeder,
        isUnique: false,
        columnIndexByName: new Map(),
        rowKeyIndexes: [],
        findSpans,
      },
    );
    const fakeEmail = email('ann.lee@corp.example', []) as string;
    const fakeName = name('Ann Lee', []) as string;
    expect(fakeEmail.split('@')[0]).not.toBe('ann.lee');
    expect(note('Ann Lee wrote from ann.lee@corp.example', [])).toBe(`${fakeName} wrote from ${fakeEmail}`);
  });
});
